// The weight-gradient kernel of weight_gradient.hpp: dW = X^T dZ as rank-1 updates, one per batch
// row, by the register-tile product (register_tile_product.hpp) with A = X^T read in place.
// Why not Eigen's GEMM: at k = 32 its packing of X^T and dZ and the zeroing of dW before its
// accumulating kernel cost as much as the arithmetic (bench/README.md, "GEMM backends").
#include "weight_gradient.hpp"

#include <algorithm>

#include "register_tile_product.hpp"

namespace lrtune::detail {

template <typename T>
void weight_gradient(Index batch, Index in, Index out, const T* X, Index x_stride, const T* dZ, Index dz_stride, T* dW,
                     Index dw_stride) {
  namespace tp = tile_product;
  if (batch == 0) {
    for (Index i = 0; i < in; ++i) std::fill_n(dW + i * dw_stride, out, T(0));
    return;
  }
  // A one-unit layer's dW (in, 1) is, in memory, the row dz^T X (1, in): the same chains with the
  // factors swapped, vectorised along `in` instead of one lane wide.
  if (out == 1 && in > 1 && dw_stride == 1) return weight_gradient<T>(batch, 1, in, dZ, dz_stride, X, x_stride, dW, in);
  // dW (in, out) = X^T (in, batch) dZ (batch, out): k is the batch
  tp::product<tp::Layout::kTransposed, tp::Start::kZero, T>(in, out, batch,
                                                            {X, x_stride, dZ, dz_stride, dW, dw_stride});
}

template void weight_gradient<float>(Index, Index, Index, const float*, Index, const float*, Index, float*, Index);
template void weight_gradient<double>(Index, Index, Index, const double*, Index, const double*, Index, double*, Index);

}  // namespace lrtune::detail
