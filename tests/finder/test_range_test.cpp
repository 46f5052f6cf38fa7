// The generic finder on analytic step functions: the schedule it visits, where it stops
// (divergence, non-finite loss, the caller's cancel, a callback's stop), the callbacks' hooks,
// optional columns, suggestions.
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/finder/range_test.hpp"

namespace {

using lrtune::CurveMode;
using lrtune::RangeTestOptions;
using lrtune::RangeTestStop;
using lrtune::StepResult;

// Logs "<name> begin|point i|end n" (n: points in the context's curve) into a log shared by
// several recorders; keeps what each point reported; stops the sweep after `stop_after` points.
class Recorder final : public lrtune::RangeTestCallback {
 public:
  struct Point {
    std::size_t index;
    double learning_rate, loss, smoothed_loss;
    std::size_t curve_size;
  };
  Recorder(std::string name, std::vector<std::string>* log, std::size_t stop_after = 0)
      : name_(std::move(name)), log_(log), stop_after_(stop_after) {}
  void on_test_begin(lrtune::RangeTestContext& c) override {
    log_->push_back(name_ + " begin " + std::to_string(c.curve.size()));
  }
  void on_point(std::size_t index, double lr, double loss, double smoothed, lrtune::RangeTestContext& c) override {
    log_->push_back(name_ + " point " + std::to_string(index));
    points.push_back({index, lr, loss, smoothed, c.curve.size()});
    if (points.size() == stop_after_) c.stop_test = true;
  }
  void on_test_end(lrtune::RangeTestContext& c) override {
    log_->push_back(name_ + " end " + std::to_string(c.curve.size()));
    suggestions_at_end = c.curve.suggestions.suggestions.size();
  }
  std::vector<Point> points;
  std::size_t suggestions_at_end = 0;

