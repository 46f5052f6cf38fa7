// How the experiment compares the optimizer's default rate with the tuned one: where the tuned rate
// comes from, how each side trains (epochs, batch size, early stopping), how many seeds, how many
// worker threads. The batch size, seed and rule are also those of the range test and the search.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/train/early_stopping.hpp"

namespace lrtune {

// Where the tuned rate comes from: the validated search (tune/) or the range test's suggestion.
enum class RatePick { tuner, finder };
std::string_view rate_pick_name(RatePick pick);   // "tuner", "finder"
RatePick parse_rate_pick(std::string_view name);  // throws UsageError listing the names

// How a training's rate moves over its steps (training_schedule.hpp); the search always trains
// its candidates at constant rates.
//   constant:  the rate throughout (Keras' fit).
//   one_cycle: fastai's fit_one_cycle with max_lr = the rate: up from rate/25 over the first
//              quarter of the steps, then cosine down to rate/(25 * 1e5), momentum (SGD's,
//              Adam's beta_1) cycled 0.95 -> 0.85 -> 0.95; no early stopping.
//   cosine:    PyTorch's CosineAnnealingLR per step: from the rate towards 0 over every step.
enum class TrainingSchedule { constant, one_cycle, cosine };
std::string_view training_schedule_name(TrainingSchedule schedule);  // "constant", "one-cycle", "cosine"
TrainingSchedule parse_training_schedule(std::string_view name);     // throws UsageError listing the names

struct ComparisonOptions {
  RatePick pick = RatePick::tuner;
  // The suggestion rule (suggestion.hpp's names, e.g. "stable-minimum"); "" = the range test's default.
  std::string rule;
  int epochs = 100;
  Index batch_size = 32;
  // Early stopping on a seeded validation part of the training rows (the model a careful user trains).
  // Not with TrainingSchedule::one_cycle (fastai's fit_one_cycle trains every epoch asked).
  bool early_stopping = true;
  double validation_fraction = 0.2;
  // Hold out validation_fraction even without early stopping, for val_* columns in the history
  // (Keras' validation_split).
  bool hold_out_validation = false;
  TrainingSchedule schedule = TrainingSchedule::constant;
  EarlyStoppingOptions stopping = {
      .monitor = "val_loss", .min_delta = 0.0, .patience = 10, .restore_best_weights = true};
  int repeats = 1;          // seeds per side: seed, seed + 1, ...
  std::uint64_t seed = 42;  // initial weights, batch order, validation split (and the range test's, the search's)
  // Worker threads for the 2 x repeats trainings (at most that many); 0 or 1: one after another on
  // the calling thread (the only way a progress display can redraw one bar).
  int threads = 0;
  // Each training data-parallel over these ranks (train/data_parallel.hpp; every rank calls
  // train_and_evaluate or run_experiment alike); nullptr: in this process. With more than one rank
  // run_experiment trains its 2 x repeats trainings one after another (threads is not read for
  // them) and agrees a cancel over the ranks before each, so no rank skips one the others start.
  const Communicator* data_parallel = nullptr;
};

}  // namespace lrtune
