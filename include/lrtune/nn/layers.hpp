// Layer specifications (what a user writes, Keras-like: Dense(128, "relu"), Dropout(0.2)) and
// the layer kernels the model runs on (batch, features) row-major matrices. The kernels never
// allocate: callers (BasicSequential) own parameters, workspaces and the dropout RNG.
#pragma once

#include <random>
#include <string_view>
#include <variant>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/activations.hpp"
#include "lrtune/nn/initializers.hpp"

namespace lrtune {

// Z = X W + b, A = activation(Z); kernel W (in, out), bias b (out) starting at zero.
struct Dense {
  Index units = 0;
  Activation activation = Activation::linear;
  Initializer kernel_initializer = Initializer::glorot_uniform;

  // Throws UsageError for units < 1 or an unknown name (listing the valid ones).
  explicit Dense(Index units, std::string_view activation = "linear",
                 std::string_view kernel_initializer = "glorot_uniform");
  Dense(Index units, Activation activation, Initializer kernel_initializer = Initializer::glorot_uniform);
  bool operator==(const Dense&) const = default;
};

// Inverted dropout as Keras: at training time each unit is kept with probability 1 - rate and
// scaled by 1 / (1 - rate); identity at inference.
struct Dropout {
  double rate = 0.0;
  explicit Dropout(double rate);  // throws unless 0 <= rate < 1
  bool operator==(const Dropout&) const = default;
};

using LayerSpec = std::variant<Dense, Dropout>;

using DropoutGenerator = std::mt19937_64;

// ---- kernels ----
// The products take an optional `scratch` vector: when given, the input gradient's transposes of
// dZ and dX live there (grown on first use, never shrunk), so repeated calls allocate nothing;
// when nullptr, they are allocated per call. The results are the same bits either way. The
// products run on the engine's own kernels (src/nn/dense_product.hpp, weight_gradient.hpp,
// input_gradient.hpp), each element computed the same way whatever the batch's other rows.

// Z = X W + b (overwritten), then A = f(Z) in the same pass over each row (A may be Z).
// X (batch, in), W (in, out), b (1, out), Z and A (batch, out).
template <typename T>
void dense_forward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& W,
                   const Eigen::Ref<const MatrixT<T>>& b, Activation activation, Eigen::Ref<MatrixT<T>> Z,
                   Eigen::Ref<MatrixT<T>> A, VectorT<T>* scratch = nullptr);

// From dZ (batch, out) = dL/dZ and the layer's input X (batch, in): overwrites dW (in, out) and
// db (1, out). Nothing is accumulated. dW must not overlap X or dZ. Allocates nothing: the weight
// gradient runs on the engine's own kernel, which needs no packing space (`scratch` is unused, kept
// for source compatibility).
template <typename T>
void dense_backward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& dZ,
                    Eigen::Ref<MatrixT<T>> dW, Eigen::Ref<MatrixT<T>> db, VectorT<T>* scratch = nullptr);
// Overwrites dX (batch, in) = dZ W^T (skipped by the model for its first layer). Uses `scratch`
// for (in + out) * batch elements.
template <typename T>
void dense_input_gradient(const Eigen::Ref<const MatrixT<T>>& W, const Eigen::Ref<const MatrixT<T>>& dZ,
                          Eigen::Ref<MatrixT<T>> dX, VectorT<T>* scratch = nullptr);

// Overwrites mask (batch, units) with 0 (dropped: u < rate) or 1 / (1 - rate) (kept), u uniform
// in [0, 1) from the top 53 bits of one draw per element, row by row.
template <typename T>
void dropout_mask(double rate, DropoutGenerator& generator, Eigen::Ref<MatrixT<T>> mask);

// Y = X ⊙ mask and dX = dY ⊙ mask (outputs overwritten; may alias their inputs).
template <typename T>
void dropout_forward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& mask,
                     Eigen::Ref<MatrixT<T>> Y);
template <typename T>
void dropout_backward(const Eigen::Ref<const MatrixT<T>>& dY, const Eigen::Ref<const MatrixT<T>>& mask,
                      Eigen::Ref<MatrixT<T>> dX);

}  // namespace lrtune