 private:
  std::string name_;
  std::vector<std::string>* log_;
  std::size_t stop_after_;
};

// loss = 1 + 0.1 (log10 lr + 3)^2: a stateless "training" whose best rate is 1e-3.
StepResult parabola_step(double lr) {
  const double d = std::log10(lr) + 3.0;
  return {.loss = 1.0 + 0.1 * d * d};
}

TEST(RangeTest, VisitsTheScheduleAndFindsTheKnownMinimum) {
  RangeTestOptions o;
  o.mode = CurveMode::per_epoch;                               // no smoothing: the rules read the function itself
  o.schedule = {.start = 1e-6, .end = 1.0, .num_points = 61};  // 10 per decade, 1e-3 is point 30
  std::vector<double> seen;
  const auto curve = lrtune::run_range_test(
      [&](double lr) {
        seen.push_back(lr);
        return parabola_step(lr);
      },
      o);
  EXPECT_EQ(curve.stop_reason, RangeTestStop::completed);
  EXPECT_EQ(curve.stop_index, 60);
  EXPECT_EQ(seen, curve.learning_rates);
  EXPECT_EQ(curve.smoothed_losses, curve.losses);
  EXPECT_EQ(curve.smoothing_beta, 0.0);
  EXPECT_EQ(curve.step_seconds.size(), 61u);
  const auto* minimum = curve.suggestions.find("minimum");
  ASSERT_TRUE(minimum && minimum->found) << minimum->explanation;
  EXPECT_EQ(minimum->index, 30);
  EXPECT_NEAR(minimum->learning_rate, 1e-4, 1e-12);
  EXPECT_EQ(curve.suggestions.default_suggestion().name, "minimum");  // the per-epoch default
  const auto* stable = curve.suggestions.find("stable-minimum");
  ASSERT_TRUE(stable && stable->found) << stable->explanation;
  EXPECT_NEAR(stable->learning_rate, 1e-3, 1e-12);
}

TEST(RangeTest, SgdOnAQuadraticDivergesPastTwoOverTheCurvatureAndSuggestsBelowIt) {
  // Per-step: w <- w - lr * a * w on loss a w^2 / 2 + 0.1 shrinks w while lr < 2/a and
  // blows it up beyond: the textbook range test. a = 100, so the edge is lr = 0.02.
  double w = 1.0;
  const double a = 100.0;
  RangeTestOptions o;  // per-step, 1e-7 -> 10, smoothing 0.98, stop at 4 x best
  const auto curve = lrtune::run_range_test(
      [&](double lr) {
        w -= lr * a * w;
        return StepResult{.loss = 0.5 * a * w * w + 0.1};
      },
      o);
  ASSERT_EQ(curve.stop_reason, RangeTestStop::diverged);
  EXPECT_EQ(static_cast<std::size_t>(curve.stop_index) + 1, curve.size());
  EXPECT_GT(curve.learning_rates.back(), 0.02);
  EXPECT_GT(curve.smoothed_losses.back(), 4.0 * 0.1);
  for (const auto& s : curve.suggestions.suggestions)
    if (s.found && s.name != "slide") {
      EXPECT_LT(s.learning_rate, 0.02) << s.name << ": " << s.explanation;
    }
  EXPECT_TRUE(curve.suggestions.default_suggestion().found) << curve.suggestions.default_suggestion().explanation;
}

TEST(RangeTest, StopsAtTheFirstPointAboveFactorTimesBest) {
  const std::vector<double> script{2.0, 1.0, 0.5, 1.0, 1.9, 2.1, 0.4, 0.4};
  std::size_t calls = 0;
  RangeTestOptions o;
  o.smoothing_beta = 0.0;
  o.schedule.num_points = script.size();
  const auto curve = lrtune::run_range_test([&](double) { return StepResult{.loss = script[calls++]}; }, o);
  EXPECT_EQ(curve.stop_reason, RangeTestStop::diverged);
  EXPECT_EQ(curve.stop_index, 5);
  EXPECT_EQ(curve.size(), 6u);
  EXPECT_EQ(calls, 6u);

  calls = 0;
  o.divergence.enabled = false;
  EXPECT_EQ(lrtune::run_range_test([&](double) { return StepResult{.loss = script[calls++]}; }, o).stop_reason,
            RangeTestStop::completed);
}

TEST(RangeTest, NonFiniteLossStopsAndIsRecorded) {
  std::size_t calls = 0;
  RangeTestOptions o;
  o.divergence.enabled = false;
  const auto curve = lrtune::run_range_test(
      [&](double) { return StepResult{.loss = ++calls == 8 ? std::numeric_limits<double>::quiet_NaN() : 1.0}; }, o);
  EXPECT_EQ(curve.stop_reason, RangeTestStop::non_finite_loss);
  EXPECT_EQ(curve.stop_index, 7);
  ASSERT_EQ(curve.size(), 8u);
  EXPECT_TRUE(std::isnan(curve.losses[7]));
  EXPECT_TRUE(std::isnan(curve.smoothed_losses[7]));
  for (const auto& s : curve.suggestions.suggestions) EXPECT_FALSE(s.found) << s.name;
}

TEST(RangeTest, CancelFlagAndCallbackEndTheSweep) {
  std::vector<std::string> seen_log;
  std::atomic<bool> cancel{false};
  std::size_t calls = 0;
  RangeTestOptions o;
  o.cancel = &cancel;
  auto curve = lrtune::run_range_test(
      [&](double lr) {
        if (++calls == 5) cancel = true;
        return parabola_step(lr);
      },
      o);
  EXPECT_EQ(curve.stop_reason, RangeTestStop::cancelled);
  EXPECT_EQ(curve.size(), 5u);
  EXPECT_EQ(curve.stop_index, 4);

  // A callback's stop_test ends it the same way, before the next point.
  Recorder stopper("stop", &seen_log, /*stop_after=*/3);
  RangeTestOptions o2;
  o2.callbacks = {&stopper};
  curve = lrtune::run_range_test(parabola_step, o2);
  EXPECT_EQ(curve.stop_reason, RangeTestStop::cancelled);
  EXPECT_EQ(curve.size(), 3u);
  EXPECT_EQ(curve.stop_index, 2);
}

TEST(RangeTest, CallbacksAreCalledInOrderWithEachPointAndTheFinishedCurve) {
  std::vector<std::string> log;
  Recorder first("a", &log), second("b", &log);
  RangeTestOptions o;
  o.schedule.num_points = 4;
  o.callbacks = {&first, &second};
  const auto curve = lrtune::run_range_test(parabola_step, o);
  ASSERT_EQ(curve.size(), 4u);
  EXPECT_EQ(log, (std::vector<std::string>{"a begin 0", "b begin 0", "a point 0", "b point 0", "a point 1", "b point 1",
                                           "a point 2", "b point 2", "a point 3", "b point 3", "a end 4", "b end 4"}));
  // The values each point reported are the curve's, and the context held the curve up to that point.
  ASSERT_EQ(first.points.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(first.points[i].index, i);
    EXPECT_EQ(first.points[i].learning_rate, curve.learning_rates[i]);
    EXPECT_EQ(first.points[i].loss, curve.losses[i]);
    EXPECT_EQ(first.points[i].smoothed_loss, curve.smoothed_losses[i]);
    EXPECT_EQ(first.points[i].curve_size, i + 1);
  }
  EXPECT_EQ(first.suggestions_at_end, curve.suggestions.suggestions.size());
  EXPECT_GT(first.suggestions_at_end, 0u);
}

TEST(RangeTest, ValidationLossAndMetricsColumnsAreBackFilled) {
  std::size_t calls = 0;
  RangeTestOptions o;
  o.schedule.num_points = 6;
  const auto curve = lrtune::run_range_test(
      [&](double) {
        StepResult r{.loss = 1.0};
        ++calls;
        if (calls >= 3) r.validation_loss = 0.5;
        if (calls >= 2) r.metrics["accuracy"] = 0.75;
        if (calls == 4) r.metrics["auc"] = 0.9;
        return r;
      },
      o);
  ASSERT_EQ(curve.validation_losses.size(), 6u);
  EXPECT_TRUE(std::isnan(curve.validation_losses[1]));
  EXPECT_EQ(curve.validation_losses[2], 0.5);
  ASSERT_EQ(curve.metrics.at("accuracy").size(), 6u);
  EXPECT_TRUE(std::isnan(curve.metrics.at("accuracy")[0]));
  EXPECT_EQ(curve.metrics.at("accuracy")[5], 0.75);
  const auto& auc = curve.metrics.at("auc");
  ASSERT_EQ(auc.size(), 6u);
  EXPECT_EQ(auc[3], 0.9);
  EXPECT_TRUE(std::isnan(auc[2]) && std::isnan(auc[4]));
}

TEST(RangeTest, OptionsAreValidated) {
  RangeTestOptions o;
  o.smoothing_beta = 1.0;
  EXPECT_THROW(lrtune::run_range_test(parabola_step, o), lrtune::UsageError);
  EXPECT_THROW(lrtune::run_range_test(lrtune::StepFn{}, RangeTestOptions{}), lrtune::UsageError);
}

TEST(RangeTest, RecipeOptionsArePerEpochUnsmoothed) {
  const auto o = RangeTestOptions::recipe_per_epoch();
  const auto curve = lrtune::run_range_test(parabola_step, o);
  EXPECT_EQ(curve.mode, CurveMode::per_epoch);
  EXPECT_EQ(curve.smoothing_beta, 0.0);
  EXPECT_DOUBLE_EQ(curve.learning_rates.front(), 1e-3);
}

}  // namespace
