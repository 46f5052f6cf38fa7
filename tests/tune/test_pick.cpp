// The noise-aware pick on hand-made score tables: the paired standard error against hand
// computation, smoothing that prefers a flat valley to an isolated lucky point, the default kept
// inside the noise and left outside it, and the end flags that make the Tuner extend its interval.
#include "lrtune/tune/pick.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace lrtune {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Rows whose mean is `mean`, spread +-spread around it (alternating), n rows.
std::vector<double> rows_around(double mean, double spread, std::size_t n) {
  std::vector<double> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = mean + (i % 2 == 0 ? spread : -spread);
  return rows;
}

// A candidate with one repeat whose rows are the baseline rows shifted by `shift` plus per-row
// noise +-jitter (alternating): the paired difference has mean `shift` and sd ~ jitter.
PickCandidate shifted(double lr, const std::vector<double>& baseline, double shift, double jitter) {
  PickCandidate c;
  c.learning_rate = lr;
  std::vector<double> rows(baseline.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = baseline[i] + shift + (i % 2 == 0 ? jitter : -jitter);
  double sum = 0.0;
  for (double r : rows) sum += r;
  c.score = sum / static_cast<double>(rows.size());
  c.row_losses = {rows};
  return c;
}

TEST(PairedDifference, MatchesAHandComputation) {
  // d = (-1, -3) and (0, -2): D_0 = -2, D_1 = -1; sd(d_0) = sqrt(2) = sd(d_1), SE_r = 1 each.
  // Rows: sqrt(1 + 1) / 2 = 0.7071; repeats: sd(-2, -1) / sqrt(2) = 0.7071 / 1.4142 = 0.5.
  const std::vector<std::vector<double>> challenger = {{1.0, 1.0}, {2.0, 1.0}};
  const std::vector<std::vector<double>> baseline = {{2.0, 4.0}, {2.0, 3.0}};
  const PairedDifference d = paired_difference(challenger, baseline);
  EXPECT_DOUBLE_EQ(d.mean, -1.5);
  EXPECT_NEAR(d.standard_error, std::sqrt(2.0) / 2.0, 1e-12);
  EXPECT_EQ(d.rows, 4u);
}

TEST(PairedDifference, RepeatsThatDisagreeSetTheNoise) {
  // Each repeat's rows agree perfectly (SE_r = 0) but the repeats disagree: D = -1 and +1.
  const PairedDifference d = paired_difference({{0.0, 0.0}, {2.0, 2.0}}, {{1.0, 1.0}, {1.0, 1.0}});
  EXPECT_DOUBLE_EQ(d.mean, 0.0);
  EXPECT_NEAR(d.standard_error, std::sqrt(2.0) / std::sqrt(2.0), 1e-12);
}

TEST(PairedDifference, RowsThatDoNotPairUpAreRefused) {
  EXPECT_THROW(paired_difference({{1.0}}, {{1.0, 2.0}}), lrtune::UsageError);
  EXPECT_THROW(paired_difference({{1.0}}, {{1.0}, {2.0}}), lrtune::UsageError);
  EXPECT_THROW(paired_difference({{}}, {{}}), lrtune::UsageError);
}

TEST(RepeatDifference, MatchesAHandComputation) {
  // D = (0.1, -0.3): mean -0.1, sd = sqrt((0.2^2 + 0.2^2) / 1) = 0.2828, SE = 0.2828 / sqrt(2) = 0.2.
  const PairedDifference d = repeat_difference({1.0, 0.6}, {0.9, 0.9});
  EXPECT_NEAR(d.mean, -0.1, 1e-12);
  EXPECT_NEAR(d.standard_error, 0.2, 1e-12);
  EXPECT_EQ(d.rows, 0u);
  EXPECT_TRUE(std::isnan(repeat_difference({1.0}, {2.0}).standard_error));  // one repeat: no estimate
  EXPECT_THROW(repeat_difference({1.0}, {1.0, 2.0}), lrtune::UsageError);
}

// Two candidates without per-row losses: the challenger (rate 1) has repeat scores {1.0, 0.6}
// (mean 0.8), the default (rate 10) {0.9, 0.9}; smoothed 0.833 against 0.867, so rate 1 challenges.
std::vector<PickCandidate> without_rows() {
  return {PickCandidate{.learning_rate = 1.0, .score = 0.8, .row_losses = {{}, {}}, .repeat_scores = {1.0, 0.6}},
          PickCandidate{.learning_rate = 10.0, .score = 0.9, .row_losses = {{}, {}}, .repeat_scores = {0.9, 0.9}}};
}

TEST(DecidePick, WithoutRowsTheRepeatsSetTheNoise) {
  // The difference -0.1 against SE 0.2: margin 2 needs < -0.4, so the default stays; margin 0.4
  // needs < -0.08, so the challenger wins.
  const PickDecision kept = decide_pick(without_rows(), {.default_index = 1, .noise_margin = 2.0});
  EXPECT_EQ(kept.challenger, 0u);
  EXPECT_EQ(kept.pick, 1u);
  EXPECT_TRUE(kept.kept_default);
  EXPECT_NEAR(kept.relative_noise, 100.0 * 0.2 / 0.9, 1e-9);
  EXPECT_NE(kept.reason.find("2 paired seeds and folds"), std::string::npos) << kept.reason;
  const PickDecision moved = decide_pick(without_rows(), {.default_index = 1, .noise_margin = 0.4});
  EXPECT_EQ(moved.pick, 0u);
  EXPECT_FALSE(moved.kept_default);
}

TEST(DecidePick, OneRepeatWithoutRowsHasNoNoiseEstimateAndSaysSo) {
  std::vector<PickCandidate> one = without_rows();
  for (auto& c : one) c.row_losses = {{}}, c.repeat_scores = {c.score};
  const PickDecision better = decide_pick(one, {.default_index = 1, .noise_margin = 2.0});
  EXPECT_EQ(better.pick, 0u);  // any improvement wins
  EXPECT_TRUE(std::isnan(better.relative_noise));
  EXPECT_NE(better.reason.find("no noise estimate exists"), std::string::npos) << better.reason;
  // The challenger's own score is not lower than the default's (the smoothing chose it): kept.
  one[0].repeat_scores = {0.95};
  const PickDecision worse = decide_pick(one, {.default_index = 1, .noise_margin = 2.0});
  EXPECT_EQ(worse.pick, 1u);
  EXPECT_TRUE(worse.kept_default);
}

TEST(SmoothOverLogRate, IsAOneTwoOneAverageOnAnEvenGridAndSkipsDiverged) {
  const std::vector<double> rates = {1e-4, 1e-3, 1e-2, 1e-1, 1.0};
  const std::vector<double> scores = {4.0, 2.0, 4.0, 8.0, kInf};
  const std::vector<double> s = smooth_over_log_rate(rates, scores);
  // Weights 1, 1/2, exp(-4 ln 2) = 1/16 at distances 0, 1, 2 spacings (3 spacings: 1/512).
  const double w1 = 0.5, w2 = 1.0 / 16.0, w3 = 1.0 / 512.0;
  EXPECT_NEAR(s[1], (2.0 + w1 * (4.0 + 4.0) + w2 * 8.0) / (1.0 + 2 * w1 + w2), 1e-12);
  EXPECT_NEAR(s[0], (4.0 + w1 * 2.0 + w2 * 4.0 + w3 * 8.0) / (1.0 + w1 + w2 + w3), 1e-12);
  EXPECT_EQ(s[4], kInf);
}

TEST(DecidePick, SmoothingPrefersTheMiddleOfAFlatValleyToAnIsolatedLuckyPoint) {
  // A lucky point at 1e-1 (0.40) between bad neighbours; a flat valley 1e-4..1e-3 at 0.42.
  const std::vector<double> rates = {1e-5, 1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1, 3.16e-1};
  const std::vector<double> scores = {0.60, 0.42, 0.42, 0.42, 0.55, 0.70, 0.80, 0.40, 0.90};
  std::vector<PickCandidate> candidates;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    PickCandidate c;
    c.learning_rate = rates[i];
    c.score = scores[i];
    c.row_losses = {rows_around(scores[i], 0.1, 100)};
    candidates.push_back(c);
  }
  const PickDecision d = decide_pick(candidates, {.default_index = 3, .noise_margin = 2.0});
  EXPECT_EQ(d.challenger, 2u) << "the middle of the valley, not the lucky 1e-1";
  EXPECT_EQ(d.end, PickEnd::none);
}

