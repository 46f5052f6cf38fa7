// Charts: each writes data, script, a valid PNG and SVG, leaves no temp files, and fails cleanly;
// confusion heatmaps are vector cells with every count, regression charts plot exactly their points.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "lrtune/report/charts.hpp"
#include "lrtune/report/label_layout.hpp"
#include "report_fixtures.hpp"
#include "support/tuning_fixture.hpp"

namespace lrtune {
namespace {

using test::slurp;
using test::TempFolder;

void expect_valid_chart(const ChartFiles& files) {
  ASSERT_TRUE(std::filesystem::exists(files.png)) << files.png;
  ASSERT_TRUE(std::filesystem::exists(files.svg)) << files.svg;
  ASSERT_TRUE(std::filesystem::exists(files.script)) << files.script;
  const std::string png = slurp(files.png);
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const std::string svg = slurp(files.svg);
  EXPECT_TRUE(svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0) << svg.substr(0, 40);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  for (const auto& d : files.data) EXPECT_TRUE(std::filesystem::exists(d)) << d;
  for (const auto& entry : std::filesystem::directory_iterator(files.png.parent_path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

class Charts : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  }
};

TEST_F(Charts, RangeTestPerEpoch) {
  TempFolder dir("chart_epochs");
  const auto files = draw_range_test_epochs(test::recipe_like_curve(), dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(files.png.filename(), "range_test_epochs.png");
  EXPECT_NE(slurp(files.svg).find("learning rate"), std::string::npos);
}

TEST_F(Charts, LossVsLearningRateMarksEverySuggestion) {
  TempFolder dir("chart_lr");
  const auto curve = test::recipe_like_curve();
  const auto files = draw_loss_vs_learning_rate(curve, dir.path);
  expect_valid_chart(files);
  const std::string svg = slurp(files.svg);
  for (const auto& s : curve.suggestions.suggestions) {
    if (s.found) {
      EXPECT_NE(svg.find(s.name), std::string::npos) << s.name;
    }
  }
  EXPECT_NE(svg.find("chosen"), std::string::npos);
}

TEST_F(Charts, TuningRungsOverTheRangeTestWithSuggestionsAndPick) {
  TempFolder dir("chart_tuning");
  const TuningResult result = testing::small_tuning_result();
  const auto files = draw_tuning(result, dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(files.png.filename(), "tuning.png");
  EXPECT_EQ(files.data.size(), 4u);  // two rungs, the range test, the pick
  const std::string svg = slurp(files.svg);
  for (const char* text : {"rung 0: 4 epochs, 4 candidates", "rung 1: 8 epochs, 2 candidates",
                           "pick: 0.001 (best epoch 5)", "interval searched", "range test (right axis)"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  for (const auto& s : result.range_test.suggestions.suggestions) {
    if (s.found) {
      EXPECT_NE(svg.find(s.name + ": "), std::string::npos) << s.name;
    }
  }
  // The diverged candidate (NaN after epoch 1) is a gap, not an error; rung 1 holds only the promoted two.
  EXPECT_EQ(slurp(dir.path / "tuning_rung_1.dat"), "# lr validation_loss candidate\n0.0001 0.48 1\n0.001 0.44 2\n");
}

TEST_F(Charts, TuningWithoutARangeTestStillDraws) {
  TempFolder dir("chart_tuning_given");
  TuningResult result = testing::small_tuning_result();
  result.range_test = {};
  const auto files = draw_tuning(result, dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(slurp(files.svg).find("right axis"), std::string::npos);
  result.rungs.clear();
  EXPECT_THROW(draw_tuning(result, dir.path), lrtune::UsageError);
}

TEST_F(Charts, RepeatedRangeTestBandAndMedians) {
  TempFolder dir("chart_repeated");
  RepeatedRangeTest r;
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    r.seeds.push_back(seed);
    r.runs.push_back(test::recipe_like_curve(60 + 10 * seed));
  }
  r.mean_curve = mean_curve(r.runs);
  for (const auto rule : all_rules()) {
    std::vector<Suggestion> per_run;
    for (const auto& run : r.runs) per_run.push_back(*run.suggestions.find(rule_name(rule)));
    r.spreads.push_back(summarize_rule(std::string(rule_name(rule)), per_run));
  }
  r.default_rule = r.runs.front().suggestions.default_rule;
  const auto files = draw_repeated_range_test(r, dir.path);
  expect_valid_chart(files);
  EXPECT_NE(slurp(files.svg).find("(3/3)"), std::string::npos);
}

TEST_F(Charts, TrainingComparisonSideBySide) {
  TempFolder dir("chart_training");
  const auto files = draw_training_comparison(
      {{"default lr 0.001", test::training_history(0.3)}, {"tuned lr 0.007", test::training_history(0.1, 30, false)}},
      dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(files.data.size(), 2u);
  const std::string svg = slurp(files.svg);
  EXPECT_NE(svg.find("tuned lr 0.007"), std::string::npos);
  EXPECT_NE(svg.find("validation"), std::string::npos);
}

TEST_F(Charts, ConfusionMatrices) {
  TempFolder dir("chart_confusion");
  ConfusionMatrix a(2, 2), b(2, 2);
  a << 348, 134, 135, 676;
  b << 383, 99, 214, 597;
  const auto files = draw_confusion_matrices({{"tuned", a, {"bad", "good"}}, {"default", b, {}}}, dir.path);
  expect_valid_chart(files);
  const std::string svg = slurp(files.svg);
  for (const char* count : {"348", "134", "135", "676", "383", "597"})
    EXPECT_NE(svg.find(count), std::string::npos) << count;
}

// How often `what` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A K x K matrix whose every count is different: 100 + K * true + predicted.
ConfusionMatrix distinct_counts(Index k) {
  ConfusionMatrix m(k, k);
  for (Index r = 0; r < k; ++r)
    for (Index c = 0; c < k; ++c) m(r, c) = 100 + k * r + c;
  return m;
}

// With no key and no colour box, a heatmap's only filled polygons are its cells.
void expect_heatmap(const ChartFiles& files, const ConfusionMatrix& m) {
  const std::string svg = slurp(files.svg);
  EXPECT_EQ(svg.find("<image"), std::string::npos) << "cells must be vector, not a bitmap";
  EXPECT_EQ(occurrences(svg, "<polygon"), static_cast<std::size_t>(m.size()));
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c)
      EXPECT_EQ(occurrences(svg, "<text>" + std::to_string(m(r, c)) + "</text>"), 1u) << r << "," << c;
}

TEST_F(Charts, ConfusionHeatmapOfThreeClassesHasNineVectorCellsAndShortenedNames) {
  TempFolder dir("chart_heatmap3");
  ConfusionMatrix m(3, 3);
  m << 50, 3, 7, 2, 61, 4, 9, 8, 70;
  const auto files =
      draw_confusion_matrices({{"tuned", m, {"setosa", "versicolor", "virginica-with-a-long-name"}}}, dir.path);
  expect_valid_chart(files);
  expect_heatmap(files, m);
  const std::string svg = slurp(files.svg);
  EXPECT_NE(svg.find("<text>versicolor</text>"), std::string::npos);
  EXPECT_NE(svg.find("<text>virginica-with-a-long-n\u2026</text>"),
            std::string::npos);  // 24 characters, the last an ellipsis
  EXPECT_EQ(svg.find("virginica-with-a-long-name"), std::string::npos);
}

TEST_F(Charts, ConfusionHeatmapShadesEachCellByItsShareOfTheRow) {
  TempFolder dir("chart_heatmap_share");
  ConfusionMatrix m(3, 3);
  m << 900, 100, 0, 1, 2, 1, 0, 0, 0;  // a big class, a rare one, and one absent from the test rows
  const auto files = draw_confusion_matrices({{"tuned", m, {}}}, dir.path);
  ASSERT_EQ(files.data.size(), 1u);
  EXPECT_EQ(slurp(files.data[0]),
            "# tuned: predicted true count row_share\n"
            "0 0 900 0.9\n1 0 100 0.1\n2 0 0 0\n"
            "0 1 1 0.25\n1 1 2 0.5\n2 1 1 0.25\n"
            "0 2 0 0\n1 2 0 0\n2 2 0 0\n");
}

TEST_F(Charts, ConfusionHeatmapOfTwentySixClassesHoldsEveryCellAndCount) {
  TempFolder dir("chart_heatmap26");
  const ConfusionMatrix m = distinct_counts(26);
  std::vector<std::string> names;
  for (char letter = 'A'; letter <= 'Y'; ++letter) names.push_back(std::string("letter ") + letter);
  names.push_back("\u00e9t\u00e9 Z, the last");  // at 26 classes names keep 10 characters, cut between code points
  const auto files = draw_confusion_matrices({{"tuned", m, names}}, dir.path);
  expect_valid_chart(files);
  expect_heatmap(files, m);
  const std::string svg = slurp(files.svg);
  for (std::size_t c = 0; c + 1 < names.size(); ++c)
    EXPECT_GE(occurrences(svg, "<text>" + names[c] + "</text>"), 2u) << names[c];  // both axes
  EXPECT_GE(occurrences(svg, "<text>\u00e9t\u00e9 Z, th\u2026</text>"), 2u);
}

TEST_F(Charts, ConfusionTitlesFitTheChartSoNothingIsCutAtTheEdges) {
  TempFolder dir("chart_heatmap_titles");
  ConfusionMatrix m(2, 2);
  m << 48, 12, 9, 60;  // n = 129
  const std::string label = "tuned (lr 0.00123) (first seed) from a long run name";
  const auto files = draw_confusion_matrices({{label, m, {}}}, dir.path);
  const std::string svg = slurp(files.svg);
  const std::smatch size = [&] {
    std::smatch match;
    EXPECT_TRUE(std::regex_search(svg, match, std::regex("<svg[^>]* width=\"([0-9.]+)\"")));
    return match;
  }();
  ASSERT_EQ(size.size(), 2u);
  const double width = std::stod(size[1].str());
  const std::string subtitle = label + "  (accuracy 0.837, n = 129)";
  EXPECT_NE(svg.find(subtitle), std::string::npos);
  EXPECT_GE(width, label_text_size(subtitle).width + 20) << "the panel title is cut";
  EXPECT_GE(width, label_text_size(files.title).width + 20) << "the chart title is cut";
}

TEST_F(Charts, ConfusionHeatmapRefusesTwentySevenClasses) {
  TempFolder dir("chart_heatmap27");
  try {
    draw_confusion_matrices({{"tuned", distinct_counts(27), {}}}, dir.path);
    ADD_FAILURE() << "expected UsageError";
  } catch (const lrtune::UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("2 to 26 classes"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path));
}

// The numbers of a chart's data file (after its "#" header), row by row.
std::vector<std::vector<double>> read_columns(const std::filesystem::path& file) {
  std::istringstream in(slurp(file));
  std::string line;
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::vector<double> row;
    for (std::string field; fields >> field;) row.push_back(field == "nan" ? std::nan("") : std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

TEST_F(Charts, TrainingComparisonDrawsValidationWheneverTheHistoryHoldsIt) {
  // Validation comes from the history, not from how it was trained (early stopping or not).
  TempFolder dir("chart_training_val");
  const auto files = draw_training_comparison(
      {{"with validation", test::training_history(0.3, 12, true)}, {"without", test::training_history(0.2, 12, false)}},
      dir.path);
  const std::string script = slurp(files.script);
  // One validation curve per row (loss, accuracy) for the first run, none for the second.
  EXPECT_EQ(occurrences(script, "'training_comparison_0.dat' using 1:3 with lines"), 1u) << script;
  EXPECT_EQ(occurrences(script, "'training_comparison_0.dat' using 1:5 with lines"), 1u) << script;
  EXPECT_EQ(occurrences(script, "'training_comparison_1.dat' using 1:3"), 0u) << script;
  const auto rows = read_columns(files.data[0]);
  ASSERT_EQ(rows.size(), 12u);
  for (const auto& row : rows) EXPECT_TRUE(std::isfinite(row[2]) && std::isfinite(row[4]));
}

void expect_points(const std::filesystem::path& file, const LabeledPredictions& m) {
  const auto rows = read_columns(file);
  ASSERT_EQ(rows.size(), m.actual.size()) << file;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u) << file << " row " << i;
    EXPECT_EQ(rows[i][0], m.actual[i]) << file << " row " << i;
    if (std::isfinite(m.predicted[i])) {
      EXPECT_EQ(rows[i][1], m.predicted[i]) << file << " row " << i;
      EXPECT_EQ(rows[i][2], m.predicted[i] - m.actual[i]) << file << " row " << i;
    } else {
      EXPECT_TRUE(std::isnan(rows[i][1]) && std::isnan(rows[i][2])) << file << " row " << i;
    }
  }
}

std::vector<LabeledPredictions> two_regression_models() {
  return {{"default", {151.0, 75.0, 141.0, 206.0, 135.0}, {140.25, 90.5, 139.0, 180.125, 1.0 / 3.0}},
          {"tuned", {151.0, 75.0, 141.0, 206.0, 135.0}, {149.0, 80.0, std::nan(""), 201.5, 136.75}}};
}

TEST_F(Charts, PredictedVsActualHoldsExactlyThePointsGiven) {
  TempFolder dir("chart_pred_actual");
  const auto models = two_regression_models();
  const auto files = draw_predicted_vs_actual(models, dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(files.png.filename(), "predicted_vs_actual.png");
  ASSERT_EQ(files.data.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) expect_points(files.data[k], models[k]);
  const std::string svg = slurp(files.svg);
  for (const char* text : {"default", "tuned", "y = x", "actual", "predicted"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  // Equal axes: the same range on x and y.
  const std::string script = slurp(files.script);
  const auto range_of = [&](const std::string& axis) {
    const auto at = script.find("set " + axis + " ");
    return at == std::string::npos ? std::string()
                                   : script.substr(at + 5 + axis.size(), script.find('\n', at) - at - 5 - axis.size());
  };
  EXPECT_FALSE(range_of("xrange").empty());
  EXPECT_EQ(range_of("xrange"), range_of("yrange"));
}

TEST_F(Charts, ResidualsHoldExactlyThePointsGivenWithAZeroLine) {
  TempFolder dir("chart_residuals");
  const auto models = two_regression_models();
  const auto files = draw_residuals(models, dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(files.png.filename(), "residuals.png");
  ASSERT_EQ(files.data.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) expect_points(files.data[k], models[k]);
  EXPECT_NE(slurp(files.svg).find("zero"), std::string::npos);
}

TEST_F(Charts, RegressionChartsRefuseMismatchedOrEmptyInput) {
  TempFolder dir("chart_regression_bad");
  EXPECT_THROW(draw_predicted_vs_actual({}, dir.path), lrtune::UsageError);
  EXPECT_THROW(draw_residuals({{"m", {1.0, 2.0}, {1.0}}}, dir.path), lrtune::UsageError);
  EXPECT_THROW(draw_predicted_vs_actual({{"m", {}, {}}}, dir.path), lrtune::UsageError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path));
}

TEST_F(Charts, HostileLabelsAreQuotedForGnuplot) {
  TempFolder dir("chart_quotes");
  const auto files =
      draw_training_comparison({{"it's \"odd\"\n<script>alert(1)</script>", test::training_history(0.2)}}, dir.path);
  expect_valid_chart(files);
  EXPECT_EQ(slurp(files.svg).find("<script>"), std::string::npos);
}

TEST_F(Charts, EmptyCurveIsRejectedBeforeDrawing) {
  TempFolder dir("chart_empty");
  EXPECT_THROW(draw_loss_vs_learning_rate(RangeTestCurve{}, dir.path), lrtune::UsageError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path));
  EXPECT_THROW(draw_range_test_epochs(test::recipe_like_curve(), dir.path, {.stem = "../x"}), lrtune::UsageError);
  EXPECT_THROW(draw_range_test_epochs(test::recipe_like_curve(), dir.path, {.stem = "a'b"}), lrtune::UsageError);
}

// A gnuplot that writes half a PNG and fails: the error names the script and gnuplot's message,
// and neither the chart nor the temp file is left.
TEST(ChartsWithFailingGnuplot, LeaveNoHalfWrittenChart) {
  TempFolder bin("fake_gnuplot_bin");
  TempFolder dir("chart_fail");
  {
    std::ofstream fake(bin.path / "gnuplot");
    // $2 is "out_png='<temp png>'; out_svg='<temp svg>'": write half a PNG where it is asked for.
    fake << "#!/bin/sh\npng=$(printf '%s' \"$2\" | sed \"s/^out_png='\\([^']*\\)'.*/\\1/\")\n"
            "printf 'half' > \"$png\"\necho 'line 7: fake failure' >&2\nexit 1\n";
  }
  std::filesystem::permissions(bin.path / "gnuplot", std::filesystem::perms::owner_all);
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", bin.path.c_str(), 1);
  try {
    draw_range_test_epochs(test::recipe_like_curve(), dir.path);
    ADD_FAILURE() << "expected GnuplotError";
  } catch (const GnuplotError& error) {
    EXPECT_NE(std::string(error.what()).find("fake failure"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("range_test_epochs.gp"), std::string::npos) << error.what();
  }
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "range_test_epochs.png"));
  EXPECT_TRUE(std::filesystem::exists(dir.path / "range_test_epochs.gp"));  // kept so the user can debug it
  for (const auto& entry : std::filesystem::directory_iterator(dir.path))   // no temp file either
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

// Links planted under the temp names charts once used (".<stem>.png.tmp") are never followed:
// the temp files have new, unpredictable names created with O_EXCL.
TEST_F(Charts, PlantedLinksAtTempNamesAreNotFollowed) {
  TempFolder dir("chart_links");
  TempFolder elsewhere("chart_links_victim");
  const auto victim = elsewhere.path / "victim.txt";
  { std::ofstream(victim) << "keep"; }
  const std::vector<std::string> planted = {".range_test_epochs.png.tmp", ".range_test_epochs.svg.tmp"};
  for (const auto& name : planted) std::filesystem::create_symlink(victim, dir.path / name);
  const auto files = draw_range_test_epochs(test::recipe_like_curve(), dir.path);
  EXPECT_EQ(slurp(victim), "keep");
  for (const auto& name : planted) std::filesystem::remove(dir.path / name);
  expect_valid_chart(files);
}

TEST(RunGnuplot, StopsAHungGnuplot) {
  TempFolder bin("hung_gnuplot_bin");
  {
    std::ofstream fake(bin.path / "gnuplot");
    fake << "#!/bin/sh\nexec sleep 30\n";
  }
  std::filesystem::permissions(bin.path / "gnuplot", std::filesystem::perms::owner_all);
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", (bin.path.string() + ":/usr/bin:/bin").c_str(), 1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_gnuplot(bin.path, "x.gp", {}, 0.5), GnuplotError);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ChartsWithoutGnuplot, ThrowTheSpecificError) {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent-lrtune-test", 1);
  EXPECT_FALSE(gnuplot_available());
  TempFolder dir("chart_nognuplot");
  EXPECT_THROW(draw_range_test_epochs(test::recipe_like_curve(), dir.path), GnuplotNotFound);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path));
  ::setenv("PATH", saved.c_str(), 1);
}

TEST(GnuplotQuote, DoublesQuotesAndDropsNewlines) {
  EXPECT_EQ(gnuplot_quote("it's"), "'it''s'");
  EXPECT_EQ(gnuplot_quote("a\nb"), "'a b'");
}

}  // namespace
}  // namespace lrtune
