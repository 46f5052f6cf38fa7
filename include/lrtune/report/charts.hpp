// The charts of the recipe, drawn with gnuplot: the per-epoch range test, loss against learning
// rate with every suggestion marked, two training runs side by side, confusion heatmaps, and a
// regression model's predictions against the actual values and its residuals.
// Each writes data + script + PNG + SVG into a folder and returns their paths; the HTML is report_html's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/repeats.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/report/gnuplot.hpp"
#include "lrtune/train/history.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

struct ChartOptions {
  std::string stem;   // file stem; empty: the chart's default ("range_test_epochs", ...)
  std::string title;  // empty: the chart's default title
  int width = 960;    // pixels of the PNG (the SVG uses the same size)
  int height = 540;
  double timeout_seconds = 60.0;
};

// Every chart function:
// - creates `folder` if needed, writes "<stem>.dat" file(s) and "<stem>.gp", runs gnuplot, which
//   writes temp files that are renamed to "<stem>.png" and "<stem>.svg" only when it succeeded
//   (a failure leaves no half-written chart and removes the temps);
// - throws GnuplotNotFound before writing anything when gnuplot is absent, GnuplotError when it
//   fails, UsageError when the input has nothing to draw (e.g. an empty curve), IoError
//   when a file cannot be written.

// (1) A per-epoch range test: loss and accuracy (the first metric named "accuracy",
// "binary_accuracy" or "categorical_accuracy", if any) against the epoch (1-based), the learning
// rate dashed on a second, log-scaled axis. Default stem "range_test_epochs".
ChartFiles draw_range_test_epochs(const RangeTestCurve& curve, const std::filesystem::path& folder,
                                  const ChartOptions& options = {});

// (2) Loss against learning rate (log x): raw loss (thin) and smoothed loss (bold), validation loss
// when present; every found suggestion marked on the smoothed curve and listed in the key with its
// rate; the default one highlighted (large marker, vertical dashed line, "chosen" label). The y
// range is clipped above when the tail diverges (said in the title). Default stem "range_test_lr".
ChartFiles draw_loss_vs_learning_rate(const RangeTestCurve& curve, const std::filesystem::path& folder,
                                      const ChartOptions& options = {});

// (2b) A repeated range test: the mean smoothed loss with a ±1 std band against learning rate (log
// x), each rule's median suggestion marked, its q1..q3 range drawn as a bar, the default highlighted.
// Default stem "range_test_repeated".
ChartFiles draw_repeated_range_test(const RepeatedRangeTest& repeated, const std::filesystem::path& folder,
                                    const ChartOptions& options = {});

// A training run with a caption, e.g. {"default lr 0.001", history}.
struct LabeledHistory {
  std::string label;
  History history;
};
// (3) Training curves of up to four runs side by side: one column per run, loss on top and
// accuracy (or the first other metric) below, train solid and validation ("val_" + name) dashed
// where present; the same y ranges in every column so they compare. Default stem "training_comparison".
ChartFiles draw_training_comparison(const std::vector<LabeledHistory>& runs, const std::filesystem::path& folder,
                                    const ChartOptions& options = {});

// The most classes a confusion heatmap draws: at 26 (a letter per class) the cells are still
// large enough to hold their counts and the axes their names; above it the report leaves the
// heatmap out, says why, and keeps the per-class table.
inline constexpr Index kMaxHeatmapClasses = 26;

// A confusion matrix with a caption; rows = true class, columns = predicted (scikit-learn).
struct LabeledConfusion {
  std::string label;
  ConfusionMatrix matrix;                // (classes, classes), 2 <= classes <= kMaxHeatmapClasses
  std::vector<std::string> class_names;  // empty: "0", "1", ...
};
// (4) One to four confusion heatmaps, each cell a filled rectangle (vector, in the SVG too)
// labelled with its count and shaded by its share of the row (the true class), so a rare class's
// row reads as clearly as a common one's. Cell size and font follow the class count; class names
// label both axes, shortened with an ellipsis when long. Up to 10 classes the matrices stand side
// by side, above that one under the other. Files "<stem>_<k>.dat" (predicted, true, count,
// row share). Default stem "confusion_matrices".
ChartFiles draw_confusion_matrices(const std::vector<LabeledConfusion>& matrices, const std::filesystem::path& folder,
                                   const ChartOptions& options = {});

// A regression model's test predictions with a caption: actual[i] and predicted[i] are row i of
// the test split, both in the target's units.
struct LabeledPredictions {
  std::string label;
  std::vector<double> actual;     // (rows,)
  std::vector<double> predicted;  // (rows,)
};
// (6) Predicted against actual, one to four models overlaid in two (to four) colours, with the
// line y = x; both axes span the same range at the same scale, so distance from the line is the
// error. Files "<stem>_<k>.dat" (actual, predicted, residual = predicted - actual), one per model,
// every given point; a non-finite value is written as nan and not drawn. Default stem
// "predicted_vs_actual".
ChartFiles draw_predicted_vs_actual(const std::vector<LabeledPredictions>& models, const std::filesystem::path& folder,
                                    const ChartOptions& options = {});
// (7) Residuals (predicted - actual) against the prediction, the same models overlaid, with a
// line at zero: a trend or a funnel shows what a single RMSE hides. Files as (6). Default stem
// "residuals".
ChartFiles draw_residuals(const std::vector<LabeledPredictions>& models, const std::filesystem::path& folder,
                          const ChartOptions& options = {});

// (5) A learning-rate search: validation loss of every candidate at the end of each rung against
// the learning rate (log x), one line per rung, the pick marked in red; the range-test curve
// (smoothed loss) on a second y axis with each found suggestion as a dotted vertical line listed in
// the key, and the searched interval [low, high] shaded. Files "<stem>_rung_<k>.dat",
// "<stem>_range_test.dat", "<stem>_pick.dat". Default stem "tuning".
ChartFiles draw_tuning(const TuningResult& result, const std::filesystem::path& folder,
                       const ChartOptions& options = {});

}  // namespace lrtune
