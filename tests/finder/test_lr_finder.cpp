// LRFinder: per-epoch points equal fit with a LearningRateScheduler, per-step points equal fit's
// batches across epochs, the model and optimizer restored bit for bit however a sweep ends,
// determinism for a seed and across worker counts, divergence stop, validation-loss column.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/schedulers.hpp"
#include "lrtune/train/snapshot.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::CurveMode;
using lrtune::Dense;
using lrtune::Dropout;
using lrtune::Loss;
using lrtune::LRFinder;
using lrtune::LRFinderOptions;
using lrtune::RangeSchedule;
using lrtune::RangeScheduleKind;
using lrtune::Sequential;

Sequential small_model(std::uint64_t seed) {
  return Sequential(5, {Dense(16, "relu"), Dropout(0.1), Dense(8, "relu"), Dense(1, "sigmoid")}, seed);
}

// Recipe-shaped schedule, short: 1e-3 * 10^(e/3), 8 epochs.
RangeSchedule short_power10(std::size_t points) {
  return {.kind = RangeScheduleKind::power10, .start = 1e-3, .num_points = points, .points_per_decade = 3.0};
}

struct BatchRecorder final : lrtune::Callback {
  std::vector<double> losses;
  void on_batch_end(std::int64_t, const lrtune::Logs& logs, lrtune::TrainingContext&) override {
    losses.push_back(logs.at("loss"));
  }
};

// Runs `action` when the sweep reports point `index` (a Ctrl-C, a failing display).
struct AtPoint final : lrtune::RangeTestCallback {
  AtPoint(std::size_t index, std::function<void()> action) : index(index), action(std::move(action)) {}
  void on_point(std::size_t i, double, double, double, lrtune::RangeTestContext&) override {
    if (i == index) action();
  }
  std::size_t index;
  std::function<void()> action;
};

// A model and optimizer that have trained a little, so moments, step counter, rate and
// dropout RNG are all non-trivial before the sweep.
struct Trained {
  lrtune::testing::Dataset data = lrtune::testing::separable_binary(70, 5, 1);
  Sequential model = small_model(3);
  lrtune::Adam adam{{.learning_rate = 0.0037}};
  Trained() { lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 2, .seed = 4}); }
};

TEST(LRFinder, PerEpochPointsEqualFitWithALearningRateScheduler) {
  const auto data = lrtune::testing::separable_binary(70, 5, 1);
  const RangeSchedule schedule = short_power10(8);

  Sequential fitted = small_model(3);
  lrtune::Adam fit_adam;
  lrtune::LearningRateScheduler scheduler([&](int epoch, double) { return schedule.learning_rate(epoch); });
  const auto history =
      lrtune::fit(fitted, fit_adam, Loss::binary_crossentropy, data.X, data.y,
                  {.epochs = 8, .batch_size = 32, .seed = 9, .validation_split = 0.2, .callbacks = {&scheduler}});

  Sequential model = small_model(3);
  lrtune::Adam adam;
  LRFinderOptions options{.mode = CurveMode::per_epoch, .schedule = schedule, .seed = 9, .validation_split = 0.2};
  const auto curve = LRFinder(model, adam, Loss::binary_crossentropy, data.X, data.y, options).run();

  ASSERT_EQ(curve.size(), 8u);
  EXPECT_EQ(curve.stop_reason, lrtune::RangeTestStop::completed);
  EXPECT_EQ(curve.losses, history.values("loss"));  // bit-identical, not just close
  EXPECT_EQ(curve.smoothed_losses, curve.losses);   // per-epoch: no smoothing
  EXPECT_EQ(curve.metrics.at("accuracy"), history.values("accuracy"));
  EXPECT_EQ(curve.validation_losses, history.values("val_loss"));
  EXPECT_EQ(curve.metrics.at("val_accuracy"), history.values("val_accuracy"));
  EXPECT_EQ(curve.learning_rates, history.values("lr"));
}

TEST(LRFinder, PerStepCyclesThroughReshuffledEpochsAsFitDoes) {
  const auto data = lrtune::testing::separable_binary(70, 5, 1);  // 3 batches per epoch (32, 32, 6)
  const auto options = LRFinderOptions::fastai_per_step(10, 1e-5, 1e-1);
  const RangeSchedule schedule = options.effective_schedule();

  Sequential fitted = small_model(3);
  lrtune::Adam fit_adam;
  BatchRecorder recorder;
  lrtune::StepScheduler stepper([&](std::int64_t step) {
    return schedule.learning_rate(static_cast<std::size_t>(std::min<std::int64_t>(step, 9)));
  });
  lrtune::fit(fitted, fit_adam, Loss::binary_crossentropy, data.X, data.y,
              {.epochs = 4, .seed = 0, .callbacks = {&stepper, &recorder}});

  Sequential model = small_model(3);
  lrtune::Adam adam;
  const auto curve = LRFinder(model, adam, Loss::binary_crossentropy, data.X, data.y, options).run();
  ASSERT_EQ(curve.size(), 10u);  // 10 steps = 3 full epochs + 1 batch of the fourth
  EXPECT_EQ(curve.losses, std::vector<double>(recorder.losses.begin(), recorder.losses.begin() + 10));
  EXPECT_EQ(curve.smoothing_beta, 0.98);
  EXPECT_TRUE(curve.divergence.enabled);
}

