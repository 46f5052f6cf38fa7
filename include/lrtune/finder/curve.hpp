// The result of one learning-rate range test: every point's rate, raw and smoothed loss,
// optional validation loss and metrics, why and where it stopped, timings, suggestions.
// A plain value with a JSON form; writing it to a file is io's job, drawing it report's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/finder/collapse.hpp"
#include "lrtune/finder/curve_mode.hpp"
#include "lrtune/finder/divergence.hpp"
#include "lrtune/finder/suggest_all.hpp"

namespace lrtune {

struct RangeTestCurve {
  CurveMode mode = CurveMode::per_step;
  std::size_t planned_points = 0;  // points the schedule planned (the trim's "num_it")

  // One entry per recorded point, all of the same length n.
  std::vector<double> learning_rates;   // (n,)
  std::vector<double> losses;           // (n,) raw loss as the step function returned it
  std::vector<double> smoothed_losses;  // (n,) what the rules read; equal to losses when smoothing_beta == 0
  // (n,) when any point had a validation loss (NaN where one did not), else empty.
  std::vector<double> validation_losses;
  // Named extra metrics (e.g. "accuracy"), each (n,), NaN where a point lacked it.
  std::map<std::string, std::vector<double>> metrics;

  double smoothing_beta = 0.0;
  DivergenceRule divergence;
  RangeTestStop stop_reason = RangeTestStop::completed;
  // The last recorded point: the one that diverged or was non-finite, or the last point
  // before a user's stop; -1 when no point was recorded.
  std::int64_t stop_index = -1;

  // The first point of the curve's collapse (detect_collapse below), -1 when none; the
  // suggestions read only the points before it. collapse_reason: one line, with numbers.
  std::int64_t collapse_index = -1;
  std::string collapse_reason;

  std::vector<double> step_seconds;  // (n,) wall time of each step function call
  double total_seconds = 0.0;        // the whole sweep, suggestions included

  SuggestionSet suggestions;

  std::size_t size() const { return learning_rates.size(); }
  // Value equality in which NaN equals NaN.
  bool operator==(const RangeTestCurve&) const;
};

// JSON keys follow the member names. Non-finite numbers are written as the strings
// "nan", "inf", "-inf" (JSON has no such numbers) and read back as themselves.
void to_json(nlohmann::json& j, const RangeTestCurve& curve);
void from_json(const nlohmann::json& j, RangeTestCurve& curve);

// Where a per-epoch curve collapsed: detect_collapse on its learning rates, smoothed losses
// (what the rules read), validation losses and "accuracy" metric. Per-step curves: none (their
// divergence rule already stops the sweep; docs/finder.md says why the other signals do not fit).
Collapse detect_collapse(const RangeTestCurve& curve, const CollapseOptions& options = {});

// Suggestions for a curve: suggest_all on (learning_rates, smoothed_losses) cut before
// detect_collapse(curve, options.collapse), with the trim's planned_points taken from the curve
// when options leave it 0. A rule that finds nothing on a cut curve says where it was cut.
SuggestionSet suggest_all(const RangeTestCurve& curve, const SuggestOptions& options = {});

}  // namespace lrtune
