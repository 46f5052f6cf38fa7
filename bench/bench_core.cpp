// Benchmarks of core's numpy-compatible permutation (the split and every epoch's shuffle use it).
#include <benchmark/benchmark.h>

#include "lrtune/core/random.hpp"

static void BM_NumpyPermutation(benchmark::State& state) {
  lrtune::Mt19937 generator(42u);
  for (auto _ : state) benchmark::DoNotOptimize(lrtune::numpy_permutation(state.range(0), generator));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NumpyPermutation)->Arg(5170)->Arg(1 << 20);

BENCHMARK_MAIN();
