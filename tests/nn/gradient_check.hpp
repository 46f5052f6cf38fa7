// Finite-difference gradient checks for the nn tests: central differences in double, judged by
// the relative error |g - g'| / |g + g'| (floored so that two near-zero gradients agree).
// Which function and which analytic gradient to compare is each test's business.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "lrtune/core/types.hpp"

namespace lrtune::testing {

// The largest relative error between `analytic` and the central difference of `f` with respect to
// every element of `x` (f is re-evaluated with x perturbed in place; x is restored).
inline double max_relative_error(const std::function<double()>& f, double* x, Index size, const double* analytic,
                                 double h = 1e-5) {
  double worst = 0.0;
  for (Index i = 0; i < size; ++i) {
    const double saved = x[i];
    x[i] = saved + h;
    const double plus = f();
    x[i] = saved - h;
    const double minus = f();
    x[i] = saved;
    const double numeric = (plus - minus) / (2.0 * h);
    const double error = std::abs(analytic[i] - numeric) / std::max(std::abs(analytic[i] + numeric), 1e-6);
    worst = std::max(worst, error);
  }
  return worst;
}

inline double max_relative_error(const std::function<double()>& f, MatrixD& x, const MatrixD& analytic,
                                 double h = 1e-5) {
  return max_relative_error(f, x.data(), x.size(), analytic.data(), h);
}

// Uniform values in [low, high] whose magnitude is at least `gap` (away from the kinks at 0).
inline MatrixD random_away_from_zero(Index rows, Index cols, std::mt19937_64& rng, double low = -2.0, double high = 2.0,
                                     double gap = 0.1) {
  std::uniform_real_distribution<double> uniform(low, high);
  MatrixD m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) {
    double v = 0.0;
    do v = uniform(rng);
    while (std::abs(v) < gap);
    m.data()[i] = v;
  }
  return m;
}

inline MatrixD random_matrix(Index rows, Index cols, std::mt19937_64& rng, double low = -1.0, double high = 1.0) {
  std::uniform_real_distribution<double> uniform(low, high);
  MatrixD m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(rng);
  return m;
}

inline constexpr double kGradientTolerance = 1e-5;

}  // namespace lrtune::testing
