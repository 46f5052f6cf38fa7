// Everything an experiment is told, in one value: data, model, optimizer, range test, search and
// comparison options. The defaults are `lrtune run`'s (the recipe's data choices and network,
// Adam, the per-epoch range test, the validated search, early-stopped trainings, seed 42).
#pragma once

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
  // experiment takes them from the comparison and the observer (search_options in search.hpp).
  TunerOptions search;
  ComparisonOptions comparison;
};

}  // namespace lrtune
