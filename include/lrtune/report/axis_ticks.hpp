// Tick marks for a log-scaled learning-rate axis whose labels never overlap: decades, with 2 and
// 5 between them when few decades show, thinned to every second (third, ...) decade when the axis
// is too short for all their labels. The charts write them as an explicit `set xtics (...)`.
#pragma once

#include <string>
#include <vector>

namespace lrtune {

struct AxisTick {
  double value = 0;
  std::string label;  // as gnuplot's '%g' writes it: 0.001, 1e-05
};

// Ticks inside [lo, hi] (0 < lo < hi) on an axis `pixels` long, each label's estimated width
// (label_text_size) at least `gap` pixels clear of the next one's. At least one tick whenever the
// range holds a decade or a 2 or 5 multiple; empty for an invalid range.
std::vector<AxisTick> log_axis_ticks(double lo, double hi, double pixels, double gap = 10.0);

// The pixel position of `value` on a log axis [lo, hi] that is `pixels` long.
double log_axis_pixel(double value, double lo, double hi, double pixels);

}  // namespace lrtune
