// parallel_for: every item once, any thread count; the lowest-index exception rethrown after all.
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/core/parallel.hpp"

namespace lrtune {

TEST(ParallelFor, RunsEveryItemExactlyOnceForAnyThreadCount) {
  for (std::size_t threads : {1u, 2u, 3u, 8u, 0u}) {
    std::vector<std::atomic<int>> calls(37);
    const std::size_t used = parallel_for(calls.size(), threads, [&](std::size_t i) { ++calls[i]; });
    for (const auto& c : calls) EXPECT_EQ(c.load(), 1) << threads << " threads";
    EXPECT_GE(used, 1u);
    if (threads != 0) {
      EXPECT_EQ(used, std::min<std::size_t>(threads, calls.size()));
    }
  }
}

TEST(ParallelFor, NoItemsUsesOneThreadAndCallsNothing) {
  int calls = 0;
  EXPECT_EQ(parallel_for(0, 4, [&](std::size_t) { ++calls; }), 1u);
  EXPECT_EQ(calls, 0);
}

TEST(ParallelFor, RethrowsTheLowestIndexErrorAfterEveryItemRan) {
  std::vector<std::atomic<int>> calls(20);
  try {
    parallel_for(calls.size(), 4, [&](std::size_t i) {
      ++calls[i];
      if (i == 13 || i == 5) throw std::runtime_error("item " + std::to_string(i));
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "item 5");
  }
  for (const auto& c : calls) EXPECT_EQ(c.load(), 1);
}

TEST(ParallelFor, WorkerCountIsBoundedByTheWork) {
  EXPECT_EQ(worker_count(4, 2), 2u);
  EXPECT_EQ(worker_count(1, 100), 1u);
  EXPECT_EQ(worker_count(3, 0), 1u);
  EXPECT_GE(worker_count(0, 100), 1u);
}

}  // namespace lrtune
