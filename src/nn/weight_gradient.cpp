// The weight-gradient kernel of weight_gradient.hpp: dW = X^T dZ as rank-1 updates, one per batch
// row, vectorised along dW's rows (out) with Eigen's packet math (AVX-512, AVX, SSE, NEON or
// scalar: whatever the build targets), a tile of dW held in registers over a block of batch rows.
// Why not Eigen's GEMM: at k = 32 its packing of X^T and dZ and the zeroing of dW before its
// accumulating kernel cost as much as the arithmetic (bench/README.md, "GEMM backends").
#include "weight_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <Eigen/Core>

// Eigen's packets are vector types with alignment attributes, which GCC drops (and warns about)
// when one is a template argument, as in unpacket_traits<Packet16f>; Eigen's own headers do the
// same, silenced there as system headers. Harmless: nothing here depends on the alignment.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

namespace lrtune::detail {
namespace {

namespace ei = Eigen::internal;

template <typename T>
using Packet = typename ei::packet_traits<T>::type;

template <typename T>
constexpr Index kPacketSize = ei::unpacket_traits<Packet<T>>::size;

// Packets whose loads and stores take a lane mask (float on AVX and AVX-512): the columns past
// the last full packet then run the packet code too, instead of a scalar loop.
template <typename T>
constexpr bool kMaskedTail = (kPacketSize<T> > 1) && (ei::unpacket_traits<Packet<T>>::masked_load_available != 0) &&
                             (ei::unpacket_traits<Packet<T>>::masked_store_available != 0);

// A tile of dW, some rows by ColumnPackets packets, lives in registers for a whole block of batch
// rows: its accumulators, one packet of dZ per column packet and a broadcast of X must fit the
// register file (6 x 4 + 4 + 1 = 29 of AVX-512's 32; 4 x 2 + 2 + 1 = 11 of 16), and narrow tiles
// get more rows so that at least 8 independent accumulators cover the multiply-add's latency.
constexpr int kRegisters = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS;
constexpr int kTileColumnPackets = kRegisters >= 32 ? 4 : 2;
constexpr int tile_rows(int column_packets) {
  if (kRegisters < 32) return column_packets == 1 ? 8 : 4;
  if (column_packets == 1) return 12;
  return column_packets == 2 ? 8 : 6;
}
template <int ColumnPackets>
constexpr int kTileRows = tile_rows(ColumnPackets);
// Batch rows per pass over dW, so that a tile's panel of dZ (64 rows of 4 packets: 16 KiB at
// AVX-512) stays in L1 at large batches; at batch 32 there is one pass.
constexpr Index kBatchBlock = 64;

// The packets' multiply-add for one element: fused exactly where pmadd is.
template <typename T>
T multiply_add(T a, T b, T c) {
#ifdef EIGEN_VECTORIZE_FMA
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

template <typename T>
struct Operands {
  const T* X;  // (batch, in)
  Index x_stride;
  const T* dZ;  // (batch, out)
  Index dz_stride;
  T* dW;  // (in, out)
  Index dw_stride;
};

// dW rows [i, i + Rows) by ColumnPackets packets of columns from j, over batch rows [b0, b1): from
// zero when b0 == 0, else from what the previous block stored (the same chain, stored and reloaded
// exactly). LastMasked: the last packet's lanes outside `mask` are neither read nor written.
template <typename T, int Rows, int ColumnPackets, bool LastMasked>
void tile(const Operands<T>& o, Index i, Index j, Index b0, Index b1, std::uint32_t mask) {
  using P = Packet<T>;
  constexpr Index kSize = kPacketSize<T>;
  const auto load = [mask](const T* from, int c) {
    if constexpr (LastMasked) {
      if (c == ColumnPackets - 1)
        return ei::ploadu<P>(from, static_cast<typename ei::unpacket_traits<P>::mask_t>(mask));
    }
    return ei::ploadu<P>(from);
  };
  const auto store = [mask](T* to, P value, int c) {
    if constexpr (LastMasked) {
      if (c == ColumnPackets - 1)
        return ei::pstoreu<T>(to, value, static_cast<typename ei::unpacket_traits<P>::mask_t>(mask));
    }
    ei::pstoreu<T>(to, value);
  };
  // The loops over the tile's rows and packets are unrolled by pragma: left to GCC 12, the masked
  // tiles kept their accumulators in memory (a store per multiply-add, 1.3-2.8x slower).
  T* const dw = o.dW + i * o.dw_stride + j;  // the tile's first element
  P acc[Rows][ColumnPackets];
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c)
      acc[r][c] = b0 == 0 ? ei::pset1<P>(T(0)) : load(dw + r * o.dw_stride + c * kSize, c);
  }
  const T* dz_row = o.dZ + b0 * o.dz_stride + j;
  const T* x_row = o.X + b0 * o.x_stride + i;
  for (Index b = b0; b < b1; ++b, dz_row += o.dz_stride, x_row += o.x_stride) {
    // dW[i + r, j:] += X[b, i + r] * dZ[b, j:]
    P dz[ColumnPackets];
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c) dz[c] = load(dz_row + c * kSize, c);
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
      const P x = ei::pset1<P>(x_row[r]);
#pragma GCC unroll 16
      for (int c = 0; c < ColumnPackets; ++c) acc[r][c] = ei::pmadd(x, dz[c], acc[r][c]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c) store(dw + r * o.dw_stride + c * kSize, acc[r][c], c);
  }
}

