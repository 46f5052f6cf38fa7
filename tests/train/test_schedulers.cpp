// LearningRateScheduler (Keras: at each epoch start, lr = schedule(epoch, current lr)) and
// StepScheduler (before each step, lr = f(step) and momentum = g(step), steps from 0 in each fit):
// the rates and momenta the optimizer actually had, and the refusal of a rate that cannot work.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/schedulers.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::Loss;
using lrtune::Sequential;

Sequential small_model(std::uint64_t seed) {
  return Sequential(5, {lrtune::Dense(8, "relu"), lrtune::Dense(1, "sigmoid")}, seed);
}

// The optimizer's rate and momentum at each step, seen after the schedulers ran.
struct StepRecorder final : lrtune::Callback {
  std::vector<std::int64_t> steps;
  std::vector<double> rates, momenta;
  void on_batch_begin(std::int64_t step, lrtune::TrainingContext& context) override {
    steps.push_back(step);
    rates.push_back(context.optimizer.learning_rate());
    momenta.push_back(context.optimizer.momentum());
  }
};

TEST(LearningRateScheduler, SetsTheRateAtEachEpochStart) {
  const auto data = lrtune::testing::separable_binary(64, 5, 5);
  Sequential model = small_model(2);
  lrtune::Adam adam;
  lrtune::LearningRateScheduler scheduler([](int epoch, double) { return 1e-3 * std::pow(10.0, epoch / 30.0); });
  const auto history =
      lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 3, .callbacks = {&scheduler}});
  const auto lrs = history.values("lr");
  for (int e = 0; e < 3; ++e) EXPECT_DOUBLE_EQ(lrs[e], 1e-3 * std::pow(10.0, e / 30.0));
}

TEST(LearningRateScheduler, ReceivesTheCurrentRate) {
  // Halving from Adam's 0.001, also at epoch 0 (Keras calls the schedule before the first epoch).
  const auto data = lrtune::testing::separable_binary(32, 5, 6);
  Sequential model = small_model(2);
  lrtune::Adam adam;
  std::vector<std::pair<int, double>> calls;
  lrtune::LearningRateScheduler halve([&](int epoch, double lr) {
    calls.emplace_back(epoch, lr);
    return lr / 2;
  });
  const auto history =
      lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 3, .callbacks = {&halve}});
  EXPECT_EQ(calls, (std::vector<std::pair<int, double>>{{0, 0.001}, {1, 0.0005}, {2, 0.00025}}));
  EXPECT_EQ(history.values("lr"), (std::vector<double>{0.0005, 0.00025, 0.000125}));
}

TEST(StepScheduler, SetsRateAndMomentumBeforeEveryStep) {
  // 40 rows in batches of 16: 3 steps per epoch, 6 in two epochs.
  const auto data = lrtune::testing::separable_binary(40, 5, 7);
  Sequential model = small_model(3);
  lrtune::Sgd sgd(lrtune::SgdOptions{.momentum = 0.9});
  lrtune::StepScheduler scheduler([](std::int64_t step) { return 0.01 * static_cast<double>(step + 1); },
                                  [](std::int64_t step) { return 0.95 - 0.05 * static_cast<double>(step); });
  StepRecorder recorder;
  for (int fit_number = 0; fit_number < 2; ++fit_number) {  // steps count from 0 again in a second fit
    recorder = {};
    lrtune::fit(model, sgd, Loss::binary_crossentropy, data.X, data.y,
                {.epochs = 2, .batch_size = 16, .callbacks = {&scheduler, &recorder}});
    EXPECT_EQ(recorder.steps, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
    for (std::size_t s = 0; s < 6; ++s) {
      EXPECT_DOUBLE_EQ(recorder.rates[s], 0.01 * static_cast<double>(s + 1)) << s;
      EXPECT_DOUBLE_EQ(recorder.momenta[s], 0.95 - 0.05 * static_cast<double>(s)) << s;
    }
  }
}

TEST(StepScheduler, WithoutAMomentumScheduleLeavesTheMomentumAlone) {
  const auto data = lrtune::testing::separable_binary(32, 5, 8);
  Sequential model = small_model(3);
  lrtune::Sgd sgd(lrtune::SgdOptions{.momentum = 0.5});
  lrtune::StepScheduler scheduler([](std::int64_t) { return 0.02; });
  StepRecorder recorder;
  lrtune::fit(model, sgd, Loss::binary_crossentropy, data.X, data.y, {.callbacks = {&scheduler, &recorder}});
  EXPECT_EQ(recorder.momenta, std::vector<double>(recorder.steps.size(), 0.5));
  EXPECT_EQ(recorder.rates, std::vector<double>(recorder.steps.size(), 0.02));
}

TEST(Schedulers, RefuseARateThatCannotWork) {
  const auto data = lrtune::testing::separable_binary(16, 5, 9);
  for (const double bad : {0.0, -1e-3, std::nan(""), HUGE_VAL}) {
    SCOPED_TRACE(bad);
    Sequential model = small_model(1);
    lrtune::Adam adam;
    lrtune::LearningRateScheduler epoch_level([bad](int, double) { return bad; });
    try {
      lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.callbacks = {&epoch_level}});
      ADD_FAILURE() << "must throw";
    } catch (const lrtune::UsageError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("LearningRateScheduler returned learning rate ", 0), 0u)
          << error.what();
      EXPECT_NE(std::string(error.what()).find("; it must be finite and > 0"), std::string::npos) << error.what();
    }
    lrtune::StepScheduler step_level([bad](std::int64_t) { return bad; });
    EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.callbacks = {&step_level}}),
                 lrtune::UsageError);
  }
}

}  // namespace
