// Private: the register-tile product that the engine's own kernels share (weight_gradient.cpp for
// dW = X^T dZ, dense_product.cpp for Z += X W): C (m, n) = C0 + A (m, k) B (k, n), B and C
// row-major, computed as k rank-1 updates vectorised along C's rows with Eigen's packet math
// (AVX-512, AVX, SSE, NEON or scalar: whatever the build targets), a tile of C held in registers
// over a block of k. No packing: A is read in place through its two strides, B's rows are loaded
// as they lie. Every element of C is one multiply-add chain over k in order, starting from zero or
// from C's own value, whatever the shape, so a result does not depend on the tiling, on m or n.
// Include only from the .cpp files that instantiate it (it pulls in Eigen's packet internals).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include <Eigen/Core>

#include "lrtune/core/types.hpp"

// Eigen's packets are vector types with alignment attributes, which GCC drops (and warns about)
// when one is a template argument, as in unpacket_traits<Packet16f>; Eigen's own headers do the
// same, silenced there as system headers. Harmless: nothing here depends on the alignment. Left
// on for the including file, where the templates are instantiated.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

namespace lrtune::detail::tile_product {

namespace ei = Eigen::internal;

// How A (m, k) lies in memory: kTransposed, A(i, p) at a[p * a_stride + i] (A^T row-major, as X^T
// in the weight gradient, whose rows are the batch); kRowMajor, A(i, p) at a[i * a_stride + p] (X
// in the forward product). A compile-time choice, so the tile's loads of A are constant offsets.
enum class Layout { kTransposed, kRowMajor };

// Where each chain starts: at zero (C overwritten) or at C's value (C accumulated, e.g. a bias).
enum class Start { kZero, kDestination };

template <typename T>
struct Operands {
  const T* a;  // A (m, k), laid out as the Layout says
  Index a_stride;
  const T* b;  // B (k, n), row-major
  Index b_stride;
  T* c;  // C (m, n), row-major
  Index c_stride;
};

template <typename T>
using Packet = typename ei::packet_traits<T>::type;

template <typename T>
constexpr Index kPacketSize = ei::unpacket_traits<Packet<T>>::size;

// Packets whose loads and stores take a lane mask (float on AVX and AVX-512): the columns past
// the last full packet then run the packet code too, instead of a scalar loop.
template <typename T>
constexpr bool kMaskedTail = (kPacketSize<T> > 1) && (ei::unpacket_traits<Packet<T>>::masked_load_available != 0) &&
                             (ei::unpacket_traits<Packet<T>>::masked_store_available != 0);

// A tile of C, some rows by ColumnPackets packets, lives in registers for a whole block of k: its
// accumulators, one packet of B per column packet and a broadcast of A must fit the register file
// (6 x 4 + 4 + 1 = 29 of AVX-512's 32; 4 x 2 + 2 + 1 = 11 of 16), and narrow tiles get more rows
// so that at least 8 independent accumulators cover the multiply-add's latency.
constexpr int kRegisters = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS;
constexpr int kTileColumnPackets = kRegisters >= 32 ? 4 : 2;
constexpr int tile_rows(int column_packets) {
  if (kRegisters < 32) return column_packets == 1 ? 8 : 4;
  if (column_packets == 1) return 12;
  return column_packets == 2 ? 8 : 6;
}
template <int ColumnPackets>
constexpr int kTileRows = tile_rows(ColumnPackets);
// Steps of k per pass over C, so that a tile's panel of B (64 rows of 4 packets: 16 KiB at
// AVX-512) stays in L1 for every tile of its column strip; a chain crossing blocks is stored and
// reloaded exactly, so the blocks do not change the result.
constexpr Index kDepthBlock = 64;

// One multiply-add per element, fused exactly where the hardware has FMA: std::fma there (as
// Eigen's vector pmadd is fused there), else a * b + c, which nothing can then contract. Not a
// * b + c on FMA hardware: GCC (-ffp-contract=fast) fuses it in some loops and not in others, and
// with -DEIGEN_DONT_VECTORIZE (Eigen's scalar pmadd is a * b + c) a row's result then depended on
// the tile that computed it.
template <typename T>
T multiply_add(T a, T b, T c) {
#if defined(EIGEN_VECTORIZE_FMA) || defined(__FMA__) || defined(__ARM_FEATURE_FMA)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// The same for a packet: Eigen's pmadd on vector packets, multiply_add where the packet is T.
template <typename P>
P packet_multiply_add(const P& a, const P& b, const P& c) {
  if constexpr (std::is_floating_point_v<P>)
    return multiply_add(a, b, c);
  else
    return ei::pmadd(a, b, c);
}

template <Layout L, typename T>
const T* a_element(const Operands<T>& o, Index i, Index p) {
  return L == Layout::kTransposed ? o.a + p * o.a_stride + i : o.a + i * o.a_stride + p;
}

// C rows [i, i + Rows) by ColumnPackets packets of columns from j, over k steps [p0, p1): from the
// chain's start when p0 == 0, else from what the previous block stored. LastMasked: the last
// packet's lanes outside `mask` are neither read nor written.
template <Layout L, Start S, typename T, int Rows, int ColumnPackets, bool LastMasked>
void tile(const Operands<T>& o, Index i, Index j, Index p0, Index p1, std::uint32_t mask) {
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
  T* const c_tile = o.c + i * o.c_stride + j;  // the tile's first element
  const bool from_zero = S == Start::kZero && p0 == 0;
  P acc[Rows][ColumnPackets];
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c)
      acc[r][c] = from_zero ? ei::pset1<P>(T(0)) : load(c_tile + r * o.c_stride + c * kSize, c);
  }
  const T* b_row = o.b + p0 * o.b_stride + j;
  const T* a_first = a_element<L>(o, i, p0);  // A(i, p0)
  // A(i + r, p) lies at a_first + r * row_step + (p - p0) * depth_step
  const Index row_step = L == Layout::kTransposed ? 1 : o.a_stride;
  const Index depth_step = L == Layout::kTransposed ? o.a_stride : 1;
  for (Index p = p0; p < p1; ++p, b_row += o.b_stride, a_first += depth_step) {
    // C[i + r, j:] += A[i + r, p] * B[p, j:]
    P b[ColumnPackets];
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c) b[c] = load(b_row + c * kSize, c);
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
      const P a = ei::pset1<P>(a_first[r * row_step]);
#pragma GCC unroll 16
      for (int c = 0; c < ColumnPackets; ++c) acc[r][c] = packet_multiply_add(a, b[c], acc[r][c]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 16
    for (int c = 0; c < ColumnPackets; ++c) store(c_tile + r * o.c_stride + c * kSize, acc[r][c], c);
  }
}

