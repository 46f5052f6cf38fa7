// Suggestion marks and their labels as gnuplot commands (see suggestion_layer.hpp).
#include "suggestion_layer.hpp"

#include <algorithm>
#include <cmath>

#include "lrtune/io/result_files.hpp"
#include "lrtune/report/gnuplot.hpp"
#include "lrtune/report/label_layout.hpp"

namespace lrtune::report_detail {
namespace {

// gnuplot's label tags for the marks start here, clear of any other label a chart sets.
constexpr int kFirstLabelTag = 100;

std::string num(double value) { return std::isfinite(value) ? format_csv_number(value) : std::string("nan"); }

bool on_curve(const DrawnMark& m) { return m.mark.place == MarkPlace::on_curve && std::isfinite(m.y); }

// Where a mark's label points to, in pixels of the plot area: the point, or near the top of its line.
std::pair<double, double> anchor(const DrawnMark& m, const PlotFrame& frame) {
  const double x = std::clamp(frame.px(m.x), 0.0, frame.area_width());
  if (!on_curve(m)) return {x, frame.area_height() - 28.0};
  return {x, std::clamp(frame.py(std::clamp(m.y, frame.y_lo, frame.y_hi)), 0.0, frame.area_height())};
}

// The curves in pixels, a sample every 3 pixels along each segment (so a label cannot sit between
// two far-apart points of a steep stretch); points outside the area or not finite are skipped.
std::vector<AvoidPoint> curve_samples(const std::vector<Curve>& curves, const PlotFrame& frame) {
  std::vector<AvoidPoint> points;
  const auto in_pixels = [&](const std::pair<double, double>& p) {
    return std::pair{frame.px(p.first), frame.py(std::clamp(p.second, frame.y_lo, frame.y_hi))};
  };
  for (const Curve& curve : curves) {
    for (std::size_t i = 0; i + 1 < curve.size(); ++i) {
      if (!std::isfinite(curve[i].second) || !std::isfinite(curve[i + 1].second)) continue;
      if (frame.log_x && (!(curve[i].first > 0) || !(curve[i + 1].first > 0))) continue;
      const auto [x0, y0] = in_pixels(curve[i]);
      const auto [x1, y1] = in_pixels(curve[i + 1]);
      const int steps = std::max(1, static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 3.0));
      for (int k = 0; k <= steps; ++k) {
        const double t = static_cast<double>(k) / steps;
        points.push_back({x0 + t * (x1 - x0), y0 + t * (y1 - y0)});
      }
    }
  }
  return points;
}

}  // namespace

MarkLayer lay_out_marks(const std::vector<DrawnMark>& marks, const PlotFrame& frame, const std::vector<Curve>& curves) {
  std::vector<LabelRequest> requests;
  for (const auto& m : marks) {
    const auto [ax, ay] = anchor(m, frame);
    const TextSize size = label_text_size(m.label);
    requests.push_back({ax, ay, size.width, size.height});
  }
  const std::vector<PlacedLabel> placed =
      place_labels(requests, frame.area_width(), frame.area_height(), 12.0, curve_samples(curves, frame));
  MarkLayer layer;
  const double w = frame.area_width(), h = frame.area_height();
  for (std::size_t k = 0; k < marks.size(); ++k) {
    const DrawnMark& m = marks[k];
    const LabelBox& b = placed[k].box;
    const LabelRequest& r = requests[k];
    if (on_curve(m)) {
      layer.points_body +=
          fmt::format("{} {} \"{}\"\n", num(m.x), num(std::clamp(m.y, frame.y_lo, frame.y_hi)), m.mark.name);
    } else {
      // Off the sweep: a dashed line across the plot at the rate (at the axis edge, which was
      // widened to hold it), so no loss is drawn where none was measured.
      layer.script +=
          fmt::format("  set arrow from {x}, graph 0 to {x}, graph 1 nohead dt 2 lw 1.5 lc rgb '{c}' front\n",
                      fmt::arg("x", num(m.x)), fmt::arg("c", m.color));
    }
    // gnuplot puts a left-justified label's left end at x and its middle at y.
    layer.script += fmt::format("  set label {} {} at graph {}, graph {} left front textcolor rgb '{}'\n",
                                kFirstLabelTag + static_cast<int>(k), gnuplot_quote(m.label), num((b.x0 + 2.0) / w),
                                num((b.y0 + b.y1) / 2.0 / h), m.color);
    if (placed[k].leader) {
      // From the side of the box facing the point to the point (or the line's top part).
      const double from_x = std::clamp(r.anchor_x, b.x0, b.x1);
      const double from_y = b.y0 >= r.anchor_y ? b.y0 : b.y1 <= r.anchor_y ? b.y1 : (b.y0 + b.y1) / 2.0;
      const std::string to =
          on_curve(m) ? fmt::format("first {}, first {}", num(m.x), num(std::clamp(m.y, frame.y_lo, frame.y_hi)))
                      : fmt::format("first {}, graph {}", num(m.x), num(r.anchor_y / h));
      layer.script += fmt::format("  set arrow from graph {}, graph {} to {} nohead lw 0.8 lc rgb '{}' front\n",
                                  num(from_x / w), num(from_y / h), to, m.color);
    }
    layer.labels_body +=
        fmt::format("\"{}\" {} {} {} {} {} {} {} {}\n", m.mark.name, num(m.x), num(m.y), mark_place_name(m.mark.place),
                    num(b.x0), num(b.y0), num(b.x1), num(b.y1), placed[k].leader ? 1 : 0);
  }
  return layer;
}

std::vector<std::string> mark_plots(const std::vector<DrawnMark>& marks, const std::string& points_file, bool in_key) {
  std::vector<std::string> plots;
  std::size_t row = 0;
  for (const auto& m : marks) {
    const std::string title = in_key ? "title " + gnuplot_quote(m.key) : std::string("notitle");
    if (on_curve(m)) {
      plots.push_back(fmt::format("'{}' every ::{}::{} using 1:2 with points pt {} ps {} lc rgb '{}' {}", points_file,
                                  row, row, m.mark.chosen ? 7 : 9, m.mark.chosen ? 2.6 : 1.8, m.color, title));
      ++row;
    } else if (in_key) {
      plots.push_back(fmt::format("1/0 with lines dt 2 lw 1.5 lc rgb '{}' {}", m.color, title));
    }
  }
  return plots;
}

}  // namespace lrtune::report_detail
