// The recipe's charts as gnuplot scripts: each writes its data file(s) and a script that draws
// PNG and SVG, runs gnuplot into temp files and renames them only on success. Numbers come from
// the result values; the HTML page that shows them is html_report.cpp's.
#include "lrtune/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/error.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/report/axis_ticks.hpp"
#include "lrtune/report/label_layout.hpp"
#include "lrtune/report/suggestion_marks.hpp"
#include "plot_frame.hpp"
#include "suggestion_layer.hpp"

#ifndef LRTUNE_VERSION
#define LRTUNE_VERSION "unknown"
#endif

namespace lrtune {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A qualitative palette that reads in colour and stays apart in grey (matplotlib's tab10).
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
constexpr const char* kHighlight = "#d62728";
// Successive rungs of a search, light (first, most candidates) to dark (last).
constexpr const char* kRungBlues[] = {"#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"};

std::string num(double value) { return format_csv_number(value); }

// gnuplot reads "nan" as an undefined value (a gap in a line).
std::string dat(double value) { return std::isfinite(value) ? format_csv_number(value) : std::string("nan"); }

// The learning rate as people write it: 0.007, 1.2e-05.
std::string rate_text(double lr) {
  if (!std::isfinite(lr)) return "n/a";
  return fmt::format("{:.2g}", lr);
}

// One chart being made: its folder, stem and files.
class Chart {
 public:
  Chart(const std::filesystem::path& folder, const ChartOptions& options, std::string_view default_stem,
        std::string_view default_title)
      : folder_(folder),
        stem_(options.stem.empty() ? std::string(default_stem) : options.stem),
        title_(options.title.empty() ? std::string(default_title) : options.title),
        options_(options) {
    // The stem becomes file names and gnuplot string literals: keep it plain.
    if (stem_.empty() || stem_.front() == '.' ||
        stem_.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
            std::string::npos) {
      throw UsageError(
          fmt::format("chart stem \"{}\": expected letters, digits, '_', '-' or '.', not starting with '.'", stem_));
    }
    if (!gnuplot_available()) throw GnuplotNotFound();
    if (options.width < 100 || options.height < 100 || options.width > 10000 || options.height > 10000) {
      throw UsageError(
          fmt::format("chart {}: size {}x{} outside 100..10000 pixels", stem_, options.width, options.height));
    }
    std::error_code error;
    std::filesystem::create_directories(folder_, error);
    if (error) throw IoError(fmt::format("cannot create chart folder {}: {}", folder_.string(), error.message()));
  }
  const std::string& title() const { return title_; }

  // Writes "<stem><suffix>.dat" and returns its file name (relative to the folder, for the script).
  std::string data_file(std::string_view suffix, std::string_view header, const std::string& body) {
    std::string name = fmt::format("{}{}.dat", stem_, suffix);
    write_text_atomically(folder_ / name, fmt::format("# {}\n{}", header, body));
    files_.data.push_back(folder_ / name);
    return name;
  }

  // Writes the script (prologue + body once per output format) and runs it.
  ChartFiles draw(const std::string& body) {
    const std::string script_name = stem_ + ".gp";
    const std::string script = fmt::format(
        "# {title} - drawn by lrtune {version}.\n"
        "# Redraw (e.g. after restyling): cd into this folder and run: gnuplot {script}\n"
        "if (!exists(\"out_png\")) out_png = '{stem}.png'\n"
        "if (!exists(\"out_svg\")) out_svg = '{stem}.svg'\n"
        "png_terminal = strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0 ? \"pngcairo\" : \"png\"\n"
        "do for [format in \"png svg\"] {{\n"
        "  reset\n"
        "  if (format eq \"png\") {{\n"
        "    if (png_terminal eq \"pngcairo\") {{\n"
        "      set terminal pngcairo size {w},{h} noenhanced font 'Sans,10' background rgb 'white'\n"
        "    }} else {{\n"
        "      set terminal png size {w},{h} noenhanced background rgb 'white'\n"
        "    }}\n"
        "    set output out_png\n"
        "  }} else {{\n"
        "    set terminal svg size {w},{h} noenhanced font 'Sans,10' background rgb 'white'\n"
        "    set output out_svg\n"
        "  }}\n"
        "  set border lw 1 lc rgb '#555555'\n"
        "  set grid lc rgb '#dddddd' lw 1 dt 1\n"
        "{body}"
        "  unset multiplot\n"
        "  set output\n"
        "}}\n",
        fmt::arg("title", title_), fmt::arg("version", LRTUNE_VERSION), fmt::arg("script", script_name),
        fmt::arg("stem", stem_), fmt::arg("w", options_.width), fmt::arg("h", options_.height), fmt::arg("body", body));
    write_text_atomically(folder_ / script_name, script);
    files_.script = folder_ / script_name;
    files_.title = title_;

    // Unique names created with O_EXCL: a file or link planted under a predictable name is never
    // followed; gnuplot then truncates the empty file that is ours.
    const std::filesystem::path temp_png = create_temp_file(folder_, stem_ + ".png");
    std::filesystem::path temp_svg;
    try {
      temp_svg = create_temp_file(folder_, stem_ + ".svg");
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove(temp_png, ignored);
      throw;
    }
    const auto remove_temps = [&] {
      std::error_code ignored;
      std::filesystem::remove(temp_png, ignored);
      std::filesystem::remove(temp_svg, ignored);
    };
    std::string errors;
    try {
      errors = run_gnuplot(folder_, script_name,
                           fmt::format("out_png={}; out_svg={}", gnuplot_quote(temp_png.filename().string()),
                                       gnuplot_quote(temp_svg.filename().string())),
                           options_.timeout_seconds);
      for (const auto& temp : {temp_png, temp_svg}) {
        std::error_code error;
        const auto size = std::filesystem::file_size(temp, error);
        if (error || size == 0) {
          throw GnuplotError(fmt::format("gnuplot ran {} but wrote no {}", files_.script.string(), temp.string()));
        }
      }
    } catch (...) {
      remove_temps();
      throw;
    }
    files_.png = folder_ / (stem_ + ".png");
    files_.svg = folder_ / (stem_ + ".svg");
    std::error_code error;
    std::filesystem::rename(temp_png, files_.png, error);
    if (!error) std::filesystem::rename(temp_svg, files_.svg, error);
    if (error) {
      remove_temps();
      throw IoError(fmt::format("cannot rename the chart {} into place: {}", stem_, error.message()));
    }
    std::string_view rest(errors);
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      const auto line = rest.substr(0, newline);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) files_.warnings.emplace_back(line);
      if (newline == std::string_view::npos) break;
      rest.remove_prefix(newline + 1);
    }
    return files_;
  }

 private:
  std::filesystem::path folder_;
  std::string stem_;
  std::string title_;
  ChartOptions options_;
  ChartFiles files_;
};

// Padded [lo, hi] of the finite values, or nullopt-like NaNs when there are none.
std::pair<double, double> finite_range(std::initializer_list<const std::vector<double>*> columns) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* c : columns) {
    for (const double v : *c) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (lo > hi) return {kNaN, kNaN};
  return {lo, hi};
}

// [lo, hi] widened by `pad_fraction` of its span on each side (a flat range by 5 % of its value).
std::pair<double, double> padded(double lo, double hi, double pad_fraction) {
  double pad = (hi - lo) * pad_fraction;
  if (pad <= 0) pad = std::max(std::abs(hi) * 0.05, 1e-3);
  return {lo - pad, hi + pad};
}

