// BasicSequential: orchestrates the layer kernels over one flat parameter buffer and per-layer
// workspaces that grow to the largest batch and never shrink (no allocation in steady training).
// Explicitly instantiated for float (training) and double (gradient checks).
#include "lrtune/nn/sequential.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "activation_kernels.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/limits.hpp"

namespace lrtune {
namespace {

const Dense* as_dense(const LayerSpec& spec) { return std::get_if<Dense>(&spec); }

std::string with_thousands(Index value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// One row of Keras' summary table: fields cut or padded to end at the column positions.
std::string summary_row(const std::vector<std::string>& fields) {
  constexpr std::size_t kPositions[] = {29, 55, 65};
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.back() = ' ';
    line += fields[i];
    line.resize(kPositions[i], ' ');
  }
  return line + "\n";
}

}  // namespace

template <typename T>
BasicSequential<T>::BasicSequential(Index input_dim, std::vector<LayerSpec> layers, std::uint64_t seed)
    : input_dim_(input_dim), specs_(std::move(layers)) {
  if (input_dim_ < 1) throw UsageError("Sequential: input_dim must be >= 1, got " + std::to_string(input_dim_));
  if (specs_.empty()) throw UsageError("Sequential: needs at least one layer (the last one a Dense)");
  if (as_dense(specs_.back()) == nullptr)
    throw UsageError("Sequential: the last layer must be a Dense (its pre-activation is the logits), got a Dropout");
  // The model file's caps (core/limits.hpp), checked before anything is allocated: a model that
  // can be built can be saved and loaded back.
  if (input_dim_ > limits::kMaxWidth)
    throw UsageError(fmt::format("Sequential: input_dim {} exceeds the limit of {}", input_dim_, limits::kMaxWidth));
  if (static_cast<std::int64_t>(specs_.size()) > limits::kMaxLayers)
    throw UsageError(fmt::format("Sequential: {} layers exceed the limit of {}", specs_.size(), limits::kMaxLayers));
  {
    std::int64_t in = input_dim_, count = 0;
    for (std::size_t k = 0; k < specs_.size(); ++k) {
      const Dense* dense = as_dense(specs_[k]);
      if (dense == nullptr) continue;
      if (dense->units > limits::kMaxWidth)
        throw UsageError(fmt::format("Sequential: layer {} has {} units, above the limit of {}", k, dense->units,
                                     limits::kMaxWidth));
      count += in * dense->units + dense->units;  // at most 2^48 + 2^24 per layer: no overflow
      if (count > limits::kMaxParameters)
        throw UsageError(fmt::format("Sequential: more than {} parameters", limits::kMaxParameters));
      in = dense->units;
    }
  }
  Index width = input_dim_;
  Index dense_count = 0, dropout_count = 0;
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    Work work;
    work.in = width;
    if (const Dense* dense = as_dense(specs_[k])) {
      const bool last = k + 1 == specs_.size();
      if (dense->activation == Activation::softmax && !last)
        throw UsageError("Sequential: softmax is allowed only on the last layer, found on layer " + std::to_string(k) +
                         " (use it for the output, another activation here)");
      const std::string name = dense_count == 0 ? "dense" : "dense_" + std::to_string(dense_count);
      ++dense_count;
      names_.push_back(name);
      layout_.add(name + "/kernel", {width, dense->units});
      work.kernel_block = layout_.blocks().size() - 1;
      layout_.add(name + "/bias", {dense->units});
      work.bias_block = layout_.blocks().size() - 1;
      work.out = dense->units;
      work.separate_z = last || dense->activation == Activation::gelu;
    } else {
      names_.push_back(dropout_count == 0 ? "dropout" : "dropout_" + std::to_string(dropout_count));
      ++dropout_count;
      work.out = width;
    }
    width = work.out;
    work_.push_back(std::move(work));
  }
  first_dense_ = 0;
  while (as_dense(specs_[first_dense_]) == nullptr) ++first_dense_;
  params_ = VectorT<T>::Zero(layout_.size());
  grads_ = VectorT<T>::Zero(layout_.size());
  initialize(seed);
}

template <typename T>
Index BasicSequential<T>::output_dim() const {
  return work_.back().out;
}

template <typename T>
Activation BasicSequential<T>::output_activation() const {
  return as_dense(specs_.back())->activation;
}

