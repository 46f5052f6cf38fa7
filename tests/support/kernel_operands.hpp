// The operands of the engine's product kernels' tests (weight gradient, forward product, input
// gradient): random matrices in [-1, 1], their double copies for the reference, a (batch, in,
// out) layer shape with its name for test traces, and the rounding bound every kernel is held to.
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "lrtune/core/types.hpp"

namespace lrtune::testing {

template <typename T>
MatrixT<T> random_matrix(Index rows, Index cols, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  MatrixT<T> m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(uniform(rng));
  return m;
}

template <typename T>
MatrixD to_double(const MatrixT<T>& m) {
  return m.template cast<double>();
}

struct Shape {
  Index batch, in, out;
};

inline std::string name(const Shape& s) {
  return std::to_string(s.batch) + "x" + std::to_string(s.in) + "x" + std::to_string(s.out);
}

// Each element of `result` (a kernel's, in T) within twice the first-order bound of a chain of
// `chain` rounded multiply-adds of its double reference `exact`: 2 n eps(T) scale(i, j), where
// `scale` is the same product on absolute values (the reference carries its own double rounding).
template <typename T>
void expect_within_rounding_bound(const MatrixT<T>& result, const MatrixD& exact, const MatrixD& scale, Index chain,
                                  const std::string& where) {
  const double eps = std::numeric_limits<T>::epsilon();
  for (Index i = 0; i < exact.rows(); ++i)
    for (Index j = 0; j < exact.cols(); ++j) {
      const double bound = 2.0 * static_cast<double>(chain) * eps * scale(i, j) + std::numeric_limits<T>::min();
      ASSERT_LE(std::abs(static_cast<double>(result(i, j)) - exact(i, j)), bound)
          << where << " at (" << i << ", " << j << ")";
    }
}

}  // namespace lrtune::testing
