// The data half of `lrtune train` on a big table (issue 18), with its wall time and the process's
// peak resident memory: read_csv alone (no TARGET), or load_data (read, choose the task, prepare,
// float32 matrices) as the command does it. One phase per process, since a peak only grows.
// bench/big_table.sh runs it.
//   read_big_table CSV [TARGET]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <exception>

#include "lrtune/data/csv.hpp"
#include "lrtune/experiment/data_options.hpp"

namespace {

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: read_big_table CSV [TARGET]\n");
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    if (argc == 2) {
      const lrtune::Table table = lrtune::read_csv(argv[1]);
      std::printf("read_csv: %ld rows, %.2f s, peak RSS %.0f MiB\n", static_cast<long>(table.rows()),
                  seconds_since(start), peak_mib());
      return 0;
    }
    lrtune::DataOptions options;
    options.path = argv[1];
    options.target = argv[2];
    const lrtune::ExperimentData data = lrtune::load_data(options);
    std::printf("load_data: %ld train rows x %ld features, %.2f s, peak RSS %.0f MiB\n",
                static_cast<long>(data.x_train.rows()), static_cast<long>(data.x_train.cols()), seconds_since(start),
                peak_mib());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "read_big_table: %s\n", e.what());
    return 1;
  }
  return 0;
}
