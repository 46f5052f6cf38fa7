// The range test as a small text chart for the terminal: the smoothed loss against log10(lr), with
// one suggestion marked at its own rate, in the same place the gnuplot chart marks it
// (suggestion_marks). A pure function returning text; printing it is the caller's.
#pragma once

#include <string>
#include <string_view>

#include "lrtune/finder/curve.hpp"

namespace lrtune {

// A width x height plot of the smoothed loss. The suggestion named `marked_rule` (empty or not
// found: none) is drawn as a '|' through its rate with an 'X' where it meets the curve; a rate
// outside the sweep widens the axis so that its '|' stands at the edge, and the legend says
// "below the sweep" / "above the sweep". Points above a diverged tail's clip are '^' on the top row.
std::string text_loss_chart(const RangeTestCurve& curve, std::string_view marked_rule, int width = 64, int height = 14);

}  // namespace lrtune
