// The whole of `lrtune run` as one library call: prepare the data, run the range test, pick the
// tuned rate (the validated search, or the range test's suggestion), train at the optimizer's
// default rate and at the tuned one (per seed, on worker threads), score both on the test split.
// It returns values; writing files and printing are the caller's (the CLI's run does both).
//
//   lrtune::ExperimentOptions options;  // `lrtune run`'s defaults
//   options.data = {.path = "winequalityN.csv", .target = "quality", .positive = ">=6"};
//   const lrtune::ExperimentResult result = lrtune::run_experiment(options);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/data/preprocessing.hpp"
#include "lrtune/data/summary.hpp"
#include "lrtune/experiment/callback.hpp"
#include "lrtune/experiment/experiment_options.hpp"
#include "lrtune/experiment/range_test.hpp"
#include "lrtune/experiment/search.hpp"
#include "lrtune/experiment/training.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

// One side of the comparison: a rate and its trainings, one per seed.
struct ComparedRate {
  std::string name;  // "default" or "tuned"
  double learning_rate = 0.0;
  std::string source;          // "adam default", "tuner pick (best epoch 7)", "range test: valley"
  std::vector<Training> runs;  // per repeat (seed = comparison seed + repeat); empty until the trainings begin
};

struct ExperimentResult {
  // ---- the data ----
  TargetKind task = TargetKind::binary;
  std::string task_explanation;          // which task and why, naming the flag that changes it
  DataSummary data;                      // of the raw table, with the target's balance per part
  std::vector<std::string> class_names;  // the target's classes, class 0 first (classifiers)
  // Regression: the target's scaling (model units = (y - mean) / std); the test metrics are
  // already in the target's units. Unset for classifiers and an unscaled target.
  struct TargetScaling {
    double mean = 0.0, std = 1.0;
  };
  std::optional<TargetScaling> target_scaling;
  FittedPreprocessing preprocessing;  // what a saved model needs to score new raw rows
  Index test_rows = 0;

  // ---- the range test ----
  RangeTestCurve range_test;             // with every rule's suggestion
  std::string rule;                      // the rule read (comparison.rule, else the curve's default)
  std::optional<double> suggested_rate;  // that rule's rate; nullopt when it found none

  // ---- the tuned rate ----
  RatePick pick = RatePick::tuner;
  std::optional<TuningResult> search;  // with RatePick::tuner
  int repeats = 1;                     // seeds per side (the comparison's)
  ComparedRate default_side{"default", 0.0, "", {}};
  ComparedRate tuned_side{"tuned", 0.0, "", {}};

  bool cancelled = false;  // options.cancel was raised: what finished is here, the rest is empty

  // The delivered model: the tuned rate's first training. Throws std::logic_error when it did not run.
  const Sequential& model() const;
};

// Reads and prepares options.data, then runs the experiment on it. Throws lrtune::Error: UsageError
// for options, DataError for the data (and when RatePick::finder's rule finds no rate), IoError
// for the file.
ExperimentResult run_experiment(const ExperimentOptions& options);
// The same on data already prepared (options.data is not read): the CLI prepares first, to check
// sizes and report the data before anything trains.
ExperimentResult run_experiment(const ExperimentData& data, const ExperimentOptions& options);

// The comparison as `lrtune run` writes it in comparison.json (without "command" and "out"):
// rule, pick, tuned_by, default/tuned/suggested learning rates, suggestions, repeats, per side
// the runs and each test metric's mean and sample std, and a summary of the search; "task" and
// "task_explanation" say which task the target made.
void to_json(nlohmann::json& j, const ExperimentResult& result);

}  // namespace lrtune
