// CSV reading speed on a generated ~100 MB numeric file (MB/s of CPU time, one thread), to compare with
// pandas.read_csv on the same file (bench/bench_pandas_csv.py). The file is written once
// to $LRTUNE_BENCH_CSV (default /tmp/lrtune_bench_numeric.csv) and reused. Also: read_csv on the
// wine table and a 28 MB file (the read() that replaced the memory map, issue 11), and reading
// plus preparing a wide table of 100,000 columns x 10 rows (linear since issue 11).
#include <benchmark/benchmark.h>

#include <fmt/format.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace {

constexpr std::size_t kTargetBytes = 100'000'000;
constexpr int kColumns = 20;

std::filesystem::path bench_file() {
  const char* env = std::getenv("LRTUNE_BENCH_CSV");
  return (env != nullptr && *env != '\0') ? std::filesystem::path(env) : "/tmp/lrtune_bench_numeric.csv";
}

// Numbers as data files hold them: integers, fixed decimals, shortest round-trip forms, exponents.
void ensure_file(const std::filesystem::path& path, std::size_t target_bytes = kTargetBytes) {
  if (std::filesystem::exists(path) && std::filesystem::file_size(path) >= target_bytes) return;
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal(0.0, 100.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int> integer(0, 999'999);
  std::string out;
  out.reserve(target_bytes + 4096);
  for (int c = 0; c < kColumns; ++c) out += fmt::format("{}c{}", c ? "," : "", c);
  out += '\n';
  while (out.size() < target_bytes) {
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

void read_file_bench(benchmark::State& state, const std::filesystem::path& path) {
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    auto table = lrtune::read_csv(path);
    benchmark::DoNotOptimize(table.columns.data());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// read_csv on the wine table (0.4 MB) and on a generated 28 MB file (the size of issue 11's
// truncation trial): the cost of reading the file with read() instead of mapping it.
void BM_ReadCsvWine(benchmark::State& state) {
  read_file_bench(state, std::filesystem::path(LRTUNE_DEFAULT_DATA_DIR) / "winequalityN.csv");
}
BENCHMARK(BM_ReadCsvWine)->Unit(benchmark::kMillisecond);

void BM_ReadCsv28MB(benchmark::State& state) {
  const std::filesystem::path path = "/tmp/lrtune_bench_numeric_28mb.csv";
  ensure_file(path, 28'000'000);
  read_file_bench(state, path);
}
BENCHMARK(BM_ReadCsv28MB)->Unit(benchmark::kMillisecond)->Iterations(10);

// 100,000 columns x 10 rows (2.7 MB; one binary target column y first): read_csv, then prepare
// with the recipe's steps. A lookup per column made this quadratic (79 s for `lrtune train`).
std::filesystem::path wide_file() {
  const std::filesystem::path path = "/tmp/lrtune_bench_wide_100000x10.csv";
  if (std::filesystem::exists(path)) return path;
  constexpr int kWideColumns = 100'000, kRows = 10;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::string out = "y";
  for (int c = 0; c < kWideColumns; ++c) out += fmt::format(",f{}", c);
  out += '\n';
  for (int r = 0; r < kRows; ++r) {
    out += r % 2 ? "1" : "0";
    for (int c = 0; c < kWideColumns; ++c) out += fmt::format(",{:.3f}", uniform(rng));
    out += '\n';
  }
  std::ofstream(path, std::ios::binary).write(out.data(), static_cast<std::streamsize>(out.size()));
  return path;
}

void BM_ReadAndPrepareWide(benchmark::State& state) {
  const auto path = wide_file();
  lrtune::PrepareOptions options;
  options.target = "y";
  options.target_rule = lrtune::TargetRule::parse("==1");
  for (auto _ : state) {
    auto data = lrtune::prepare(path, options);
    benchmark::DoNotOptimize(data.x_train.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(std::filesystem::file_size(path)));
}
BENCHMARK(BM_ReadAndPrepareWide)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