// The last `count` (< the tile height) rows from i, as one tile of exactly that height.
template <typename T, int ColumnPackets, bool LastMasked, int Rows = kTileRows<ColumnPackets> - 1>
void remaining_rows(const Operands<T>& o, Index count, Index i, Index j, Index b0, Index b1, std::uint32_t mask) {
  if constexpr (Rows > 0) {
    if (count == Rows)
      tile<T, Rows, ColumnPackets, LastMasked>(o, i, j, b0, b1, mask);
    else
      remaining_rows<T, ColumnPackets, LastMasked, Rows - 1>(o, count, i, j, b0, b1, mask);
  }
}

// Every row of dW, for the ColumnPackets packets of columns from j.
template <typename T, int ColumnPackets, bool LastMasked>
void column_strip(const Operands<T>& o, Index in, Index j, Index b0, Index b1, std::uint32_t mask = 0) {
  constexpr int kRows = kTileRows<ColumnPackets>;
  Index i = 0;
  for (; i + kRows <= in; i += kRows) tile<T, kRows, ColumnPackets, LastMasked>(o, i, j, b0, b1, mask);
  remaining_rows<T, ColumnPackets, LastMasked>(o, in - i, i, j, b0, b1, mask);
}

// Columns [j, out) one element at a time (builds whose packets take no mask).
template <typename T>
void scalar_columns(const Operands<T>& o, Index in, Index j, Index out, Index b0, Index b1) {
  for (Index i = 0; i < in; ++i)
    for (Index c = j; c < out; ++c) {
      T* element = o.dW + i * o.dw_stride + c;
      T acc = b0 == 0 ? T(0) : *element;
      for (Index b = b0; b < b1; ++b) acc = multiply_add(o.X[b * o.x_stride + i], o.dZ[b * o.dz_stride + c], acc);
      *element = acc;
    }
}

// Columns [j, out), fewer than a full-width strip, as one strip of as many packets as they need,
// the last one masked where it is partial (or its columns left to the scalar loop).
template <typename T, int ColumnPackets = kTileColumnPackets>
void last_strip(const Operands<T>& o, Index in, Index j, Index out, Index b0, Index b1) {
  constexpr Index kSize = kPacketSize<T>;
  if constexpr (ColumnPackets > 0) {
    const Index columns = out - j;
    if (columns <= (ColumnPackets - 1) * kSize) return last_strip<T, ColumnPackets - 1>(o, in, j, out, b0, b1);
    if (columns == ColumnPackets * kSize) return column_strip<T, ColumnPackets, false>(o, in, j, b0, b1);
    const Index partial = columns - (ColumnPackets - 1) * kSize;  // columns in the last packet
    if constexpr (kMaskedTail<T>) {
      column_strip<T, ColumnPackets, true>(o, in, j, b0, b1, (std::uint32_t{1} << partial) - 1);
    } else {
      if constexpr (ColumnPackets > 1) column_strip<T, ColumnPackets - 1, false>(o, in, j, b0, b1);
      scalar_columns(o, in, out - partial, out, b0, b1);
    }
  }
}

}  // namespace

template <typename T>
void weight_gradient(Index batch, Index in, Index out, const T* X, Index x_stride, const T* dZ, Index dz_stride, T* dW,
                     Index dw_stride) {
  if (batch == 0) {
    for (Index i = 0; i < in; ++i) std::fill_n(dW + i * dw_stride, out, T(0));
    return;
  }
  // A one-unit layer's dW (in, 1) is, in memory, the row dz^T X (1, in): the same chains with the
  // factors swapped, vectorised along `in` instead of one lane wide.
  if (out == 1 && in > 1 && dw_stride == 1) return weight_gradient<T>(batch, 1, in, dZ, dz_stride, X, x_stride, dW, in);
  const Operands<T> o{X, x_stride, dZ, dz_stride, dW, dw_stride};
  constexpr Index kSize = kPacketSize<T>;
  constexpr Index kWide = kTileColumnPackets * kSize;
  for (Index b0 = 0; b0 < batch; b0 += kBatchBlock) {
    const Index b1 = std::min(batch, b0 + kBatchBlock);
    Index j = 0;
    for (; j + kWide <= out; j += kWide) column_strip<T, kTileColumnPackets, false>(o, in, j, b0, b1);
    if (j < out) last_strip(o, in, j, out, b0, b1);
  }
}

template void weight_gradient<float>(Index, Index, Index, const float*, Index, const float*, Index, float*, Index);
template void weight_gradient<double>(Index, Index, Index, const double*, Index, const double*, Index, double*, Index);

}  // namespace lrtune::detail
