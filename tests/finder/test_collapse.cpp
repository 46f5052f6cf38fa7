// The collapse detector and the cut it makes: per-epoch curves whose tail rose, vanished,
// became a constant model or overfit are cut before the rules read them, so no rule suggests
// a rate at or past the collapse; healthy curves are left whole.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "finder/synthetic_curves.hpp"
#include "lrtune/finder/collapse.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/range_test.hpp"

namespace {

using lrtune::CurveMode;
using lrtune::RangeTestCurve;

// The recipe's per-epoch schedule: lr = 1e-3 * 10^(e/30), e = 0..99.
double recipe_lr(int e) { return 1e-3 * std::pow(10.0, e / 30.0); }

RangeTestCurve per_epoch_curve(const std::vector<double>& losses) {
  RangeTestCurve c;
  c.mode = CurveMode::per_epoch;
  c.planned_points = losses.size();
  for (int e = 0; e < static_cast<int>(losses.size()); ++e) c.learning_rates.push_back(recipe_lr(e));
  c.losses = losses;
  c.smoothed_losses = losses;
  return c;
}

// The defect: a rule answering at or past the collapse. Every found suggestion must lie
// below the collapse point's rate and read a point before it.
void expect_nothing_at_or_past(const RangeTestCurve& c, std::int64_t collapse) {
  const auto set = lrtune::suggest_all(c);
  const double collapse_lr = c.learning_rates[static_cast<std::size_t>(collapse)];
  for (const auto& s : set.suggestions)
    if (s.found) {
      EXPECT_LT(s.learning_rate, collapse_lr) << s.name << ": " << s.explanation;
      EXPECT_LT(s.index, collapse) << s.name << ": " << s.explanation;
    }
}

// Loss falling to 0.126 and then towards 1e-8: a set whose training rows the model fits.
std::vector<double> vanishing_losses() {
  std::vector<double> l;
  for (int e = 0; e < 100; ++e)
    l.push_back(e <= 40 ? 0.70 - (0.70 - 0.126) * e / 40.0 : 0.126 * std::pow(10.0, -(e - 40) / 8.0));
  return l;
}

TEST(Collapse, RisingAboveTheStartIsACollapse) {
  const auto c = lrtune::testing::recipe_like_curve(5);
  const auto k = lrtune::detect_collapse(c.lrs, c.losses);
  ASSERT_TRUE(k.found());
  // After the recipe's floor (lr 0.0032..0.0086, points 15-28) and at the jump to the plateau.
  EXPECT_GT(k.index, 45);
  EXPECT_LE(k.index, 56);
  EXPECT_NE(k.reason.find("above its first value"), std::string::npos) << k.reason;
  EXPECT_GT(c.losses[static_cast<std::size_t>(k.index)], c.losses[0]);
}

TEST(Collapse, NoRuleReadsTheRisenTailOfTheRecipeCurve) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    const auto r = lrtune::testing::recipe_like_curve(seed);
    const auto c = per_epoch_curve(r.losses);
    const auto k = lrtune::detect_collapse(c);
    ASSERT_TRUE(k.found()) << "seed " << seed;
    expect_nothing_at_or_past(c, k.index);  // today slide reads the plateau at about 0.43
    const auto set = lrtune::suggest_all(c);
    const auto* stable = set.find("stable-minimum");  // the recipe's reading is kept
    ASSERT_TRUE(stable && stable->found) << stable->explanation;
    EXPECT_GE(stable->learning_rate, 0.0032);
    EXPECT_LE(stable->learning_rate, 0.0086);
  }
}

TEST(Collapse, RisingFourTimesAboveTheLowestLossIsACollapse) {
  // 0.70 -> 0.10 at e = 30, then up to 0.45 (below the start, 4.5x the lowest) and on.
  std::vector<double> l;
  for (int e = 0; e < 100; ++e) l.push_back(e <= 30 ? 0.70 - 0.02 * e : std::min(0.10 + 0.011 * (e - 30), 0.45));
  const auto c = per_epoch_curve(l);
  const auto k = lrtune::detect_collapse(c);
  ASSERT_TRUE(k.found());
  EXPECT_EQ(k.index, 58);  // 0.408 > 4 x 0.10 first at e = 58
  EXPECT_NE(k.reason.find("4.1x its lowest 0.1"), std::string::npos) << k.reason;
  expect_nothing_at_or_past(c, k.index);  // today slide reads the 0.45 plateau
}