void expect_restored(const Trained& t, const lrtune::TrainingSnapshot& before) {
  EXPECT_EQ(take_snapshot(t.model, t.adam), before);
  EXPECT_EQ(t.adam.learning_rate(), 0.0037);
  EXPECT_GT(t.adam.iterations(), 0);
}

TEST(LRFinder, RestoresModelAndOptimizerBitForBitAfterACompletedSweep) {
  Trained t;
  const auto before = take_snapshot(t.model, t.adam);
  for (auto options : {LRFinderOptions::fastai_per_step(20),
                       LRFinderOptions{.mode = CurveMode::per_epoch, .schedule = short_power10(4)}}) {
    const auto curve = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
    EXPECT_GT(curve.size(), 0u);
    expect_restored(t, before);
  }
  // Restored means the next training is the same as if no sweep had run.
  Sequential twin = small_model(3);
  lrtune::Adam twin_adam{{.learning_rate = 0.0037}};
  lrtune::fit(twin, twin_adam, Loss::binary_crossentropy, t.data.X, t.data.y, {.epochs = 2, .seed = 4});
  lrtune::fit(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, {.epochs = 1, .seed = 5});
  lrtune::fit(twin, twin_adam, Loss::binary_crossentropy, t.data.X, t.data.y, {.epochs = 1, .seed = 5});
  EXPECT_EQ(take_snapshot(t.model, t.adam), take_snapshot(twin, twin_adam));
}

TEST(LRFinder, RestoresAfterADivergedSweepAndStopsThere) {
  Trained t;
  const auto before = take_snapshot(t.model, t.adam);
  auto options = LRFinderOptions::fastai_per_step(100, 1.0, 1e8);  // absurd rates
  const auto curve = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
  EXPECT_TRUE(curve.stop_reason == lrtune::RangeTestStop::diverged ||
              curve.stop_reason == lrtune::RangeTestStop::non_finite_loss);
  EXPECT_LT(curve.size(), 100u);
  expect_restored(t, before);
}

TEST(LRFinder, PerEpochDivergesOnlyOnANonFiniteLossByDefault) {
  // Logistic regression under SGD at rates growing 10^4 per epoch: the loss rises far past 4x its
  // best (no stop: that rule is off per epoch) until the weights overflow and the loss is not finite.
  const auto data = lrtune::testing::separable_binary(70, 5, 1);
  Sequential model(5, {Dense(1, "sigmoid")}, 2);
  lrtune::Sgd sgd({.learning_rate = 0.01});
  const auto before = take_snapshot(model, sgd);
  LRFinderOptions options{
      .mode = CurveMode::per_epoch,
      .schedule = RangeSchedule{
          .kind = RangeScheduleKind::power10, .start = 1e-2, .num_points = 40, .points_per_decade = 0.25}};
  const auto curve = LRFinder(model, sgd, Loss::binary_crossentropy, data.X, data.y, options).run();
  EXPECT_FALSE(curve.divergence.enabled);
  EXPECT_EQ(curve.stop_reason, lrtune::RangeTestStop::non_finite_loss);
  EXPECT_FALSE(std::isfinite(curve.losses.back()));
  EXPECT_LT(curve.size(), 40u);
  const double best = *std::min_element(curve.losses.begin(), curve.losses.end() - 1);
  EXPECT_GT(*std::max_element(curve.losses.begin(), curve.losses.end() - 1), 4.0 * best);
  EXPECT_EQ(take_snapshot(model, sgd), before);
  EXPECT_EQ(sgd.iterations(), 0);
  EXPECT_EQ(sgd.learning_rate(), 0.01);
}

TEST(LRFinder, RestoresAfterACancelledSweep) {
  Trained t;
  const auto before = take_snapshot(t.model, t.adam);
  std::atomic<bool> cancel{false};
  auto options = LRFinderOptions::fastai_per_step(50);
  options.cancel = &cancel;
  AtPoint raise(6, [&] { cancel = true; });
  options.callbacks = {&raise};
  const auto curve = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
  EXPECT_EQ(curve.stop_reason, lrtune::RangeTestStop::cancelled);
  EXPECT_EQ(curve.size(), 7u);
  expect_restored(t, before);
}

