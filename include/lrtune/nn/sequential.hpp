// BasicSequential<T>: a Keras-like stack of Dense and Dropout layers over one flat parameter
// buffer, with forward, backward (into a flat gradient buffer), predict, summary, seeding,
// snapshots and casts. Optimizers, batching, fit loops and model files are left to optim, train, io.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/activations.hpp"
#include "lrtune/nn/layers.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/parameters.hpp"

namespace lrtune {

// Everything needed to continue exactly where a model was: its weights and its dropout RNG.
template <typename T>
struct ModelState {
  VectorT<T> parameters;  // (parameter_count)
  DropoutGenerator dropout_rng;
  bool operator==(const ModelState& other) const {
    return parameters.size() == other.parameters.size() && parameters == other.parameters &&
           dropout_rng == other.dropout_rng;
  }
};

template <typename T>
class BasicSequential {
 public:
  using Scalar = T;

  // A model reading `input_dim` features through `layers` (the last one must be Dense; softmax
  // only there), weights drawn by initialize(seed). Layer names follow Keras: dense, dense_1, ...,
  // dropout, dropout_1, ...; weight blocks "<layer>/kernel" (in, out) and "<layer>/bias" (out),
  // packed in layer order. Throws UsageError on a bad architecture.
  BasicSequential(Index input_dim, std::vector<LayerSpec> layers, std::uint64_t seed = 0);

  // ---- architecture ----
  Index input_dim() const { return input_dim_; }
  Index output_dim() const;
  Activation output_activation() const;
  const std::vector<LayerSpec>& layers() const { return specs_; }
  const std::vector<std::string>& layer_names() const { return names_; }
  const ParameterLayout& layout() const { return layout_; }  // named blocks of both buffers
  Index parameter_count() const { return layout_.size(); }
  // Keras' model.summary() table (TF 2.x layout: Layer (type), Output Shape, Param #, totals).
  std::string summary(std::string_view model_name = "sequential") const;

  // ---- parameters and gradients: two flat buffers of one layout ----
  // Re-draws every kernel (layer k from stream derive_seed(seed, k)), zeroes every bias, zeroes the
  // gradients and reseeds the dropout RNG (stream derive_seed(seed, layers().size())). Same seed,
  // bit-identical weights on any machine.
  void initialize(std::uint64_t seed);
  std::span<T> parameters() { return {params_.data(), static_cast<std::size_t>(params_.size())}; }
  std::span<const T> parameters() const { return {params_.data(), static_cast<std::size_t>(params_.size())}; }
  std::span<T> gradients() { return {grads_.data(), static_cast<std::size_t>(grads_.size())}; }
  std::span<const T> gradients() const { return {grads_.data(), static_cast<std::size_t>(grads_.size())}; }
  // (rows, cols) views of one named block (a bias is (1, out)); throws naming the valid blocks.
  Eigen::Map<MatrixT<T>> parameter(std::string_view block_name);
  Eigen::Map<const MatrixT<T>> parameter(std::string_view block_name) const;
  Eigen::Map<const MatrixT<T>> gradient(std::string_view block_name) const;
  // Copies `values` (parameter_count) into the parameter buffer.
  void set_parameters(std::span<const T> values);

  // ---- computation ----
  // Runs the batch X (batch, input_dim) and returns the logits (batch, outputs): the last Dense
  // layer's pre-activation. training = true draws fresh dropout masks; false makes Dropout the
  // identity. X is copied, so it may die after the call. The returned view stays valid until the
  // next forward/predict/forward_backward or until the model is moved or destroyed. Workspaces grow
  // to the largest batch seen and never shrink, so steady training does not allocate.
  Eigen::Map<const MatrixT<T>> forward(const Eigen::Ref<const MatrixT<T>>& X, bool training);
  // The same for the batch made of X's rows `rows` (in that order), gathered straight into the
  // model's input workspace: the shuffled-epoch path without a gathered copy by the caller.
  // Throws UsageError for a row outside X.
  Eigen::Map<const MatrixT<T>> forward(const Eigen::Ref<const MatrixT<T>>& X, std::span<const Index> rows,
                                       bool training);
  // The last forward's output after the output activation (probabilities or values), (batch, outputs);
  // computed on first use after each forward. Throws std::logic_error before any forward.
  Eigen::Map<const MatrixT<T>> output();
  // Inference (training = false) in batches of batch_size rows; returns (rows, outputs) after the
  // output activation. Reuses the forward workspaces (the last forward's state is lost).
  MatrixT<T> predict(const Eigen::Ref<const MatrixT<T>>& X, Index batch_size = 32);