template <typename T>
std::string BasicSequential<T>::summary(std::string_view model_name) const {
  std::string text = "Model: \"" + std::string(model_name) + "\"\n";
  text += std::string(65, '_') + "\n";
  text += summary_row({" Layer (type)", "Output Shape", "Param #"});
  text += std::string(65, '=') + "\n";
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    const bool dense = as_dense(specs_[k]) != nullptr;
    const Index params = dense ? work_[k].in * work_[k].out + work_[k].out : 0;
    text += summary_row({" " + names_[k] + (dense ? " (Dense)" : " (Dropout)"),
                         "(None, " + std::to_string(work_[k].out) + ")", std::to_string(params)});
    text += summary_row({"", "", ""});
  }
  text += std::string(65, '=') + "\n";
  text += "Total params: " + with_thousands(parameter_count()) + "\n";
  text += "Trainable params: " + with_thousands(parameter_count()) + "\n";
  text += "Non-trainable params: 0\n";
  text += std::string(65, '_') + "\n";
  return text;
}

template <typename T>
void BasicSequential<T>::initialize(std::uint64_t seed) {
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    const Dense* dense = as_dense(specs_[k]);
    if (dense == nullptr) continue;
    InitGenerator generator(derive_seed(seed, k));
    initialize_kernel<T>(dense->kernel_initializer, block_map(params_.data(), layout_.blocks()[work_[k].kernel_block]),
                         generator);
    block_map(params_.data(), layout_.blocks()[work_[k].bias_block]).setZero();
  }
  grads_.setZero();
  dropout_rng_.seed(derive_seed(seed, specs_.size()));
  batch_ = 0;
  output_ready_ = false;
}