TEST(Collapse, ALossVanishingTowardsZeroIsACollapse) {
  const auto c = per_epoch_curve(vanishing_losses());
  const auto k = lrtune::detect_collapse(c);
  ASSERT_TRUE(k.found());
  EXPECT_EQ(k.index, 51);  // the first loss at or under 1% of 0.70
  EXPECT_LE(c.losses[51], 0.007);
  EXPECT_GT(c.losses[50], 0.007);
  EXPECT_NE(k.reason.find("fits the training rows"), std::string::npos) << k.reason;
  // Today minimum suggests lr(94) / 10 = 0.136 and valley about 0.05, both past lr(51) = 0.05.
  expect_nothing_at_or_past(c, k.index);
}

TEST(Collapse, AccuracyStuckAtOneClassShareIsACollapse) {
  // The loss falls to 0.30, then climbs back to a flat 0.66 (a constant predictor's loss,
  // below the first value 0.69 and nowhere near 4x 0.30); the accuracy rises to 0.88 and then
  // sits exactly on the majority share 0.6344 from e = 50.
  std::vector<double> l, acc;
  for (int e = 0; e < 100; ++e) {
    if (e <= 30) {
      l.push_back(0.69 - 0.013 * e);
      acc.push_back(0.60 + 0.009 * e);
    } else if (e < 50) {
      l.push_back(0.30 + 0.018 * (e - 30));
      acc.push_back(0.87 - 0.011 * (e - 30));
    } else {
      l.push_back(0.66 + 0.0001 * (e - 50));
      acc.push_back(0.6344294003868471);
    }
  }
  auto c = per_epoch_curve(l);
  EXPECT_FALSE(lrtune::detect_collapse(c).found());  // the loss alone shows no collapse
  c.metrics["accuracy"] = acc;
  const auto k = lrtune::detect_collapse(c);
  ASSERT_TRUE(k.found());
  EXPECT_EQ(k.index, 50);
  EXPECT_NE(k.reason.find("predicts one class"), std::string::npos) << k.reason;
  expect_nothing_at_or_past(c, k.index);  // today slide reads the flat plateau
}

TEST(Collapse, ValidationLossExplodingWhileTheTrainingLossFallsIsACollapse) {
  std::vector<double> l, val;
  for (int e = 0; e < 100; ++e) {
    l.push_back(0.7 * std::pow(10.0, -e / 80.0));  // falls to 0.040, never under 1% of 0.7
    val.push_back(e <= 20 ? 0.7 - 0.015 * e : 0.4 + 0.055 * (e - 20));
  }
  auto c = per_epoch_curve(l);
  EXPECT_FALSE(lrtune::detect_collapse(c).found());
  c.validation_losses = val;
  const auto k = lrtune::detect_collapse(c);
  ASSERT_TRUE(k.found());
  EXPECT_EQ(k.index, 42);  // 0.4 + 0.055 * 22 = 1.61 > 4 x 0.40
  EXPECT_NE(k.reason.find("validation loss rose"), std::string::npos) << k.reason;
  expect_nothing_at_or_past(c, k.index);  // today minimum suggests lr(94) / 10 = 0.136
}

TEST(Collapse, TheEarliestSignalWins) {
  auto c = per_epoch_curve(vanishing_losses());  // vanishes at 51
  std::vector<double> val(100);
  for (int e = 0; e < 100; ++e) val[static_cast<std::size_t>(e)] = e <= 20 ? 0.5 : 3.0;  // explodes at 21
  c.validation_losses = val;
  EXPECT_EQ(lrtune::detect_collapse(c).index, 21);
}

TEST(Collapse, HealthyCurvesAreLeftWhole) {
  // A loss falling to 0.2 with the accuracy rising (and repeating at its best).
  std::vector<double> l, acc, val;
  for (int e = 0; e < 100; ++e) {
    l.push_back(0.2 + 0.5 * std::exp(-e / 20.0));
    acc.push_back(std::min(0.95, 0.6 + 0.01 * e));
    val.push_back(0.3 + 0.3 * std::exp(-e / 20.0) + 0.004 * e);  // overfits, rising to 2x its lowest
  }
  auto c = per_epoch_curve(l);
  c.metrics["accuracy"] = acc;
  c.validation_losses = val;
  EXPECT_FALSE(lrtune::detect_collapse(c).found()) << lrtune::detect_collapse(c).reason;
  EXPECT_EQ(lrtune::suggest_all(c),
            lrtune::suggest_all(c.learning_rates, c.losses, CurveMode::per_epoch, {.trim = {.planned_points = 100}}));
  // The recipe-like curve before its rise, noise and all.
  for (unsigned seed = 1; seed <= 10; ++seed) {
    auto r = lrtune::testing::recipe_like_curve(seed);
    r.lrs.resize(48);
    r.losses.resize(48);
    EXPECT_FALSE(lrtune::detect_collapse(r.lrs, r.losses).found()) << "seed " << seed;
  }
  // A loss that never falls cannot rise "above its start": the rules say it never fell.
  std::vector<double> rising;
  for (int e = 0; e < 100; ++e) rising.push_back(0.5 + 0.001 * e);
  EXPECT_FALSE(lrtune::detect_collapse(per_epoch_curve(rising)).found());
}

