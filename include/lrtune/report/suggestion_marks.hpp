// Where a chart marks each learning-rate suggestion: at its own rate, on the measured curve with
// the loss interpolated there (linear in log lr), or, when no loss was measured at that rate (below
// or above the swept range), as a line named for where it lies. Shared by the gnuplot charts and the
// command's text chart so that both put a suggestion in the same place; drawing is theirs.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/finder/curve.hpp"

namespace lrtune {

enum class MarkPlace {
  on_curve,     // inside the sweep, with a finite loss interpolated at the rate
  below_sweep,  // below the lowest swept rate (e.g. minimum's lr/10 near the start)
  above_sweep,  // above the highest swept rate
  unmeasured,   // inside the sweep, but a neighbouring loss is not finite (a diverged point)
};

// "on the curve", "below the sweep", "above the sweep", "no finite loss there": for labels.
std::string_view mark_place_text(MarkPlace place);
// "on_curve", "below_sweep", "above_sweep", "unmeasured": for data files.
std::string_view mark_place_name(MarkPlace place);

struct SuggestionMark {
  std::string name;          // the rule's name
  double learning_rate = 0;  // the suggested rate itself, never the rate of the point the rule read
  MarkPlace place = MarkPlace::on_curve;
  double loss = 0;      // the curve at learning_rate when on_curve, else NaN
  double position = 0;  // fractional index into the curve (i + t between points i and i+1); NaN off the sweep
  bool chosen = false;  // the suggestion set's default rule
};

// values at `rate` interpolated linearly in log(rate) between the two neighbouring points of a
// sweep (rates in the order swept, increasing); the point's own value on an exact hit. NaN when
// the rate lies outside the sweep or a neighbour's value is not finite.
double interpolate_at_rate(std::span<const double> rates, std::span<const double> values, double rate);

// The fractional index of `rate` in the sweep (3.5 = halfway in log rate between points 3 and 4);
// NaN outside it.
double position_of_rate(std::span<const double> rates, double rate);

// A mark for every found suggestion of the curve, in the set's order, placed on `values` (the
// curve drawn: the smoothed loss on the lr chart, the loss on the per-epoch chart).
std::vector<SuggestionMark> suggestion_marks(const RangeTestCurve& curve, std::span<const double> values);

}  // namespace lrtune
