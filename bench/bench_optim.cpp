// Optimizer step cost over the recipe model's flat buffer (100,737 parameters, SEED.md §2).
// BASELINES.md: a fused Adam update measured ~18 us with -fno-math-errno on the project machine.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "adam_loops.hpp"
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

using AdamLoop = void (*)(std::size_t, float*, const float*, float*, float*);

// A bare Keras-form Adam loop (adam_loops.hpp), inlined with no optimizer object around it:
// adam_exact is BASELINES.md's floor to compare the library against, side by side.
void bare_adam(benchmark::State& state, AdamLoop loop) {
  std::vector<float> w(kRecipeParameters), g(kRecipeParameters), m(kRecipeParameters), v(kRecipeParameters);
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = 0.05f * std::sin(0.37f * static_cast<float>(i));
    g[i] = 0.01f * std::cos(0.11f * static_cast<float>(i));
  }
  for (auto _ : state) {
    loop(kRecipeParameters, w.data(), g.data(), m.data(), v.data());
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRecipeParameters));
}

using lrtune::UpdateForm;
const nlohmann::json kNone = nlohmann::json::object();

}  // namespace

BENCHMARK_CAPTURE(bare_adam, loop, bench::adam_exact);
BENCHMARK_CAPTURE(bare_adam, memory_floor, bench::adam_memory_floor);
#if defined(__AVX512F__)
BENCHMARK_CAPTURE(bare_adam, rsqrt14, bench::adam_rsqrt14);
#endif
BENCHMARK_CAPTURE(run, adam_keras, "adam", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, adam_pytorch, "adam", UpdateForm::pytorch, kNone);
BENCHMARK_CAPTURE(run, adamw_keras, "adamw", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, sgd_momentum_keras, "sgd", UpdateForm::keras, nlohmann::json{{"momentum", 0.9}});
BENCHMARK_CAPTURE(run, rmsprop_keras, "rmsprop", UpdateForm::keras, kNone);
BENCHMARK_CAPTURE(run, adagrad_keras, "adagrad", UpdateForm::keras, kNone);

BENCHMARK_MAIN();
