// Cost of the suggestion rules on a per-epoch (100 points) and a whole per-step recipe
// curve (16,200 points: 100 epochs x 162 steps); valley is O(n^2), the others O(n).
#include <cmath>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "lrtune/finder/suggest_all.hpp"

namespace {

struct Curve {
  std::vector<double> lrs, losses;
};

Curve noisy_curve(std::size_t n) {
  Curve c;
  std::mt19937 gen(1);
  std::uniform_real_distribution<double> u(-0.01, 0.01);
  for (std::size_t i = 0; i < n; ++i) {
    c.lrs.push_back(std::pow(10.0, -7.0 + 8.0 * static_cast<double>(i) / static_cast<double>(n - 1)));
    const double d = std::log10(c.lrs.back()) + 2.0;
    c.losses.push_back(0.4 + 0.05 * d * d + u(gen));
  }
  return c;
}

void BM_SuggestAll(benchmark::State& state) {
  const auto c = noisy_curve(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(lrtune::suggest_all(c.lrs, c.losses, lrtune::CurveMode::per_step));
}
BENCHMARK(BM_SuggestAll)->Arg(100)->Arg(16200)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
