// The one worker pool (see lrtune/core/parallel.hpp).
#include "lrtune/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace lrtune {

std::size_t worker_count(std::size_t threads, std::size_t work) {
  if (threads == 0) threads = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(threads, work));
}

std::size_t parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& body) {
  const std::size_t workers = worker_count(threads, n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        body(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return workers;
}

}  // namespace lrtune
