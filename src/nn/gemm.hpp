// Private: Eigen's own GEMM kernel (pack + gebp), driven with packing buffers that the caller keeps,
// so steady training allocates nothing (Eigen's products heap-allocate packing space above its
// 128 KiB stack limit, e.g. for 256 x 256 layers). Uses Eigen 3.4 internals; gemv shapes stay with Eigen.
#pragma once

#include <Eigen/Core>

#include "lrtune/core/types.hpp"

namespace lrtune::detail {

template <typename T>
class CallerBlocking : public Eigen::internal::level3_blocking<T, T> {
 public:
  CallerBlocking(T* block_a, T* block_b, Index kc, Index mc, Index nc) {
    this->m_blockA = block_a;
    this->m_blockB = block_b;
    this->m_kc = kc;
    this->m_mc = mc;
    this->m_nc = nc;
  }
};

// C (m, n) row-major += op(A) (m, k) * op(B) (k, n); A and B given by pointer, storage order
// and outer stride. `scratch` grows to the packing space the blocking needs and never shrinks.
template <typename T, int LhsOrder, int RhsOrder>
void gemm_accumulate(Index m, Index n, Index k, const T* lhs, Index lhs_stride, const T* rhs, Index rhs_stride, T* res,
                     Index res_stride, VectorT<T>& scratch) {
  // A row-major result is computed by Eigen as its transpose: mc runs over n, nc over m.
  Index kc = k, mc = n, nc = m;
  Eigen::internal::computeProductBlockingSizes<T, T, 1, Index>(kc, mc, nc, Index{1});
  constexpr Index kAlign = 64 / static_cast<Index>(sizeof(T));
  const Index size_a = (kc * mc + kAlign - 1) / kAlign * kAlign;
  const Index size_b = kc * nc;
  if (scratch.size() < size_a + size_b) scratch.resize(size_a + size_b);
  CallerBlocking<T> blocking(scratch.data(), scratch.data() + size_a, kc, mc, nc);
  Eigen::internal::general_matrix_matrix_product<Index, T, LhsOrder, false, T, RhsOrder, false, Eigen::RowMajor,
                                                 1>::run(m, n, k, lhs, lhs_stride, rhs, rhs_stride, res, 1, res_stride,
                                                         T(1), blocking, nullptr);
}

}  // namespace lrtune::detail
