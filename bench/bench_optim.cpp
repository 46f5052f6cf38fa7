// Optimizer step cost over the recipe model's flat buffer (100,737 parameters, SEED.md §2).
// BASELINES.md: a fused Adam update measured ~18 us with -fno-math-errno on the project machine.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "lrtune/optim/factory.hpp"

namespace {

constexpr std::size_t kRecipeParameters = 100'737;

void run(benchmark::State& state, const char* name, lrtune::UpdateForm form, const nlohmann::json& options) {
  std::vector<float> w(kRecipeParameters), g(kRecipeParameters);
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = 0.05f * std::sin(0.37f * static_cast<float>(i));
    g[i] = 0.01f * std::cos(0.11f * static_cast<float>(i));
  }
  auto optimizer = lrtune::make_optimizer(name, form, options);
  for (auto _ : state) {
    optimizer->step(w, g);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRecipeParameters));
}

// The floor to compare against, side by side: the bare fused Keras-form Adam loop of
// BASELINES.md, inlined here with no optimizer object around it.
void bare_adam_loop(benchmark::State& state) {
  std::vector<float> w(kRecipeParameters), g(kRecipeParameters), m(kRecipeParameters), v(kRecipeParameters);
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = 0.05f * std::sin(0.37f * static_cast<float>(i));
    g[i] = 0.01f * std::cos(0.11f * static_cast<float>(i));
  }
  const float b1 = 0.9f, c1 = 0.1f, b2 = 0.999f, c2 = 0.001f, eps = 1e-7f, lr_t = 1e-3f;
  for (auto _ : state) {
    float* __restrict pw = w.data();
    float* __restrict pm = m.data();
    float* __restrict pv = v.data();
    const float* __restrict pg = g.data();
    for (std::size_t i = 0; i < kRecipeParameters; ++i) {
      pm[i] = b1 * pm[i] + c1 * pg[i];
      pv[i] = b2 * pv[i] + c2 * pg[i] * pg[i];
      pw[i] -= lr_t * pm[i] / (std::sqrt(pv[i]) + eps);
    }
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRecipeParameters));
}

using lrtune::UpdateForm;
const nlohmann::json kNone = nlohmann::json::object();

}  // namespace

BENCHMARK(bare_adam_loop);
BENCHMARK_CAPTURE(run, adam_keras, "adam", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, adam_pytorch, "adam", UpdateForm::pytorch, kNone);
BENCHMARK_CAPTURE(run, adamw_keras, "adamw", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, sgd_momentum_keras, "sgd", UpdateForm::keras, nlohmann::json{{"momentum", 0.9}});
BENCHMARK_CAPTURE(run, rmsprop_keras, "rmsprop", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, adagrad_keras, "adagrad", UpdateForm::keras, kNone);

BENCHMARK_MAIN();
