// report.html: one self-contained file (CSS inline, charts embedded as SVG data URIs, no
// external resources) with the data summary, the range test, the default-vs-tuned comparison
// (per-class scores for multiclass), a regression model's predictions and the effective
// configuration. The CLI fills ReportInputs; computing the results is the engine's job.
#pragma once

#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/data/step_log.hpp"
#include "lrtune/data/summary.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/repeats.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/report/charts.hpp"
#include "lrtune/train/history.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

// One trained model evaluated on the test set. NaN (the default) = not measured: the row is
// left out (or shows "–" when another model has it).
struct ModelEvaluation {
  static constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();
  double accuracy = kNotMeasured;
  double precision = kNotMeasured;
  double recall = kNotMeasured;
  double f1 = kNotMeasured;
  double roc_auc = kNotMeasured;
  double macro_f1 = kNotMeasured;  // multiclass
  double rmse = kNotMeasured;      // regression, in the target's units
  double mae = kNotMeasured;
  double r2 = kNotMeasured;
  double loss = kNotMeasured;  // test loss
  ConfusionMatrix confusion;   // (classes, classes); empty when not a classifier
  ClassScores per_class;       // of `confusion`; the report shows them from 3 classes on
  int epochs = 0;              // epochs actually trained (early stopping may cut them)
  double train_seconds = kNotMeasured;
};

// One column of the comparison, e.g. "default" at 0.001 and "tuned" at 0.007.
struct ReportModel {
  std::string label;  // "default", "tuned"
  double learning_rate = ModelEvaluation::kNotMeasured;
  std::string learning_rate_source;   // e.g. "Keras default", "range test: valley"
  std::vector<ModelEvaluation> runs;  // one per seed; mean ± sample std shown when > 1
  std::optional<History> history;     // one run's training curves, for the side-by-side chart
  // Regression: the first run's predictions on the test split, (rows,) in the target's units, in
  // the order of ReportInputs::test_actual; empty otherwise.
  std::vector<double> test_predicted;
};

// What the report shows; every optional part may be absent, and its section is then left out.
struct ReportInputs {
  std::string title = "lrtune report";
  std::string command_line;                              // shown verbatim (escaped) under the title
  std::optional<DataSummary> data;                       // "Data" section
  StepLog preprocessing_steps;                           // listed in "Data"
  std::optional<RangeTestCurve> range_test;              // "Range test" section
  std::optional<RepeatedRangeTest> repeated_range_test;  // shown in "Range test" as spreads
  std::optional<TuningResult> tuning;                    // "Learning-rate tuning" section
  std::vector<ReportModel> models;                       // "Default vs tuned" section (usually two)
  std::vector<std::string> class_names;                  // confusion matrix labels; empty: "0", "1", ...
  // Regression: the test split's target, (rows,) in the target's units. With a model's
  // test_predicted of the same length it makes the "Predictions" section; empty: no section.
  std::vector<double> test_actual;
  nlohmann::json configuration;    // "Configuration" section; null: absent
  std::vector<std::string> notes;  // warnings or remarks, shown at the top
};

// A chart placed in the report: its SVG (preferred) or PNG file, and a caption.
struct EmbeddedChart {
  std::string section;  // "range_test", "tuning", "comparison", "regression": where it goes
  std::string caption;
  std::filesystem::path file;  // .svg or .png
};

struct ReportOptions {
  // Where the charts (data, .gp, PNG, SVG) are drawn; empty: "<report folder>/charts".
  std::filesystem::path chart_folder;
  bool draw_charts = true;  // false: no gnuplot, the report has tables only
};

struct ReportOutput {
  std::filesystem::path html;
  std::vector<ChartFiles> charts;     // the charts drawn
  bool gnuplot_missing = false;       // charts skipped because gnuplot is absent (the report says so)
  std::vector<std::string> warnings;  // charts that failed (the report is written without them)
};

// The standard charts for these inputs (range test per epoch when the curve is per-epoch, loss vs
// learning rate, repeated range test, the tuning search, training comparison, confusion heatmaps
// up to kMaxHeatmapClasses classes, predicted vs actual and residuals for regression), drawn into
// `folder`. Throws GnuplotNotFound when gnuplot is absent, GnuplotError if one fails.
std::vector<std::pair<EmbeddedChart, ChartFiles>> draw_report_charts(const ReportInputs& inputs,
                                                                     const std::filesystem::path& folder);

// The HTML text. Every user string (column names, labels, explanations, configuration) is
// escaped; chart files are read and embedded as base64 data URIs (a chart file that cannot be
// read throws IoError).
std::string render_report_html(const ReportInputs& inputs, const std::vector<EmbeddedChart>& charts = {});

// Draws the charts (unless options say not to; a missing gnuplot or a failed chart is reported in
// the output and in the page, not thrown), renders and writes the HTML atomically.
ReportOutput write_report(const std::filesystem::path& html_path, const ReportInputs& inputs,
                          const ReportOptions& options = {});

// &, <, >, " and ' as entities.
std::string html_escape(std::string_view text);

}  // namespace lrtune
