// The range-test charts mark every suggestion at its own rate: on the curve with the loss
// interpolated there, or, off the sweep, as a labelled line at the axis edge; the per-epoch chart
// labels each mark with the rate of its epoch; no two labels overlap in the emitted positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lrtune/report/charts.hpp"
#include "lrtune/report/label_layout.hpp"
#include "lrtune/report/suggestion_marks.hpp"
#include "report_fixtures.hpp"

namespace lrtune {
namespace {

using test::slurp;
using test::TempFolder;

class SuggestionCharts : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  }
};

// One row of a chart's "<stem>_labels.dat".
struct LabelRow {
  std::string rule, place;
  double x = 0, y = 0;
  LabelBox box;
  bool leader = false;
};

std::vector<LabelRow> read_labels(const std::filesystem::path& file) {
  std::vector<LabelRow> rows;
  std::istringstream in(slurp(file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    LabelRow r;
    std::string x, y;
    int leader = 0;
    fields >> std::quoted(r.rule) >> x >> y >> r.place >> r.box.x0 >> r.box.y0 >> r.box.x1 >> r.box.y1 >> leader;
    EXPECT_FALSE(fields.fail()) << line;
    r.x = x == "nan" ? NAN : std::stod(x);
    r.y = y == "nan" ? NAN : std::stod(y);
    r.leader = leader != 0;
    rows.push_back(r);
  }
  return rows;
}

void expect_no_overlap(const std::vector<LabelRow>& rows) {
  for (std::size_t a = 0; a < rows.size(); ++a) {
    EXPECT_LT(rows[a].box.x0, rows[a].box.x1);
    for (std::size_t b = a + 1; b < rows.size(); ++b) {
      EXPECT_FALSE(boxes_overlap(rows[a].box, rows[b].box)) << rows[a].rule << " and " << rows[b].rule;
    }
  }
}

// The recipe-like curve starts at 1e-3 and dips near 0.007: minimum's lr/10 lies below the sweep.
RangeTestCurve curve_with_a_rate_below_the_sweep() {
  RangeTestCurve c = test::recipe_like_curve();
  const Suggestion* minimum = c.suggestions.find("minimum");
  EXPECT_TRUE(minimum != nullptr && minimum->found && minimum->learning_rate < c.learning_rates.front());
  c.suggestions.default_rule = "minimum";
  return c;
}

TEST_F(SuggestionCharts, LossVsRateMarksEachSuggestionAtItsOwnRateOnTheCurve) {
  TempFolder dir("marks_lr");
  const RangeTestCurve c = curve_with_a_rate_below_the_sweep();
  const auto files = draw_loss_vs_learning_rate(c, dir.path);
  const auto labels = read_labels(dir.path / "range_test_lr_labels.dat");
  std::size_t found = 0;
  for (const auto& s : c.suggestions.suggestions) {
    if (!s.found) continue;
    ++found;
    const auto row = std::find_if(labels.begin(), labels.end(), [&](const LabelRow& r) { return r.rule == s.name; });
    ASSERT_NE(row, labels.end()) << s.name;
    EXPECT_NEAR(row->x, s.learning_rate, 1e-9 * s.learning_rate) << s.name << ": marked at its own rate";
    if (s.learning_rate < c.learning_rates.front()) {
      EXPECT_EQ(row->place, "below_sweep") << s.name;
      EXPECT_TRUE(std::isnan(row->y)) << s.name << ": no loss was measured there";
    } else {
      EXPECT_EQ(row->place, "on_curve") << s.name;
      EXPECT_NEAR(row->y, interpolate_at_rate(c.learning_rates, c.smoothed_losses, s.learning_rate), 1e-9) << s.name;
    }
  }
  EXPECT_EQ(labels.size(), found);
  expect_no_overlap(labels);
  // Only points on the curve are drawn as points; the one below the sweep is a labelled line.
  const std::string points = slurp(dir.path / "range_test_lr_suggestions.dat");
  EXPECT_EQ(points.find("\"minimum\""), std::string::npos) << points;
  const std::string svg = slurp(files.svg), script = slurp(files.script);
  EXPECT_NE(svg.find("below the sweep"), std::string::npos);
  const Suggestion& minimum = *c.suggestions.find("minimum");
  EXPECT_NE(script.find(
                fmt::format("set arrow from {}, graph 0 to {}, graph 1", minimum.learning_rate, minimum.learning_rate)),
            std::string::npos)
      << script;
}

TEST_F(SuggestionCharts, LabelsOfCoincidingSuggestionsDoNotOverlap) {
  TempFolder dir("marks_crowded");
  RangeTestCurve c = test::recipe_like_curve();
  // Every rule at nearly the same rate: the worst case for labels.
  double rate = 0.0069;
  for (auto& s : c.suggestions.suggestions) {
    s.found = true;
    s.learning_rate = rate;
    rate *= 1.01;
  }
  draw_loss_vs_learning_rate(c, dir.path);
  const auto labels = read_labels(dir.path / "range_test_lr_labels.dat");
  EXPECT_EQ(labels.size(), c.suggestions.suggestions.size());
  expect_no_overlap(labels);
  std::size_t leaders = 0;
  for (const auto& l : labels) leaders += l.leader ? 1 : 0;
  EXPECT_GE(leaders, labels.size() - 2) << "stacked labels point back to their marks";
  draw_range_test_epochs(c, dir.path);
  expect_no_overlap(read_labels(dir.path / "range_test_epochs_labels.dat"));
}

TEST_F(SuggestionCharts, PerEpochChartLabelsEachMarkWithTheRateOfItsEpoch) {
  TempFolder dir("marks_epochs");
  const RangeTestCurve c = curve_with_a_rate_below_the_sweep();
  const auto files = draw_range_test_epochs(c, dir.path);
  const auto labels = read_labels(dir.path / "range_test_epochs_labels.dat");
  const std::string svg = slurp(files.svg);
  for (const auto& row : labels) {
    const Suggestion& s = *c.suggestions.find(row.rule);
    if (row.place == "below_sweep") {
      EXPECT_EQ(row.x, 1.0) << row.rule << ": a line at the axis edge";
      continue;
    }
    // The mark's epoch ran at the suggested rate: lr(epoch) = 1e-3 * 10^((epoch - 1) / 30).
    const double rate_of_epoch = c.learning_rates.front() * std::pow(10.0, (row.x - 1) / 30.0);
    EXPECT_NEAR(rate_of_epoch, s.learning_rate, 1e-9 * s.learning_rate) << row.rule;
    EXPECT_NE(svg.find(fmt::format("{}: lr {:.2g}, epoch", s.name, s.learning_rate)), std::string::npos) << s.name;
  }
  EXPECT_NE(svg.find("minimum: lr"), std::string::npos);
  EXPECT_NE(svg.find("below the sweep"), std::string::npos);
  expect_no_overlap(labels);
}

TEST_F(SuggestionCharts, LossVsRateTickLabelsAreExplicitAndClearOfEachOther) {
  TempFolder dir("marks_ticks");
  const auto files = draw_loss_vs_learning_rate(test::recipe_like_curve(), dir.path);
  const std::string script = slurp(files.script);
  EXPECT_NE(script.find("set xtics ('0.001' 0.001"), std::string::npos) << script;
}

}  // namespace
}  // namespace lrtune
