// Everything an experiment is told, in one value: data, model, optimizer, range test, search and
// comparison options. The defaults are `lrtune run`'s (the recipe's data choices and network,
// Adam, the per-epoch range test, the validated search, early-stopped trainings, seed 42).
#pragma once

#include <atomic>
#include <vector>

#include "lrtune/experiment/callback.hpp"
#include "lrtune/experiment/comparison_options.hpp"
#include "lrtune/experiment/data_options.hpp"
#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"
#include "lrtune/experiment/range_sweep_options.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

struct ExperimentOptions {
  DataOptions data;
  ModelOptions model;
  OptimizerOptions optimizer;
  RangeSweepOptions range_test;
  // The search (RatePick::tuner). Its batch_size, seed, repeats and cancel are not read: the
  // experiment takes them from the comparison and from `cancel` (search_options in search.hpp).
  TunerOptions search;
  ComparisonOptions comparison;

  // Progress (callback.hpp): called in order, not owned; they must outlive the call.
  std::vector<ExperimentCallback*> callbacks;
  // Raised by the caller (Ctrl-C, or a callback): every step polls it. fit, the range test and
  // the search stop after their current step, trainings not yet started are skipped, and the
  // result says cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // false: run_experiment returns once the rates are chosen (after on_rates_chosen), with the
  // comparison's trainings not run (the sides' runs empty). For a process whose results are not
  // reported: under mpirun, the ranks other than 0 share the search and then have nothing to train.
  // With comparison.data_parallel over several ranks every rank must leave it true: each takes part
  // in every training.
  bool train_comparison = true;
};

}  // namespace lrtune