TEST(DecidePick, KeepsTheDefaultWhenTheChallengersMarginIsInsideTheNoise) {
  const std::vector<double> base = rows_around(0.50, 0.2, 200);
  // Challenger 1% better on average, but its per-row differences jitter by 0.2: SE = 0.2/sqrt(200) = 0.014 > 0.005.
  std::vector<PickCandidate> c = {shifted(1e-4, base, 0.02, 0.2), shifted(3e-4, base, -0.005, 0.2),
                                  shifted(1e-3, base, 0.0, 0.0), shifted(3e-3, base, 0.03, 0.2)};
  const PickDecision d = decide_pick(c, {.default_index = 2, .noise_margin = 2.0});
  EXPECT_EQ(d.challenger, 1u);
  EXPECT_EQ(d.pick, 2u);
  EXPECT_TRUE(d.kept_default);
  EXPECT_NEAR(d.relative_difference, -1.0, 1e-9);
  EXPECT_NEAR(d.relative_noise, 100.0 * 0.2 * std::sqrt(200.0 / 199.0) / std::sqrt(200.0) / 0.5, 1e-6);
  EXPECT_NE(d.reason.find("The default rate 0.001 was kept: no rate beat it by more than the noise"), std::string::npos)
      << d.reason;
}

TEST(DecidePick, PicksTheChallengerWhenItIsWellOutsideTheNoise) {
  const std::vector<double> base = rows_around(0.50, 0.2, 200);
  // 10% better with a per-row jitter of 0.05: SE = 0.0035, difference -0.05 = 14 standard errors.
  std::vector<PickCandidate> c = {shifted(1e-3, base, 0.0, 0.0), shifted(3e-3, base, -0.05, 0.05),
                                  shifted(1e-2, base, -0.045, 0.05), shifted(3e-2, base, 0.1, 0.05)};
  const PickDecision d = decide_pick(c, {.default_index = 0, .noise_margin = 2.0});
  EXPECT_EQ(d.pick, 1u);
  EXPECT_FALSE(d.kept_default);
  EXPECT_LT(d.difference.mean, -2.0 * d.difference.standard_error);
  EXPECT_NE(d.reason.find("beats the default by more than the noise"), std::string::npos) << d.reason;
}

