// The experiment's worker pool (jobs.hpp).
#include "jobs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lrtune::experiment_detail {

void run_jobs(std::size_t count, std::size_t workers, const std::function<void(std::size_t job)>& job) {
  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        job(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t threads = std::min(std::max<std::size_t>(workers, 1), std::max<std::size_t>(count, 1));
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < threads; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lrtune::experiment_detail