TEST(LRFinder, RestoresWhenTheSweepThrows) {
  Trained t;
  const auto before = take_snapshot(t.model, t.adam);
  auto options = LRFinderOptions::fastai_per_step(50);
  AtPoint fail(3, [] { throw std::runtime_error("display failed"); });
  options.callbacks = {&fail};
  LRFinder finder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options);
  EXPECT_THROW(finder.run(), std::runtime_error);
  expect_restored(t, before);
}

TEST(LRFinder, SameSeedSameCurveOtherSeedOtherCurve) {
  Trained t;
  auto options = LRFinderOptions::fastai_per_step(30);
  options.seed = 11;
  LRFinder finder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options);
  const auto a = finder.run();
  const auto b = finder.run();  // restored in between, so it starts from the same state
  EXPECT_EQ(a.losses, b.losses);
  EXPECT_EQ(a.suggestions, b.suggestions);
  options.seed = 12;
  const auto c = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
  EXPECT_NE(a.losses, c.losses);
}

TEST(LRFinder, ValidationLossIsRecordedAtEveryPoint) {
  Trained t;
  auto options = LRFinderOptions::fastai_per_step(15, 1e-4, 1e-1);
  options.validation_split = 0.2;
  const auto curve = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
  ASSERT_EQ(curve.validation_losses.size(), curve.size());
  ASSERT_EQ(curve.metrics.at("val_accuracy").size(), curve.size());
  for (double v : curve.validation_losses) EXPECT_TRUE(std::isfinite(v) && v > 0.0);
  EXPECT_NE(curve.validation_losses.front(), curve.validation_losses.back());  // it is re-measured
  // Explicit validation data takes the same path.
  const auto held_out = lrtune::testing::separable_binary(20, 5, 8);
  options.validation_split = 0.0;
  options.x_val = &held_out.X;
  options.y_val = &held_out.y;
  const auto explicit_curve = LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, options).run();
  EXPECT_EQ(explicit_curve.validation_losses.size(), explicit_curve.size());
}

TEST(LRFinder, RepeatsAreIdenticalForAnyWorkerCountAndLeaveThePrototypeAlone) {
  const auto data = lrtune::testing::separable_binary(70, 5, 1);
  const Sequential prototype = small_model(0);
  const lrtune::Adam adam;
  const auto before = take_snapshot(prototype, adam);
  const auto options = LRFinderOptions::fastai_per_step(25);
  const auto one = lrtune::run_repeated_lr_finder(prototype, adam, Loss::binary_crossentropy, data.X, data.y, options,
                                                  {.runs = 3, .first_seed = 5, .workers = 1});
  const auto three = lrtune::run_repeated_lr_finder(prototype, adam, Loss::binary_crossentropy, data.X, data.y, options,
                                                    {.runs = 3, .first_seed = 5, .workers = 3});
  ASSERT_EQ(one.runs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(one.runs[i].losses, three.runs[i].losses) << i;
    EXPECT_EQ(one.runs[i].suggestions, three.runs[i].suggestions) << i;
  }
  EXPECT_EQ(one.spreads, three.spreads);
  EXPECT_EQ(one.seeds, (std::vector<std::uint64_t>{5, 6, 7}));
  EXPECT_NE(one.runs[0].losses, one.runs[1].losses);  // other seed: other weights and batch order
  EXPECT_EQ(take_snapshot(prototype, adam), before);

  // Run i is a single LRFinder on a model initialised with seed i and batches ordered by it.
  Sequential model = small_model(0);
  model.initialize(6);
  lrtune::Adam fresh;
  auto single = options;
  single.seed = 6;
  EXPECT_EQ(LRFinder(model, fresh, Loss::binary_crossentropy, data.X, data.y, single).run().losses, one.runs[1].losses);
}

TEST(LRFinder, RejectsBadOptionsWithActionableMessages) {
  Trained t;
  LRFinderOptions bad_batch;
  bad_batch.batch_size = 0;
  EXPECT_THROW(LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, bad_batch), lrtune::UsageError);
  LRFinderOptions half_validation;
  half_validation.x_val = &t.data.X;
  EXPECT_THROW(LRFinder(t.model, t.adam, Loss::binary_crossentropy, t.data.X, t.data.y, half_validation),
               lrtune::UsageError);
  const lrtune::Matrix wrong(70, 3);
  EXPECT_THROW(LRFinder(t.model, t.adam, Loss::binary_crossentropy, wrong, t.data.y), lrtune::UsageError);
}

}  // namespace