std::string range_text(double lo, double hi, double pad_fraction = 0.05) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return "[*:*]";
  const auto [a, b] = padded(lo, hi, pad_fraction);
  return fmt::format("[{}:{}]", num(a), num(b));
}

// The header of a chart's "<stem>_labels.dat": where each suggestion's label went.
constexpr const char* kLabelsHeader =
    "rule x y place label_x0 label_y0 label_x1 label_y1 leader (x, y: the mark in the chart's coordinates; "
    "the label's box in pixels of the plot area from its bottom-left corner)";

// The curve's first accuracy-like metric name, or empty.
std::string accuracy_metric(const std::map<std::string, std::vector<double>>& metrics) {
  for (const char* name : {"accuracy", "binary_accuracy", "categorical_accuracy", "acc"}) {
    if (metrics.count(name)) return name;
  }
  return {};
}

void check_curve(const RangeTestCurve& curve, std::string_view what) {
  const std::size_t n = curve.size();
  if (n == 0) throw UsageError(fmt::format("{}: the range-test curve has no points", what));
  if (curve.losses.size() != n || curve.smoothed_losses.size() != n ||
      (!curve.validation_losses.empty() && curve.validation_losses.size() != n)) {
    throw UsageError(fmt::format("{}: the curve's columns differ in length", what));
  }
  for (const auto& [name, values] : curve.metrics) {
    if (values.size() != n)
      throw UsageError(fmt::format("{}: metric {} has {} values, expected {}", what, name, values.size(), n));
  }
}

// The first finite value, NaN when there is none.
double first_finite(const std::vector<double>& values) {
  for (const double v : values) {
    if (std::isfinite(v)) return v;
  }
  return kNaN;
}

// Lowers `hi` to a ceiling far above the curve's start when a diverged tail reaches past it, so
// the tail does not flatten the rest; a curve that merely rises stays whole. Returns whether it did.
bool clip_diverged_tail(const std::vector<double>& curve, double lo, double& hi) {
  const double first = first_finite(curve);
  if (!std::isfinite(first) || !std::isfinite(lo)) return false;
  const double ceiling = first + std::max(3.0 * (first - lo), 0.5 * std::abs(first));
  if (hi <= ceiling) return false;
  hi = ceiling;
  return true;
}

// The script's plot command: one plot per line.
std::string plot_command(const std::vector<std::string>& plots) {
  std::string command = "  plot ";
  for (std::size_t i = 0; i < plots.size(); ++i) command += (i ? ", \\\n       " : "") + plots[i];
  return command + "\n";
}

// The drawn marks of the suggestions, coloured as the key lists them: the chosen one red, the
// others from the palette in the set's order. `x_of` gives a mark's x in the chart's coordinates;
// `label_of` its text beside it.
template <typename XOf, typename LabelOf>
std::vector<report_detail::DrawnMark> drawn_marks(const std::vector<SuggestionMark>& marks, const XOf& x_of,
                                                  const LabelOf& label_of) {
  std::vector<report_detail::DrawnMark> drawn;
  std::size_t color = 1;
  for (const auto& m : marks) {
    report_detail::DrawnMark d;
    d.mark = m;
    d.x = x_of(m);
    d.y = m.loss;
    d.color = m.chosen ? kHighlight : kColors[(++color) % std::size(kColors)];
    const std::string where = m.place == MarkPlace::on_curve ? "" : fmt::format(", {}", mark_place_text(m.place));
    d.key = fmt::format("{}: {}{}{}", m.name, rate_text(m.learning_rate), where, m.chosen ? " (chosen)" : "");
    d.label = label_of(m) + where + (m.chosen ? " (chosen)" : "");
    drawn.push_back(std::move(d));
  }
  return drawn;
}

// "  set xtics (...)" for a log x axis [lo, hi] drawn `pixels` wide: log_axis_ticks' labels, which
// clear each other (gnuplot's own decade labels ran into each other on narrow plots).
std::string log_xtics(double lo, double hi, double pixels) {
  std::string tics;
  for (const AxisTick& t : log_axis_ticks(lo, hi, pixels)) {
    tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gnuplot_quote(t.label), t.label);
  }
  return tics.empty() ? std::string("  set format x '%g'\n") : fmt::format("  set xtics ({})\n", tics);
}

// "epoch 23" for a rate an epoch ran at, "epoch 23.4" between two.
std::string epoch_text(double position) {
  const double epoch = position + 1;
  return std::abs(epoch - std::round(epoch)) < 0.05 ? fmt::format("epoch {:.0f}", epoch)
                                                    : fmt::format("epoch {:.1f}", epoch);
}

// The lr chart's frame: log x over `rates` (the sweep and every suggested rate) padded by a
// twentieth of the span on each side, so a line at the edge is not the border; y over [lo, hi].
report_detail::PlotFrame rate_frame(const ChartOptions& options, const std::vector<double>& rates, double lo,
                                    double hi) {
  const auto [x_lo, x_hi] = finite_range({&rates});
  report_detail::PlotFrame frame;
  frame.width = options.width;
  frame.height = options.height;
  frame.log_x = true;
  frame.right = 0.60;  // the key's room: its longest entry ("minimum: 0.00074, below the sweep (chosen)")
  const double x_pad = std::pow(x_hi / x_lo, 0.05) * (x_hi > x_lo ? 1.0 : 1.5);
  frame.x_lo = x_lo / x_pad, frame.x_hi = x_hi * x_pad;
  std::tie(frame.y_lo, frame.y_hi) = std::isfinite(lo) ? padded(lo, hi, 0.04) : std::pair{0.0, 1.0};
  return frame;
}

// "<stem>_suggestions.dat" (the points on the curve, when any) and "<stem>_labels.dat" (when any
// label); returns the points file's name, empty without one.
std::string write_mark_files(Chart& chart, const report_detail::MarkLayer& layer, std::string_view points_header) {
  std::string points_file;
  if (!layer.points_body.empty()) points_file = chart.data_file("_suggestions", points_header, layer.points_body);
  if (!layer.labels_body.empty()) chart.data_file("_labels", kLabelsHeader, layer.labels_body);
  return points_file;
}

}  // namespace

