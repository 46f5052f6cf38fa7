// Patience, the rule EarlyStopping and the search's units share: hand-made sequences.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/train/patience.hpp"

namespace lrtune {

namespace {
std::vector<PatienceVerdict> run(Patience rule, const std::vector<double>& values) {
  std::vector<PatienceVerdict> out;
  for (double v : values) out.push_back(rule.observe(v));
  return out;
}
constexpr auto I = PatienceVerdict::improved;
constexpr auto W = PatienceVerdict::waiting;
constexpr auto X = PatienceVerdict::exhausted;
}  // namespace

TEST(Patience, StopsAfterPatienceValuesWithoutImprovement) {
  EXPECT_EQ(run(Patience(2, 0.0), {1.0, 0.9, 0.95, 0.91, 0.92}), (std::vector{I, I, W, X, X}));
  EXPECT_EQ(run(Patience(0, 0.0), {1.0, 1.0}), (std::vector{I, X}));
}

TEST(Patience, AnImprovementMustBeatTheBestByMoreThanMinDelta) {
  Patience rule(1, 0.1);
  EXPECT_EQ(rule.observe(1.0), I);
  EXPECT_EQ(rule.observe(0.95), X);  // 0.05 better: not an improvement, and not the best either
  EXPECT_DOUBLE_EQ(rule.best(), 1.0);
  EXPECT_EQ(Patience(3, 0.1).observe(0.5), I);
}

TEST(Patience, MaximisedValuesImproveUpwards) {
  EXPECT_EQ(run(Patience(1, 0.0, true), {0.5, 0.7, 0.6}), (std::vector{I, I, X}));
}

TEST(Patience, NaNNeverImproves) {
  Patience rule(5, 0.0);
  EXPECT_EQ(rule.observe(std::numeric_limits<double>::quiet_NaN()), W);
  EXPECT_EQ(rule.best(), std::numeric_limits<double>::infinity());
}

TEST(Patience, ABaselineMustAlsoBeBeatenToResetTheWait) {
  // Keras: improvements that do not beat the baseline 0.5 still count as the best, but the wait goes on.
  Patience rule(2, 0.0, false, 0.5);
  EXPECT_EQ(rule.observe(0.9), I);
  EXPECT_EQ(rule.wait(), 1);
  EXPECT_EQ(rule.observe(0.8), I);
  EXPECT_EQ(rule.wait(), 2);
  EXPECT_EQ(rule.observe(0.4), I);
  EXPECT_EQ(rule.wait(), 0);
}

TEST(Patience, ResetForgetsTheBestAndTheWait) {
  Patience rule(1, 0.0);
  rule.observe(0.1);
  rule.observe(0.2);
  rule.reset();
  EXPECT_EQ(rule.wait(), 0);
  EXPECT_EQ(rule.observe(0.3), I);
}

TEST(Patience, RejectsBadSettings) {
  EXPECT_THROW(Patience(-1, 0.0), lrtune::UsageError);
  EXPECT_THROW(Patience(1, -0.1), lrtune::UsageError);
  EXPECT_THROW(Patience(1, std::numeric_limits<double>::quiet_NaN()), lrtune::UsageError);
}

}  // namespace lrtune
