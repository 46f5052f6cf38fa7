// Reading a big CSV in parts (issue 18), with wall time, CPU time and the process's peak resident
// memory: `read_csv_shard CSV` reads this rank's part with read_csv_shard (under mpirun, one part
// per rank; alone, the whole file as one part); `read_csv_shard CSV --plan N` times rank 0's
// planning pass alone. One measurement per process, since a peak only grows. bench/csv_shards.sh runs it.
//   read_csv_shard CSV [--plan N]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "lrtune/data/csv_shards.hpp"
#ifdef LRTUNE_MPI
#include "lrtune/distributed/mpi.hpp"
#endif

namespace {

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::strcmp(argv[2], "--plan") == 0)) {
    std::fprintf(stderr, "usage: read_csv_shard CSV [--plan N]\n");
    return 2;
  }
  try {
    if (argc == 4) {
      const auto start = std::chrono::steady_clock::now();
      const lrtune::CsvShardPlan plan = lrtune::plan_csv_shards(argv[1], {}, std::stoi(argv[3]));
      std::printf("plan_csv_shards: %ld rows in %zu parts, %.2f s, CPU %.2f s, peak RSS %.0f MiB\n",
                  static_cast<long>(plan.rows), plan.parts.size(), seconds_since(start), cpu_seconds(), peak_mib());
      for (const lrtune::CsvPart& part : plan.parts)
        std::printf("  part: bytes %llu-%llu, rows %ld from row %ld (line %ld)\n",
                    static_cast<unsigned long long>(part.begin), static_cast<unsigned long long>(part.end),
                    static_cast<long>(part.rows), static_cast<long>(part.first_row), part.first_line);
      return 0;
    }
#ifdef LRTUNE_MPI
    const auto world = lrtune::distributed::start_world(argc, argv);
    const lrtune::Communicator& communicator = *world;
#else
    const lrtune::Communicator& communicator = lrtune::single_process();
#endif
    const auto start = std::chrono::steady_clock::now();
    const lrtune::CsvShard shard = lrtune::read_csv_shard(argv[1], {}, communicator);
    std::printf("read_csv_shard: rank %d of %d, rows %ld from row %ld of %ld, %.2f s, CPU %.2f s, peak RSS %.0f MiB\n",
                communicator.rank(), communicator.size(), static_cast<long>(shard.table.rows()),
                static_cast<long>(shard.first_row), static_cast<long>(shard.total_rows), seconds_since(start),
                cpu_seconds(), peak_mib());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "read_csv_shard: %s\n", e.what());
    return 1;
  }
  return 0;
}
