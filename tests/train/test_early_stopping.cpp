// EarlyStopping against hand-computed epochs: patience, min_delta, mode, baseline, warm-up, NaN,
// the best and stopped epochs it reports (0-based fields, 1-based in its message), restoring the
// best weights (also when training completes), and the same rule inside fit.
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "callback_harness.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/early_stopping.hpp"
#include "lrtune/train/fit.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::EarlyStopping;
using lrtune::EarlyStoppingOptions;
using lrtune::MonitorMode;
using lrtune::StopReason;
using lrtune::testing::CallbackHarness;
using lrtune::testing::logs_of;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(EarlyStopping, StopsWhenPatienceRunsOutAndReportsTheEpochs) {
  // val_loss 1.0, 0.8 (best, epoch 1), 0.85 (wait 1), 0.9 (wait 2 = patience: stop at epoch 3).
  CallbackHarness h;
  EarlyStopping stopping({.patience = 2});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.8, 0.85, 0.9, 0.7})), 4);
  EXPECT_EQ(stopping.best_epoch(), 1);
  EXPECT_EQ(stopping.best_value(), 0.8);
  EXPECT_EQ(stopping.stopped_epoch(), 3);
  EXPECT_EQ(h.history.stop_reason, StopReason::early_stopping);
  EXPECT_EQ(h.history.stop_message,
            "early stopping at epoch 4: val_loss did not improve on 0.8 (epoch 2) for 2 epochs");
  EXPECT_EQ(h.history.best_epoch, -1);  // nothing restored
  EXPECT_EQ(h.weight(), CallbackHarness::marker(3));
}

TEST(EarlyStopping, PatienceZeroStopsAtTheFirstEpochWithoutImprovement) {
  CallbackHarness h;
  EarlyStopping stopping;                                                     // Keras' defaults: val_loss, patience 0
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.5, 0.5, 0.1})), 3);  // an equal value is no improvement
  EXPECT_EQ(stopping.best_epoch(), 1);
  EXPECT_EQ(stopping.stopped_epoch(), 2);
}

TEST(EarlyStopping, RunsEveryEpochWhileItImproves) {
  CallbackHarness h;
  EarlyStopping stopping({.patience = 1});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.9, 0.8, 0.7})), 4);
  EXPECT_EQ(stopping.stopped_epoch(), -1);
  EXPECT_EQ(stopping.best_epoch(), 3);
  EXPECT_EQ(h.history.stop_reason, StopReason::completed);
}

TEST(EarlyStopping, AnImprovementMustBeatTheBestByMoreThanMinDelta) {
  // min_delta 0.25: 0.75 only ties 1.0 - 0.25 (wait 1); 0.5 beats it (best, epoch 2); 0.375 and
  // 0.25 do not beat 0.5 - 0.25 (wait 1, 2 = patience): stop at epoch 4.
  CallbackHarness h;
  EarlyStopping stopping({.min_delta = 0.25, .patience = 2});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.75, 0.5, 0.375, 0.25, 0.0})), 5);
  EXPECT_EQ(stopping.best_epoch(), 2);
  EXPECT_EQ(stopping.best_value(), 0.5);
  EXPECT_EQ(stopping.stopped_epoch(), 4);

  CallbackHarness without;  // the same values without min_delta improve every epoch
  EarlyStopping plain({.patience = 2});
  EXPECT_EQ(without.play(plain, logs_of("val_loss", {1.0, 0.75, 0.5, 0.375, 0.25, 0.0})), 6);
  EXPECT_EQ(plain.stopped_epoch(), -1);
}

TEST(EarlyStopping, MaximisesAccuracyByNameAndFollowsAnExplicitMode) {
  CallbackHarness h;
  EarlyStopping by_name({.monitor = "val_accuracy", .patience = 1});
  EXPECT_EQ(h.play(by_name, logs_of("val_accuracy", {0.5, 0.625, 0.625, 0.75})), 3);
  EXPECT_EQ(by_name.best_epoch(), 1);
  EXPECT_EQ(by_name.best_value(), 0.625);
  EXPECT_EQ(by_name.stopped_epoch(), 2);

  CallbackHarness h2;  // mode min on the same name: 0.5 is the best, 0.625 never improves
  EarlyStopping minimised({.monitor = "val_accuracy", .patience = 1, .mode = MonitorMode::min});
  EXPECT_EQ(h2.play(minimised, logs_of("val_accuracy", {0.5, 0.625, 0.625, 0.75})), 2);
  EXPECT_EQ(minimised.best_epoch(), 0);

  for (const char* name : {"accuracy", "val_acc", "val_auc", "precision", "recall", "val_f1"})
    EXPECT_TRUE(lrtune::monitor_maximises(name, MonitorMode::automatic)) << name;
  for (const char* name : {"loss", "val_loss", "lr"})
    EXPECT_FALSE(lrtune::monitor_maximises(name, MonitorMode::automatic)) << name;
  EXPECT_TRUE(lrtune::monitor_maximises("val_loss", MonitorMode::max));
  EXPECT_FALSE(lrtune::monitor_maximises("accuracy", MonitorMode::min));
}

