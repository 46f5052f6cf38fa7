// Repeated range tests: identical results for any worker count, median and spread in log
// space against hand-computed values, the mean curve and its band, error propagation.
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/finder/repeats.hpp"

namespace {

using lrtune::RepeatOptions;
using lrtune::StepFn;
using lrtune::StepResult;

// A noisy per-epoch "training" whose noise depends only on the seed.
lrtune::StepFnFactory noisy_parabola() {
  return [](std::uint64_t seed) -> StepFn {
    auto gen = std::make_shared<std::mt19937_64>(seed);
    return [gen](double lr) {
      std::uniform_real_distribution<double> u(-0.02, 0.02);
      const double d = std::log10(lr) + 2.0;
      return StepResult{.loss = 0.4 + 0.05 * d * d + u(*gen)};
    };
  };
}

RepeatOptions recipe_repeats(std::size_t workers) {
  RepeatOptions o;
  o.runs = 6;
  o.first_seed = 42;
  o.workers = workers;
  o.test = lrtune::RangeTestOptions::recipe_per_epoch();
  return o;
}

TEST(Repeats, ResultsDoNotDependOnTheWorkerCount) {
  const auto one = lrtune::run_repeated_range_test(noisy_parabola(), recipe_repeats(1));
  for (std::size_t workers : {2u, 3u, 0u}) {
    const auto many = lrtune::run_repeated_range_test(noisy_parabola(), recipe_repeats(workers));
    ASSERT_EQ(many.runs.size(), one.runs.size());
    EXPECT_EQ(many.seeds, one.seeds);
    for (std::size_t i = 0; i < one.runs.size(); ++i) {
      EXPECT_EQ(many.runs[i].losses, one.runs[i].losses) << "run " << i << " workers " << workers;
      EXPECT_EQ(many.runs[i].suggestions, one.runs[i].suggestions) << "run " << i;
    }
    EXPECT_EQ(many.spreads, one.spreads);
    EXPECT_EQ(many.mean_curve, one.mean_curve);
  }
  // Different seeds really differ, so the equality above is not vacuous.
  EXPECT_NE(one.runs[0].losses, one.runs[1].losses);
  EXPECT_EQ(one.seeds.front(), 42u);
  EXPECT_EQ(one.default_rule, "minimum");  // the per-epoch default (docs/finder-study.md)
  EXPECT_EQ(one.default_spread().found, 6u);
  EXPECT_NEAR(std::log10(one.default_spread().median), -3.0, 0.35);  // a tenth of the minimum's rate
  EXPECT_NEAR(std::log10(one.find("stable-minimum")->median), -2.0, 0.35);
}

TEST(Repeats, SpreadIsComputedInLogSpace) {
  std::vector<lrtune::Suggestion> per_run(5);
  const double lrs[] = {1e-2, 1e-4, 1e-1, 1e-3};
  for (std::size_t i = 0; i < 4; ++i) {
    per_run[i].found = true;
    per_run[i].learning_rate = lrs[i];
  }
  per_run[4].found = false;
  per_run[4].learning_rate = std::nan("");
  const auto s = lrtune::summarize_rule("minimum", per_run);
  EXPECT_EQ(s.found, 4u);
  EXPECT_EQ(s.runs, 5u);
  EXPECT_NEAR(std::log10(s.median), -2.5, 1e-12);  // geometric mean of the middle two
  EXPECT_NEAR(std::log10(s.q1), -3.25, 1e-12);     // numpy linear percentile of log10 {-4,-3,-2,-1}
  EXPECT_NEAR(std::log10(s.q3), -1.75, 1e-12);
  EXPECT_NEAR(s.iqr_decades, 1.5, 1e-12);
  EXPECT_DOUBLE_EQ(s.min, 1e-4);
  EXPECT_DOUBLE_EQ(s.max, 1e-1);
  EXPECT_NEAR(std::log10(s.geometric_std), std::sqrt(5.0 / 3.0), 1e-12);  // sample std of log10 values
  EXPECT_EQ(s.values, (std::vector<double>{1e-2, 1e-4, 1e-1, 1e-3}));

  const auto none = lrtune::summarize_rule("valley", {per_run[4]});
  EXPECT_EQ(none.found, 0u);
  EXPECT_TRUE(std::isnan(none.median));
}

TEST(Repeats, MeanCurveAveragesTheRunsThatReachedEachPoint) {
  lrtune::RangeTestCurve a, b;
  a.learning_rates = {1e-3, 1e-2, 1e-1};
  a.smoothed_losses = {1.0, 2.0, 3.0};
  b.learning_rates = {1e-3, 1e-2};
  b.smoothed_losses = {3.0, std::nan("")};
  const auto c = lrtune::mean_curve({a, b});
  EXPECT_EQ(c.learning_rates, a.learning_rates);
  EXPECT_EQ(c.count, (std::vector<std::size_t>{2, 1, 1}));
  EXPECT_EQ(c.mean, (std::vector<double>{2.0, 2.0, 3.0}));
  EXPECT_NEAR(c.std[0], std::sqrt(2.0), 1e-12);
  EXPECT_EQ(c.std[1], 0.0);

  b.learning_rates[1] = 2e-2;
  EXPECT_THROW(lrtune::mean_curve({a, b}), lrtune::UsageError);
}

TEST(Repeats, TheLowestFailingRunsExceptionIsRethrown) {
  auto o = recipe_repeats(3);
  const lrtune::StepFnFactory factory = [](std::uint64_t seed) -> StepFn {
    if (seed == 44) throw std::runtime_error("seed 44");
    if (seed == 46) throw std::runtime_error("seed 46");
    return [](double) { return StepResult{.loss = 1.0}; };
  };
  try {
    lrtune::run_repeated_range_test(factory, o);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "seed 44");
  }
}

TEST(Repeats, OptionsAreValidated) {
  auto o = recipe_repeats(1);
  o.runs = 0;
  EXPECT_THROW(lrtune::run_repeated_range_test(noisy_parabola(), o), lrtune::UsageError);
}

}  // namespace
