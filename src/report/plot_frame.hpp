// The plot area of a chart pinned to known pixels (gnuplot's margins set "at screen"), so that
// labels can be laid out in pixels before gnuplot draws: data to pixel, pixel to graph fraction.
// Internal to src/report; the layout itself is label_layout's.
#pragma once

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace lrtune::report_detail {

struct PlotFrame {
  int width = 960, height = 540;                                // the whole chart, pixels
  double left = 0.08, right = 0.69, bottom = 0.11, top = 0.91;  // the plot area's edges, screen fractions
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;                // the axes' ranges
  bool log_x = false;

  double area_width() const { return (right - left) * width; }
  double area_height() const { return (top - bottom) * height; }
  // Pixels from the area's left / bottom edge.
  double px(double x) const {
    const double share =
        log_x ? (std::log(x) - std::log(x_lo)) / (std::log(x_hi) - std::log(x_lo)) : (x - x_lo) / (x_hi - x_lo);
    return share * area_width();
  }
  double py(double y) const { return (y - y_lo) / (y_hi - y_lo) * area_height(); }
  // gnuplot commands that pin the area where this frame says it is.
  std::string margins() const {
    return fmt::format(
        "  set lmargin at screen {}\n  set rmargin at screen {}\n  set bmargin at screen {}\n  set tmargin at screen "
        "{}\n",
        left, right, bottom, top);
  }
};

}  // namespace lrtune::report_detail
