// How the experiment compares the optimizer's default rate with the tuned one: where the tuned rate
// comes from, how each side trains (epochs, batch size, early stopping), how many seeds, how many
// worker threads. The batch size, seed and rule are also those of the range test and the search.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/train/early_stopping.hpp"

namespace lrtune {

// Where the tuned rate comes from: the validated search (tune/) or the range test's suggestion.
enum class RatePick { tuner, finder };
std::string_view rate_pick_name(RatePick pick);  // "tuner", "finder"
RatePick parse_rate_pick(std::string_view name);  // throws UsageError listing the names

struct ComparisonOptions {
  RatePick pick = RatePick::tuner;
  // The suggestion rule (suggestion.hpp's names, e.g. "stable-minimum"); "" = the range test's default.
  std::string rule;
  int epochs = 100;
  Index batch_size = 32;
  // Early stopping on a seeded validation part of the training rows (the model a careful user trains).
  bool early_stopping = true;
  double validation_fraction = 0.2;
  EarlyStoppingOptions stopping = {.monitor = "val_loss", .min_delta = 0.0, .patience = 10, .restore_best_weights = true};
  int repeats = 1;         // seeds per side: seed, seed + 1, ...
  std::uint64_t seed = 42;  // initial weights, batch order, validation split (and the range test's, the search's)
  // Worker threads for the 2 x repeats trainings (at most that many); 0 or 1: one after another on
  // the calling thread (the only way a progress display can redraw one bar).
  int threads = 0;
};

}  // namespace lrtune