TEST(DecidePick, FlagsAChallengerAtAnEndSoTheIntervalIsExtended) {
  const std::vector<double> base = rows_around(0.50, 0.2, 200);
  std::vector<PickCandidate> high = {shifted(1e-4, base, 0.2, 0.05), shifted(1e-3, base, 0.0, 0.0),
                                     shifted(1e-2, base, -0.1, 0.05), shifted(1e-1, base, -0.2, 0.05)};
  const PickDecision h = decide_pick(high, {.default_index = 1});
  EXPECT_EQ(h.challenger, 3u);
  EXPECT_EQ(h.end, PickEnd::high);
  std::vector<PickCandidate> low = {shifted(1e-5, base, -0.2, 0.05), shifted(1e-4, base, -0.1, 0.05),
                                    shifted(1e-3, base, 0.0, 0.0), shifted(1e-2, base, 0.2, 0.05)};
  EXPECT_EQ(decide_pick(low, {.default_index = 2}).end, PickEnd::low);
}

TEST(DecidePick, ADivergedDefaultLeavesTheSmoothedMinimum) {
  const std::vector<double> base = rows_around(0.50, 0.2, 50);
  std::vector<PickCandidate> c = {shifted(1e-4, base, 0.0, 0.01), shifted(1e-3, base, 0.01, 0.01),
                                  PickCandidate{.learning_rate = 1e-2, .score = kInf, .row_losses = {}}};
  const PickDecision d = decide_pick(c, {.default_index = 2});
  EXPECT_EQ(d.pick, 0u);
  EXPECT_NE(d.reason.find("diverged"), std::string::npos);
}

TEST(DecidePick, BadInputIsRefused) {
  const std::vector<PickCandidate> none;
  EXPECT_THROW(decide_pick(none, {}), lrtune::UsageError);
  const std::vector<PickCandidate> two = {{.learning_rate = 1e-2, .score = 1.0, .row_losses = {{1.0}}},
                                          {.learning_rate = 1e-3, .score = 1.0, .row_losses = {{1.0}}}};
  EXPECT_THROW(decide_pick(two, {}), lrtune::UsageError);  // not increasing
  const std::vector<PickCandidate> one = {{.learning_rate = 1e-3, .score = 1.0, .row_losses = {{1.0}}}};
  EXPECT_THROW(decide_pick(one, {.default_index = 1}), lrtune::UsageError);
  EXPECT_THROW(decide_pick(one, {.default_index = 0, .noise_margin = -1.0}), lrtune::UsageError);
}

}  // namespace
}  // namespace lrtune
