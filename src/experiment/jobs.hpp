// A small worker pool for the experiment's independent trainings: jobs 0..count-1 taken in order
// by `workers` threads. Kept in one place so that issue 13's core::parallel_for can replace it
// (with tune's lockstep pool and finder's repeats pool) in one edit.
#pragma once

#include <cstddef>
#include <functional>

namespace lrtune::experiment_detail {

// Runs job(i) for every i in [0, count), on the calling thread when workers <= 1 (in order), else
// on min(workers, count) threads. After a job throws, no new job starts; the first exception is
// rethrown once every running job has finished.
void run_jobs(std::size_t count, std::size_t workers, const std::function<void(std::size_t job)>& job);

}  // namespace lrtune::experiment_detail
