// The forward kernel of dense_product.hpp: Z += X W as rank-1 updates, one per input feature, by
// the register-tile product (register_tile_product.hpp) with X read in place (broadcast one
// element at a time) and W's rows loaded as they lie, the bias already in Z as each chain's start.
#include "dense_product.hpp"

#include "register_tile_product.hpp"

namespace lrtune::detail {
namespace {

namespace ei = Eigen::internal;

// Rows of a one-unit layer taken together, so that their independent chains cover the
// multiply-add's latency.
constexpr int kDotRows = 4;

// Z (batch, 1) += X w for a contiguous column w (in): per row one dot product along `in`, in
// packets. A one-unit layer's tile would be one lane wide (1/16 of the arithmetic useful at
// AVX-512: 10x Eigen's gemv on the recipe's 256 -> 1 layer), and a chain in `in` order cannot be
// vectorised within a row. The sum still depends on that row alone: lane l of one accumulator
// takes the inputs l, l + S, l + 2S, ... in order, the lanes are then summed by Eigen's fixed
// reduction (predux), the inputs past the last full packet follow in order, the bias last.
template <typename T>
void one_unit(Index batch, Index in, const T* X, Index x_stride, const T* w, T* Z, Index z_stride) {
  namespace tp = tile_product;
  using P = tp::Packet<T>;
  constexpr Index kSize = tp::kPacketSize<T>;
  const Index full = in / kSize * kSize;  // inputs in full packets
  const auto finish = [&](Index r, const P& acc) {
    const T* x = X + r * x_stride;
    T sum = ei::predux(acc);
    for (Index p = full; p < in; ++p) sum = tp::multiply_add(x[p], w[p], sum);
    Z[r * z_stride] += sum;
  };
  Index r = 0;
  for (; r + kDotRows <= batch; r += kDotRows) {
    P acc[kDotRows];
#pragma GCC unroll 8
    for (int q = 0; q < kDotRows; ++q) acc[q] = ei::pset1<P>(T(0));
    for (Index p = 0; p < full; p += kSize) {
      const P w_packet = ei::ploadu<P>(w + p);
#pragma GCC unroll 8
      for (int q = 0; q < kDotRows; ++q)
        acc[q] = tp::packet_multiply_add(ei::ploadu<P>(X + (r + q) * x_stride + p), w_packet, acc[q]);
    }
    for (int q = 0; q < kDotRows; ++q) finish(r + q, acc[q]);
  }
  for (; r < batch; ++r) {
    P acc = ei::pset1<P>(T(0));
    for (Index p = 0; p < full; p += kSize)
      acc = tp::packet_multiply_add(ei::ploadu<P>(X + r * x_stride + p), ei::ploadu<P>(w + p), acc);
    finish(r, acc);
  }
}

}  // namespace

template <typename T>
void dense_product(Index batch, Index in, Index out, const T* X, Index x_stride, const T* W, Index w_stride, T* Z,
                   Index z_stride) {
  namespace tp = tile_product;
  if (batch == 0 || in == 0 || out == 0) return;  // Z += nothing
  if (out == 1 && w_stride == 1) return one_unit<T>(batch, in, X, x_stride, W, Z, z_stride);
  tp::product<tp::Layout::kRowMajor, tp::Start::kDestination, T>(batch, out, in,
                                                                 {X, x_stride, W, w_stride, Z, z_stride});
}

template void dense_product<float>(Index, Index, Index, const float*, Index, const float*, Index, float*, Index);
template void dense_product<double>(Index, Index, Index, const double*, Index, const double*, Index, double*, Index);

}  // namespace lrtune::detail
