// TerminateOnNaN: the first non-finite batch loss stops training and the message says where
// (epoch and step, 1-based, "nan" never "-nan"); finite losses do nothing. In fit (with its own
// check off) the partial epoch is logged and that batch's update is applied, as in Keras.
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "callback_harness.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/terminate_on_nan.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::StopReason;
using lrtune::TerminateOnNaN;
using lrtune::testing::CallbackHarness;

lrtune::Logs batch_loss(double loss) {
  lrtune::Logs logs;
  logs.set("loss", loss);
  logs.set("size", 16);
  return logs;
}

TEST(TerminateOnNaN, FiniteLossesDoNothing) {
  CallbackHarness h;
  TerminateOnNaN terminate;
  for (const double loss : {0.5, 0.0, 1e300, -1.0}) terminate.on_batch_end(0, batch_loss(loss), h.context);
  EXPECT_FALSE(h.context.stop_training);
  EXPECT_TRUE(h.context.stop_message.empty());
}

TEST(TerminateOnNaN, ANonFiniteLossStopsAndSaysWhere) {
  struct Case {
    double loss;
    const char* spelled;
  };
  for (const Case c :
       {Case{std::numeric_limits<double>::quiet_NaN(), "nan"}, Case{-std::numeric_limits<double>::quiet_NaN(), "nan"},
        Case{std::numeric_limits<double>::infinity(), "inf"}, Case{-std::numeric_limits<double>::infinity(), "-inf"}}) {
    SCOPED_TRACE(c.spelled);
    CallbackHarness h;
    h.context.epoch = 2;  // the third epoch
    TerminateOnNaN terminate;
    terminate.on_batch_end(9, batch_loss(c.loss), h.context);  // the tenth step of the fit
    EXPECT_TRUE(h.context.stop_training);
    EXPECT_EQ(h.context.stop_reason, StopReason::non_finite_loss);
    EXPECT_EQ(h.context.stop_message,
              fmt::format("epoch 3, step 10: invalid loss {}, terminating training", c.spelled));
  }
}

// Poisons the first weight just before the given step, so that batch's loss is not finite.
struct PoisonAtStep final : lrtune::Callback {
  std::int64_t step = 0;
  void on_batch_begin(std::int64_t s, lrtune::TrainingContext& context) override {
    if (s == step) context.model.parameters()[0] = std::numeric_limits<float>::infinity();
  }
};

TEST(TerminateOnNaN, InFitStopsAtTheFirstNonFiniteBatch) {
  // 64 rows in batches of 16: 4 steps per epoch. Step 6 (0-based) is the third batch of epoch 1.
  const auto data = lrtune::testing::separable_binary(64, 3, 2);
  lrtune::Sequential model(3, {lrtune::Dense(4, "relu"), lrtune::Dense(1, "sigmoid")}, 1);
  lrtune::Sgd sgd;
  PoisonAtStep poison;
  poison.step = 6;
  TerminateOnNaN terminate;
  const auto history =
      lrtune::fit(model, sgd, lrtune::Loss::binary_crossentropy, data.X, data.y,
                  {.epochs = 10, .batch_size = 16, .callbacks = {&poison, &terminate}, .terminate_on_nan = false});
  EXPECT_EQ(history.stop_reason, StopReason::non_finite_loss);
  EXPECT_EQ(history.stop_message, "epoch 2, step 7: invalid loss nan, terminating training");
  ASSERT_EQ(history.size(), 2u);  // epoch 0 and the partial epoch 1, logged as Keras does
  EXPECT_TRUE(std::isfinite(history.values("loss")[0]));
  EXPECT_FALSE(std::isfinite(history.values("loss")[1]));
  EXPECT_EQ(sgd.iterations(), 7);  // the non-finite batch's update was applied (fit's own check skips it)
}

}  // namespace
