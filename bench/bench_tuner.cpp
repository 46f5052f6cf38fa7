// The Tuner's lockstep path against the plain alternative: 8 candidate rates trained for the same
// epochs on the recipe's model (12-128-256-256-1, Adam) and the wine training rows, through one
// Tuner rung on 1 or 2 worker threads, versus 8 separate fit calls one after the other (same rates,
// same seed, same validation split). The range test and halving are left out: the interval is
// given and the single rung ends at max_epochs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "lrtune/data/preprocessing.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/tune/interval.hpp"
#include "lrtune/tune/tuner.hpp"

namespace {

constexpr std::size_t kCandidates = 8;
constexpr int kEpochs = 10;
constexpr double kLow = 1e-4, kHigh = 1e-2;

// The recipe's training rows (5,170 x 12), read once through the data pipeline.
struct WineTrain {
  lrtune::Matrix X;  // (rows, features)
  lrtune::Vector y;  // (rows,)
  WineTrain() {
    const char* env = std::getenv("LRTUNE_DATA_DIR");
    const std::filesystem::path dir = env != nullptr && *env != '\0' ? env : LRTUNE_DEFAULT_DATA_DIR;
    lrtune::PrepareOptions options;
    options.target = "quality";
    options.target_rule = lrtune::TargetRule::parse(">=6");
    const lrtune::PreparedData data = lrtune::prepare(dir / "winequalityN.csv", options);
    X = data.x_train;
    y = lrtune::to_float(data.y_train);
  }
};

// CPU seconds of the whole process (all threads) since `start`: the work done, whatever the load.
double process_cpu_since(std::clock_t start) { return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC; }

const WineTrain& wine() {
  static const WineTrain data;
  return data;
}

lrtune::Sequential recipe_model() {
  return lrtune::Sequential(
      12,
      {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(1, "sigmoid")},
      0);
}

}  // namespace

// 8 units x 10 epochs through the Tuner's rung loop on state.range(0) worker threads.
static void BM_TunerLockstep8x10Epochs(benchmark::State& state) {
  const auto& data = wine();
  const lrtune::Sequential model = recipe_model();
  const lrtune::Adam adam;
  lrtune::TunerOptions o;
  o.candidates = kCandidates;
  o.low = kLow;
  o.high = kHigh;
  o.first_rung_epochs = kEpochs;
  o.max_epochs = kEpochs;
  o.patience = kEpochs;  // no early stop inside 10 epochs: every unit trains all of them
  o.threads = static_cast<std::size_t>(state.range(0));
  double epochs = 0.0;
  const std::clock_t start = std::clock();
  for (auto _ : state) {
    const lrtune::TuningResult r =
        lrtune::Tuner(model, adam, lrtune::Loss::binary_crossentropy, data.X, data.y, o).run();
    epochs = r.epochs_cost;
  }
  state.counters["epochs"] = epochs;
  state.counters["process_cpu_s"] = process_cpu_since(start);
}
BENCHMARK(BM_TunerLockstep8x10Epochs)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// The same 8 rates, each its own fit call (same seed, split and epochs), one after the other.
static void BM_SequentialFits8x10Epochs(benchmark::State& state) {
  const auto& data = wine();
  const lrtune::Sequential prototype = recipe_model();
  const auto rates = lrtune::log_spaced_rates(kLow, kHigh, kCandidates);
  const std::clock_t start = std::clock();
  for (auto _ : state) {
    for (const double rate : rates) {
      lrtune::Sequential model = prototype;
      model.initialize(0);
      lrtune::Adam adam({.learning_rate = rate});
      benchmark::DoNotOptimize(lrtune::fit(model, adam, lrtune::Loss::binary_crossentropy, data.X, data.y,
                                           {.epochs = kEpochs, .batch_size = 32, .seed = 0, .validation_split = 0.2})
                                   .size());
    }
  }
  state.counters["process_cpu_s"] = process_cpu_since(start);
}
BENCHMARK(BM_SequentialFits8x10Epochs)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

BENCHMARK_MAIN();
