// The forward kernel of dense_product.hpp: Z += X W as rank-1 updates, one per input feature, by
// the register-tile product (register_tile_product.hpp) with X read in place (broadcast one
// element at a time) and W's rows loaded as they lie, the bias already in Z as each chain's start.
#include "dense_product.hpp"

#include "register_tile_product.hpp"

namespace lrtune::detail {

template <typename T>
void dense_product(Index batch, Index in, Index out, const T* X, Index x_stride, const T* W, Index w_stride, T* Z,
                   Index z_stride) {
  namespace tp = tile_product;
  if (batch == 0 || in == 0 || out == 0) return;  // Z += nothing
  tp::product<tp::Layout::kRowMajor, tp::Start::kDestination, T>(batch, out, in, {X, x_stride, W, w_stride, Z, z_stride});
}

template void dense_product<float>(Index, Index, Index, const float*, Index, const float*, Index, float*, Index);
template void dense_product<double>(Index, Index, Index, const double*, Index, const double*, Index, double*, Index);

}  // namespace lrtune::detail
