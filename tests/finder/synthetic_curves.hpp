// Synthetic range-test curves with known answers, shared by the finder tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace lrtune::testing {

// n learning rates from 10^lo to 10^hi, evenly spaced in log10.
inline std::vector<double> geometric_lrs(std::size_t n, double log10_lo, double log10_hi) {
  std::vector<double> lrs(n);
  for (std::size_t i = 0; i < n; ++i)
    lrs[i] = std::pow(10.0, log10_lo + (log10_hi - log10_lo) * static_cast<double>(i) / static_cast<double>(n - 1));
  return lrs;
}

// loss = 1 + a * (log10 lr - log10 lr_min)^2: a parabola in log lr with its minimum at lr_min.
inline std::vector<double> parabola(const std::vector<double>& lrs, double lr_min, double a = 0.1) {
  std::vector<double> out;
  for (double lr : lrs) {
    const double d = std::log10(lr) - std::log10(lr_min);
    out.push_back(1.0 + a * d * d);
  }
  return out;
}

// The recipe's per-epoch range test (SEED.md §3, BASELINES.md), imitated: lr = 1e-3 *
// 10^(e/30), e = 0..99; loss 0.52 falling to about 0.36 at e = 22, a flat floor (within
// 0.02 from e = 15, lr 0.0032, to e = 28, lr 0.0086), rising slowly to e = 50, then a
// jump to the majority-class plateau about 0.67; plus uniform noise of +-noise.
struct RecipeCurve {
  std::vector<double> lrs;
  std::vector<double> losses;
};

inline RecipeCurve recipe_like_curve(unsigned seed, double noise = 0.004) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-noise, noise);
  RecipeCurve c;
  for (int e = 0; e < 100; ++e) {
    c.lrs.push_back(1e-3 * std::pow(10.0, e / 30.0));
    double loss;
    if (e <= 22) {
      const double x = (22.0 - e) / 22.0;
      loss = 0.36 + 0.16 * x * x;
    } else if (e <= 50) {
      const double x = (e - 22.0) / 28.0;
      loss = 0.36 + 0.06 * x * x;
    } else if (e <= 56) {
      loss = 0.42 + (0.67 - 0.42) * (e - 50.0) / 6.0;
    } else {
      loss = 0.67 + 0.01 * (e - 56.0) / 43.0;
    }
    c.losses.push_back(loss + u(gen));
  }
  return c;
}

}  // namespace lrtune::testing