TEST(Collapse, PerStepCurvesAndDisabledDetectionAreNotCut) {
  auto c = per_epoch_curve(vanishing_losses());
  EXPECT_TRUE(lrtune::detect_collapse(c).found());
  EXPECT_FALSE(lrtune::detect_collapse(c, {.enabled = false}).found());
  c.mode = CurveMode::per_step;  // the divergence rule stops those; the other signals do not fit them
  EXPECT_FALSE(lrtune::detect_collapse(c).found());
}

TEST(Collapse, ARuleWithNoAnswerOnACutCurveSaysWhereItWasCut) {
  // Fitted by point 13 (as sonar's curve): nothing is left after the trim's first 10 points.
  std::vector<double> l;
  for (int e = 0; e < 100; ++e) l.push_back(0.67 * std::pow(10.0, -e / 6.3));
  const auto c = per_epoch_curve(l);
  ASSERT_EQ(lrtune::detect_collapse(c).index, 13);
  const auto set = lrtune::suggest_all(c);
  for (const auto& s : set.suggestions) {
    EXPECT_FALSE(s.found) << s.name << ": " << s.explanation;
    EXPECT_NE(s.explanation.find("cut at point 13"), std::string::npos) << s.explanation;
  }
}

TEST(Collapse, TheRangeTestRecordsTheCollapseAndItsJsonRoundTrips) {
  const auto losses = vanishing_losses();
  std::size_t e = 0;
  auto options = lrtune::RangeTestOptions::recipe_per_epoch();
  const auto curve = lrtune::run_range_test([&](double) { return lrtune::StepResult{.loss = losses[e++]}; }, options);
  EXPECT_EQ(curve.size(), 100u);  // the sweep still runs all its epochs
  EXPECT_EQ(curve.collapse_index, 51);
  EXPECT_NE(curve.collapse_reason.find("1% of its first value 0.7"), std::string::npos) << curve.collapse_reason;
  expect_nothing_at_or_past(curve, 51);
  EXPECT_EQ(curve.suggestions, lrtune::suggest_all(curve));

  const nlohmann::json j = curve;
  EXPECT_EQ(j.at("collapse_index"), 51);
  EXPECT_EQ(j.at("collapse_reason"), curve.collapse_reason);
  EXPECT_EQ(nlohmann::json::parse(j.dump()).get<RangeTestCurve>(), curve);
  // Files written before the detector have neither key: no collapse recorded.
  nlohmann::json old = j;
  old.erase("collapse_index");
  old.erase("collapse_reason");
  const auto back = old.get<RangeTestCurve>();
  EXPECT_EQ(back.collapse_index, -1);
  EXPECT_TRUE(back.collapse_reason.empty());
}

TEST(Collapse, OptionsAndColumnsAreChecked) {
  const std::vector<double> lrs{1e-3, 2e-3, 4e-3}, losses{0.5, 0.4, 0.3};
  EXPECT_THROW(lrtune::detect_collapse(lrs, losses, std::vector<double>{0.5}), lrtune::UsageError);
  EXPECT_THROW(lrtune::detect_collapse(lrs, losses, {}, std::vector<double>{0.5, 0.6}), lrtune::UsageError);
  EXPECT_THROW(lrtune::detect_collapse(std::vector<double>{1e-3}, losses), lrtune::UsageError);
  EXPECT_THROW(lrtune::detect_collapse(lrs, losses, {}, {}, {.rise_factor = 1.0}), lrtune::UsageError);
  EXPECT_THROW(lrtune::detect_collapse(lrs, losses, {}, {}, {.vanish_fraction = -0.1}), lrtune::UsageError);
  EXPECT_THROW(lrtune::detect_collapse(lrs, losses, {}, {}, {.constant_points = 1}), lrtune::UsageError);
  lrtune::SuggestOptions o;
  o.collapse.accuracy_drop = 0.0;
  EXPECT_THROW(o.validate(), lrtune::UsageError);
  // NaN losses end the part the detector reads, as they end the trimmed window.
  const std::vector<double> nan_tail{0.5, std::numeric_limits<double>::quiet_NaN(), 9.0};
  EXPECT_FALSE(lrtune::detect_collapse(lrs, nan_tail).found());
}

}  // namespace