ChartFiles draw_range_test_epochs(const RangeTestCurve& curve, const std::filesystem::path& folder,
                                  const ChartOptions& options) {
  check_curve(curve, "range-test chart");
  Chart chart(folder, options, "range_test_epochs", "Range test: loss, accuracy and learning rate per epoch");
  const std::string accuracy = accuracy_metric(curve.metrics);
  std::string body;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    body += fmt::format("{} {} {} {}\n", i + 1, dat(curve.learning_rates[i]), dat(curve.losses[i]),
                        accuracy.empty() ? "nan" : dat(curve.metrics.at(accuracy)[i]));
  }
  const std::string data =
      chart.data_file("", "epoch learning_rate loss " + (accuracy.empty() ? "accuracy" : accuracy), body);
  const auto [lo, hi] = finite_range({&curve.losses, accuracy.empty() ? &curve.losses : &curve.metrics.at(accuracy)});

  // Each suggestion at the epoch that ran at its rate (between two when it falls between), on the
  // loss drawn, labelled with that rate; one off the sweep is a line at the axis edge.
  const std::size_t n = std::max<std::size_t>(curve.size(), 2);
  report_detail::PlotFrame frame;
  frame.width = options.width;
  frame.height = options.height;
  frame.left = 0.08, frame.right = 0.90, frame.bottom = 0.22, frame.top = 0.91;
  frame.x_lo = 1, frame.x_hi = static_cast<double>(n);
  std::tie(frame.y_lo, frame.y_hi) = std::isfinite(lo) ? padded(lo, hi, 0.05) : std::pair{0.0, 1.0};
  const auto drawn = drawn_marks(
      suggestion_marks(curve, curve.losses),
      [&](const SuggestionMark& m) {
        return m.place == MarkPlace::below_sweep   ? frame.x_lo
               : m.place == MarkPlace::above_sweep ? frame.x_hi
                                                   : m.position + 1;
      },
      [](const SuggestionMark& m) {
        return fmt::format("{}: lr {}{}", m.name, rate_text(m.learning_rate),
                           std::isfinite(m.position) ? ", " + epoch_text(m.position) : std::string());
      });
  std::vector<report_detail::Curve> curves(accuracy.empty() ? 1 : 2);
  for (std::size_t i = 0; i < curve.size(); ++i) {
    curves[0].push_back({static_cast<double>(i + 1), curve.losses[i]});
    if (!accuracy.empty()) curves[1].push_back({static_cast<double>(i + 1), curve.metrics.at(accuracy)[i]});
  }
  const report_detail::MarkLayer layer = report_detail::lay_out_marks(drawn, frame, curves);
  const std::string marks_file = write_mark_files(chart, layer, "epoch loss rule");

  std::string script = fmt::format(
      "  set title {title}\n"
      "{margins}"
      "  set xlabel 'epoch'\n"
      "  set ylabel {ylabel}\n"
      "  set y2label 'learning rate (log scale)'\n"
      "  set xrange [{x0}:{n}]\n"
      "  set yrange [{y0}:{y1}]\n"
      "  set logscale y2\n"
      "  set format y2 '%g'\n"
      "  set ytics nomirror\n"
      "  set y2tics\n"
      "  set key outside below horizontal box\n"
      "{marks}"
      "  plot '{data}' using 1:3 with lines lw 2 lc rgb '{c0}' title 'loss', \\\n",
      fmt::arg("title", gnuplot_quote(chart.title())), fmt::arg("margins", frame.margins()),
      fmt::arg("ylabel", gnuplot_quote(accuracy.empty() ? "loss" : "loss / " + accuracy)),
      fmt::arg("x0", num(frame.x_lo)), fmt::arg("n", n), fmt::arg("y0", num(frame.y_lo)),
      fmt::arg("y1", num(frame.y_hi)), fmt::arg("data", data), fmt::arg("c0", kColors[0]),
      fmt::arg("marks", layer.script));
  if (!accuracy.empty()) {
    script += fmt::format("       '{}' using 1:4 with lines lw 2 lc rgb '{}' title {}, \\\n", data, kColors[2],
                          gnuplot_quote(accuracy));
  }
  script +=
      fmt::format("       '{}' using 1:2 axes x1y2 with lines dt 2 lw 2 lc rgb '{}' title 'learning rate (right axis)'",
                  data, kHighlight);
  // The points only: their rates are in the labels, and the key below has room for the curves.
  for (const std::string& plot : report_detail::mark_plots(drawn, marks_file, /*in_key=*/false)) {
    script += ", \\\n       " + plot;
  }
  return chart.draw(script + "\n");
}

ChartFiles draw_loss_vs_learning_rate(const RangeTestCurve& curve, const std::filesystem::path& folder,
                                      const ChartOptions& options) {
  check_curve(curve, "loss vs learning rate chart");
  Chart chart(folder, options, "range_test_lr", "Range test: loss against learning rate");
  const bool has_val = !curve.validation_losses.empty();
  std::string body;
  std::vector<double> rates;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (!(curve.learning_rates[i] > 0)) continue;  // a log axis cannot show it
    body += fmt::format("{} {} {} {}\n", dat(curve.learning_rates[i]), dat(curve.losses[i]),
                        dat(curve.smoothed_losses[i]), has_val ? dat(curve.validation_losses[i]) : "nan");
    rates.push_back(curve.learning_rates[i]);
  }
  if (body.empty()) throw UsageError("loss vs learning rate chart: no point has a positive learning rate");
  const std::string data = chart.data_file("", "lr loss smoothed_loss val_loss", body);

  // y range: from the lowest loss to a ceiling that keeps a diverged tail from flattening the rest.
  auto [lo, hi] =
      finite_range({&curve.losses, &curve.smoothed_losses, has_val ? &curve.validation_losses : &curve.losses});
  const bool clipped = clip_diverged_tail(curve.smoothed_losses, lo, hi);

  // Every suggestion at its own rate on the smoothed curve (what the rules read); the x axis
  // widened to hold one below or above the sweep, drawn there as a line.
  const std::vector<SuggestionMark> marks = suggestion_marks(curve, curve.smoothed_losses);
  for (const auto& m : marks) rates.push_back(m.learning_rate);
  const report_detail::PlotFrame frame = rate_frame(options, rates, lo, hi);
  const auto drawn = drawn_marks(
      marks, [](const SuggestionMark& m) { return m.learning_rate; },
      [](const SuggestionMark& m) { return fmt::format("{} {}", m.name, rate_text(m.learning_rate)); });
  std::vector<report_detail::Curve> curves(2);
  for (std::size_t i = 0; i < curve.size(); ++i) {
    curves[0].push_back({curve.learning_rates[i], curve.smoothed_losses[i]});
    curves[1].push_back({curve.learning_rates[i], curve.losses[i]});
  }
  const report_detail::MarkLayer layer = report_detail::lay_out_marks(drawn, frame, curves);
  const std::string marks_file = write_mark_files(chart, layer, "lr loss rule");

  std::string title = chart.title();
  if (clipped) title += " (y axis clipped above; the tail diverges)";
  std::string script = fmt::format(
      "  set title {title}\n"
      "{margins}"
      "  set xlabel 'learning rate (log scale)'\n"
      "  set ylabel 'loss'\n"
      "  set logscale x\n"
      "  set xrange [{x0}:{x1}]\n"
      "{tics}"
      "  set yrange [{y0}:{y1}]\n"
      // The key in the right margin, its left edge pinned beside the plot area: a key gnuplot
      // places "outside" still grows left into a pinned area when its entries are long.
      "  set key at screen {kx}, screen {top} left top vertical Left reverse box samplen 2\n",
      fmt::arg("title", gnuplot_quote(title)), fmt::arg("margins", frame.margins()), fmt::arg("x0", num(frame.x_lo)),
      fmt::arg("x1", num(frame.x_hi)), fmt::arg("tics", log_xtics(frame.x_lo, frame.x_hi, frame.area_width())),
      fmt::arg("y0", num(frame.y_lo)), fmt::arg("y1", num(frame.y_hi)), fmt::arg("kx", num(frame.right + 0.015)),
      fmt::arg("top", num(frame.top)));
  for (const auto& d : drawn) {
    if (!d.mark.chosen || d.mark.place != MarkPlace::on_curve) continue;
    // The chosen rate: a dashed line across the plot (one off the sweep has its line already).
    script += fmt::format("  set arrow from {lr}, graph 0 to {lr}, graph 1 nohead dt 2 lw 1.5 lc rgb '{c}' back\n",
                          fmt::arg("lr", num(d.x)), fmt::arg("c", kHighlight));
  }
  script += layer.script;
  std::vector<std::string> plots;
  plots.push_back(fmt::format("'{}' using 1:2 with lines lw 1 lc rgb '#a6c8e8' title 'loss (raw)'", data));
  plots.push_back(
      fmt::format("'{}' using 1:3 with lines lw 2.5 lc rgb '{}' title {}", data, kColors[0],
                  gnuplot_quote(curve.smoothing_beta > 0 ? fmt::format("loss (smoothed, beta {})", curve.smoothing_beta)
                                                         : std::string("loss"))));
  if (has_val) {
    plots.push_back(
        fmt::format("'{}' using 1:4 with lines lw 2 dt 2 lc rgb '{}' title 'validation loss'", data, kColors[1]));
  }
  for (auto& plot : report_detail::mark_plots(drawn, marks_file)) plots.push_back(std::move(plot));
  return chart.draw(script + plot_command(plots));
}

