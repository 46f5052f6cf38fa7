// The operands of the engine's product kernels' tests (weight gradient, forward product, input
// gradient): random matrices in [-1, 1], their double copies for the reference, and a
// (batch, in, out) layer shape with its name for test traces.
#pragma once

#include <random>
#include <string>

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

}  // namespace lrtune::testing
