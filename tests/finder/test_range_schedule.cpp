// The rates a range test visits: exponential and linear end points, the recipe's schedule.
#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/finder/range_schedule.hpp"

namespace {

using lrtune::RangeSchedule;
using lrtune::RangeScheduleKind;

TEST(RangeSchedule, ExponentialRunsFromStartToEndWithAConstantRatio) {
  RangeSchedule s;  // 1e-7 -> 10 over 100 points
  const auto lrs = s.learning_rates();
  ASSERT_EQ(lrs.size(), 100u);
  EXPECT_NEAR(lrs.front(), 1e-7, 1e-20);
  EXPECT_NEAR(lrs.back(), 10.0, 1e-12);
  const double ratio = std::pow(1e8, 1.0 / 99.0);
  for (std::size_t i = 1; i < lrs.size(); ++i) EXPECT_NEAR(lrs[i] / lrs[i - 1], ratio, 1e-12);
}

TEST(RangeSchedule, LinearRunsFromStartToEndInEqualSteps) {
  RangeSchedule s{.kind = RangeScheduleKind::linear, .start = 0.01, .end = 1.0, .num_points = 100};
  const auto lrs = s.learning_rates();
  EXPECT_DOUBLE_EQ(lrs.front(), 0.01);
  EXPECT_NEAR(lrs.back(), 1.0, 1e-15);
  EXPECT_NEAR(lrs[1] - lrs[0], 0.01, 1e-15);
}

TEST(RangeSchedule, RecipeIsOneThousandthTimesTenToTheEpochOverThirty) {
  const auto s = RangeSchedule::recipe_per_epoch();
  const auto lrs = s.learning_rates();
  ASSERT_EQ(lrs.size(), 100u);
  EXPECT_DOUBLE_EQ(lrs[0], 1e-3);
  EXPECT_NEAR(lrs[30], 1e-2, 1e-15);
  EXPECT_NEAR(lrs[99], 1e-3 * std::pow(10.0, 3.3), 1e-12);  // about 2.0
  EXPECT_NEAR(s.end, lrs[99], 1e-15);
}

TEST(RangeSchedule, InvalidSettingsAreRejected) {
  EXPECT_THROW((RangeSchedule{.start = 0.0}.validate()), lrtune::UsageError);
  EXPECT_THROW((RangeSchedule{.start = 1.0, .end = 0.5}.validate()), lrtune::UsageError);
  EXPECT_THROW((RangeSchedule{.num_points = 1}.validate()), lrtune::UsageError);
  EXPECT_THROW((RangeSchedule{.kind = RangeScheduleKind::power10, .points_per_decade = 0.0}.validate()),
               lrtune::UsageError);
}

TEST(RangeSchedule, JsonRoundTrip) {
  const auto s = RangeSchedule::recipe_per_epoch();
  EXPECT_EQ(nlohmann::json(s).get<RangeSchedule>(), s);
}

}  // namespace
