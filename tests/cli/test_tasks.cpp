// End-to-end: the three tasks through the command. `run` on a multiclass and a regression study
// set (development sets, docs/study.md) writes every file; the task is inferred from the target,
// said, and overridable; train's test predictions, evaluate and the demo follow the task; the new
// flags refuse what cannot work, each with one line and exit 2. The report follows the task: a
// per-class table and K x K heatmaps for multiclass, predicted-vs-actual and residual charts for
// regression.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "lrtune/report/gnuplot.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

std::string study(const std::string& name) { return quote(data_file("study/" + name).string()); }

constexpr const char* kSmall =
    " --layers 16 --epochs 3 --schedule step --finder-points 30 --candidates 2 --max-epochs 4 "
    "--first-rung-epochs 2 --out out";

void expect_files(const fs::path& out) {
  for (const char* file :
       {"range_test.csv", "range_test.json", "history_default.csv", "history_tuned.csv", "comparison.json",
        "model.safetensors", "report.html", "config.toml", "data_summary.json", "data_steps.json", "tuning.json"})
    EXPECT_TRUE(fs::exists(out / file)) << file;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The data rows (not the "#" header) of a chart's data file, each split into its fields.
std::vector<std::vector<std::string>> chart_rows(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(read_text(file));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    rows.emplace_back();
    for (std::string f; fields >> f;) rows.back().push_back(f);
  }
  return rows;
}

}  // namespace

