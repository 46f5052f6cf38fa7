// The generic range-test loop over a caller's step function. Per point: check the
// cancel flag and the callbacks' stop, set the rate, step, record, smooth, tell the
// callbacks, check for divergence. No I/O.
#include "lrtune/finder/range_test.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/smoothing.hpp"

namespace lrtune {

RangeTestOptions RangeTestOptions::recipe_per_epoch() {
  RangeTestOptions o;
  o.mode = CurveMode::per_epoch;
  o.schedule = RangeSchedule::recipe_per_epoch();
  return o;
}

void RangeTestOptions::validate() const {
  schedule.validate();
  if (smoothing_beta && !(*smoothing_beta >= 0.0 && *smoothing_beta < 1.0))
    throw UsageError(fmt::format("smoothing_beta = {} is out of range [0, 1)", *smoothing_beta));
  divergence.validate();
  suggest.validate();
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool cancelled(const RangeTestOptions& o, const RangeTestContext& context) {
  if (o.cancel != nullptr && o.cancel->load(std::memory_order_relaxed)) return true;
  return context.stop_test;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

RangeTestCurve run_range_test(const StepFn& step_fn, const RangeTestOptions& options) {
  options.validate();
  if (!step_fn) throw UsageError("run_range_test: the step function is empty");
  const auto t_start = Clock::now();

  RangeTestCurve curve;
  curve.mode = options.mode;
  curve.planned_points = options.schedule.num_points;
  curve.smoothing_beta =
      options.smoothing_beta.value_or(options.mode == CurveMode::per_step ? LossSmoother::kDefaultBeta : 0.0);
  curve.divergence = options.divergence;
  curve.stop_reason = RangeTestStop::completed;

  LossSmoother smoother(curve.smoothing_beta);
  DivergenceMonitor monitor(options.divergence);
  const std::size_t n = options.schedule.num_points;
  curve.learning_rates.reserve(n);
  curve.losses.reserve(n);
  curve.smoothed_losses.reserve(n);
  curve.step_seconds.reserve(n);

  RangeTestContext context{.curve = curve};
  for (RangeTestCallback* callback : options.callbacks) callback->on_test_begin(context);
  for (std::size_t i = 0; i < n; ++i) {
    if (cancelled(options, context)) {
      curve.stop_reason = RangeTestStop::cancelled;
      break;
    }
    const double lr = options.schedule.learning_rate(i);
    const auto t0 = Clock::now();
    StepResult r = step_fn(lr);
    curve.step_seconds.push_back(seconds_since(t0));

    curve.learning_rates.push_back(lr);
    curve.losses.push_back(r.loss);
    const double smoothed = smoother.add(r.loss);
    curve.smoothed_losses.push_back(smoothed);
    // Optional columns are created on first sight and back-filled with NaN.
    if (r.validation_loss) {
      curve.validation_losses.resize(i, kNaN);
      curve.validation_losses.push_back(*r.validation_loss);
    } else if (!curve.validation_losses.empty()) {
      curve.validation_losses.push_back(kNaN);
    }
    for (const auto& [name, value] : r.metrics) {
      auto& column = curve.metrics[name];
      column.resize(i, kNaN);
      column.push_back(value);
    }
    for (auto& [name, column] : curve.metrics)
      if (column.size() == i) column.push_back(kNaN);

    for (RangeTestCallback* callback : options.callbacks) callback->on_point(i, lr, r.loss, smoothed, context);
    const RangeTestStop stop = monitor.check(r.loss, smoothed);
    if (stop != RangeTestStop::completed) {
      curve.stop_reason = stop;
      break;
    }
  }
  curve.stop_index = static_cast<std::int64_t>(curve.learning_rates.size()) - 1;

  // A per-epoch sweep runs all its epochs (the chart shows the collapse), but the rules read
  // only the points before it: suggest_all(curve) cuts the curve there.
  const Collapse collapse = detect_collapse(curve, options.suggest.collapse);
  curve.collapse_index = collapse.index;
  curve.collapse_reason = collapse.reason;
  curve.suggestions = suggest_all(curve, options.suggest);
  curve.total_seconds = seconds_since(t_start);
  for (RangeTestCallback* callback : options.callbacks) callback->on_test_end(context);
  return curve;
}

}  // namespace lrtune