namespace {

// The repeated chart's medians: each at its own rate on the mean curve (y clamped to [lo, hi]);
// one outside the sweep has no loss there (y NaN) and is drawn as a dashed line instead.
struct MedianMarks {
  std::string rows;                      // the data file: median y q1 q3 rule
  std::vector<const RuleSpread*> found;  // the rules with a median, in order
  std::vector<MarkPlace> places;         // where each lies
  std::vector<double> rates;             // the sweep's rates and every median, for the x range
};

MedianMarks median_marks(const RepeatedRangeTest& repeated, double lo, double hi) {
  const MeanCurve& mc = repeated.mean_curve;
  MedianMarks out;
  for (const double r : mc.learning_rates)
    if (r > 0) out.rates.push_back(r);
  const auto [sweep_lo, sweep_hi] = finite_range({&out.rates});
  for (const auto& s : repeated.spreads) {
    if (s.found == 0 || !(s.median > 0) || !std::isfinite(s.median)) continue;
    const double loss = interpolate_at_rate(mc.learning_rates, mc.mean, s.median);
    const double y = std::isfinite(loss) ? std::clamp(loss, lo, hi) : kNaN;
    out.rows += fmt::format("{} {} {} {} \"{}\"\n", dat(s.median), dat(y), dat(s.q1), dat(s.q3), s.name);
    out.found.push_back(&s);
    out.places.push_back(s.median < sweep_lo   ? MarkPlace::below_sweep
                         : s.median > sweep_hi ? MarkPlace::above_sweep
                         : std::isfinite(y)    ? MarkPlace::on_curve
                                               : MarkPlace::unmeasured);
    out.rates.push_back(s.median);
  }
  return out;
}

}  // namespace

ChartFiles draw_repeated_range_test(const RepeatedRangeTest& repeated, const std::filesystem::path& folder,
                                    const ChartOptions& options) {
  const MeanCurve& mc = repeated.mean_curve;
  const std::size_t n = mc.learning_rates.size();
  if (n == 0) throw UsageError("repeated range-test chart: the mean curve has no points");
  if (mc.mean.size() != n || mc.std.size() != n)
    throw UsageError("repeated range-test chart: mean curve columns differ in length");
  Chart chart(folder, options, "range_test_repeated",
              fmt::format("Range test over {} seeds: mean loss +- 1 std, median suggestions", repeated.runs.size()));
  std::string body;
  std::vector<double> upper, lower;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(mc.learning_rates[i] > 0)) continue;
    const double s = std::isfinite(mc.std[i]) ? mc.std[i] : 0.0;
    body += fmt::format("{} {} {} {}\n", dat(mc.learning_rates[i]), dat(mc.mean[i]), dat(mc.mean[i] - s),
                        dat(mc.mean[i] + s));
    lower.push_back(mc.mean[i] - s);
    upper.push_back(mc.mean[i] + s);
  }
  const std::string data = chart.data_file("", "lr mean mean_minus_std mean_plus_std", body);
  auto [lo, hi] = finite_range({&lower, &upper});
  const bool clipped = clip_diverged_tail(mc.mean, lo, hi);
  const MedianMarks medians = median_marks(repeated, lo, hi);
  const std::vector<const RuleSpread*>& found = medians.found;
  const std::vector<MarkPlace>& places = medians.places;
  const std::vector<double>& rates = medians.rates;
  const auto [x_lo, x_hi] = finite_range({&rates});
  std::string marks_file;
  if (!found.empty()) marks_file = chart.data_file("_suggestions", "median y q1 q3 rule", medians.rows);
  std::string title = chart.title();
  if (clipped) title += " (y clipped)";
  report_detail::PlotFrame frame;
  frame.width = options.width;
  frame.height = options.height;
  frame.right = 0.60;
  std::string script = fmt::format(
      "  set title {}\n{}  set xlabel 'learning rate (log scale)'\n  set ylabel 'loss'\n  set logscale x\n"
      "{}  set xrange [{}:{}]\n  set yrange {}\n"
      "  set key at screen {}, screen {} left top vertical Left reverse box samplen 2\n"
      "  set style fill transparent solid 0.25 noborder\n",
      gnuplot_quote(title), frame.margins(), log_xtics(x_lo / 1.25, x_hi * 1.25, frame.area_width()), num(x_lo / 1.25),
      num(x_hi * 1.25), range_text(lo, hi, 0.04), num(frame.right + 0.015), num(frame.top));
  std::vector<std::string> plots;
  plots.push_back(
      fmt::format("'{}' using 1:3:4 with filledcurves lc rgb '{}' title 'mean +- 1 std'", data, kColors[0]));
  plots.push_back(fmt::format("'{}' using 1:2 with lines lw 2.5 lc rgb '{}' title 'mean loss'", data, kColors[0]));
  std::size_t color = 1;
  for (std::size_t k = 0; k < found.size(); ++k) {
    const auto* s = found[k];
    const bool chosen = s->name == repeated.default_rule;
    const std::string c = chosen ? kHighlight : kColors[(++color) % std::size(kColors)];
    const bool off_curve = places[k] != MarkPlace::on_curve;
    const std::string key = fmt::format("{}: {} ({}/{}){}{}", s->name, rate_text(s->median), s->found, s->runs,
                                        off_curve ? fmt::format(", {}", mark_place_text(places[k])) : std::string(),
                                        chosen ? " chosen" : "");
    if (off_curve) {
      script += fmt::format("  set arrow from {x}, graph 0 to {x}, graph 1 nohead dt 2 lw 1.5 lc rgb '{c}' front\n",
                            fmt::arg("x", num(s->median)), fmt::arg("c", c));
      plots.push_back(fmt::format("1/0 with lines dt 2 lw 1.5 lc rgb '{}' title {}", c, gnuplot_quote(key)));
      continue;
    }
    plots.push_back(
        fmt::format("'{}' every ::{}::{} using 1:2:3:4 with xerrorbars pt 7 ps {} lw 2 lc rgb '{}' title {}",
                    marks_file, k, k, chosen ? 2.2 : 1.5, c, gnuplot_quote(key)));
  }
  return chart.draw(script + plot_command(plots));
}

