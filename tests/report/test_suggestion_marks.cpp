// Suggestion marks: each at its own rate, the loss interpolated linearly in log rate; a rate off the
// sweep is not given a loss; the text chart puts its X (or its edge line) where the legend says.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "lrtune/report/suggestion_marks.hpp"
#include "lrtune/report/text_chart.hpp"

namespace lrtune {
namespace {

Suggestion found(const std::string& name, double rate, std::int64_t index) {
  Suggestion s;
  s.name = name;
  s.found = true;
  s.learning_rate = rate;
  s.index = index;
  return s;
}

// Five points a decade apart, 1e-4 .. 1: the loss falls to 0.2 at 1e-2 and rises again.
RangeTestCurve five_point_curve() {
  RangeTestCurve c;
  c.learning_rates = {1e-4, 1e-3, 1e-2, 1e-1, 1.0};
  c.losses = {1.0, 0.6, 0.2, 0.5, 0.9};
  c.smoothed_losses = c.losses;
  // minimum: read the lowest point (index 0 here, lr 1e-4) and suggested a tenth of it, below the sweep.
  c.suggestions.suggestions = {found("minimum", 1e-5, 0), found("valley", std::sqrt(1e-3 * 1e-2), 1),
                               found("steep", 10.0, 4)};
  c.suggestions.default_rule = "minimum";
  return c;
}

TEST(InterpolateAtRate, IsLinearInLogRateBetweenNeighbours) {
  const std::vector<double> rates = {1e-3, 1e-2}, values = {1.0, 3.0};
  EXPECT_DOUBLE_EQ(interpolate_at_rate(rates, values, std::sqrt(1e-5)), 2.0);  // halfway in log rate
  EXPECT_NEAR(interpolate_at_rate(rates, values, 1e-3 * std::pow(10.0, 0.25)), 1.5, 1e-12);
  EXPECT_DOUBLE_EQ(interpolate_at_rate(rates, values, 1e-2), 3.0);    // a point's own value
  EXPECT_TRUE(std::isnan(interpolate_at_rate(rates, values, 5e-4)));  // below the sweep
  EXPECT_TRUE(std::isnan(interpolate_at_rate(rates, values, 2e-2)));  // above it
  const std::vector<double> diverged = {1.0, NAN};
  EXPECT_TRUE(std::isnan(interpolate_at_rate(rates, diverged, 5e-3)));
}

TEST(PositionOfRate, IsTheFractionalIndexInLogRate) {
  const std::vector<double> rates = {1e-4, 1e-3, 1e-2};
  EXPECT_DOUBLE_EQ(position_of_rate(rates, 1e-3), 1.0);
  EXPECT_NEAR(position_of_rate(rates, std::sqrt(1e-7)), 0.5, 1e-12);
  EXPECT_TRUE(std::isnan(position_of_rate(rates, 1e-5)));
}

TEST(SuggestionMarks, EachAtItsOwnRateNotAtThePointTheRuleRead) {
  const RangeTestCurve c = five_point_curve();
  const auto marks = suggestion_marks(c, c.smoothed_losses);
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0].name, "minimum");
  EXPECT_EQ(marks[0].learning_rate, 1e-5);
  EXPECT_EQ(marks[0].place, MarkPlace::below_sweep);
  EXPECT_TRUE(std::isnan(marks[0].loss)) << "no loss was measured at 1e-5";
  EXPECT_TRUE(marks[0].chosen);
  EXPECT_EQ(marks[1].place, MarkPlace::on_curve);
  EXPECT_NEAR(marks[1].loss, 0.4, 1e-12);  // halfway between 0.6 and 0.2, not the point read (0.6)
  EXPECT_NEAR(marks[1].position, 1.5, 1e-12);
  EXPECT_EQ(marks[2].place, MarkPlace::above_sweep);
  EXPECT_EQ(mark_place_text(MarkPlace::below_sweep), "below the sweep");
}

TEST(SuggestionMarks, NotFoundSuggestionsAreNotMarked) {
  RangeTestCurve c = five_point_curve();
  c.suggestions.suggestions[1].found = false;
  EXPECT_EQ(suggestion_marks(c, c.smoothed_losses).size(), 2u);
}

// The grid rows of a text chart (the lines between "loss" and the axis), without the y labels.
std::vector<std::string> grid_of(const std::string& chart) {
  std::vector<std::string> rows;
  std::istringstream in(chart);
  std::string line;
  while (std::getline(in, line)) {
    const auto bar = line.find(" |");
    if (bar != std::string::npos && bar == 8) rows.push_back(line.substr(bar + 2));
  }
  return rows;
}

TEST(TextLossChart, PutsTheXAtTheSuggestedRateOnTheCurve) {
  RangeTestCurve c = five_point_curve();
  c.suggestions.default_rule = "valley";
  const int width = 41;  // 4 decades over 40 columns: one column per 0.1 decade
  const std::string chart = text_loss_chart(c, "valley", width, 9);
  const auto rows = grid_of(chart);
  ASSERT_EQ(rows.size(), 9u);
  int x_column = -1, x_row = -1;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto at = rows[r].find('X');
    if (at != std::string::npos) x_column = static_cast<int>(at), x_row = static_cast<int>(r);
  }
  // log10(sqrt(1e-5)) = -2.5, 1.5 decades from the left edge (1e-4): column 15, not 10 (1e-3, the point read).
  EXPECT_EQ(x_column, 15) << chart;
  // loss 0.4 on [0.2, 1.0] over 8 row steps: row (1.0 - 0.4) / 0.8 * 8 = 6.
  EXPECT_EQ(x_row, 6) << chart;
  EXPECT_NE(chart.find("X = valley 0.00316 on the curve"), std::string::npos) << chart;
}

TEST(TextLossChart, ARateBelowTheSweepIsALineAtTheLeftEdgeWithNoX) {
  const RangeTestCurve c = five_point_curve();
  const std::string chart = text_loss_chart(c, "minimum", 51, 9);
  const auto rows = grid_of(chart);
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(row.find('X'), std::string::npos) << chart;
    EXPECT_EQ(row.front(), '|') << chart;  // the axis widened to 1e-5: its line is the first column
  }
  EXPECT_NE(chart.find("1.0e-05"), std::string::npos) << chart;
  EXPECT_NE(chart.find("| = minimum 1e-05, below the sweep"), std::string::npos) << chart;
}

}  // namespace
}  // namespace lrtune
