// The engine-backed range test: sweeps the learning rate while training a Sequential with an
// Optimizer on (samples, features) matrices, per mini-batch (fastai) or per epoch (the recipe),
// and restores model and optimizer exactly afterwards. The sweep loop, smoothing, stop rules and
// suggestions are the generic run_range_test's; printing and files are the caller's.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/finder/range_test.hpp"
#include "lrtune/finder/repeats.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct LRFinderOptions {
  // per_step: one point = one mini-batch (fastai's lr_find); the batches cycle through as many
  // reshuffled epochs as the schedule needs. per_epoch: one point = one full shuffled epoch, its
  // loss the batch-size-weighted epoch mean (Keras' log), exactly as fit with a LearningRateScheduler.
  CurveMode mode = CurveMode::per_step;
  // Unset: per_step exponential 1e-7 -> 10 over 100 points; per_epoch the recipe's 1e-3 * 10^(e/30), 100 epochs.
  std::optional<RangeSchedule> schedule{};
  Index batch_size = 32;   // >= 1; the last batch of an epoch may be partial
  bool shuffle = true;     // reshuffle every epoch, numpy's permutation stream from `seed` (as fit)
  std::uint64_t seed = 0;  // batch order and, unless validation_seed is set, the validation split

  // Validation loss per point (after each step or epoch), recorded as the curve's validation_losses.
  // Either explicit data (both or neither) or a seeded fraction of the training rows (as fit).
  const Matrix* x_val = nullptr;  // (val_samples, features)
  const Matrix* y_val = nullptr;  // (val_samples, outputs)
  double validation_split = 0.0;  // [0, 1); 0 = no validation
  std::optional<std::uint64_t> validation_seed{};
  Index validation_batch_size = 1024;

  std::vector<std::string> metrics = {"accuracy"};  // recorded per point (nn's metric names)

  std::optional<double> smoothing_beta{};  // unset: 0.98 per step, 0 (off) per epoch
  // Unset: per step stop at 4x the best smoothed loss (fastai); per epoch only on a non-finite loss
  // (an epoch mean rising 4x would already be far into divergence, and the recipe records it).
  std::optional<DivergenceRule> divergence{};
  SuggestOptions suggest{};

  // Progress and stop, as the generic range test's (range_test_callback.hpp): called in order, not
  // owned. The cancel flag and a callback's stop_test are checked before every point; a per-epoch
  // point, once started, finishes its epoch.
  std::vector<RangeTestCallback*> callbacks{};
  const std::atomic<bool>* cancel = nullptr;

  // The recipe (SEED.md §3): per epoch, 1e-3 * 10^(e/30) for 100 epochs, batch 32.
  static LRFinderOptions recipe_per_epoch();
  // fastai: per step, exponential start -> end over num_it mini-batches.
  static LRFinderOptions fastai_per_step(std::size_t num_it = 100, double start = 1e-7, double end = 10.0);

  RangeSchedule effective_schedule() const;
  // The generic finder's options these resolve to (schedule, smoothing, divergence, suggest, callbacks, cancel).
  RangeTestOptions range_test_options() const;
  void validate() const;  // throws UsageError naming the option, value and range
};

// Runs range tests on one model and optimizer. run() leaves both exactly as it found them
// (weights, dropout RNG, optimizer moments, step counter, learning rate), bit for bit, however
// the sweep ends: completed, diverged, cancelled, or by an exception.
class LRFinder {
 public:
  // X (samples, features), y (samples, outputs) or (samples,). The data is referenced, not
  // copied: it must outlive the finder. Throws UsageError on shapes or options.
  LRFinder(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
           LRFinderOptions options = {});
  LRFinder(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
           LRFinderOptions options = {});

  RangeTestCurve run();

  const LRFinderOptions& options() const { return options_; }

 private:
  Sequential& model_;
  Optimizer& optimizer_;
  Loss loss_;
  const Matrix& X_;
  Matrix y_owned_;
  const Matrix& y_;
  LRFinderOptions options_;
};

// Repeats on fresh models: run i copies `prototype`, draws its weights with initialize(seed_i),
// clones `optimizer` (its current state and options) and orders batches with seed_i
// (seed_i = first_seed + i; options.seed is ignored, options.validation_seed kept if set).
// Runs go concurrently on repeat.workers threads; the result does not depend on the worker count.
// prototype and optimizer are only read. repeat.test is ignored: `options` says how each run sweeps.
RepeatedRangeTest run_repeated_lr_finder(const Sequential& prototype, const Optimizer& optimizer, Loss loss,
                                         const Matrix& X, const Matrix& y, const LRFinderOptions& options,
                                         RepeatOptions repeat = {});
RepeatedRangeTest run_repeated_lr_finder(const Sequential& prototype, const Optimizer& optimizer, Loss loss,
                                         const Matrix& X, const Vector& y, const LRFinderOptions& options,
                                         RepeatOptions repeat = {});

}  // namespace lrtune
