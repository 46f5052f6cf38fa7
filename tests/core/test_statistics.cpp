// mean_of, sample_std, mean_and_std against hand-computed values.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/core/statistics.hpp"

namespace lrtune {

TEST(Statistics, MeanAndSampleStdByHand) {
  const std::vector<double> v = {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};
  // mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7
  const MeanStd s = mean_and_std(v);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.std, std::sqrt(32.0 / 7.0));
  EXPECT_DOUBLE_EQ(mean_of(v), 5.0);
  EXPECT_DOUBLE_EQ(sample_std(v), std::sqrt(32.0 / 7.0));
}

TEST(Statistics, OneValueHasZeroStdAndNoneIsNaN) {
  const std::vector<double> one = {0.25};
  EXPECT_DOUBLE_EQ(mean_and_std(one).mean, 0.25);
  EXPECT_EQ(mean_and_std(one).std, 0.0);
  const std::vector<double> none;
  EXPECT_TRUE(std::isnan(mean_of(none)));
  EXPECT_TRUE(std::isnan(sample_std(none)));
}

TEST(Statistics, SummedInOrderSoTheBitsAreReproducible) {
  const std::vector<double> v = {1e16, 1.0, -1e16, 1.0};
  // ((1e16 + 1) - 1e16) + 1 = 1 in double (1e16 + 1 rounds to 1e16), / 4 = 0.25
  EXPECT_EQ(mean_of(v), 0.25);
}

}  // namespace lrtune
