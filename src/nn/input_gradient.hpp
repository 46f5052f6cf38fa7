// Private: a Dense layer's input gradient dX = dZ W^T at training shapes, computed by the engine's
// own kernel instead of Eigen's GEMM: the register-tile product on the transposes, dX^T = W dZ^T,
// so that W is read in place (Eigen packs all of W^T on every call) and only the batch-sized dZ
// and dX are transposed.
#pragma once

#include "lrtune/core/types.hpp"

namespace lrtune::detail {

// dX (batch, in) = dZ (batch, out) W^T, overwritten; dZ, W (in, out) and dX row-major with the
// given row strides (elements). Each element is one multiply-add chain over `out` in order from
// zero, dX(r, i) = fma(W(i, j), dZ(r, j), ...) for j = 0 .. out-1 (fused where the build has FMA),
// whatever the shape, so a row's result depends only on that row of dZ and on W. `transposes`
// grows to (in + out) * batch elements and never shrinks. dX must not overlap dZ or W.
template <typename T>
void input_gradient(Index batch, Index in, Index out, const T* dZ, Index dz_stride, const T* W, Index w_stride, T* dX,
                    Index dx_stride, VectorT<T>& transposes);

}  // namespace lrtune::detail
