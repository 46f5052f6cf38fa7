// Every rule together: the same trim, the default rule, and found=false (never a number)
// on curves that have no answer.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "finder/synthetic_curves.hpp"
#include "lrtune/finder/suggest_all.hpp"

namespace {

using lrtune::CurveMode;
using lrtune::SuggestionRule;
using lrtune::testing::geometric_lrs;

void expect_no_answer(const lrtune::SuggestionSet& set, const std::string& why) {
  ASSERT_EQ(set.suggestions.size(), lrtune::all_rules().size());
  for (const auto& s : set.suggestions) {
    EXPECT_FALSE(s.found) << s.name << ": " << s.explanation;
    EXPECT_TRUE(std::isnan(s.learning_rate)) << s.name;
    EXPECT_EQ(s.index, -1) << s.name;
    EXPECT_NE(s.explanation.find(why), std::string::npos) << s.name << ": " << s.explanation;
  }
}

TEST(SuggestAll, OneSuggestionPerRuleInOrderWithTheModesDefault) {
  const auto lrs = geometric_lrs(100, -7, 1);
  const auto losses = lrtune::testing::parabola(lrs, 1e-3);
  const auto step = lrtune::suggest_all(lrs, losses, CurveMode::per_step);
  ASSERT_EQ(step.suggestions.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(step.suggestions[i].name, lrtune::rule_name(lrtune::all_rules()[i]));
  EXPECT_EQ(step.default_rule, "valley");
  EXPECT_EQ(step.default_suggestion().name, "valley");
  EXPECT_EQ(lrtune::suggest_all(lrs, losses, CurveMode::per_epoch).default_rule, "minimum");
  lrtune::SuggestOptions o;
  o.default_rule = SuggestionRule::steep;
  EXPECT_EQ(lrtune::suggest_all(lrs, losses, CurveMode::per_epoch, o).default_suggestion().name, "steep");
}

TEST(SuggestAll, FlatCurveHasNoAnswer) {
  const auto lrs = geometric_lrs(100, -7, 1);
  expect_no_answer(lrtune::suggest_all(lrs, std::vector<double>(100, 0.69), CurveMode::per_step), "flat");
}

TEST(SuggestAll, IncreasingCurveHasNoAnswer) {
  const auto lrs = geometric_lrs(100, -7, 1);
  std::vector<double> losses;
  for (double lr : lrs) losses.push_back(1.0 + lr);
  expect_no_answer(lrtune::suggest_all(lrs, losses, CurveMode::per_step), "never falls");
}

TEST(SuggestAll, CurveShorterThanTheTrimHasNoAnswer) {
  const auto lrs = geometric_lrs(5, -7, 1);
  expect_no_answer(lrtune::suggest_all(lrs, std::vector<double>{3, 2, 1, 2, 3}, CurveMode::per_step), "too short");
}

TEST(SuggestAll, AllNaNHasNoAnswer) {
  const auto lrs = geometric_lrs(100, -7, 1);
  expect_no_answer(
      lrtune::suggest_all(lrs, std::vector<double>(100, std::numeric_limits<double>::quiet_NaN()), CurveMode::per_step),
      "not finite");
}

TEST(SuggestAll, NaNTailIsNeverRead) {
  const auto lrs = geometric_lrs(100, -7, 1);
  auto losses = lrtune::testing::parabola(lrs, 1e-1);  // bottom at point 74
  for (std::size_t i = 60; i < 100; ++i) losses[i] = std::numeric_limits<double>::quiet_NaN();
  const auto set = lrtune::suggest_all(lrs, losses, CurveMode::per_step);
  for (const auto& s : set.suggestions) {
    if (!s.found) continue;
    EXPECT_LT(s.index, 55) << s.name;  // cut at 60, then the last 5 dropped
    EXPECT_TRUE(std::isfinite(s.learning_rate) && std::isfinite(s.loss)) << s.name;
  }
  ASSERT_TRUE(set.find("minimum")->found);
  EXPECT_EQ(set.find("minimum")->index, 54);
}

TEST(SuggestAll, ASuggestionBelowTheSweptRangeSaysSoInTextAndJson) {
  // The recipe's curve: minimum's lr / 10 (about 0.0005) lies below the first rate, 0.001.
  const auto c = lrtune::testing::recipe_like_curve(4);
  const auto set = lrtune::suggest_all(c.lrs, c.losses, CurveMode::per_epoch);
  const auto* minimum = set.find("minimum");
  ASSERT_TRUE(minimum && minimum->found) << minimum->explanation;
  ASSERT_LT(minimum->learning_rate, c.lrs.front());
  EXPECT_TRUE(minimum->below_range);
  EXPECT_NE(minimum->explanation.find("below the swept range, which starts at lr 0.001"), std::string::npos)
      << minimum->explanation;
  const nlohmann::json j = *minimum;
  EXPECT_EQ(j.at("below_range"), true);
  EXPECT_EQ(j.get<lrtune::Suggestion>(), *minimum);

  const auto* stable = set.find("stable-minimum");  // inside the range: not marked
  ASSERT_TRUE(stable && stable->found) << stable->explanation;
  EXPECT_FALSE(stable->below_range);
  EXPECT_EQ(stable->explanation.find("below the swept range"), std::string::npos) << stable->explanation;
  EXPECT_EQ(nlohmann::json(*stable).at("below_range"), false);

  // A file written before the field existed reads as "not below".
  nlohmann::json old = *minimum;
  old.erase("below_range");
  EXPECT_FALSE(old.get<lrtune::Suggestion>().below_range);
}

TEST(SuggestAll, RuleNamesRoundTrip) {
  for (auto r : lrtune::all_rules()) EXPECT_EQ(lrtune::rule_from_name(lrtune::rule_name(r)), r);
  EXPECT_THROW(lrtune::rule_from_name("valey"), lrtune::UsageError);
}

}  // namespace