namespace {

// draw_training_comparison's parts.

// The metric of the lower row: accuracy if every run has it, else the first shared non-loss
// name of the first run; empty when the runs share none.
std::string shared_metric(const std::vector<LabeledHistory>& runs) {
  const auto all_have = [&](const std::string& name) {
    return std::all_of(runs.begin(), runs.end(), [&](const LabeledHistory& r) { return r.history.contains(name); });
  };
  for (const char* name : {"accuracy", "binary_accuracy", "categorical_accuracy", "acc"}) {
    if (all_have(name)) return name;
  }
  for (const auto& name : runs.front().history.names()) {
    if (name == "loss" || name == "lr" || name == "learning_rate" || name.rfind("val_", 0) == 0) continue;
    if (all_have(name)) return name;
  }
  return {};
}

// The runs' data files (epoch loss val_loss metric val_metric, NaN where a run lacks one) and
// what the panels' axes need of them.
struct RunFiles {
  std::vector<std::string> files;                                 // per run
  std::vector<std::vector<double>> loss_columns, metric_columns;  // train and validation of every run
  std::size_t max_epochs = 0;
  bool any_val_loss = false, any_val_metric = false;
};

RunFiles write_run_files(const std::vector<LabeledHistory>& runs, const std::string& metric, Chart& chart) {
  const auto column = [](const History& h, const std::string& name) {
    return h.contains(name) ? h.values(name) : std::vector<double>(h.size(), kNaN);
  };
  RunFiles out;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const History& h = runs[r].history;
    const auto loss = column(h, "loss"), val_loss = column(h, "val_loss");
    const auto m = metric.empty() ? std::vector<double>(h.size(), kNaN) : column(h, metric);
    const auto val_m = metric.empty() ? std::vector<double>(h.size(), kNaN) : column(h, "val_" + metric);
    out.any_val_loss = out.any_val_loss || h.contains("val_loss");
    out.any_val_metric = out.any_val_metric || (!metric.empty() && h.contains("val_" + metric));
    std::string body;
    for (std::size_t i = 0; i < h.size(); ++i) {
      body +=
          fmt::format("{} {} {} {} {}\n", h.epochs()[i] + 1, dat(loss[i]), dat(val_loss[i]), dat(m[i]), dat(val_m[i]));
    }
    out.files.push_back(
        chart.data_file(fmt::format("_{}", r),
                        fmt::format("{}: epoch loss val_loss {} val_{}", runs[r].label,
                                    metric.empty() ? "metric" : metric, metric.empty() ? "metric" : metric),
                        body));
    out.loss_columns.push_back(loss);
    out.loss_columns.push_back(val_loss);
    out.metric_columns.push_back(m);
    out.metric_columns.push_back(val_m);
    out.max_epochs = std::max(out.max_epochs, h.size());
  }
  return out;
}

// [lo, hi] of the finite values of all columns, NaNs when there are none.
std::pair<double, double> finite_range_of_columns(const std::vector<std::vector<double>>& columns) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& c : columns)
    for (const double v : c)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  return lo > hi ? std::pair{kNaN, kNaN} : std::pair{lo, hi};
}

}  // namespace

ChartFiles draw_training_comparison(const std::vector<LabeledHistory>& runs, const std::filesystem::path& folder,
                                    const ChartOptions& options) {
  if (runs.empty() || runs.size() > 4) {
    throw UsageError(fmt::format("training comparison chart: {} runs, expected 1 to 4", runs.size()));
  }
  for (const auto& r : runs) {
    if (r.history.empty())
      throw UsageError(fmt::format("training comparison chart: run \"{}\" has no epochs", r.label));
  }
  ChartOptions sized = options;
  if (options.width == ChartOptions{}.width && runs.size() > 2) sized.width = static_cast<int>(480 * runs.size());
  Chart chart(folder, sized, "training_comparison", "Training curves");

  const std::string metric = shared_metric(runs);
  const RunFiles data = write_run_files(runs, metric, chart);
  const auto [loss_lo, loss_hi] = finite_range_of_columns(data.loss_columns);
  const auto [m_lo, m_hi] = finite_range_of_columns(data.metric_columns);
  const bool two_rows = !metric.empty();
  std::string script = fmt::format("  set multiplot layout {},{} title {}\n", two_rows ? 2 : 1, runs.size(),
                                   gnuplot_quote(chart.title()));
  const auto panel = [&](std::size_t r, int value_col, int val_col, const std::string& name, double lo, double hi,
                         bool has_val) {
    std::string s = fmt::format(
        "  set title {}\n  set xlabel 'epoch'\n  set ylabel {}\n  set xrange [1:{}]\n  set yrange {}\n"
        "  set key top center horizontal\n"
        "  plot '{}' using 1:{} with lines lw 2 lc rgb '{}' title {}",
        gnuplot_quote(runs[r].label), gnuplot_quote(name), std::max<std::size_t>(data.max_epochs, 2),
        // Headroom above the curves for the one-line key, so it never covers data.
        std::isfinite(lo) && std::isfinite(hi)
            ? fmt::format("[{}:{}]", num(lo - 0.05 * std::max(hi - lo, 1e-3)), num(hi + 0.3 * std::max(hi - lo, 1e-3)))
            : std::string("[*:*]"),
        data.files[r], value_col, kColors[0], gnuplot_quote("train"));
    if (has_val) {
      s += fmt::format(", '{}' using 1:{} with lines lw 2 dt 2 lc rgb '{}' title {}", data.files[r], val_col,
                       kColors[1], gnuplot_quote("validation"));
    }
    return s + "\n";
  };
  for (std::size_t r = 0; r < runs.size(); ++r)
    script += panel(r, 2, 3, "loss", loss_lo, loss_hi, data.any_val_loss && runs[r].history.contains("val_loss"));
  if (two_rows) {
    for (std::size_t r = 0; r < runs.size(); ++r) {
      script += panel(r, 4, 5, metric, m_lo, m_hi, data.any_val_metric && runs[r].history.contains("val_" + metric));
    }
  }
  return chart.draw(script);
}

namespace {

// draw_confusion_matrices' parts.

// The byte offset of each UTF-8 code point of `text` (continuation bytes are 10xxxxxx).
std::vector<std::size_t> code_point_starts(const std::string& text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}
std::size_t code_points(const std::string& text) { return code_point_starts(text).size(); }

// `name` cut to at most `limit` characters (never inside one), the last replaced by an ellipsis
// when it had to be cut.
std::string shortened(const std::string& name, std::size_t limit) {
  const std::vector<std::size_t> starts = code_point_starts(name);
  if (starts.size() <= limit) return name;
  return name.substr(0, starts[limit - 1]) + "\u2026";
}

// The size of one heatmap: its cells, fonts and the longest axis label, from the class count.
struct HeatmapLayout {
  int cell = 0;                // pixels per cell
  int count_font = 0;          // points, the counts in the cells
  int tic_font = 0;            // points, the class names
  std::size_t name_chars = 0;  // class names are shortened to this many characters
  int panel = 0;               // pixels, width and height of one matrix with its labels and title
};

// `longest`: the longest class name, in characters.
HeatmapLayout heatmap_layout(Index classes, std::size_t longest) {
  HeatmapLayout l;
  // The cells of a small matrix fill about 300 pixels; from 11 classes on each keeps 28, which
  // still holds a four-digit count at 9 points.
  l.cell = std::clamp(static_cast<int>(300 / classes), 28, 110);
  l.count_font = std::clamp(static_cast<int>(std::lround(l.cell * 0.32)), 8, 16);
  l.tic_font = classes > 10 ? 9 : 10;
  // Few classes leave room for whole names ("not (quality >= 6)"); many need short ones.
  l.name_chars = classes <= 4 ? 24 : classes <= 10 ? 14 : 10;
  // Room for the y names and the rotated x names (about 6.5 pixels a character), the axis titles
  // and the panel title.
  const int label_room = static_cast<int>(6.5 * static_cast<double>(std::min(longest, l.name_chars))) + 50;
  l.panel = std::max(440, static_cast<int>(classes) * l.cell + 2 * label_room + 40);
  return l;
}

// A matrix's panel title: its label, accuracy and test rows.
std::string confusion_subtitle(const LabeledConfusion& m) {
  const std::int64_t total = m.matrix.sum(), correct = m.matrix.diagonal().sum();
  return total > 0 ? fmt::format("{}  (accuracy {:.3f}, n = {})", m.label,
                                 static_cast<double>(correct) / static_cast<double>(total), total)
                   : m.label;
}

// The confusion chart's size when the options leave the default: each panel as wide as its title
// needs and the chart as wide as its own, so nothing is cut at the edges ("..., n = 129" was, with
// two long labels side by side).
ChartOptions confusion_chart_size(const std::vector<LabeledConfusion>& matrices, const ChartOptions& options,
                                  const HeatmapLayout& layout, const std::string& default_title, int across, int down) {
  int panel_width = layout.panel;
  for (const auto& m : matrices) {
    panel_width = std::max(panel_width, static_cast<int>(std::ceil(label_text_size(confusion_subtitle(m)).width)) + 40);
  }
  ChartOptions sized = options;
  if (options.width == ChartOptions{}.width && options.height == ChartOptions{}.height) {
    const std::string& title = options.title.empty() ? default_title : options.title;
    sized.width = std::max(panel_width * across, static_cast<int>(std::ceil(label_text_size(title).width)) + 40);
    sized.height = layout.panel * down;
  }
  return sized;
}

}  // namespace

