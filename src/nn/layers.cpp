// Dense and Dropout: spec validation and the kernels BasicSequential runs (fused bias +
// activation per row, weight gradients, input gradients, inverted-dropout masks).
#include "lrtune/nn/layers.hpp"

#include <stdexcept>
#include <string>

#include "activation_kernels.hpp"
#include "dense_product.hpp"
#include "input_gradient.hpp"
#include "lrtune/core/error.hpp"
#include "weight_gradient.hpp"

namespace lrtune {

Dense::Dense(Index units, std::string_view activation, std::string_view kernel_initializer)
    : Dense(units, activation_from_name(activation), initializer_from_name(kernel_initializer)) {}

Dense::Dense(Index units, Activation activation, Initializer kernel_initializer)
    : units(units), activation(activation), kernel_initializer(kernel_initializer) {
  if (units < 1) throw UsageError("Dense: units must be >= 1, got " + std::to_string(units));
}

Dropout::Dropout(double rate) : rate(rate) {
  if (!(rate >= 0.0 && rate < 1.0)) throw UsageError("Dropout: rate must be in [0, 1), got " + std::to_string(rate));
}

template <typename T>
void dense_forward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& W,
                   const Eigen::Ref<const MatrixT<T>>& b, Activation activation, Eigen::Ref<MatrixT<T>> Z,
                   Eigen::Ref<MatrixT<T>> A, VectorT<T>* /*scratch*/) {
  // Z = b (broadcast), then Z += X W by the engine's kernel (dense_product.hpp), the bias each
  // chain's start: no packing of W per call, and a row's result independent of the batch size.
  Z.rowwise() = b.row(0);
  detail::dense_product<T>(Z.rows(), X.cols(), Z.cols(), X.data(), X.outerStride(), W.data(), W.outerStride(), Z.data(),
                           Z.outerStride());
  // A = f(Z), one pass (A may be Z)
  detail::activate<T>(activation, Z, A);
}

template <typename T>
void dense_backward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& dZ,
                    Eigen::Ref<MatrixT<T>> dW, Eigen::Ref<MatrixT<T>> db, VectorT<T>* /*scratch*/) {
  // dW = X^T dZ, written straight into dW by the engine's kernel (weight_gradient.hpp), which at
  // the step's shapes takes 0.4-0.65 of Eigen's GEMM; the packing space is not needed for it.
  detail::weight_gradient<T>(X.rows(), X.cols(), dZ.cols(), X.data(), X.outerStride(), dZ.data(), dZ.outerStride(),
                             dW.data(), dW.outerStride());
  // db = sum over the batch of dZ
  db.row(0) = dZ.colwise().sum();
}

template <typename T>
void dense_input_gradient(const Eigen::Ref<const MatrixT<T>>& W, const Eigen::Ref<const MatrixT<T>>& dZ,
                          Eigen::Ref<MatrixT<T>> dX, VectorT<T>* scratch) {
  if (dZ.cols() == 1) {
    // dX = dZ w^T (an outer product when the layer has one unit: one rounding per element)
    dX.noalias() = dZ.col(0) * W.col(0).transpose();
    return;
  }
  // dX = dZ W^T by the engine's kernel (input_gradient.hpp): W read in place instead of packed on
  // every call, and a row's result independent of the other rows in the batch. Without a scratch
  // vector the transposes take a local one, so both calls give the same bits.
  VectorT<T> local;
  detail::input_gradient<T>(dX.rows(), dX.cols(), dZ.cols(), dZ.data(), dZ.outerStride(), W.data(), W.outerStride(),
                            dX.data(), dX.outerStride(), scratch != nullptr ? *scratch : local);
}

template <typename T>
void dropout_mask(double rate, DropoutGenerator& generator, Eigen::Ref<MatrixT<T>> mask) {
  const T keep_scale = static_cast<T>(1.0 / (1.0 - rate));
  for (Index i = 0; i < mask.rows(); ++i)
    for (Index j = 0; j < mask.cols(); ++j) {
      const double u = static_cast<double>(generator() >> 11) * 0x1.0p-53;
      mask(i, j) = u < rate ? T(0) : keep_scale;
    }
}

template <typename T>
void dropout_forward(const Eigen::Ref<const MatrixT<T>>& X, const Eigen::Ref<const MatrixT<T>>& mask,
                     Eigen::Ref<MatrixT<T>> Y) {
  // Y = X ⊙ mask
  Y.array() = X.array() * mask.array();
}

template <typename T>
void dropout_backward(const Eigen::Ref<const MatrixT<T>>& dY, const Eigen::Ref<const MatrixT<T>>& mask,
                      Eigen::Ref<MatrixT<T>> dX) {
  // dX = dY ⊙ mask
  dX.array() = dY.array() * mask.array();
}

// Short names for the instantiation list below; with them the macro argument T only ever stands
// between < and >, never before the >> that closes Eigen::Ref<MatrixT<T>>.
template <typename T>
using ConstMatrixRef = Eigen::Ref<const MatrixT<T>>;
template <typename T>
using MutableMatrixRef = Eigen::Ref<MatrixT<T>>;

#define LRTUNE_INSTANTIATE_LAYERS(T)                                                                             \
  template void dense_forward<T>(const ConstMatrixRef<T>&, const ConstMatrixRef<T>&, const ConstMatrixRef<T>&,   \
                                 Activation, MutableMatrixRef<T>, MutableMatrixRef<T>, VectorT<T>*);             \
  template void dense_backward<T>(const ConstMatrixRef<T>&, const ConstMatrixRef<T>&, MutableMatrixRef<T>,       \
                                  MutableMatrixRef<T>, VectorT<T>*);                                             \
  template void dense_input_gradient<T>(const ConstMatrixRef<T>&, const ConstMatrixRef<T>&, MutableMatrixRef<T>, \
                                        VectorT<T>*);                                                            \
  template void dropout_mask<T>(double, DropoutGenerator&, MutableMatrixRef<T>);                                 \
  template void dropout_forward<T>(const ConstMatrixRef<T>&, const ConstMatrixRef<T>&, MutableMatrixRef<T>);     \
  template void dropout_backward<T>(const ConstMatrixRef<T>&, const ConstMatrixRef<T>&, MutableMatrixRef<T>);
LRTUNE_INSTANTIATE_LAYERS(float)
LRTUNE_INSTANTIATE_LAYERS(double)
#undef LRTUNE_INSTANTIATE_LAYERS

}  // namespace lrtune
