// The bias-corrected EMA against hand-computed values, beta = 0, and non-finite input.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/finder/smoothing.hpp"

namespace {

TEST(LossSmoother, MatchesHandComputedValues) {
  // beta 0.98: avg1 = 0.02*1 = 0.02, s1 = 0.02/0.02 = 1
  // avg2 = 0.98*0.02 + 0.02*2 = 0.0596, s2 = 0.0596 / (1 - 0.9604) = 1.505050...
  // avg3 = 0.98*0.0596 + 0.02*4 = 0.138408, s3 = 0.138408 / (1 - 0.941192) = 2.353557...
  const auto s = lrtune::smooth_losses(std::vector<double>{1.0, 2.0, 4.0}, 0.98);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NEAR(s[0], 1.0, 1e-12);
  EXPECT_NEAR(s[1], 0.0596 / 0.0396, 1e-12);
  EXPECT_NEAR(s[2], 0.138408 / 0.058808, 1e-12);
}

TEST(LossSmoother, FirstValueIsTheLossItselfAndConstantsStayConstant) {
  const auto s = lrtune::smooth_losses(std::vector<double>(50, 0.7), 0.98);
  for (double v : s) EXPECT_NEAR(v, 0.7, 1e-12);
}

TEST(LossSmoother, BetaZeroIsNoSmoothing) {
  const std::vector<double> raw{0.5, 0.9, 0.1, 0.3};
  EXPECT_EQ(lrtune::smooth_losses(raw, 0.0), raw);
}

TEST(LossSmoother, NonFiniteLossIsShownButDoesNotPoisonTheAverage) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  lrtune::LossSmoother with_gap(0.9), without_gap(0.9);
  with_gap.add(1.0);
  without_gap.add(1.0);
  EXPECT_TRUE(std::isnan(with_gap.add(nan)));
  EXPECT_TRUE(std::isinf(with_gap.add(std::numeric_limits<double>::infinity())));
  EXPECT_EQ(with_gap.non_finite_count(), 2u);
  EXPECT_EQ(with_gap.count(), 1u);
  EXPECT_DOUBLE_EQ(with_gap.add(3.0), without_gap.add(3.0));
}

TEST(LossSmoother, RejectsBetaOutsideZeroToOne) {
  EXPECT_THROW(lrtune::LossSmoother(1.0), lrtune::UsageError);
  EXPECT_THROW(lrtune::LossSmoother(-0.1), lrtune::UsageError);
}

}  // namespace
