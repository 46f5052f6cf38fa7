// Small generated data sets for engine and training tests (no files, fixed seeds).
#pragma once

#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>

#include "lrtune/core/types.hpp"

namespace lrtune::testing {

struct Dataset {
  Matrix X;  // (samples, features)
  Matrix y;  // (samples, 1)
};

// n points in `features` dimensions, label 1 when a fixed random hyperplane says so, with a margin:
// separable, so a network can reach 100 % training accuracy.
inline Dataset separable_binary(Index n, Index features, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Vector direction(features);
  for (Index j = 0; j < features; ++j) direction(j) = normal(rng);
  direction.normalize();
  Dataset data{Matrix(n, features), Matrix(n, 1)};
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < features; ++j) data.X(i, j) = normal(rng);
    float side = data.X.row(i).dot(direction.transpose());
    if (std::abs(side) < 0.2f) {  // push points off the boundary to leave a margin
      data.X.row(i) += (side >= 0 ? 0.3f : -0.3f) * direction.transpose();
      side = data.X.row(i).dot(direction.transpose());
    }
    data.y(i, 0) = side > 0 ? 1.0f : 0.0f;
  }
  return data;
}

inline Dataset xor_data() {
  Dataset data{Matrix(4, 2), Matrix(4, 1)};
  data.X << 0, 0, 0, 1, 1, 0, 1, 1;
  data.y << 0, 1, 1, 0;
  return data;
}

// A small CSV for whole-experiment tests, 300 rows: label "yes" when x1 + x2 > 0 (with some
// noise), x3 noise.
inline std::string small_binary_csv() {
  std::mt19937 random(7);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,x3,label\n";
  for (int i = 0; i < 300; ++i) {
    const double x1 = normal(random), x2 = normal(random), x3 = normal(random);
    csv += fmt::format("{:.4f},{:.4f},{:.4f},{}\n", x1, x2, x3, x1 + x2 + 0.3 * normal(random) > 0 ? "yes" : "no");
  }
  return csv;
}

}  // namespace lrtune::testing
