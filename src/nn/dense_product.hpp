// Private: a Dense layer's forward product Z += X W, computed by the engine's own kernel instead
// of Eigen's GEMM: no packing of W on every call (at batch 32 Eigen packs the whole weight matrix
// for a few rows), and each row of Z computed the same way whatever the number of rows in the
// call, so a data-parallel rank's share of a batch, a validation batch of 1024 rows and a single
// row give every row the same bits.
#pragma once

#include "lrtune/core/types.hpp"

namespace lrtune::detail {

// Z (batch, out) += X (batch, in) W (in, out), all three row-major with the given row strides
// (elements). Each element is one multiply-add chain over `in` in order starting from Z's value
// (the broadcast bias, in the forward pass): Z(r, j) = fma(X(r, p), W(p, j), ...) for
// p = 0 .. in-1 (fused where the build has FMA), whatever the shape. Except a one-unit layer
// (out == 1, W contiguous): Z(r) += a dot product of X's row r and W, in a fixed order of packet
// lanes (dense_product.cpp). Either way a row's result depends only on that row of X, W and its
// starting value, never on the other rows in the call. batch or in may be 0 (Z unchanged). Z must
// not overlap X or W.
template <typename T>
void dense_product(Index batch, Index in, Index out, const T* X, Index x_stride, const T* W, Index w_stride, T* Z,
                   Index z_stride);

}  // namespace lrtune::detail