ChartFiles draw_confusion_matrices(const std::vector<LabeledConfusion>& matrices, const std::filesystem::path& folder,
                                   const ChartOptions& options) {
  if (matrices.empty() || matrices.size() > 4) {
    throw UsageError(fmt::format("confusion matrix chart: {} matrices, expected 1 to 4", matrices.size()));
  }
  Index largest_classes = 0;
  std::size_t longest_name = 0;
  for (const auto& m : matrices) {
    if (m.matrix.rows() != m.matrix.cols() || m.matrix.rows() < 2 || m.matrix.rows() > kMaxHeatmapClasses) {
      throw UsageError(fmt::format("confusion matrix chart: \"{}\" is {}x{}, expected square with 2 to {} classes",
                                   m.label, m.matrix.rows(), m.matrix.cols(), kMaxHeatmapClasses));
    }
    if (!m.class_names.empty() && static_cast<Index>(m.class_names.size()) != m.matrix.rows()) {
      throw UsageError(fmt::format("confusion matrix chart: \"{}\" has {} class names for {} classes", m.label,
                                   m.class_names.size(), m.matrix.rows()));
    }
    largest_classes = std::max(largest_classes, m.matrix.rows());
    for (const auto& name : m.class_names) longest_name = std::max(longest_name, code_points(name));
  }
  const HeatmapLayout layout = heatmap_layout(largest_classes, std::max<std::size_t>(longest_name, 2));
  // Beyond 10 classes two matrices side by side would be shrunk to half the page each: stack them.
  const bool side_by_side = largest_classes <= 10;
  const int across = side_by_side ? static_cast<int>(matrices.size()) : 1;
  const int down = side_by_side ? 1 : static_cast<int>(matrices.size());
  const std::string default_title =
      "Confusion matrices (rows: true class, columns: predicted; shade: share of the row)";
  const ChartOptions sized = confusion_chart_size(matrices, options, layout, default_title, across, down);
  Chart chart(folder, sized, "confusion_matrices", default_title);
  // Shade = the cell's share of its row, 0 to 1, the same scale in every matrix.
  std::string script = fmt::format(
      "  set multiplot layout {},{} title {}\n  unset key\n  unset grid\n  set size ratio -1\n"
      "  set palette defined (0 '#f7fbff', 1 '#6baed6', 2 '#08306b')\n  unset colorbox\n"
      "  set cbrange [0:1]\n  set tics scale 0\n",
      down, across, gnuplot_quote(chart.title()));
  for (std::size_t k = 0; k < matrices.size(); ++k) {
    const auto& m = matrices[k];
    const Index classes = m.matrix.rows();
    std::string body;
    for (Index row = 0; row < classes; ++row) {
      const std::int64_t row_total = m.matrix.row(row).sum();
      for (Index col = 0; col < classes; ++col) {
        const std::int64_t v = m.matrix(row, col);
        const double share = row_total > 0 ? static_cast<double>(v) / static_cast<double>(row_total) : 0.0;
        body += fmt::format("{} {} {} {}\n", col, row, v, num(share));
      }
    }
    const std::string file = chart.data_file(fmt::format("_{}", k), m.label + ": predicted true count row_share", body);
    std::string tics;
    for (Index c = 0; c < classes; ++c) {
      const std::string name = m.class_names.empty() ? std::to_string(c) : m.class_names[static_cast<std::size_t>(c)];
      tics += fmt::format("{}{} {}", c ? ", " : "", gnuplot_quote(shortened(name, layout.name_chars)), c);
    }
    const std::string subtitle = confusion_subtitle(m);
    // Names under the x axis are turned when the longest (about 6.5 pixels a character) would not
    // fit within its cell.
    std::size_t longest = 0;
    for (Index c = 0; c < classes; ++c) {
      const std::string name = m.class_names.empty() ? std::to_string(c) : m.class_names[static_cast<std::size_t>(c)];
      longest = std::max(longest, std::min(code_points(name), layout.name_chars));
    }
    const bool turn = 6.5 * static_cast<double>(longest) > layout.cell - 6;
    // gnuplot sizes a square plot before it makes room for turned names, which then squash the
    // cells flat: a bottom margin (in lines, a turned character ~0.4 of one) set beforehand keeps them square.
    const std::string bottom =
        turn ? fmt::format("  set bmargin {}\n", static_cast<int>(std::ceil(0.4 * static_cast<double>(longest))) + 3)
             : std::string("  unset bmargin\n");
    // Each cell is a filled rectangle (boxxyerror), not an image, so the SVG stays vector. Each
    // count is drawn once, white on dark cells, dark on light ones, grey when 0 (the other two
    // label plots skip the cell: an undefined x).
    script += fmt::format(
        "  set title {title}\n  set xlabel 'predicted'\n  set ylabel 'true'\n{bottom}"
        "  set xrange [-0.5:{hi}]\n  set yrange [{hi}:-0.5]\n"
        "  set xtics ({tics}) font ',{tf}'{turn}\n  set ytics ({tics}) font ',{tf}'\n"
        "  plot '{file}' using 1:2:(0.5):(0.5):4 with boxxyerror fs solid 1.0 noborder fc palette, \\\n"
        "       '{file}' using ($4 > 0.5 ? $1 : NaN):2:(sprintf('%d', int($3))) with labels font ',{cf}' textcolor rgb "
        "'white', \\\n"
        "       '{file}' using ($4 > 0.5 || $3 == 0 ? NaN : $1):2:(sprintf('%d', int($3))) with labels font ',{cf}' "
        "textcolor rgb '#222222', \\\n"
        "       '{file}' using ($3 == 0 ? $1 : NaN):2:('0') with labels font ',{cf}' textcolor rgb '#9aa5b1'\n",
        fmt::arg("title", gnuplot_quote(subtitle)), fmt::arg("hi", num(classes - 0.5)), fmt::arg("tics", tics),
        fmt::arg("tf", layout.tic_font), fmt::arg("turn", turn ? " rotate by 45 right" : ""), fmt::arg("file", file),
        fmt::arg("cf", layout.count_font), fmt::arg("bottom", bottom));
  }
  return chart.draw(script);
}