  // Back-propagates dlogits (batch, outputs) = dL/dlogits of the last forward's batch and
  // OVERWRITES the whole gradient buffer with dL/dparameters (nothing accumulates across calls;
  // accumulate yourself if you need it). Uses the dropout masks of that forward (none if it ran
  // with training = false). No gradient with respect to X is computed. dlogits may live anywhere
  // (even in a buffer of the caller) but must not alias the model's workspaces.
  void backward(const Eigen::Ref<const MatrixT<T>>& dlogits);

  // One training step's gradients: forward(X, training), the loss against y_true (batch, outputs),
  // backward; overwrites the gradient buffer and returns the batch's mean loss. Keeps its dlogits
  // workspace, so steady training allocates nothing. output() is valid afterwards (for metrics).
  double forward_backward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& y_true, Loss loss,
                          bool training = true);
  // The same for the batch of rows `rows` of X and y_true (gathered into workspaces, no allocation).
  // sample_weights, when given, holds one weight per row of X (X.rows(),); the batch's rows of it
  // weight the loss as loss_and_gradient's weighted form does. nullptr: the unweighted path.
  double forward_backward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& y_true,
                          std::span<const Index> rows, Loss loss, bool training = true,
                          const VectorT<T>* sample_weights = nullptr);

  // ---- state ----
  ModelState<T> state() const;
  // Restores weights and dropout RNG; throws UsageError if the size differs.
  void load_state(const ModelState<T>& state);
  DropoutGenerator& dropout_rng() { return dropout_rng_; }

  // The same architecture in scalar type U: weights cast, dropout RNG copied, gradients zero.
  template <typename U>
  BasicSequential<U> cast() const;

 private:
  template <typename U>
  friend class BasicSequential;

  // Per-layer workspaces, (capacity_, width) row-major, viewed as (batch_, width) from the start.
  struct Work {
    Index in = 0, out = 0;                         // input and output widths
    std::size_t kernel_block = 0, bias_block = 0;  // Dense: positions in layout_.blocks()
    bool separate_z = false;                       // Dense: Z kept apart from A (gelu, last layer)
    VectorT<T> z, a;                               // Dense: pre-activation, activation; Dropout: a = output
    VectorT<T> mask;                               // Dropout
  };

  void ensure_capacity(Index rows);
  Eigen::Map<const MatrixT<T>> run_forward(bool training);  // input_ holds the batch
  Eigen::Map<MatrixT<T>> view(VectorT<T>& buffer, Index cols) { return {buffer.data(), batch_, cols}; }
  Eigen::Map<const MatrixT<T>> layer_output(std::ptrdiff_t layer) const;  // -1: the copied input

  Index input_dim_ = 0;
  std::vector<LayerSpec> specs_;
  std::vector<std::string> names_;
  ParameterLayout layout_;
  VectorT<T> params_;  // (parameter_count)
  VectorT<T> grads_;   // (parameter_count), same layout
  DropoutGenerator dropout_rng_;

  std::vector<Work> work_;
  VectorT<T> input_;                // (capacity_, input_dim): the last forward's X
  VectorT<T> grad_a_, grad_b_;      // (capacity_, widest layer): backward ping-pong
  VectorT<T> dlogits_;              // (capacity_, outputs): forward_backward's loss gradient
  VectorT<T> y_batch_;              // (capacity_, outputs): gathered targets of forward_backward(rows)
  VectorT<T> gemm_scratch_;         // the input gradient's transposes, grown once (see layers.hpp)
  std::ptrdiff_t first_dense_ = 0;  // backward computes no dX below it
  Index capacity_ = 0;              // rows the workspaces hold
  Index batch_ = 0;                 // rows of the last forward (0: none yet)
  bool training_ = false;           // the last forward's mode
  bool output_ready_ = false;       // output() computed for the last forward
};

using Sequential = BasicSequential<float>;
using SequentialD = BasicSequential<double>;

extern template class BasicSequential<float>;
extern template class BasicSequential<double>;

}  // namespace lrtune
