// prepare() on a whole table against prepare_shards on N in-process thread ranks (issue 18): wall
// time, the process's CPU time (user + sys) and the bytes each rank receives from the collectives.
// The ranks are threads of one process sharing its cores, so the figures say what the exchange
// costs beside the work, not what N machines would gain. bench/prepare_shards.sh runs it.
//   prepare_shards_bench CSV TARGET RULE [RANKS...]      e.g. big.csv y ">=1" 1 2 4
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <string>
#include <vector>

#include "lrtune/core/row_shards.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/prepare_shards.hpp"
#include "support/thread_ranks.hpp"

namespace {

using namespace lrtune;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// A thread rank that counts the bytes it receives from other ranks.
class CountingRank final : public Communicator {
 public:
  CountingRank(const Communicator& inner, std::atomic<std::size_t>& received) : inner_(inner), received_(received) {}
  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  std::vector<Bytes> allgather(const Bytes& mine) const override {
    std::vector<Bytes> all = inner_.allgather(mine);
    for (std::size_t r = 0; r < all.size(); ++r)
      if (static_cast<int>(r) != rank()) received_ += all[r].size();
    return all;
  }
  void broadcast(Bytes& bytes, int root) const override { inner_.broadcast(bytes, root); }
  void allreduce_sum(std::span<double> v) const override { inner_.allreduce_sum(v); }
  void allreduce_sum(std::span<float> v) const override { inner_.allreduce_sum(v); }
  [[noreturn]] void abort(int code) const override {
    inner_.abort(code);
    std::abort();  // not reached: the inner rank ends the process
  }

 private:
  const Communicator& inner_;
  std::atomic<std::size_t>& received_;
};

struct Timing {
  double wall = 0.0, cpu = 0.0;
};

template <class F>
Timing timed(F&& f) {
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), cpu_seconds() - cpu0};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: prepare_shards_bench CSV TARGET RULE [RANKS...]\n");
    return 2;
  }
  try {
    const Table table = read_csv(argv[1]);
    PrepareOptions o;
    o.target = argv[2];
    o.target_rule = TargetRule::parse(argv[3]);
    const Timing whole = timed([&] { (void)prepare(table, o); });
    std::printf("prepare(): %ld rows, wall %.2f s, cpu %.2f s\n", static_cast<long>(table.rows()), whole.wall,
                whole.cpu);
    for (int i = 4; i < argc; ++i) {
      const int ranks = std::atoi(argv[i]);
      std::vector<Table> shards;
      for (int r = 0; r < ranks; ++r) {
        const RowRange range = row_shard(static_cast<std::size_t>(table.rows()), r, ranks);
        std::vector<Index> rows(range.end - range.begin);
        std::iota(rows.begin(), rows.end(), static_cast<Index>(range.begin));
        shards.push_back(table.take(rows));
      }
      std::atomic<std::size_t> received{0};
      const Timing t = timed([&] {
        (void)lrtune::testing::on_thread_ranks<int>(ranks, [&](const Communicator& c) {
          const CountingRank counting(c, received);
          (void)prepare_shards(std::move(shards[static_cast<std::size_t>(c.rank())]), o, counting);
          return 0;
        });
      });
      std::printf("prepare_shards on %d thread ranks: wall %.2f s, cpu %.2f s, received %.1f MiB per rank\n", ranks,
                  t.wall, t.cpu, static_cast<double>(received) / ranks / (1024.0 * 1024.0));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "prepare_shards_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
