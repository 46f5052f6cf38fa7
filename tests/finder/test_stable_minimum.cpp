// The recipe's rule: lands in the flat floor of a recipe-like per-epoch curve, ignores
// noisy spikes that fool `minimum`, and refuses when nothing is stable.
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "finder/synthetic_curves.hpp"
#include "lrtune/finder/fastai_rules.hpp"
#include "lrtune/finder/stable_minimum.hpp"

namespace {

using lrtune::testing::recipe_like_curve;

// BASELINES.md: the recipe's floor is within 0.02 of its minimum from lr 0.0032 to 0.0086.
constexpr double kFloorLo = 0.0032, kFloorHi = 0.0086;

TEST(NeighbourhoodVolatility, IsTheRelativeRangeOfTheWindow) {
  const auto v = lrtune::neighbourhood_volatility(std::vector<double>{1, 2, 3, 2, 1}, 1);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_TRUE(std::isnan(v[0]) && std::isnan(v[4]));
  EXPECT_DOUBLE_EQ(v[1], 2.0 / 2.0);
  EXPECT_DOUBLE_EQ(v[2], 1.0 / (7.0 / 3.0));
  EXPECT_DOUBLE_EQ(v[3], 1.0);
}

TEST(StableMinimum, LandsInTheFlatFloorOfTheRecipeCurveForEverySeed) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto c = recipe_like_curve(seed);
    const auto s = lrtune::suggest_stable_minimum(c.lrs, c.losses);
    ASSERT_TRUE(s.found) << "seed " << seed << ": " << s.explanation;
    EXPECT_GE(s.learning_rate, kFloorLo) << "seed " << seed << ": " << s.explanation;
    EXPECT_LE(s.learning_rate, kFloorHi) << "seed " << seed << ": " << s.explanation;
  }
}

TEST(StableMinimum, IgnoresALowSpikeThatFoolsMinimum) {
  auto c = recipe_like_curve(7);
  c.losses[45] = 0.30;  // one lucky epoch at lr 0.032, on the rising part
  const auto fooled = lrtune::suggest_minimum(c.lrs, c.losses);
  ASSERT_TRUE(fooled.found);
  EXPECT_EQ(fooled.index, 45);
  const auto s = lrtune::suggest_stable_minimum(c.lrs, c.losses);
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_GE(s.learning_rate, kFloorLo) << s.explanation;
  EXPECT_LE(s.learning_rate, kFloorHi) << s.explanation;
}

TEST(StableMinimum, AvoidsASpikeInsideTheFloor) {
  auto c = recipe_like_curve(3);
  c.losses[20] = 0.30;
  const auto s = lrtune::suggest_stable_minimum(c.lrs, c.losses);
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_TRUE(s.index < 18 || s.index > 22) << s.explanation;  // no window holding point 20 is calm
  EXPECT_GE(s.learning_rate, kFloorLo) << s.explanation;
  EXPECT_LE(s.learning_rate, kFloorHi) << s.explanation;
}

TEST(StableMinimum, NoAnswerWhenEveryNeighbourhoodIsVolatile) {
  const auto lrs = lrtune::testing::geometric_lrs(60, -5, 0);
  std::vector<double> losses;
  for (int i = 0; i < 60; ++i) losses.push_back((i % 2 == 0 ? 1.0 : 2.0) - 0.001 * i);
  const auto s = lrtune::suggest_stable_minimum(lrs, losses);
  EXPECT_FALSE(s.found);
  EXPECT_TRUE(std::isnan(s.learning_rate));
  EXPECT_NE(s.explanation.find("no stable"), std::string::npos) << s.explanation;
}

TEST(StableMinimum, NoAnswerWhenTheLossOnlyRisesAfterTheStart) {
  const auto lrs = lrtune::testing::geometric_lrs(60, -5, 0);
  std::vector<double> losses;
  for (int i = 0; i < 60; ++i) losses.push_back(1.0 + 0.001 * i + (i == 30 ? -0.0005 : 0.0));
  const auto s = lrtune::suggest_stable_minimum(lrs, losses);
  EXPECT_FALSE(s.found) << s.explanation;
}

TEST(StableMinimum, SaysTheLossNeverFellWhenItDippedOnlyWithinTheNoise) {
  // Rising, with one point 2% below the start's level: no fall beyond the 5% tolerated.
  const auto lrs = lrtune::testing::geometric_lrs(60, -5, 0);
  std::vector<double> losses;
  for (int i = 0; i < 60; ++i) losses.push_back(i == 30 ? 0.99 : 1.0 + 0.001 * i);
  const auto s = lrtune::suggest_stable_minimum(lrs, losses);
  ASSERT_FALSE(s.found) << s.explanation;
  EXPECT_NE(s.explanation.find("the loss never fell by more than 5.0%"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("to its lowest 0.99 (lr"), std::string::npos) << s.explanation;
}

TEST(StableMinimum, SaysTheLossFellWhenItFellWhereNothingWasStable) {
  // Outside testing: "the loss never fell" where it fell from 0.70 to 0.126. Here a calm
  // start at 0.70, a volatile dip down to 0.126, and a calm plateau back at 0.70.
  const auto lrs = lrtune::testing::geometric_lrs(60, -5, 0);
  std::vector<double> losses;
  for (int i = 0; i < 60; ++i) {
    if (i < 20 || i >= 40) {
      losses.push_back(0.70 + 0.0001 * (i % 3));
    } else {
      losses.push_back(i % 2 == 0 ? 0.126 + 0.01 * (i - 20) : 0.45);
    }
  }
  const auto s = lrtune::suggest_stable_minimum(lrs, losses);
  ASSERT_FALSE(s.found) << s.explanation;
  EXPECT_EQ(s.explanation.find("never fell"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("the loss fell, but not where it was stable"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("to its lowest 0.126"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("from 0.7"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("the calmest +-2 window below the start's level"), std::string::npos) << s.explanation;
}

TEST(StableMinimum, NoStableNeighbourhoodSaysHowFarTheLossFell) {
  const auto lrs = lrtune::testing::geometric_lrs(60, -5, 0);
  std::vector<double> losses;
  for (int i = 0; i < 60; ++i) losses.push_back((i % 2 == 0 ? 0.7 : 1.0) - 0.01 * i);
  const auto s = lrtune::suggest_stable_minimum(lrs, losses);
  ASSERT_FALSE(s.found) << s.explanation;
  EXPECT_NE(s.explanation.find("no stable neighbourhood"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("to its lowest 0.16"), std::string::npos) << s.explanation;  // point 54: 0.7 - 0.54
}

TEST(StableMinimum, OptionsAreValidated) {
  lrtune::SuggestOptions o;
  o.stable_minimum.half_window = 0;
  EXPECT_THROW(o.validate(), lrtune::UsageError);
  o = {};
  o.stable_minimum.max_volatility = -1;
  EXPECT_THROW(o.validate(), lrtune::UsageError);
}

}  // namespace