TEST(CliTasks, RunOnAMulticlassSetWritesEveryFileWithMulticlassMetrics) {
  TempDir dir;
  const CliResult r = run_cli("run " + study("wine_recognition.csv") + " --target cultivar" + kSmall, dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Task: cultivar: 3 distinct integer values, treated as 3 classes; --task regression"),
            std::string::npos)
      << r.out;
  for (const char* text : {"test accuracy", "test macro F1", "pred 1", "true 2"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  expect_files(dir.path() / "out");
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  EXPECT_EQ(comparison.at("task"), "multiclass");
  const auto& run = comparison.at("tuned").at("runs").at(0);
  EXPECT_EQ(run.at("confusion").size(), 3u);
  EXPECT_TRUE(comparison.at("tuned").contains("test_macro_f1_mean"));
  const std::string report = read_text(dir.path() / "out" / "report.html");
  EXPECT_NE(report.find("macro F1"), std::string::npos);
}

TEST(CliTasks, RunOnARegressionSetReportsErrorsInTheTargetsUnits) {
  TempDir dir;
  const CliResult r = run_cli("run " + study("diabetes.csv") + " --target progression" + kSmall, dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("treated as regression"), std::string::npos) << r.out;
  for (const char* text : {"test RMSE", "test MAE", "test R²", "test loss (standardised)"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  EXPECT_EQ(r.out.find("confusion"), std::string::npos) << r.out;
  expect_files(dir.path() / "out");
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  EXPECT_EQ(comparison.at("task"), "regression");
  // The target's spread is ~77 (progression, 25 to 346): an RMSE in those units, not standardised ones.
  const double rmse = comparison.at("tuned").at("test_rmse_mean");
  EXPECT_GT(rmse, 20.0);
  EXPECT_LT(rmse, 120.0);
  const std::string report = read_text(dir.path() / "out" / "report.html");
  EXPECT_NE(report.find("RMSE"), std::string::npos);
  // The predictions section states each model's errors; its charts hold one point per test row.
  EXPECT_NE(report.find("<section id=\"regression\">"), std::string::npos);
  EXPECT_NE(report.find("in the units of <code>progression</code>"), std::string::npos);
  EXPECT_EQ(report.find("per-class"), std::string::npos);
  if (!lrtune::gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed: no charts to check";
  const fs::path charts = dir.path() / "out" / "charts";
  for (const char* file : {"predicted_vs_actual.svg", "residuals.svg", "predicted_vs_actual_0.dat",
                           "predicted_vs_actual_1.dat", "residuals_0.dat", "residuals_1.dat"})
    EXPECT_TRUE(fs::exists(charts / file)) << file;
  EXPECT_EQ(chart_rows(charts / "predicted_vs_actual_1.dat").size(), 89u);  // 442 rows, test size 0.2
  EXPECT_EQ(occurrences(report, "<figcaption>Predicted against actual progression on the test split, 89 rows"), 1u);
  EXPECT_EQ(occurrences(report, "<figcaption>Residuals (predicted − actual) against predicted progression, 89 rows"),
            1u);
  EXPECT_FALSE(fs::exists(charts / "confusion_matrices.svg"));
}

TEST(CliTasks, RunOnIrisReportsEachClassAndDrawsThreeByThreeHeatmaps) {
  TempDir dir;
  const CliResult r = run_cli("run " + study("iris.csv") + " --target species" + kSmall, dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::string report = read_text(dir.path() / "out" / "report.html");
  const auto table_at = report.find("<table class=\"per-class\">");
  ASSERT_NE(table_at, std::string::npos);
  const std::string table = report.substr(table_at, report.find("</table>", table_at) - table_at);
  EXPECT_EQ(occurrences(table, "<tr><td>"), 3u);
  EXPECT_NE(table.find("<th>macro F1</th>"), std::string::npos);
  // Support: the test split's rows of each class, 30 in all.
  EXPECT_NE(table.find("<td class=\"num\">30</td></tr>"), std::string::npos) << table;
  EXPECT_EQ(report.find("id=\"regression\""), std::string::npos);
  if (!lrtune::gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed: no charts to check";
  const fs::path charts = dir.path() / "out" / "charts";
  const std::string svg = read_text(charts / "confusion_matrices.svg");
  EXPECT_EQ(svg.find("<image"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<polygon"), 18u);  // two models, 3 x 3 cells each
  const auto cells = chart_rows(charts / "confusion_matrices_1.dat");
  ASSERT_EQ(cells.size(), 9u);
  // The counts are the tuned model's confusion matrix in comparison.json, row by row.
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  const auto& confusion = comparison.at("tuned").at("runs").at(0).at("confusion");
  for (std::size_t i = 0; i < 9; ++i)
    EXPECT_EQ(std::stoll(cells[i][2]), confusion.at(i / 3).at(i % 3).get<long long>()) << i;
  EXPECT_FALSE(fs::exists(charts / "predicted_vs_actual.svg"));
}

TEST(CliTasks, TrainWritesPerClassProbabilitiesAndEvaluateScoresTheModelAlike) {
  TempDir dir;
  const std::string data = study("iris.csv");
  const CliResult r =
      run_cli("train " + data + " --target species --layers 8 --epochs 20 --lr 0.01 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::string predictions = read_text(dir.path() / "out" / "test_predictions.csv");
  EXPECT_EQ(first_line(predictions), "row,p_0,p_1,p_2,class,reason");
  // Each row's probabilities sum to 1 and its class is the most probable.
  std::istringstream lines(predictions.substr(predictions.find('\n') + 1));
  int rows = 0;
  for (std::string line; std::getline(lines, line); ++rows) {
    double p[3];
    int row = 0, cls = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%lf,%lf,%lf,%d,", &row, &p[0], &p[1], &p[2], &cls), 5) << line;
    EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-5) << line;
    EXPECT_GE(p[cls], std::max({p[0], p[1], p[2]})) << line;
  }
  EXPECT_EQ(rows, 30);
  const auto metrics = nlohmann::json::parse(read_text(dir.path() / "out" / "metrics.json"));
  const CliResult e = run_cli("evaluate out/model.safetensors " + data + " --json", dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  const auto scores = nlohmann::json::parse(e.out);
  EXPECT_EQ(scores.at("task"), "multiclass");
  EXPECT_EQ(scores.at("rows"), 150);
  EXPECT_EQ(scores.at("confusion").size(), 3u);
  EXPECT_TRUE(scores.contains("macro_f1"));
  EXPECT_GT(scores.at("accuracy").get<double>(), 0.5);
  EXPECT_TRUE(metrics.contains("test_macro_f1"));
}

TEST(CliTasks, ARegressionModelPredictsInTheTargetsUnits) {
  TempDir dir;
  const CliResult r = run_cli(
      "train " + study("diabetes.csv") + " --target progression --layers 8 --epochs 5 --lr 0.01 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::string predictions = read_text(dir.path() / "out" / "test_predictions.csv");
  EXPECT_EQ(first_line(predictions), "row,value,reason");
  double mean = 0.0;
  int rows = 0;
  std::istringstream lines(predictions.substr(predictions.find('\n') + 1));
  for (std::string line; std::getline(lines, line); ++rows) mean += std::stod(line.substr(line.find(',') + 1));
  mean /= rows;
  EXPECT_GT(mean, 100.0);  // progression's mean is 152: predictions in its units, not near 0
  EXPECT_LT(mean, 200.0);
  // The report's predicted-vs-actual points are the same predictions, row for row.
  if (!lrtune::gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed: no charts to check";
  const auto points = chart_rows(dir.path() / "out" / "charts" / "predicted_vs_actual_0.dat");
  ASSERT_EQ(points.size(), static_cast<std::size_t>(rows));
  std::istringstream again(predictions.substr(predictions.find('\n') + 1));
  std::size_t i = 0;
  for (std::string line; std::getline(again, line); ++i)
    EXPECT_EQ(std::stod(points[i][1]), std::stod(line.substr(line.find(',') + 1))) << "row " << i;
}

TEST(CliTasks, TheTaskCanBeToldAndTheNewFlagsRefuseWhatCannotWork) {
  TempDir dir;
  const std::string iris = study("iris.csv");
  const CliResult told = run_cli(
      "train " + iris + " --target species --task regression --layers 4 --epochs 1 --lr 0.01 --out out", dir.path());
  ASSERT_EQ(told.code, 0) << told.err;
  EXPECT_NE(told.out.find("(--task regression), treated as regression"), std::string::npos) << told.out;
  struct Refused {
    std::string flags;
    std::string message;
  };
  for (const Refused& c : std::vector<Refused>{
           {"--target species --loss mse",
            "--loss mean_squared_error: a multiclass target trains with categorical_crossentropy"},
           {"--target species --task bogus", "--task must be one of binary, multiclass, regression, got 'bogus'"},
           {"--target species --loss bogus",
            "--loss must be one of binary_crossentropy, categorical_crossentropy, mse, mae, huber"},
           {"--target species --dropout 1", "--dropout must be in [0, 1), got 1"},
           {"--target species --metrics bogus", "--metrics must name metrics among accuracy"},
           {"--target species --class-weight auto", "--class-weight must be none or balanced, got 'auto'"}}) {
    const CliResult r =
        run_cli("train " + iris + " " + c.flags + " --layers 4 --epochs 1 --lr 0.01 --out refused", dir.path());
    EXPECT_EQ(r.code, 2) << c.flags << "\n" << r.err;
    EXPECT_NE(r.err.find("lrtune: error: " + c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "refused")) << c.flags;
  }
  const CliResult weighted =
      run_cli("train " + study("diabetes.csv") +
                  " --target progression --class-weight balanced --layers 4 --epochs 1 --lr 0.01 --out refused",
              dir.path());
  EXPECT_EQ(weighted.code, 2) << weighted.err;
  EXPECT_NE(weighted.err.find("--class-weight balanced: target progression is a regression"), std::string::npos)
      << weighted.err;
}

TEST(CliTasks, BalancedClassWeightsAndDropoutTrain) {
  TempDir dir;
  const CliResult r =
      run_cli("train " + study("wine_recognition.csv") +
                  " --target cultivar --class-weight balanced --dropout 0.2 --metrics macro_f1 --layers 8 "
                  "--epochs 2 --lr 0.01 --verbose --out out",
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("- macro_f1: "), std::string::npos) << r.out;  // the extra metric in the epoch lines
  const auto config = read_text(dir.path() / "out" / "config.toml");
  EXPECT_NE(config.find("class_weight = 'balanced'"), std::string::npos) << config;
  EXPECT_NE(config.find("dropout = 0.2"), std::string::npos) << config;
}

TEST(CliTasks, TheDemoTakesATask) {
  TempDir dir;
  const CliResult r = run_cli(
      "demo --task regression --epochs 2 --finder-points 20 --candidates 2 --max-epochs 4 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Task: monthly_fee:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("test RMSE"), std::string::npos) << r.out;
  const CliResult m = run_cli(
      "demo --task multiclass --epochs 2 --finder-points 20 --candidates 2 --max-epochs 4 --out out2", dir.path());
  ASSERT_EQ(m.code, 0) << m.err << m.out;
  EXPECT_NE(m.out.find("Task: plan: 3 distinct text values"), std::string::npos) << m.out;
}