template <typename T>
Eigen::Map<MatrixT<T>> BasicSequential<T>::parameter(std::string_view block_name) {
  return block_map(params_.data(), layout_.block(block_name));
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::parameter(std::string_view block_name) const {
  return const_block_map(params_.data(), layout_.block(block_name));
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::gradient(std::string_view block_name) const {
  return const_block_map(grads_.data(), layout_.block(block_name));
}

template <typename T>
void BasicSequential<T>::set_parameters(std::span<const T> values) {
  if (static_cast<Index>(values.size()) != params_.size())
    throw UsageError("set_parameters: got " + std::to_string(values.size()) + " values, the model has " +
                     std::to_string(params_.size()));
  std::copy(values.begin(), values.end(), params_.data());
  output_ready_ = false;
}

template <typename T>
void BasicSequential<T>::ensure_capacity(Index rows) {
  if (rows <= capacity_) return;
  Index widest = input_dim_;
  for (std::size_t k = 0; k < work_.size(); ++k) {
    Work& work = work_[k];
    widest = std::max(widest, work.out);
    work.a.resize(rows * work.out);
    if (as_dense(specs_[k]) != nullptr) {
      if (work.separate_z) work.z.resize(rows * work.out);
    } else {
      work.mask.resize(rows * work.out);
    }
  }
  input_.resize(rows * input_dim_);
  grad_a_.resize(rows * widest);
  grad_b_.resize(rows * widest);
  dlogits_.resize(rows * output_dim());
  y_batch_.resize(rows * output_dim());
  capacity_ = rows;
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::layer_output(std::ptrdiff_t layer) const {
  // A Dropout that did not run (inference, or rate 0) passes its input through.
  while (layer >= 0 && as_dense(specs_[layer]) == nullptr &&
         !(training_ && std::get<Dropout>(specs_[layer]).rate > 0.0))
    --layer;
  if (layer < 0) return {input_.data(), batch_, input_dim_};
  const Work& work = work_[layer];
  return {work.a.data(), batch_, work.out};
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::forward(const Eigen::Ref<const MatrixT<T>>& X, bool training) {
  if (X.cols() != input_dim_)
    throw UsageError("forward: X has " + std::to_string(X.cols()) + " columns, the model expects " +
                     std::to_string(input_dim_));
  if (X.rows() < 1) throw UsageError("forward: X has no rows");
  ensure_capacity(X.rows());
  batch_ = X.rows();
  view(input_, input_dim_) = X;
  return run_forward(training);
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::forward(const Eigen::Ref<const MatrixT<T>>& X,
                                                         std::span<const Index> rows, bool training) {
  if (X.cols() != input_dim_)
    throw UsageError("forward: X has " + std::to_string(X.cols()) + " columns, the model expects " +
                     std::to_string(input_dim_));
  if (rows.empty()) throw UsageError("forward: the batch has no rows");
  for (const Index row : rows)
    if (row < 0 || row >= X.rows())
      throw UsageError("forward: row index " + std::to_string(row) + " outside X's 0.." + std::to_string(X.rows() - 1));
  ensure_capacity(static_cast<Index>(rows.size()));
  batch_ = static_cast<Index>(rows.size());
  auto input = view(input_, input_dim_);  // (batch, input_dim)
  for (Index i = 0; i < batch_; ++i) input.row(i) = X.row(rows[i]);
  return run_forward(training);
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::run_forward(bool training) {
  training_ = training;
  output_ready_ = false;
  const auto& blocks = layout_.blocks();
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    Work& work = work_[k];
    const auto input = layer_output(static_cast<std::ptrdiff_t>(k) - 1);  // (batch, in)
    if (const Dense* dense = as_dense(specs_[k])) {
      const auto W = const_block_map(params_.data(), blocks[work.kernel_block]);  // (in, out)
      const auto b = const_block_map(params_.data(), blocks[work.bias_block]);    // (1, out)
      const bool last = k + 1 == specs_.size();
      if (last) {
        auto Z = view(work.z, work.out);  // (batch, outputs): the logits
        dense_forward<T>(input, W, b, Activation::linear, Z, Z, &gemm_scratch_);
      } else if (work.separate_z) {
        dense_forward<T>(input, W, b, dense->activation, view(work.z, work.out), view(work.a, work.out),
                         &gemm_scratch_);
      } else {
        auto A = view(work.a, work.out);  // (batch, out): Z, then f(Z) in place
        dense_forward<T>(input, W, b, dense->activation, A, A, &gemm_scratch_);
      }
    } else if (training && std::get<Dropout>(specs_[k]).rate > 0.0) {
      auto mask = view(work.mask, work.out);  // (batch, units)
      dropout_mask<T>(std::get<Dropout>(specs_[k]).rate, dropout_rng_, mask);
      dropout_forward<T>(input, mask, view(work.a, work.out));
    }
  }
  return {work_.back().z.data(), batch_, output_dim()};
}

template <typename T>
Eigen::Map<const MatrixT<T>> BasicSequential<T>::output() {
  if (batch_ == 0) throw std::logic_error("output: call forward (or predict) first");
  Work& work = work_.back();
  if (!output_ready_) {
    detail::activate<T>(output_activation(), view(work.z, work.out), view(work.a, work.out));
    output_ready_ = true;
  }
  return {work.a.data(), batch_, work.out};
}

template <typename T>
MatrixT<T> BasicSequential<T>::predict(const Eigen::Ref<const MatrixT<T>>& X, Index batch_size) {
  if (batch_size < 1) throw UsageError("predict: batch_size must be >= 1, got " + std::to_string(batch_size));
  MatrixT<T> result(X.rows(), output_dim());  // (rows, outputs)
  for (Index start = 0; start < X.rows(); start += batch_size) {
    const Index rows = std::min(batch_size, X.rows() - start);
    forward(X.middleRows(start, rows), false);
    result.middleRows(start, rows) = output();
  }
  return result;
}

template <typename T>
void BasicSequential<T>::backward(const Eigen::Ref<const MatrixT<T>>& dlogits) {
  if (batch_ == 0) throw std::logic_error("backward: call forward first");
  if (dlogits.rows() != batch_ || dlogits.cols() != output_dim())
    throw UsageError("backward: dlogits is (" + std::to_string(dlogits.rows()) + ", " + std::to_string(dlogits.cols()) +
                     "), the last forward's logits are (" + std::to_string(batch_) + ", " +
                     std::to_string(output_dim()) + ")");
  const T* dz = dlogits.data();  // dL/dZ of the layer being processed, (batch, out) contiguous
  if (dlogits.outerStride() != dlogits.cols()) {
    view(dlogits_, output_dim()) = dlogits;
    dz = dlogits_.data();
  }
  const auto& blocks = layout_.blocks();
  VectorT<T>* next = &grad_a_;  // where the next dX goes; dz never points into it
  for (std::ptrdiff_t k = static_cast<std::ptrdiff_t>(specs_.size()) - 1; k >= 0; --k) {
    Work& work = work_[k];
    const Dense* dense = as_dense(specs_[k]);
    if (dense == nullptr) {
      // dX = dY ⊙ mask, in place (a Dropout that did not run passes dY through)
      if (training_ && std::get<Dropout>(specs_[k]).rate > 0.0) {
        Eigen::Map<MatrixT<T>> dY(const_cast<T*>(dz), batch_, work.out);
        dY.array() *= view(work.mask, work.out).array();
      }
      continue;
    }
    const bool top = static_cast<std::size_t>(k) + 1 == specs_.size();
    if (!top) {
      // dZ = dA ⊙ f'(Z), in place over dA (it lives in a ping-pong buffer of ours)
      Eigen::Map<MatrixT<T>> dA(const_cast<T*>(dz), batch_, work.out);
      const auto A = view(work.a, work.out);
      const auto Z = work.separate_z ? view(work.z, work.out) : A;
      detail::activate_backward<T>(dense->activation, Z, A, dA, dA);
    }
    const Eigen::Map<const MatrixT<T>> dZ(dz, batch_, work.out);  // (batch, out)
    dense_backward<T>(layer_output(k - 1), dZ, block_map(grads_.data(), blocks[work.kernel_block]),
                      block_map(grads_.data(), blocks[work.bias_block]), &gemm_scratch_);
    if (k == first_dense_) break;                              // no dX for the first layer
    Eigen::Map<MatrixT<T>> dX(next->data(), batch_, work.in);  // (batch, in)
    dense_input_gradient<T>(const_block_map(params_.data(), blocks[work.kernel_block]), dZ, dX, &gemm_scratch_);
    dz = next->data();
    next = next == &grad_a_ ? &grad_b_ : &grad_a_;
  }
}

template <typename T>
double BasicSequential<T>::forward_backward(const Eigen::Ref<const MatrixT<T>>& X,
                                            const Eigen::Ref<const MatrixT<T>>& y_true, Loss loss, bool training) {
  const auto logits = forward(X, training);
  auto dlogits = view(dlogits_, output_dim());  // (batch, outputs)
  const double value = loss_and_gradient<T>(loss, output_activation(), logits, y_true, dlogits);
  backward(dlogits);
  return value;
}

template <typename T>
double BasicSequential<T>::forward_backward(const Eigen::Ref<const MatrixT<T>>& X,
                                            const Eigen::Ref<const MatrixT<T>>& y_true, std::span<const Index> rows,
                                            Loss loss, bool training, const VectorT<T>* sample_weights) {
  if (y_true.rows() != X.rows())
    throw UsageError("forward_backward: X has " + std::to_string(X.rows()) + " rows but y_true has " +
                     std::to_string(y_true.rows()));
  if (y_true.cols() != output_dim())
    throw UsageError("forward_backward: y_true has " + std::to_string(y_true.cols()) + " columns, the model has " +
                     std::to_string(output_dim()) + " outputs");
  const auto logits = forward(X, rows, training);
  auto targets = view(y_batch_, output_dim());  // (batch, outputs)
  for (Index i = 0; i < batch_; ++i) targets.row(i) = y_true.row(rows[i]);
  auto dlogits = view(dlogits_, output_dim());  // (batch, outputs)
  if (sample_weights == nullptr) {
    const double value = loss_and_gradient<T>(loss, output_activation(), logits, targets, dlogits);
    backward(dlogits);
    return value;
  }
  if (sample_weights->size() != X.rows())
    throw UsageError("forward_backward: " + std::to_string(sample_weights->size()) + " sample weights for " +
                     std::to_string(X.rows()) + " rows of X; give one weight per row");
  VectorT<T> weights(batch_);  // (batch,): the batch's rows of sample_weights
  for (Index i = 0; i < batch_; ++i) weights(i) = (*sample_weights)(rows[i]);
  const double value = loss_and_gradient<T>(loss, output_activation(), logits, targets, weights, dlogits);
  backward(dlogits);
  return value;
}

template <typename T>
ModelState<T> BasicSequential<T>::state() const {
  return ModelState<T>{params_, dropout_rng_};
}

template <typename T>
void BasicSequential<T>::load_state(const ModelState<T>& state) {
  if (state.parameters.size() != params_.size())
    throw UsageError("load_state: the state has " + std::to_string(state.parameters.size()) +
                     " parameters, the model has " + std::to_string(params_.size()));
  params_ = state.parameters;
  dropout_rng_ = state.dropout_rng;
  output_ready_ = false;
}

template <typename T>
template <typename U>
BasicSequential<U> BasicSequential<T>::cast() const {
  BasicSequential<U> other(input_dim_, specs_, 0);
  other.params_ = params_.template cast<U>();
  other.dropout_rng_ = dropout_rng_;
  return other;
}

template class BasicSequential<float>;
template class BasicSequential<double>;
template BasicSequential<double> BasicSequential<float>::cast<double>() const;
template BasicSequential<float> BasicSequential<double>::cast<float>() const;
template BasicSequential<float> BasicSequential<float>::cast<float>() const;
template BasicSequential<double> BasicSequential<double>::cast<double>() const;

}  // namespace lrtune
