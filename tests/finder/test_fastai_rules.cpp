// fastai's minimum, steep, valley and slide on curves with known answers; valley and
// slide against golden indices from tools/gen_finder_golden.py (a plain-Python
// transcription of fastai's definitions).
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "finder/synthetic_curves.hpp"
#include "lrtune/finder/fastai_rules.hpp"

namespace {

using lrtune::SuggestOptions;
using lrtune::testing::geometric_lrs;

SuggestOptions no_trim() {
  SuggestOptions o;
  o.trim.skip_start_fraction = 0.0;
  o.trim.skip_end = 0;
  return o;
}

// lr_i = 10^(i/10 - 5), as in the golden generator.
std::vector<double> golden_lrs(std::size_t n) { return geometric_lrs(n, -5.0, -5.0 + (n - 1) / 10.0); }

TEST(Minimum, ParabolaInLogLrGivesATenthOfItsBottom) {
  const auto lrs = geometric_lrs(81, -7, 1);  // 10 points per decade, 1e-3 is point 40
  const auto s = lrtune::suggest_minimum(lrs, lrtune::testing::parabola(lrs, 1e-3));
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_EQ(s.index, 40);
  EXPECT_NEAR(s.learning_rate, 1e-4, 1e-12);
  EXPECT_NEAR(s.loss, 1.0, 1e-12);
}

TEST(Minimum, NoAnswerWhenTheLowestLossIsTheFirstPoint) {
  const auto lrs = geometric_lrs(50, -7, 1);
  std::vector<double> losses(50);
  for (std::size_t i = 0; i < 50; ++i) losses[i] = 1.0 + 0.01 * static_cast<double>(i % 7);  // saw-tooth, min at 0
  const auto s = lrtune::suggest_minimum(lrs, losses, no_trim());
  EXPECT_FALSE(s.found);
  EXPECT_TRUE(std::isnan(s.learning_rate));
}

// f(x) = 1 - 0.5 tanh((x + 3.95) / 2), x = log10 lr: steepest at lr = 10^-3.95.
double tanh_loss(double lr) { return 1.0 - 0.5 * std::tanh(0.5 * (std::log10(lr) + 3.95)); }

TEST(Steep, FindsTheLeftEndOfTheSteepestSegmentInLogLr) {
  const auto lrs = geometric_lrs(81, -7, 1);
  std::vector<double> losses;
  for (double lr : lrs) losses.push_back(tanh_loss(lr));
  const auto s = lrtune::suggest_steep(lrs, losses);
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_EQ(s.index, 30);  // segment 30-31 spans 10^-4..10^-3.9, centred on the steepest point
  EXPECT_NEAR(s.learning_rate, 1e-4, 1e-12);
}

TEST(Steep, AnswerDependsOnTheCurveNotOnTheGridSpacing) {
  // Uneven grid, dense at low rates and coarse at high ones: a per-index gradient would
  // favour the coarse end (it picks 10^-3.75 here); the slope in log lr finds 10^-4.0.
  std::vector<double> lrs, losses;
  for (int i = 0; i < 81; ++i) {
    const double t = i / 80.0;
    lrs.push_back(std::pow(10.0, -7.0 + 8.0 * t * t));
    losses.push_back(tanh_loss(lrs.back()));
  }
  const auto s = lrtune::suggest_steep(lrs, losses);
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_NEAR(std::log10(s.learning_rate), -3.95, 0.1);
}

TEST(Valley, MatchesFastaiOnGoldenCurves) {
  const std::vector<double> seed1{1.4634, 1.5331, 1.5199, 1.461,  1.4738, 1.4549, 1.4579, 1.4515, 1.3591, 1.3271,
                                  1.3799, 1.3095, 1.3103, 1.2002, 1.2089, 1.1995, 1.112,  1.1445, 1.1004, 0.9732,
                                  0.9324, 0.9439, 0.9439, 0.849,  0.7944, 0.7779, 0.7029, 0.6881, 0.6776, 0.6532,
                                  1.3476, 1.3728, 1.3945, 1.4387, 1.439,  1.4264, 1.5192, 1.4992, 1.5126, 1.4686};
  const std::vector<double> seed2{1.5456, 1.5432, 1.4492, 1.444,  1.5078, 1.4836, 1.4597, 1.4034, 1.4103, 1.3849,
                                  1.3545, 1.2821, 1.2771, 1.2394, 1.2366, 1.2268, 1.184,  1.1044, 1.0548, 0.997,
                                  0.9335, 0.8925, 0.8965, 0.8427, 0.8107, 0.8248, 0.7526, 0.722,  0.6574, 0.606,
                                  1.3568, 1.3634, 1.4236, 1.4926, 1.4774, 1.4425, 1.5248, 1.5232, 1.5218, 1.5407};
  const auto lrs = golden_lrs(40);
  const auto s1 = lrtune::suggest_valley(lrs, seed1, no_trim());
  const auto s2 = lrtune::suggest_valley(lrs, seed2, no_trim());
  ASSERT_TRUE(s1.found && s2.found);
  EXPECT_EQ(s1.index, 18);
  EXPECT_EQ(s2.index, 16);
  EXPECT_DOUBLE_EQ(s1.learning_rate, lrs[18]);
}

TEST(Valley, ReproducesFastaiIndexArithmeticAndClampsItsMinusOne) {
  const auto lrs = golden_lrs(7);
  // fastai: longest run 0..4, estimated start -1, sections 5/3 -> index -1 + 1 + 0 = 0.
  const auto s = lrtune::suggest_valley(lrs, std::vector<double>{5, 4, 3, 2, 1, 2, 3}, no_trim());
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.index, 0);
  // fastai: index -1, which Python reads as the last point; lrtune clamps to the first.
  const auto two = lrtune::suggest_valley(golden_lrs(2), std::vector<double>{2, 1}, no_trim());
  ASSERT_TRUE(two.found);
  EXPECT_EQ(two.index, 0);
  EXPECT_NE(two.explanation.find("clamped"), std::string::npos);
}

