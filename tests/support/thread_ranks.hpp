// N ranks of one in-process communicator, each on its own thread, as mpirun would start N
// processes: what tests use to check that work spread over ranks computes what one process does,
// without MPI. Each collective is write your slot, wait, read all slots, wait.
#pragma once

#include <barrier>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "lrtune/core/communicator.hpp"

namespace lrtune::testing {

// What the ranks share: one slot per rank and a barrier.
struct SharedRanks {
  explicit SharedRanks(int n) : size(n), slots(static_cast<std::size_t>(n)), sync(n) {}
  int size;
  std::vector<Bytes> slots;
  std::barrier<> sync;
};

class ThreadRank final : public Communicator {
 public:
  ThreadRank(SharedRanks& shared, int rank) : shared_(shared), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return shared_.size; }
  std::vector<Bytes> allgather(const Bytes& mine) const override {
    shared_.slots[static_cast<std::size_t>(rank_)] = mine;
    shared_.sync.arrive_and_wait();
    std::vector<Bytes> all = shared_.slots;
    shared_.sync.arrive_and_wait();  // nobody overwrites a slot before everyone has read it
    return all;
  }
  void broadcast(Bytes& bytes, int root) const override { bytes = allgather(bytes)[static_cast<std::size_t>(root)]; }
  void allreduce_sum(std::span<double> values) const override { sum(values); }
  void allreduce_sum(std::span<float> values) const override { sum(values); }
  [[noreturn]] void abort(int /*code*/) const override { std::abort(); }  // a test failure: nothing may abort

 private:
  // In rank order, as the MPI implementation promises.
  template <typename T>
  void sum(std::span<T> values) const {
    ByteWriter w;
    w.put_span(std::span<const T>(values.data(), values.size()));
    const std::vector<Bytes> all = allgather(w.take());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = T{0};
    for (const Bytes& bytes : all) {
      ByteReader r(bytes);
      const std::vector<T> part = r.get_vector<T>();
      for (std::size_t i = 0; i < values.size(); ++i) values[i] += part[i];
    }
  }
  SharedRanks& shared_;
  int rank_;
};

// Runs work(communicator) on n threads, one rank each, and returns each rank's result by rank.
template <typename Result>
std::vector<Result> on_thread_ranks(int n, const std::function<Result(const Communicator&)>& work) {
  SharedRanks shared(n);
  std::vector<std::unique_ptr<ThreadRank>> ranks;
  for (int r = 0; r < n; ++r) ranks.push_back(std::make_unique<ThreadRank>(shared, r));
  std::vector<Result> results(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      const auto i = static_cast<std::size_t>(r);
      results[i] = work(*ranks[i]);
    });
  for (auto& t : threads) t.join();
  return results;
}

}  // namespace lrtune::testing
