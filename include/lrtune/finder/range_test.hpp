// The generic learning-rate range test: call a user's step function once per point with
// a growing learning rate, smooth and watch the loss, stop on divergence, a non-finite
// loss or the caller's cancel, and suggest rates. It knows nothing of networks: the step
// function trains (one mini-batch or one epoch) and reports; restoring the model is the
// caller's business (the engine's finder wraps this one and does it).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/curve_mode.hpp"
#include "lrtune/finder/divergence.hpp"
#include "lrtune/finder/range_schedule.hpp"
#include "lrtune/finder/range_test_callback.hpp"
#include "lrtune/finder/suggest_options.hpp"

namespace lrtune {

// What one step reports: the training loss at the given rate and, optionally, a
// validation loss and named metrics.
struct StepResult {
  double loss = 0.0;
  std::optional<double> validation_loss{};
  std::map<std::string, double> metrics{};
};

// One call = one mini-batch step (per-step mode) or one epoch (per-epoch mode) at `lr`.
using StepFn = std::function<StepResult(double lr)>;

struct RangeTestOptions {
  CurveMode mode = CurveMode::per_step;
  RangeSchedule schedule{};  // default: exponential 1e-7 -> 10 over 100 points
  // EMA beta; unset: 0.98 for per-step curves, 0 (off) for per-epoch curves.
  std::optional<double> smoothing_beta{};
  DivergenceRule divergence{};
  SuggestOptions suggest{};  // trim.planned_points 0 = the schedule's num_points

  // Called in order (not owned; they must outlive the call). A callback stops the sweep by
  // setting its context's stop_test; a caller on another thread (a Ctrl-C handler) by raising
  // *cancel. Both are checked before every step.
  std::vector<RangeTestCallback*> callbacks{};
  const std::atomic<bool>* cancel = nullptr;

  // Per-epoch convenience: the recipe's schedule, no smoothing.
  static RangeTestOptions recipe_per_epoch();

  void validate() const;  // throws UsageError naming the option, value and range
};

// Runs the sweep and returns the curve with its suggestions. Exceptions from step_fn
// propagate unchanged.
RangeTestCurve run_range_test(const StepFn& step_fn, const RangeTestOptions& options = {});

}  // namespace lrtune
