// The one worker pool: independent pieces of work (the search's training units, the repeated
// range tests, the comparison's trainings) spread over threads, the calling thread among them.
#pragma once

#include <cstddef>
#include <functional>

namespace lrtune {

// How many threads parallel_for uses for `work` items: `threads` (0 = one per core), at most one
// per item, at least 1.
std::size_t worker_count(std::size_t threads, std::size_t work);

// Calls body(i) once for every i in [0, n), items handed out in index order to worker_count
// threads. Returns after every item has finished; then rethrows the exception of the
// lowest-index item that threw, if any. Returns the number of threads used.
std::size_t parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& body);

}  // namespace lrtune
