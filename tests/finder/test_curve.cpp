// The JSON form of a range-test curve keeps every field, NaN and infinity included.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/range_test.hpp"

namespace {

TEST(RangeTestCurve, JsonRoundTripKeepsNonFiniteValues) {
  lrtune::RangeTestCurve c;
  c.mode = lrtune::CurveMode::per_epoch;
  c.planned_points = 100;
  c.learning_rates = {1e-3, 2e-3, 4e-3};
  c.losses = {0.5, 0.4, std::numeric_limits<double>::quiet_NaN()};
  c.smoothed_losses = {0.5, 0.45, std::numeric_limits<double>::infinity()};
  c.validation_losses = {0.6, std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()};
  c.metrics["accuracy"] = {0.7, 0.75, 0.5};
  c.smoothing_beta = 0.0;
  c.divergence = {.enabled = false, .factor = 5.0};
  c.stop_reason = lrtune::RangeTestStop::non_finite_loss;
  c.stop_index = 2;
  c.step_seconds = {0.1, 0.2, 0.3};
  c.total_seconds = 0.7;
  c.suggestions = lrtune::suggest_all(c);

  const nlohmann::json j = c;
  EXPECT_EQ(j.at("losses")[2], "nan");
  EXPECT_EQ(j.at("smoothed_losses")[2], "inf");
  EXPECT_EQ(j.at("stop_reason"), "non_finite_loss");
  EXPECT_EQ(j.at("mode"), "per_epoch");
  const auto back = nlohmann::json::parse(j.dump()).get<lrtune::RangeTestCurve>();
  EXPECT_EQ(nlohmann::json(back).dump(), j.dump());
  EXPECT_TRUE(std::isnan(back.losses[2]));
  EXPECT_TRUE(std::isinf(back.validation_losses[2]) && back.validation_losses[2] < 0);
  EXPECT_EQ(back.metrics, c.metrics);
  EXPECT_EQ(back.divergence, c.divergence);
  EXPECT_EQ(back.suggestions, c.suggestions);
  EXPECT_EQ(back.stop_index, 2);
  EXPECT_EQ(back, c);  // value equality, NaN equal to NaN
  auto changed = back;
  changed.losses[2] = 1.0;
  EXPECT_NE(changed, c);
}

TEST(RangeTestCurve, SuggestAllOnACurveUsesItsPlannedPointsForTheTrim) {
  // 40 recorded of 100 planned: the head trim is 10, not 4.
  lrtune::RangeTestCurve c;
  c.planned_points = 100;
  for (int i = 0; i < 40; ++i) {
    c.learning_rates.push_back(std::pow(10.0, -7.0 + i * 0.08));
    c.smoothed_losses.push_back(i < 8 ? 0.1 : 1.0 - 0.01 * i);  // lowest values inside the first 10
  }
  const auto set = lrtune::suggest_all(c);
  const auto* m = set.find("minimum");
  ASSERT_TRUE(m && m->found) << m->explanation;
  EXPECT_EQ(m->index, 34);  // the last kept point: 40 - 5 - 1
}

}  // namespace
