// fastai's trim window, the cut at the first non-finite loss, and bad input.
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "finder/synthetic_curves.hpp"
#include "lrtune/finder/trim.hpp"

namespace {

using lrtune::trim_curve;
using lrtune::TrimOptions;

TEST(TrimCurve, DropsATenthOfThePlannedPointsAndTheLastFive) {
  const auto lrs = lrtune::testing::geometric_lrs(100, -7, 1);
  const std::vector<double> losses(100, 1.0);
  const auto t = trim_curve(lrs, losses);
  EXPECT_EQ(t.begin, 10u);
  EXPECT_EQ(t.end, 95u);
  EXPECT_TRUE(t.problem.empty());
}

TEST(TrimCurve, HeadTrimCountsPlannedNotRecordedPoints) {
  const auto lrs = lrtune::testing::geometric_lrs(40, -7, -3);
  const std::vector<double> losses(40, 1.0);
  TrimOptions o;
  o.planned_points = 100;  // the sweep stopped early after 40 of 100
  const auto t = trim_curve(lrs, losses, o);
  EXPECT_EQ(t.begin, 10u);
  EXPECT_EQ(t.end, 35u);
}

TEST(TrimCurve, CutsAtTheFirstNonFiniteLossBeforeTheTailTrim) {
  const auto lrs = lrtune::testing::geometric_lrs(100, -7, 1);
  std::vector<double> losses(100, 1.0);
  losses[60] = std::numeric_limits<double>::quiet_NaN();
  losses[61] = 2.0;  // finite again: still cut
  const auto t = trim_curve(lrs, losses);
  EXPECT_EQ(t.first_non_finite, 60u);
  EXPECT_EQ(t.end, 55u);
}

TEST(TrimCurve, TooShortCurveIsEmptyWithAReason) {
  const auto lrs = lrtune::testing::geometric_lrs(5, -7, 1);
  const std::vector<double> losses(5, 1.0);
  const auto t = trim_curve(lrs, losses);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_NE(t.problem.find("too short"), std::string::npos) << t.problem;
}

TEST(TrimCurve, AllNaNIsEmptyWithAReason) {
  const auto lrs = lrtune::testing::geometric_lrs(50, -7, 1);
  const std::vector<double> losses(50, std::numeric_limits<double>::quiet_NaN());
  const auto t = trim_curve(lrs, losses);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_NE(t.problem.find("not finite"), std::string::npos) << t.problem;
}

TEST(TrimCurve, RejectsBadLearningRates) {
  const std::vector<double> losses{1, 1, 1};
  EXPECT_THROW(trim_curve(std::vector<double>{1e-3, 1e-3, 1e-2}, losses), lrtune::UsageError);
  EXPECT_THROW(trim_curve(std::vector<double>{0.0, 1e-3, 1e-2}, losses), lrtune::UsageError);
  EXPECT_THROW(trim_curve(std::vector<double>{1e-3, 1e-2}, losses), lrtune::UsageError);
  TrimOptions bad;
  bad.skip_start_fraction = 1.0;
  EXPECT_THROW(bad.validate(), lrtune::UsageError);
}

}  // namespace