TEST(EarlyStopping, ABaselineNotBeatenKeepsTheWaitGoing) {
  // Keras' rule: improving on the best but not on the baseline does not reset the wait, and the
  // wait is only judged on an epoch without improvement: 0.9, 0.8 (wait 1, 2), 0.85 (wait 3): stop.
  CallbackHarness h;
  EarlyStopping stopping({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {0.9, 0.8, 0.85, 0.1})), 3);
  EXPECT_EQ(stopping.stopped_epoch(), 2);
  EXPECT_EQ(stopping.best_epoch(), 1);

  CallbackHarness h2;  // without the baseline the same values wait only 1 epoch at epoch 2
  EarlyStopping plain({.patience = 2});
  EXPECT_EQ(h2.play(plain, logs_of("val_loss", {0.9, 0.8, 0.85, 0.1})), 4);

  CallbackHarness h3;  // a baseline beaten resets the wait as usual
  EarlyStopping beaten({.patience = 2, .baseline = 0.95});
  EXPECT_EQ(h3.play(beaten, logs_of("val_loss", {0.9, 0.8, 0.85, 0.1})), 4);
}

TEST(EarlyStopping, StartFromEpochIgnoresTheWarmUp) {
  // patience 0: epochs 0 and 1 are warm-up (their 5.0 and 6.0 are not tracked); 1.0 at epoch 2 is
  // the first best, 1.5 at epoch 3 stops.
  CallbackHarness h;
  EarlyStopping stopping({.patience = 0, .start_from_epoch = 2});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {5.0, 6.0, 1.0, 1.5, 0.5})), 4);
  EXPECT_EQ(stopping.best_epoch(), 2);
  EXPECT_EQ(stopping.stopped_epoch(), 3);
}

TEST(EarlyStopping, NaNNeverImproves) {
  // 1.0 stays the best; the two NaN epochs wait 1 and 2 (= patience): stop at epoch 2.
  CallbackHarness h;
  EarlyStopping stopping({.patience = 2});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, kNaN, kNaN, 0.5})), 3);
  EXPECT_EQ(stopping.best_epoch(), 0);
  EXPECT_EQ(stopping.best_value(), 1.0);
  EXPECT_EQ(stopping.stopped_epoch(), 2);
}

TEST(EarlyStopping, RestoresTheBestWeightsWhenItStops) {
  CallbackHarness h;
  EarlyStopping stopping({.patience = 2, .restore_best_weights = true});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.8, 0.85, 0.9, 0.7})), 4);
  EXPECT_EQ(h.weight(), CallbackHarness::marker(1));
  EXPECT_EQ(h.history.best_epoch, 1);
}

TEST(EarlyStopping, RestoresTheBestWeightsAlsoWhenTrainingCompletes) {
  // Unlike Keras 2 (early_stopping.hpp): the returned model is the best one seen.
  CallbackHarness h;
  EarlyStopping stopping({.patience = 5, .restore_best_weights = true});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {1.0, 0.5, 0.75, 0.875})), 4);
  EXPECT_EQ(stopping.stopped_epoch(), -1);
  EXPECT_EQ(h.weight(), CallbackHarness::marker(1));
  EXPECT_EQ(h.history.best_epoch, 1);
  EXPECT_EQ(h.history.stop_reason, StopReason::completed);
}

TEST(EarlyStopping, IsResetAtEachTrainingStart) {
  CallbackHarness h;
  EarlyStopping stopping({.patience = 0});
  EXPECT_EQ(h.play(stopping, logs_of("val_loss", {0.1, 0.2})), 2);
  CallbackHarness again;  // the old best 0.1 must not make 0.5 look worse
  EXPECT_EQ(again.play(stopping, logs_of("val_loss", {0.5, 0.4, 0.3})), 3);
  EXPECT_EQ(stopping.stopped_epoch(), -1);
  EXPECT_EQ(stopping.best_epoch(), 2);
}

TEST(EarlyStopping, RejectsBadOptionsAndAMissingMonitor) {
  EXPECT_THROW(EarlyStopping({.patience = -1}), lrtune::UsageError);
  EXPECT_THROW(EarlyStopping({.min_delta = -0.1}), lrtune::UsageError);
  EXPECT_THROW(EarlyStopping({.min_delta = kNaN}), lrtune::UsageError);
  EXPECT_THROW(EarlyStopping({.start_from_epoch = -1}), lrtune::UsageError);
  CallbackHarness h;
  EarlyStopping stopping;
  try {
    h.play(stopping, logs_of("loss", {1.0}));
    FAIL() << "a missing monitor must throw";
  } catch (const lrtune::UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("monitors 'val_loss', which the logs do not have (they have: loss)"),
              std::string::npos)
        << error.what();
  }
}

TEST(EarlyStopping, InsideFitEndsTrainingAfterTheStoppingEpoch) {
  // min_delta 10 on the training loss: epoch 0 is the best and nothing beats it by 10, so
  // patience 1 stops at epoch 1; fit records exactly epochs 0 and 1 and says why.
  const auto data = lrtune::testing::separable_binary(64, 3, 1);
  lrtune::Sequential model(3, {lrtune::Dense(4, "relu"), lrtune::Dense(1, "sigmoid")}, 1);
  lrtune::Adam adam;
  EarlyStopping stopping({.monitor = "loss", .min_delta = 10.0, .patience = 1, .restore_best_weights = true});
  const auto history = lrtune::fit(model, adam, lrtune::Loss::binary_crossentropy, data.X, data.y,
                                   {.epochs = 20, .callbacks = {&stopping}});
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history.stop_reason, StopReason::early_stopping);
  EXPECT_EQ(stopping.stopped_epoch(), 1);
  EXPECT_EQ(history.best_epoch, 0);
  EXPECT_EQ(history.stop_message,
            fmt::format("early stopping at epoch 2: loss did not improve on {:.6g} (epoch 1) for 1 epochs",
                        history.values("loss")[0]));
}

}  // namespace
