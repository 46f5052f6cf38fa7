// CSV reading speed on a generated ~100 MB numeric file (MB/s of CPU time, one thread), to compare with
// pandas.read_csv on the same file (bench/bench_pandas_csv.py). The file is written once
// to $LRTUNE_BENCH_CSV (default /tmp/lrtune_bench_numeric.csv) and reused.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <sstream>

#include "lrtune/data/csv.hpp"

namespace {

constexpr std::size_t kTargetBytes = 100'000'000;
constexpr int kColumns = 20;

std::filesystem::path bench_file() {
  const char* env = std::getenv("LRTUNE_BENCH_CSV");
  return (env != nullptr && *env != '\0') ? std::filesystem::path(env) : "/tmp/lrtune_bench_numeric.csv";
}

// Numbers as data files hold them: integers, fixed decimals, shortest round-trip forms, exponents.
void ensure_file(const std::filesystem::path& path) {
  if (std::filesystem::exists(path) && std::filesystem::file_size(path) >= kTargetBytes) return;
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal(0.0, 100.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int> integer(0, 999'999);
  std::string out;
  out.reserve(kTargetBytes + 4096);
  for (int c = 0; c < kColumns; ++c) out += fmt::format("{}c{}", c ? "," : "", c);
  out += '\n';
  while (out.size() < kTargetBytes) {
    for (int c = 0; c < kColumns; ++c) {
      if (c) out += ',';
      switch (c % 4) {
        case 0: out += fmt::format("{}", integer(rng)); break;
        case 1: out += fmt::format("{:.4f}", normal(rng)); break;
        case 2: out += fmt::format("{}", uniform(rng)); break;
        default: out += fmt::format("{:.6e}", normal(rng)); break;
      }
    }
    out += '\n';
  }
  std::ofstream(path, std::ios::binary).write(out.data(), static_cast<std::streamsize>(out.size()));
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// read_csv: file read + parse + typed columns, as a user calls it.
void BM_ReadCsvFile(benchmark::State& state) {
  const auto path = bench_file();
  ensure_file(path);
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    auto table = lrtune::read_csv(path);
    benchmark::DoNotOptimize(table.columns.data());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_ReadCsvFile)->Unit(benchmark::kMillisecond)->Iterations(5);

// parse_csv on text already in memory: the parser alone.
void BM_ParseCsvInMemory(benchmark::State& state) {
  const auto path = bench_file();
  ensure_file(path);
  const std::string text = slurp(path);
  for (auto _ : state) {
    auto table = lrtune::parse_csv(text);
    benchmark::DoNotOptimize(table.columns.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseCsvInMemory)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