const std::vector<double> kSlideCurve{
    1.49945, 1.49909, 1.4985,  1.49753, 1.49593, 1.49331, 1.48901, 1.48201, 1.47069, 1.45257, 1.42414, 1.3808,
    1.31757, 1.23106, 1.12246, 1.0,     0.87754, 0.76894, 0.68243, 0.6192,  0.57586, 0.54743, 0.52931, 0.51799,
    0.51099, 0.50669, 0.50407, 0.50247, 0.5015,  0.50091, 0.50055, 0.50034, 0.5002,  0.50012, 0.50007, 0.50005,
    0.50003, 0.50002, 0.50001, 0.50001, 0.5,     0.5,     0.5,     0.5,     0.5,     0.5,     0.5,     0.5,
    0.5,     0.5,     0.55,    0.6,     0.65,    0.7,     0.75,    0.8,     0.85,    0.9,     0.95,    1.0};

TEST(Slide, MatchesFastaiOnAGoldenCurve) {
  const auto lrs = golden_lrs(60);
  const auto s = lrtune::suggest_slide(lrs, kSlideCurve, no_trim());
  ASSERT_TRUE(s.found) << s.explanation;
  EXPECT_EQ(s.index, 34);
  EXPECT_DOUBLE_EQ(s.learning_rate, lrs[34]);
  EXPECT_DOUBLE_EQ(s.loss, kSlideCurve[34]);
}

TEST(Slide, AdjustValueScalesTheRateAndInterpolatesTheLossInLog10Lr) {
  const auto lrs = golden_lrs(60);
  auto o = no_trim();
  o.slide.adjust_value = std::pow(10.0, 0.05);  // half a grid step
  const auto s = lrtune::suggest_slide(lrs, kSlideCurve, o);
  ASSERT_TRUE(s.found);
  EXPECT_NEAR(s.learning_rate, lrs[34] * o.slide.adjust_value, 1e-15);
  EXPECT_NEAR(s.loss, 0.5 * (kSlideCurve[34] + kSlideCurve[35]), 1e-9);
}

TEST(Slide, NoAnswerWhenTheGradientsNeverAgree) {
  // A parabola's numpy gradient changes by 2a per point: 15 points apart they differ by 0.3.
  std::vector<double> losses;
  for (int i = 0; i < 40; ++i) losses.push_back(0.01 * (i - 20) * (i - 20) + 1.0);
  const auto s = lrtune::suggest_slide(golden_lrs(40), losses, no_trim());
  EXPECT_FALSE(s.found);
  EXPECT_NE(s.explanation.find("never agreed"), std::string::npos) << s.explanation;
}

TEST(Slide, NoAnswerOnACurveNoLongerThanLrDiff) {
  std::vector<double> losses{3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  const auto s = lrtune::suggest_slide(golden_lrs(15), losses, no_trim());
  EXPECT_FALSE(s.found);
  EXPECT_NE(s.explanation.find("too short"), std::string::npos) << s.explanation;
}

}  // namespace
