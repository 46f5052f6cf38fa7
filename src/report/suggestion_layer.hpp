// The suggestion marks of a range-test chart as gnuplot text: a point on the curve or a labelled
// vertical line off the sweep, each with a label placed without overlap (label_layout) and a
// leader line when it had to move. Internal to src/report; which marks and where is
// suggestion_marks', the rest of the chart charts.cpp's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lrtune/report/suggestion_marks.hpp"
#include "plot_frame.hpp"

namespace lrtune::report_detail {

// One suggestion as a chart draws it, in the chart's data coordinates.
struct DrawnMark {
  SuggestionMark mark;
  double x = 0;       // the point's (or, off the sweep, the line's) x
  double y = 0;       // the point's y on the drawn curve; NaN for a line
  std::string key;    // its entry in the key
  std::string label;  // the text beside it
  std::string color;  // '#rrggbb'
};

struct MarkLayer {
  std::string script;       // set label / set arrow commands (labels, leader lines, vertical lines)
  std::string points_body;  // one row per point on the curve: x y rule (the marks data file)
  // One row per label: rule x y place box_x0 box_y0 box_x1 box_y1 leader, the box in pixels of the
  // plot area (x right, y up from its bottom-left corner): what the no-overlap test reads.
  std::string labels_body;
};

// A drawn curve in the chart's data coordinates (x, y), for labels to keep clear of.
using Curve = std::vector<std::pair<double, double>>;

// Lays out the marks' labels in `frame` (clear of `curves` where there is room) and writes the
// commands and data rows.
MarkLayer lay_out_marks(const std::vector<DrawnMark>& marks, const PlotFrame& frame,
                        const std::vector<Curve>& curves = {});

// The plot clauses: each point on the curve (row k of `points_file`), and with `in_key` each mark's
// key entry (a line's is a `1/0` plot of its style); without, the points alone, untitled.
std::vector<std::string> mark_plots(const std::vector<DrawnMark>& marks, const std::string& points_file,
                                    bool in_key = true);

}  // namespace lrtune::report_detail
