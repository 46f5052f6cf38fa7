// Small synthetic results for the report tests (and tools/report_sample.cpp): a per-epoch range
// test shaped like the recipe's (flat, dip near 0.007, rising tail), two training histories, two
// confusion matrices, and the inputs of a report with every section.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/suggest_all.hpp"
#include "lrtune/report/html_report.hpp"
#include "lrtune/train/history.hpp"

namespace lrtune::test {

inline RangeTestCurve recipe_like_curve(std::size_t epochs = 100) {
  RangeTestCurve curve;
  curve.mode = CurveMode::per_epoch;
  curve.planned_points = epochs;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.004);
  for (std::size_t e = 0; e < epochs; ++e) {
    const double lr = 1e-3 * std::pow(10.0, static_cast<double>(e) / 30.0);
    const double x = std::log10(lr / 0.007);
    const double loss = 0.45 + 0.03 * x * x + (lr > 0.05 ? 0.25 * std::log10(lr / 0.05) : 0.0) + noise(rng);
    curve.learning_rates.push_back(lr);
    curve.losses.push_back(loss);
    curve.metrics["accuracy"].push_back(std::clamp(1.2 - loss, 0.0, 1.0));
  }
  curve.smoothed_losses = curve.losses;
  curve.suggestions = suggest_all(curve);
  return curve;
}

inline History training_history(double final_loss, std::size_t epochs = 30, bool validation = true) {
  History h;
  for (std::size_t e = 0; e < epochs; ++e) {
    Logs logs;
    const double t = static_cast<double>(e) / static_cast<double>(epochs);
    logs.set("loss", final_loss + 0.4 * std::exp(-4 * t));
    logs.set("accuracy", 0.95 - 0.25 * std::exp(-4 * t));
    if (validation) {
      logs.set("val_loss", final_loss + 0.1 + 0.35 * std::exp(-4 * t) + 0.1 * t);
      logs.set("val_accuracy", 0.85 - 0.2 * std::exp(-4 * t));
    }
    h.append(static_cast<int>(e), logs);
  }
  return h;
}

// Inputs for every section of report.html: a data summary with a column name and a title that
// need escaping, the range test, two models over three seeds, and the configuration.
inline ReportInputs full_report_inputs() {
  ReportInputs in;
  in.title = "Wine quality <report>";
  in.command_line = "lrtune run --csv wine.csv --target quality";
  DataSummary d;
  d.source = "winequalityN.csv";
  d.rows = 6497;
  d.cols = 3;
  d.rows_with_missing = 34;
  d.missing_cells = 38;
  d.columns.push_back({"fixed acidity", ColumnType::numeric, 10, 0, 3.8, 15.9, 7.2});
  d.columns.push_back({"<script>alert('x')</script>", ColumnType::numeric, 0, 0, 0.0, 1.0, 0.5});
  d.columns.push_back({"type", ColumnType::categorical, 0, 2, 0, 0, 0});
  TargetSummary t;
  t.column = "quality";
  t.rule = ">=6";
  t.classes = {"0", "1"};
  t.all = {2372, 4091};
  t.train = {1890, 3280};
  t.test = {482, 811};
  d.target = t;
  in.data = d;
  in.preprocessing_steps = {{"read_csv", "read 6497 rows, 13 columns", {}}, {"drop_missing", "dropped 34 rows", {}}};
  in.range_test = recipe_like_curve();
  in.class_names = {"bad", "good"};
  ReportModel def{"default", 0.001, "Keras default", {}, training_history(0.3)};
  ReportModel tuned{"tuned", 0.007, "range test: valley", {}, training_history(0.1)};
  for (int seed = 0; seed < 3; ++seed) {
    ModelEvaluation e;
    e.accuracy = 0.76 + 0.01 * seed;
    e.precision = 0.8;
    e.recall = 0.7;
    e.f1 = 0.75;
    e.roc_auc = 0.83;
    e.loss = 0.5;
    e.epochs = 100;
    e.train_seconds = 12.5;
    e.confusion = ConfusionMatrix(2, 2);
    e.confusion << 383, 99, 214, 597;
    def.runs.push_back(e);
    e.accuracy = 0.79;
    e.confusion << 348, 134, 135, 676;
    tuned.runs.push_back(e);
  }
  in.models = {def, tuned};
  in.configuration = {{"optimizer", {{"name", "adam"}, {"learning_rate", 0.007}}}, {"note", "</pre><b>x</b>"}};
  return in;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh empty folder under the system temp folder, removed by the destructor.
struct TempFolder {
  std::filesystem::path path;
  explicit TempFolder(const std::string& name) {
    path = std::filesystem::temp_directory_path() / ("lrtune_test_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace lrtune::test
