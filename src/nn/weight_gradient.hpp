// Private: a Dense layer's weight gradient dW = X^T dZ at training shapes (a short batch, wide
// layers), computed by the engine's own kernel instead of Eigen's GEMM, and written straight into
// dW (no zeroing pass, no packing). The bias gradient and the other products stay in layers.cpp.
#pragma once

#include "lrtune/core/types.hpp"

namespace lrtune::detail {

// dW (in, out) = X^T dZ, overwritten; X (batch, in) and dZ (batch, out), all three row-major with
// the given row strides (elements). Each element is one multiply-add chain over the batch rows in
// order, dW(i, j) = fma(X(b, i), dZ(b, j), ...) for b = 0 .. batch-1 starting from zero (fused where
// the build has FMA), whatever the shape, so results do not depend on how the kernel tiles dW.
// batch may be 0 (dW = 0). dW must not overlap X or dZ.
template <typename T>
void weight_gradient(Index batch, Index in, Index out, const T* X, Index x_stride, const T* dZ, Index dz_stride, T* dW,
                     Index dw_stride);

}  // namespace lrtune::detail
