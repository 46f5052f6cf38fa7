// ProgressLogger and format_epoch_line: the exact Keras-like lines (1-based epoch, steps, each log
// in order with 4 decimals, lr with 4 significant digits), the wall time inserted after the steps
// when asked for, and the stop message at the end.
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "callback_harness.hpp"
#include "lrtune/train/progress_logger.hpp"

namespace {

using lrtune::Logs;
using lrtune::ProgressLogger;
using lrtune::testing::CallbackHarness;

Logs epoch_logs(double loss, double accuracy, double lr) {
  Logs logs;
  logs.set("loss", loss);
  logs.set("accuracy", accuracy);
  logs.set("lr", lr);
  return logs;
}

TEST(ProgressLogger, FormatsOneEpochLine) {
  EXPECT_EQ(lrtune::format_epoch_line(2, 100, 162, epoch_logs(0.47934, 0.77, 0.00123456)),
            "Epoch 3/100 - 162/162 - loss: 0.4793 - accuracy: 0.7700 - lr: 0.001235");
  Logs validation;
  validation.set("val_loss", 1.0 / 3.0);
  validation.set("lr", 0.1);
  EXPECT_EQ(lrtune::format_epoch_line(0, 1, 1, validation), "Epoch 1/1 - 1/1 - val_loss: 0.3333 - lr: 0.1");
  EXPECT_EQ(lrtune::format_epoch_line(0, 5, 3, Logs{}), "Epoch 1/5 - 3/3");
}

TEST(ProgressLogger, WritesOneLinePerEpochAndTheStopMessage) {
  std::ostringstream out;
  ProgressLogger logger(out, /*show_time=*/false);
  CallbackHarness h;  // 4 steps per epoch
  h.play(logger, {epoch_logs(0.5, 0.25, 0.001), epoch_logs(0.125, 0.875, 0.0005)});
  EXPECT_EQ(out.str(),
            "Epoch 1/2 - 4/4 - loss: 0.5000 - accuracy: 0.2500 - lr: 0.001\n"
            "Epoch 2/2 - 4/4 - loss: 0.1250 - accuracy: 0.8750 - lr: 0.0005\n");

  // A callback that stops training: its message is the last line.
  struct StopAtOnce final : lrtune::Callback {
    void on_epoch_end(int, const Logs&, lrtune::TrainingContext& context) override {
      context.stop_training = true;
      context.stop_message = "stopped here";
    }
  } stop;
  std::ostringstream stopped;
  ProgressLogger second(stopped, false);
  CallbackHarness h2;
  h2.play({&second, &stop}, {epoch_logs(0.5, 0.25, 0.001), epoch_logs(0.5, 0.25, 0.001)});
  EXPECT_EQ(stopped.str(), "Epoch 1/2 - 4/4 - loss: 0.5000 - accuracy: 0.2500 - lr: 0.001\nstopped here\n");
}

TEST(ProgressLogger, PutsTheWallTimeAfterTheSteps) {
  std::ostringstream out;
  ProgressLogger logger(out);
  CallbackHarness h;
  h.play(logger, {epoch_logs(0.5, 0.25, 0.001), Logs{}});
  const std::regex expected(R"(Epoch 1/2 - 4/4 - \d+\.\d\ds - loss: 0\.5000 - accuracy: 0\.2500 - lr: 0\.001
Epoch 2/2 - 4/4 - \d+\.\d\ds
)");
  EXPECT_TRUE(std::regex_match(out.str(), expected)) << out.str();
}

}  // namespace
