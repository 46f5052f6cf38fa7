// ModelCheckpoint (in memory) against hand-computed epochs: it keeps the weights of the best
// monitored value (strictly better, NaN never), or the last epoch's with save_best_only = false,
// says which epoch and value they are, and starts afresh at each training. Putting a checkpoint
// on disk is io's job (write_model; atomic writes are tested in tests/io/test_atomic_file.cpp).
#include <limits>

#include <gtest/gtest.h>

#include "callback_harness.hpp"
#include "lrtune/train/model_checkpoint.hpp"

namespace {

using lrtune::ModelCheckpoint;
using lrtune::MonitorMode;
using lrtune::testing::CallbackHarness;
using lrtune::testing::logs_of;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

float saved_marker(const ModelCheckpoint& checkpoint) { return checkpoint.state().parameters(0); }

TEST(ModelCheckpoint, KeepsTheWeightsOfTheBestEpoch) {
  CallbackHarness h;
  ModelCheckpoint checkpoint;  // val_loss, minimised, best only
  EXPECT_FALSE(checkpoint.has_checkpoint());
  EXPECT_EQ(h.play(checkpoint, logs_of("val_loss", {0.5, 0.4, 0.45, 0.3, 0.35})), 5);  // never stops training
  ASSERT_TRUE(checkpoint.has_checkpoint());
  EXPECT_EQ(checkpoint.epoch(), 3);
  EXPECT_EQ(checkpoint.value(), 0.3);
  EXPECT_EQ(saved_marker(checkpoint), CallbackHarness::marker(3));
  EXPECT_EQ(h.weight(), CallbackHarness::marker(4));  // the model itself is left as trained
  EXPECT_EQ(h.history.best_epoch, -1);
}

TEST(ModelCheckpoint, ATieOrANaNDoesNotReplaceTheBest) {
  CallbackHarness h;
  ModelCheckpoint checkpoint;
  h.play(checkpoint, logs_of("val_loss", {kNaN, 0.5, 0.5, kNaN}));
  EXPECT_EQ(checkpoint.epoch(), 1);
  EXPECT_EQ(saved_marker(checkpoint), CallbackHarness::marker(1));

  CallbackHarness only_nan;
  ModelCheckpoint none;
  only_nan.play(none, logs_of("val_loss", {kNaN, kNaN}));
  EXPECT_FALSE(none.has_checkpoint());
  EXPECT_EQ(none.epoch(), -1);
  EXPECT_THROW((void)none.state(), std::logic_error);
}

TEST(ModelCheckpoint, MaximisesAccuracyAndFollowsAnExplicitMode) {
  CallbackHarness h;
  ModelCheckpoint by_name({.monitor = "val_accuracy"});
  h.play(by_name, logs_of("val_accuracy", {0.5, 0.75, 0.625}));
  EXPECT_EQ(by_name.epoch(), 1);
  EXPECT_EQ(by_name.value(), 0.75);

  CallbackHarness h2;
  ModelCheckpoint maximised({.monitor = "val_loss", .mode = MonitorMode::max});
  h2.play(maximised, logs_of("val_loss", {0.5, 0.75, 0.625}));
  EXPECT_EQ(maximised.epoch(), 1);
  EXPECT_EQ(saved_marker(maximised), CallbackHarness::marker(1));
}

TEST(ModelCheckpoint, WithoutSaveBestOnlyKeepsTheLastEpoch) {
  CallbackHarness h;
  ModelCheckpoint checkpoint({.save_best_only = false});
  h.play(checkpoint, logs_of("val_loss", {0.3, 0.4, kNaN}));
  EXPECT_EQ(checkpoint.epoch(), 2);
  EXPECT_EQ(saved_marker(checkpoint), CallbackHarness::marker(2));
}

TEST(ModelCheckpoint, StartsAfreshAtEachTraining) {
  CallbackHarness h;
  ModelCheckpoint checkpoint;
  h.play(checkpoint, logs_of("val_loss", {0.1}));
  CallbackHarness again;  // 0.5 is worse than the earlier run's 0.1 but is this run's best
  again.play(checkpoint, logs_of("val_loss", {0.5, 0.6}));
  EXPECT_EQ(checkpoint.epoch(), 0);
  EXPECT_EQ(checkpoint.value(), 0.5);
}

TEST(ModelCheckpoint, AMissingMonitorThrowsNamingIt) {
  CallbackHarness h;
  ModelCheckpoint checkpoint;
  try {
    h.play(checkpoint, logs_of("loss", {1.0}));
    FAIL() << "a missing monitor must throw";
  } catch (const lrtune::UsageError& error) {
    EXPECT_EQ(std::string(error.what()), "ModelCheckpoint monitors 'val_loss', which the logs do not have");
  }
}

}  // namespace
