// The search interval read off a per-step range test, and the candidate rates inside it: pure
// functions of a curve and numbers. Running the range test is the Tuner's job.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/curve.hpp"

namespace lrtune {

struct SearchInterval {
  double low = 0.0, high = 0.0;
  std::string low_reason, high_reason;  // one sentence each, with the numbers
};

// high: the rate where the smoothed loss starts to rise, i.e. the rate of the lowest finite
// smoothed loss (a diverged curve has its minimum before the divergence point; a curve that never
// rises gives its last finite rate). low: the curve's `minimum` suggestion (lowest loss / 10) divided
// by 10^decades_below_minimum; when that rule has no answer, or its answer is not below high,
// high / 10^(decades_below_minimum + 1), said so in low_reason. Throws UsageError when
// the curve has no finite smoothed loss.
SearchInterval interval_from_range_test(const RangeTestCurve& curve, double decades_below_minimum);

// n rates spaced evenly in log between low and high, both ends included (n >= 2, 0 < low < high).
std::vector<double> log_spaced_rates(double low, double high, std::size_t n);

}  // namespace lrtune
