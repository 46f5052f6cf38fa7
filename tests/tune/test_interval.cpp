// The search interval read off synthetic range-test curves with known answers (where the
// smoothed loss turns up, the `minimum` suggestion pushed down), its fall-backs, and the
// log-spaced candidate rates.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "finder/synthetic_curves.hpp"
#include "lrtune/tune/interval.hpp"

namespace {

using lrtune::RangeTestCurve;
using lrtune::RangeTestStop;

RangeTestCurve curve_of(std::vector<double> lrs, std::vector<double> smoothed) {
  RangeTestCurve c;
  c.planned_points = lrs.size();
  c.learning_rates = std::move(lrs);
  c.losses = smoothed;
  c.smoothed_losses = std::move(smoothed);
  c.stop_index = static_cast<std::int64_t>(c.learning_rates.size()) - 1;
  c.suggestions = lrtune::suggest_all(c);
  return c;
}

TEST(Interval, HighWhereTheLossTurnsUpLowFromTheMinimumSuggestion) {
  const auto lrs = lrtune::testing::geometric_lrs(100, -7, 1);
  const RangeTestCurve c = curve_of(lrs, lrtune::testing::parabola(lrs, 1e-2));
  const auto* minimum = c.suggestions.find("minimum");
  ASSERT_TRUE(minimum != nullptr && minimum->found);
  const auto interval = lrtune::interval_from_range_test(c, 2.0);
  // The parabola's lowest sampled point is the one nearest 1e-2.
  EXPECT_NEAR(std::log10(interval.high), -2.0, 0.05);
  EXPECT_DOUBLE_EQ(interval.high, lrs[static_cast<std::size_t>(minimum->index)]);
  EXPECT_DOUBLE_EQ(interval.low, minimum->learning_rate / 100.0);  // (lr at minimum / 10) / 10^2
  EXPECT_NE(interval.high_reason.find("rose"), std::string::npos) << interval.high_reason;
  EXPECT_NE(interval.low_reason.find("minimum"), std::string::npos) << interval.low_reason;
}

TEST(Interval, ACurveThatNeverRisesEndsAtItsLastRate) {
  const auto lrs = lrtune::testing::geometric_lrs(60, -6, -1);
  std::vector<double> falling;
  for (std::size_t i = 0; i < lrs.size(); ++i) falling.push_back(1.0 - 0.01 * static_cast<double>(i));
  const auto interval = lrtune::interval_from_range_test(curve_of(lrs, falling), 2.0);
  EXPECT_DOUBLE_EQ(interval.high, lrs.back());
  EXPECT_NE(interval.high_reason.find("never rose"), std::string::npos) << interval.high_reason;
  EXPECT_LT(interval.low, interval.high);
}

TEST(Interval, ADivergedCurveEndsAtItsMinimumBeforeTheDivergence) {
  const auto lrs = lrtune::testing::geometric_lrs(80, -7, 1);
  auto losses = lrtune::testing::parabola(lrs, 1e-3);
  losses.resize(70);  // stopped at point 69 ...
  std::vector<double> kept(lrs.begin(), lrs.begin() + 70);
  losses.back() = 10.0;  // ... which blew up
  RangeTestCurve c = curve_of(kept, losses);
  c.planned_points = 80;
  c.stop_reason = RangeTestStop::diverged;
  c.stop_index = 69;
  const auto interval = lrtune::interval_from_range_test(c, 2.0);
  EXPECT_NEAR(std::log10(interval.high), -3.0, 0.06);
  EXPECT_NE(interval.high_reason.find("diverged at"), std::string::npos) << interval.high_reason;
}

TEST(Interval, WithoutAMinimumSuggestionLowFallsBackOneDecadeFurther) {
  const auto lrs = lrtune::testing::geometric_lrs(50, -6, -1);
  std::vector<double> rising;
  for (std::size_t i = 0; i < lrs.size(); ++i) rising.push_back(1.0 + 0.01 * static_cast<double>(i));
  const RangeTestCurve c = curve_of(lrs, rising);
  ASSERT_FALSE(c.suggestions.find("minimum")->found);
  const auto interval = lrtune::interval_from_range_test(c, 2.0);
  EXPECT_DOUBLE_EQ(interval.low, interval.high / 1000.0);
  EXPECT_NE(interval.low_reason.find("no answer"), std::string::npos) << interval.low_reason;
}

TEST(Interval, RefusesACurveWithoutAFiniteLoss) {
  RangeTestCurve c;
  c.learning_rates = {1e-3, 1e-2};
  c.losses = c.smoothed_losses = {std::nan(""), std::nan("")};
  EXPECT_THROW(lrtune::interval_from_range_test(c, 2.0), lrtune::UsageError);
}

TEST(LogSpacedRates, IncludeBothEndsWithAConstantRatio) {
  const auto rates = lrtune::log_spaced_rates(1e-4, 1e-1, 4);
  ASSERT_EQ(rates.size(), 4u);
  EXPECT_EQ(rates.front(), 1e-4);
  EXPECT_EQ(rates.back(), 1e-1);
  EXPECT_NEAR(rates[1], 1e-3, 1e-15);
  EXPECT_NEAR(rates[2], 1e-2, 1e-14);
  EXPECT_THROW(lrtune::log_spaced_rates(1e-3, 1e-3, 4), lrtune::UsageError);
  EXPECT_THROW(lrtune::log_spaced_rates(1e-3, 1e-2, 1), lrtune::UsageError);
  EXPECT_THROW(lrtune::log_spaced_rates(0.0, 1e-2, 3), lrtune::UsageError);
}

}  // namespace