namespace {

// draw_predicted_vs_actual's and draw_residuals' parts.

void check_predictions(const std::vector<LabeledPredictions>& models, std::string_view what) {
  if (models.empty() || models.size() > 4) {
    throw UsageError(fmt::format("{} chart: {} models, expected 1 to 4", what, models.size()));
  }
  for (const auto& m : models) {
    if (m.actual.empty()) throw UsageError(fmt::format("{} chart: \"{}\" has no test rows", what, m.label));
    if (m.actual.size() != m.predicted.size()) {
      throw UsageError(fmt::format("{} chart: \"{}\" has {} actual values and {} predictions, expected as many", what,
                                   m.label, m.actual.size(), m.predicted.size()));
    }
  }
}

// One data file per model, every point: actual, predicted, residual (predicted - actual).
std::vector<std::string> write_prediction_files(const std::vector<LabeledPredictions>& models, Chart& chart) {
  std::vector<std::string> files;
  for (std::size_t k = 0; k < models.size(); ++k) {
    const auto& m = models[k];
    std::string body;
    for (std::size_t i = 0; i < m.actual.size(); ++i) {
      const double residual = m.predicted[i] - m.actual[i];
      body += fmt::format("{} {} {}\n", dat(m.actual[i]), dat(m.predicted[i]), dat(residual));
    }
    files.push_back(chart.data_file(fmt::format("_{}", k), m.label + ": actual predicted residual", body));
  }
  return files;
}

// Each model's points in its colour, a quarter transparent so that where they pile up shows, and
// its own marker so the models part in grey too.
std::string prediction_points(const std::string& file, int x_col, int y_col, std::size_t k, const std::string& label) {
  static constexpr int kMarkers[] = {7, 5, 9, 13};
  return fmt::format("'{}' using {}:{} with points pt {} ps 0.7 lc rgb '#40{}' title {}", file, x_col, y_col,
                     kMarkers[k % std::size(kMarkers)], std::string_view(kColors[k % std::size(kColors)]).substr(1),
                     gnuplot_quote(label));
}

ChartOptions regression_size(const ChartOptions& options, int width, int height) {
  ChartOptions sized = options;
  if (options.width == ChartOptions{}.width && options.height == ChartOptions{}.height) {
    sized.width = width;
    sized.height = height;
  }
  return sized;
}

}  // namespace

ChartFiles draw_predicted_vs_actual(const std::vector<LabeledPredictions>& models, const std::filesystem::path& folder,
                                    const ChartOptions& options) {
  check_predictions(models, "predicted vs actual");
  Chart chart(folder, regression_size(options, 680, 640), "predicted_vs_actual",
              "Predicted against actual (test split)");
  const std::vector<std::string> files = write_prediction_files(models, chart);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& m : models) {
    const auto [a, b] = finite_range({&m.actual, &m.predicted});
    if (std::isfinite(a)) {
      lo = std::min(lo, a);
      hi = std::max(hi, b);
    }
  }
  if (lo > hi) lo = hi = kNaN;
  // One range for both axes at one scale: a point's distance from y = x is its error.
  const std::string range = range_text(lo, hi);
  std::string script = fmt::format(
      "  set title {}\n  set xlabel 'actual'\n  set ylabel 'predicted'\n  set size ratio -1\n"
      "  set xrange {r}\n  set yrange {r}\n  set key top left box opaque\n",
      gnuplot_quote(chart.title()), fmt::arg("r", range));
  std::vector<std::string> plots;
  for (std::size_t k = 0; k < models.size(); ++k)
    plots.push_back(prediction_points(files[k], 1, 2, k, models[k].label));
  plots.push_back("x with lines dt 2 lw 1.5 lc rgb '#555555' title 'y = x'");
  return chart.draw(script + plot_command(plots));
}

ChartFiles draw_residuals(const std::vector<LabeledPredictions>& models, const std::filesystem::path& folder,
                          const ChartOptions& options) {
  check_predictions(models, "residuals");
  Chart chart(folder, regression_size(options, 960, 540), "residuals",
              "Residuals (predicted - actual) against predicted (test split)");
  const std::vector<std::string> files = write_prediction_files(models, chart);
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, largest = 0.0;
  for (const auto& m : models) {
    const auto [a, b] = finite_range({&m.predicted});
    if (std::isfinite(a)) {
      x_lo = std::min(x_lo, a);
      x_hi = std::max(x_hi, b);
    }
    for (std::size_t i = 0; i < m.actual.size(); ++i) {
      const double r = m.predicted[i] - m.actual[i];
      if (std::isfinite(r)) largest = std::max(largest, std::abs(r));
    }
  }
  if (x_lo > x_hi) x_lo = x_hi = kNaN;
  // Symmetric about zero, so over- and under-prediction compare at a glance.
  const std::string y_range = largest > 0 ? range_text(-largest, largest) : std::string("[-1:1]");
  std::string script = fmt::format(
      "  set title {}\n  set xlabel 'predicted'\n  set ylabel 'residual (predicted - actual)'\n"
      "  set xrange {}\n  set yrange {}\n  set key top right box opaque\n",
      gnuplot_quote(chart.title()), range_text(x_lo, x_hi), y_range);
  std::vector<std::string> plots;
  for (std::size_t k = 0; k < models.size(); ++k)
    plots.push_back(prediction_points(files[k], 2, 3, k, models[k].label));
  plots.push_back("0 with lines dt 2 lw 1.5 lc rgb '#555555' title 'zero'");
  return chart.draw(script + plot_command(plots));
}

namespace {

// draw_tuning's parts.

// One data file per rung: the candidates that trained in it, in rate order (an empty name where
// none has a positive rate). Their scores and rates are appended to `scores` and `rates`.
std::vector<std::string> write_rung_files(const TuningResult& result, Chart& chart, std::vector<double>& scores,
                                          std::vector<double>& rates) {
  std::vector<std::string> rung_files;
  for (std::size_t k = 0; k < result.rungs.size(); ++k) {
    std::vector<std::size_t> members = result.rungs[k].candidates;
    std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return result.candidates.at(a).learning_rate < result.candidates.at(b).learning_rate;
    });
    std::string body;
    for (const std::size_t c : members) {
      const TuningCandidate& candidate = result.candidates.at(c);
      if (!(candidate.learning_rate > 0)) continue;
      const double score = k < candidate.rung_scores.size() ? candidate.rung_scores[k] : kNaN;
      body += fmt::format("{} {} {}\n", dat(candidate.learning_rate), dat(score), c);
      scores.push_back(score);
      rates.push_back(candidate.learning_rate);
    }
    rung_files.push_back(body.empty()
                             ? std::string()
                             : chart.data_file(fmt::format("_rung_{}", k), "lr validation_loss candidate", body));
  }
  return rung_files;
}

// A diverged candidate's huge score would flatten the rest, so with three or more finite scores
// the axis stops at the lowest plus three times the median's distance to it. Returns whether
// that lowered `hi`.
bool clip_scores_above_median(const std::vector<double>& scores, double lo, double& hi) {
  std::vector<double> finite;
  for (const double v : scores)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.size() < 3) return false;
  std::nth_element(finite.begin(), finite.begin() + static_cast<std::ptrdiff_t>(finite.size() / 2), finite.end());
  const double median = finite[finite.size() / 2];
  const double ceiling = lo + std::max(3.0 * (median - lo), 0.05 * std::abs(lo) + 1e-3);
  if (hi <= ceiling) return false;
  hi = ceiling;
  return true;
}

