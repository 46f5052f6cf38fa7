// The validated search over any trainer: the user's model trains one epoch per call and reports
// its validation loss; lrtune runs the rungs, the halving cuts, early stopping and the noise-aware
// pick over those numbers (the same orchestration as the Tuner's). Building, training and keeping
// the weights of a model are the trainer's; lrtune never sees a weight.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "lrtune/finder/curve.hpp"
#include "lrtune/tune/tuner.hpp"
#include "lrtune/tune/tuner_callback.hpp"

namespace lrtune {

// What one epoch reports.
struct EpochReport {
  double validation_loss = 0.0;  // non-finite: the unit diverged and trains no more
  // Optional: the loss of every validation row after this epoch (the same rows, in the same order,
  // for every trainer of a given seed and fold). They let the pick measure its noise from paired
  // rows (pick.hpp). lrtune keeps those of each unit's best epoch until the search returns:
  // 8 bytes x rows x (candidates + extensions) x repeats x folds.
  std::vector<double> row_losses;
};

// One model at one learning rate, seed and fold. The search calls train_epoch() once per epoch
// until the unit stops (halving cut, early stop, max_epochs, divergence, cancel); every trainer
// lives until the search returns (candidates x repeats x folds models at once). Early stopping and best-epoch tracking
// are lrtune's (TuningCandidate::best_epochs); keeping or restoring the best weights is the trainer's business. With
// SearchOptions::threads != 1 different trainers are called from different worker threads at once (one trainer is never
// called concurrently with itself); an exception thrown here ends the search and reaches its caller.
class EpochTrainer {
 public:
  virtual ~EpochTrainer() = default;
  // Trains one more epoch and reports the validation loss after it.
  virtual EpochReport train_epoch() = 0;
};

// Makes the trainer of a candidate: (learning rate, seed, fold) -> a fresh, untrained model.
// Called from the thread that called search_trainers, before the units train.
using TrainerFactory = std::function<std::unique_ptr<EpochTrainer>(double learning_rate, std::uint64_t seed, int fold)>;

struct SearchOptions {
  // --- the interval and the candidates (as TunerOptions) ---
  std::size_t candidates = 10;  // log-spaced rates across [low, high], both ends included; >= 2
  // Give both, or give range_test (a curve from the range test of the same model, e.g. Python's
  // lrtune.range_test): then the Tuner's rule interval_from_range_test bounds the interval.
  std::optional<double> low;
  std::optional<double> high;
  std::optional<RangeTestCurve> range_test;
  double decades_below_minimum = 2.0;  // the interval rule's lower end (>= 1); with range_test only
  // Required: the rate the user would train at without a search (there is no optimizer to ask).
  std::optional<double> default_rate;

  // --- successive halving and early stopping (as TunerOptions) ---
  int first_rung_epochs = 4;
  double rung_growth = 2.0;
  double keep_fraction = 0.5;
  bool keep_improving = true;
  int max_epochs = 100;
  int patience = 10;
  double min_delta = 0.0;

  // --- the pick ---
  double noise_margin = 2.0;
  int max_extensions = 2;

  // --- units ---
  // Each candidate trains repeats x folds units: unit (r, f) gets seed + r and fold f (0-based).
  // The pick pairs the units of equal (r, f) across candidates.
  int repeats = 1;
  int folds = 1;
  std::uint64_t seed = 0;
  // Worker threads over the units (0 = one per core). 1 by default: a user's trainer is rarely
  // safe to run beside another (a shared GPU, a framework's global state).
  std::size_t threads = 1;

  std::vector<TunerCallback*> callbacks;      // not owned; on_search_begin gets the TunerOptions equivalent
  const std::atomic<bool>* cancel = nullptr;  // checked before each epoch of each unit

  void validate() const;  // throws UsageError naming the option, its value and the valid range
};

// The validated search over the factory's trainers. The result is the Tuner's TuningResult with
// range_test the given curve (or empty), training_rows and validation_rows 0 (lrtune does not
// see the data), refit false and model_epochs the pick's repeat-0 best epoch + 1. Without per-row
// losses the pick's noise is the spread over the repeats x folds units (>= 2), or, with a single
// unit per candidate, there is none and the decision says so (pick.hpp, decide_pick).
// Exceptions from the factory or a trainer propagate unchanged. Throws UsageError on bad options.
TuningResult search_trainers(const TrainerFactory& make_trainer, const SearchOptions& options);

}  // namespace lrtune