// The last `count` (< the tile height) rows from i, as one tile of exactly that height.
template <Layout L, Start S, typename T, int ColumnPackets, bool LastMasked, int Rows = kTileRows<ColumnPackets> - 1>
void remaining_rows(const Operands<T>& o, Index count, Index i, Index j, Index p0, Index p1, std::uint32_t mask) {
  if constexpr (Rows > 0) {
    if (count == Rows)
      tile<L, S, T, Rows, ColumnPackets, LastMasked>(o, i, j, p0, p1, mask);
    else
      remaining_rows<L, S, T, ColumnPackets, LastMasked, Rows - 1>(o, count, i, j, p0, p1, mask);
  }
}

// Every row of C, for the ColumnPackets packets of columns from j.
template <Layout L, Start S, typename T, int ColumnPackets, bool LastMasked>
void column_strip(const Operands<T>& o, Index m, Index j, Index p0, Index p1, std::uint32_t mask = 0) {
  constexpr int kRows = kTileRows<ColumnPackets>;
  Index i = 0;
  for (; i + kRows <= m; i += kRows) tile<L, S, T, kRows, ColumnPackets, LastMasked>(o, i, j, p0, p1, mask);
  remaining_rows<L, S, T, ColumnPackets, LastMasked>(o, m - i, i, j, p0, p1, mask);
}

// Columns [j, n) one element at a time (builds whose packets take no mask), the same chains.
template <Layout L, Start S, typename T>
void scalar_columns(const Operands<T>& o, Index m, Index j, Index n, Index p0, Index p1) {
  for (Index i = 0; i < m; ++i)
    for (Index c = j; c < n; ++c) {
      T* element = o.c + i * o.c_stride + c;
      T acc = S == Start::kZero && p0 == 0 ? T(0) : *element;
      for (Index p = p0; p < p1; ++p) acc = multiply_add(*a_element<L>(o, i, p), o.b[p * o.b_stride + c], acc);
      *element = acc;
    }
}

// Columns [j, n), fewer than a full-width strip, as one strip of as many packets as they need,
// the last one masked where it is partial (or its columns left to the scalar loop).
template <Layout L, Start S, typename T, int ColumnPackets = kTileColumnPackets>
void last_strip(const Operands<T>& o, Index m, Index j, Index n, Index p0, Index p1) {
  constexpr Index kSize = kPacketSize<T>;
  if constexpr (ColumnPackets > 0) {
    const Index columns = n - j;
    if (columns <= (ColumnPackets - 1) * kSize) return last_strip<L, S, T, ColumnPackets - 1>(o, m, j, n, p0, p1);
    if (columns == ColumnPackets * kSize) return column_strip<L, S, T, ColumnPackets, false>(o, m, j, p0, p1);
    const Index partial = columns - (ColumnPackets - 1) * kSize;  // columns in the last packet
    if constexpr (kMaskedTail<T>) {
      column_strip<L, S, T, ColumnPackets, true>(o, m, j, p0, p1, (std::uint32_t{1} << partial) - 1);
    } else {
      if constexpr (ColumnPackets > 1) column_strip<L, S, T, ColumnPackets - 1, false>(o, m, j, p0, p1);
      scalar_columns<L, S>(o, m, n - partial, n, p0, p1);
    }
  }
}

// C (m, n) = C0 + A (m, k) B (k, n) as described at the top; k must be >= 1 (the callers handle
// an empty sum themselves: zeros, or C left as it is).
template <Layout L, Start S, typename T>
void product(Index m, Index n, Index k, const Operands<T>& o) {
  constexpr Index kWide = kTileColumnPackets * kPacketSize<T>;
  for (Index p0 = 0; p0 < k; p0 += kDepthBlock) {
    const Index p1 = std::min(k, p0 + kDepthBlock);
    Index j = 0;
    for (; j + kWide <= n; j += kWide) column_strip<L, S, T, kTileColumnPackets, false>(o, m, j, p0, p1);
    if (j < n) last_strip<L, S>(o, m, j, n, p0, p1);
  }
}

}  // namespace lrtune::detail::tile_product