// The range test's smoothed loss for the right axis: its data file (empty when there is nothing
// to show) and y range, clipped above like draw_loss_vs_learning_rate's.
struct RightAxis {
  std::string file;
  double lo = kNaN, hi = kNaN;
};

RightAxis write_range_test_file(const RangeTestCurve& curve, Chart& chart, std::vector<double>& rates) {
  RightAxis axis;
  if (curve.size() == 0 || curve.smoothed_losses.size() != curve.size()) return axis;
  std::string body;
  std::vector<double> shown;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (!(curve.learning_rates[i] > 0)) continue;
    body += fmt::format("{} {}\n", dat(curve.learning_rates[i]), dat(curve.smoothed_losses[i]));
    shown.push_back(curve.smoothed_losses[i]);
    rates.push_back(curve.learning_rates[i]);
  }
  if (body.empty()) return axis;
  axis.file = chart.data_file("_range_test", "lr smoothed_loss", body);
  std::tie(axis.lo, axis.hi) = finite_range({&shown});
  clip_diverged_tail(shown, axis.lo, axis.hi);
  return axis;
}

// The range test's suggestions: dotted vertical lines in the script, named in the key (plots);
// in the qualitative palette past blue (the rungs are shades of blue).
void add_suggestion_lines(const RangeTestCurve& curve, std::string& script, std::vector<std::string>& plots) {
  std::size_t color = 1;
  for (const auto& sg : curve.suggestions.suggestions) {
    if (!sg.found || !(sg.learning_rate > 0) || !std::isfinite(sg.learning_rate)) continue;
    const bool is_default = sg.name == curve.suggestions.default_rule;
    const std::string c = kColors[1 + (color++ - 1) % (std::size(kColors) - 1)];
    script += fmt::format("  set arrow from {lr}, graph 0 to {lr}, graph 1 nohead dt 3 lw 1.5 lc rgb '{c}' back\n",
                          fmt::arg("lr", num(sg.learning_rate)), fmt::arg("c", c));
    plots.push_back(fmt::format("1/0 with lines dt 3 lw 1.5 lc rgb '{}' title {}", c,
                                gnuplot_quote(fmt::format("{}: {}{}", sg.name, rate_text(sg.learning_rate),
                                                          is_default ? " (range-test default)" : ""))));
  }
}

// A line with points per rung that has a data file, light (first) to dark (last).
void add_rung_plots(const TuningResult& result, const std::vector<std::string>& rung_files,
                    std::vector<std::string>& plots) {
  for (std::size_t k = 0; k < rung_files.size(); ++k) {
    if (rung_files[k].empty()) continue;
    const TuningRung& rung = result.rungs[k];
    plots.push_back(fmt::format(
        "'{}' using 1:2 with linespoints lw 2 pt 7 ps 1.1 lc rgb '{}' title {}", rung_files[k],
        kRungBlues[std::min(k + (6 - std::min<std::size_t>(rung_files.size(), 6)), std::size_t{5})],
        gnuplot_quote(fmt::format("rung {}: {} epochs, {} candidates", k, rung.epochs, rung.candidates.size()))));
  }
}

}  // namespace

ChartFiles draw_tuning(const TuningResult& result, const std::filesystem::path& folder, const ChartOptions& options) {
  if (result.candidates.empty() || result.rungs.empty()) {
    throw UsageError("tuning chart: the search has no candidates or no rungs");
  }
  Chart chart(folder, options, "tuning", "Learning-rate search: validation loss per rung");
  std::vector<double> scores, rates;
  const std::vector<std::string> rung_files = write_rung_files(result, chart, scores, rates);
  auto [lo, hi] = finite_range({&scores});
  const bool clipped = clip_scores_above_median(scores, lo, hi);
  const RangeTestCurve& curve = result.range_test;
  const RightAxis y2 = write_range_test_file(curve, chart, rates);
  for (const double v : {result.low, result.high})
    if (v > 0 && std::isfinite(v)) rates.push_back(v);
  const auto [x_lo, x_hi] = finite_range({&rates});

  const TuningCandidate& picked = result.candidates.at(result.pick);
  const double pick_score = std::isfinite(result.validation_loss) ? result.validation_loss
                            : picked.rung_scores.empty()          ? kNaN
                                                                  : picked.rung_scores.back();
  const std::string pick_file = chart.data_file("_pick", "lr validation_loss",
                                                fmt::format("{} {}\n", dat(picked.learning_rate), dat(pick_score)));

  std::string title = chart.title();
  if (clipped) title += " (y clipped above)";
  // The plot area pinned (the right axis and the key beside it), so the x ticks can be thinned
  // to the pixels they have.
  report_detail::PlotFrame frame;
  frame.width = options.width;
  frame.height = options.height;
  frame.left = 0.09, frame.right = 0.56;
  const double x0 = std::isfinite(x_lo) ? x_lo / 1.5 : 1e-6, x1 = std::isfinite(x_hi) ? x_hi * 1.5 : 1.0;
  std::string script = fmt::format(
      "  set title {title}\n"
      "{margins}"
      "  set xlabel 'learning rate (log scale)'\n"
      "  set ylabel 'validation loss (mean best over repeats)'\n"
      "  set logscale x\n"
      "{tics}"
      "  set xrange [{x0}:{x1}]\n"
      "  set yrange {yrange}\n"
      "  set ytics nomirror\n"
      "  set key at screen {kx}, screen {top} left top vertical Left reverse box samplen 2\n",
      fmt::arg("title", gnuplot_quote(title)), fmt::arg("margins", frame.margins()),
      fmt::arg("tics", log_xtics(x0, x1, frame.area_width())), fmt::arg("x0", num(x0)), fmt::arg("x1", num(x1)),
      fmt::arg("yrange", range_text(lo, hi, 0.06)), fmt::arg("kx", num(frame.right + 0.09)),
      fmt::arg("top", num(frame.top)));
  if (!y2.file.empty()) {
    script += fmt::format("  set y2label 'range test: smoothed training loss'\n  set y2tics\n  set y2range {}\n",
                          range_text(y2.lo, y2.hi, 0.04));
  }
  // The searched interval, shaded behind everything.
  if (result.low > 0 && result.high > result.low) {
    script += fmt::format(
        "  set object 1 rect from {}, graph 0 to {}, graph 1 behind fc rgb '#e8f0f8' fillstyle solid 1.0 noborder\n",
        num(result.low), num(result.high));
  }
  std::vector<std::string> plots;
  plots.push_back(fmt::format(
      "1/0 with boxes fc rgb '#e8f0f8' fillstyle solid 1.0 noborder title {}",
      gnuplot_quote(fmt::format("interval searched: {} to {}", rate_text(result.low), rate_text(result.high)))));
  if (!y2.file.empty()) {
    plots.push_back(fmt::format(
        "'{}' using 1:2 axes x1y2 with lines lw 1.5 lc rgb '#9aa5b1' title 'range test (right axis)'", y2.file));
  }
  add_suggestion_lines(curve, script, plots);
  add_rung_plots(result, rung_files, plots);
  plots.push_back(fmt::format(
      "'{}' using 1:2 with points pt 6 ps 3 lw 3 lc rgb '{}' title {}", pick_file, kHighlight,
      gnuplot_quote(fmt::format("pick: {} (best epoch {})", rate_text(result.learning_rate), result.best_epoch + 1))));
  return chart.draw(script + plot_command(plots));
}

}  // namespace lrtune
