// One training's schedule, momentum and validation part (ComparisonOptions, OptimizerOptions):
// the rates the optimizer is given at every step under one-cycle and cosine, SGD's momentum
// changing the result reproducibly, val_ columns without early stopping, and data without test rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lrtune/experiment/experiment.hpp"
#include "lrtune/experiment/training.hpp"
#include "lrtune/experiment/training_schedule.hpp"

namespace {

// 200 rows: label "yes" when x1 + x2 > 0 (with some noise).
std::string small_csv() {
  std::mt19937 random(11);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,label\n";
  for (int i = 0; i < 200; ++i) {
    const double x1 = normal(random), x2 = normal(random);
    csv += fmt::format("{:.4f},{:.4f},{}\n", x1, x2, x1 + x2 + 0.3 * normal(random) > 0 ? "yes" : "no");
  }
  return csv;
}

lrtune::ExperimentOptions options(lrtune::TrainingSchedule schedule) {
  lrtune::ExperimentOptions o;
  o.data = {.path = "small.csv", .csv_text = small_csv(), .target = "label", .positive = "yes"};
  o.model.layers = {8};
  o.comparison.epochs = 6;
  o.comparison.batch_size = 16;  // 160 train rows, 128 after the validation part: 8 steps per epoch
  o.comparison.early_stopping = false;
  o.comparison.schedule = schedule;
  return o;
}

// The rate the optimizer held at every step, as fit's callbacks see it after the step.
class RateRecorder : public lrtune::ExperimentCallback {
 public:
  void on_batch_end(const lrtune::TrainingSpec&, std::int64_t, const lrtune::Logs&,
                    lrtune::TrainingContext& context) override {
    rates.push_back(context.optimizer.learning_rate());
    momenta.push_back(context.optimizer.momentum());
  }
  std::vector<double> rates, momenta;
};

struct Trained {
  lrtune::Training training;
  std::vector<double> rates, momenta;
};

Trained train(const lrtune::ExperimentOptions& o, double rate) {
  const lrtune::ExperimentData data = lrtune::load_data(o.data);
  RateRecorder recorder;
  lrtune::ExperimentOptions with = o;
  with.callbacks = {&recorder};
  Trained t{lrtune::train_and_evaluate(data, with, rate, 42), {}, {}};
  t.rates = recorder.rates;
  t.momenta = recorder.momenta;
  return t;
}

}  // namespace

TEST(TrainingSchedule, OneCycleRisesToTheRateThenFallsOverEveryEpochAsked) {
  const double rate = 0.01;
  const Trained t = train(options(lrtune::TrainingSchedule::one_cycle), rate);
  ASSERT_EQ(t.training.epochs_run, 6);  // no early stop
  EXPECT_EQ(t.training.history.stop_reason, lrtune::StopReason::completed);
  const std::size_t steps = t.rates.size();
  ASSERT_EQ(steps, 6u * 10u);  // 160 rows / 16
  const auto peak = std::max_element(t.rates.begin(), t.rates.end());
  const auto at = static_cast<std::size_t>(peak - t.rates.begin());
  EXPECT_NEAR(t.rates.front(), rate / 25.0, 1e-12);  // fastai's div = 25
  EXPECT_GT(*peak, 0.95 * rate);
  EXPECT_LE(*peak, rate * (1.0 + 1e-12));
  EXPECT_NEAR(static_cast<double>(at), 0.25 * static_cast<double>(steps), 1.5);  // fastai's pct_start = 0.25
  for (std::size_t i = 1; i <= at; ++i) EXPECT_GT(t.rates[i], t.rates[i - 1]) << "step " << i;
  for (std::size_t i = at + 1; i < steps; ++i) EXPECT_LT(t.rates[i], t.rates[i - 1]) << "step " << i;
  EXPECT_LT(t.rates.back(), rate * 1e-4);  // down to rate / (25 * 1e5) at the end
  // Adam's beta_1 cycled inversely, 0.95 -> 0.85 -> 0.95 (fastai's moms).
  EXPECT_NEAR(t.momenta.front(), 0.95, 1e-9);
  EXPECT_NEAR(*std::min_element(t.momenta.begin(), t.momenta.end()), 0.85, 0.01);
  // The history's lr column: the rate of each epoch's last step.
  const std::vector<double> lr = t.training.history.values("lr");
  ASSERT_EQ(lr.size(), 6u);
  for (std::size_t e = 0; e < lr.size(); ++e) EXPECT_DOUBLE_EQ(lr[e], t.rates[(e + 1) * 10 - 1]) << "epoch " << e;
}

TEST(TrainingSchedule, CosineAnnealsFromTheRateTowardsZeroEveryStep) {
  const double rate = 0.01;
  const Trained t = train(options(lrtune::TrainingSchedule::cosine), rate);
  ASSERT_EQ(t.rates.size(), 60u);
  EXPECT_DOUBLE_EQ(t.rates.front(), rate);
  for (std::size_t i = 1; i < t.rates.size(); ++i) EXPECT_LT(t.rates[i], t.rates[i - 1]) << "step " << i;
  // CosineAnnealingLR(T_max = 60): the last step's rate is rate (1 + cos(pi 59 / 60)) / 2.
  EXPECT_NEAR(t.rates.back(), rate * (1.0 + std::cos(M_PI * 59.0 / 60.0)) / 2.0, 1e-12);
  EXPECT_GT(t.rates.back(), 0.0);
}

TEST(TrainingSchedule, ConstantKeepsTheRate) {
  const Trained t = train(options(lrtune::TrainingSchedule::constant), 0.003);
  for (double r : t.rates) EXPECT_DOUBLE_EQ(r, 0.003);
}

TEST(TrainingSchedule, OneCycleRefusesEarlyStoppingAndTooFewSteps) {
  lrtune::ExperimentOptions o = options(lrtune::TrainingSchedule::one_cycle);
  o.comparison.early_stopping = true;
  EXPECT_THROW((void)train(o, 0.01), lrtune::UsageError);
  EXPECT_THROW((void)lrtune::training_schedule(lrtune::TrainingSchedule::one_cycle, 0.01, 4, true), lrtune::UsageError);
  EXPECT_NO_THROW((void)lrtune::training_schedule(lrtune::TrainingSchedule::one_cycle, 0.01, 5, true));
  EXPECT_EQ(lrtune::parse_training_schedule("one-cycle"), lrtune::TrainingSchedule::one_cycle);
  EXPECT_EQ(lrtune::training_schedule_name(lrtune::TrainingSchedule::cosine), "cosine");
  EXPECT_THROW((void)lrtune::parse_training_schedule("onecycle"), lrtune::UsageError);
}

TEST(TrainingMomentum, SgdMomentumChangesTheTrainingReproducibly) {
  lrtune::ExperimentOptions plain = options(lrtune::TrainingSchedule::constant);
  plain.optimizer.name = "sgd";
  lrtune::ExperimentOptions heavy = plain;
  heavy.optimizer.momentum = 0.9;
  const Trained a = train(plain, 0.01), b = train(heavy, 0.01), c = train(heavy, 0.01);
  EXPECT_DOUBLE_EQ(b.momenta.front(), 0.9);
  EXPECT_DOUBLE_EQ(a.momenta.front(), 0.0);
  EXPECT_NE(a.training.history.values("loss"), b.training.history.values("loss"));
  EXPECT_EQ(b.training.history.values("loss"), c.training.history.values("loss"));  // same seed, same bits
  lrtune::ExperimentOptions adam = heavy;
  adam.optimizer.name = "adam";
  EXPECT_THROW((void)train(adam, 0.01), lrtune::UsageError);
}

TEST(TrainingValidation, HoldOutGivesValidationColumnsWithoutEarlyStopping) {
  lrtune::ExperimentOptions o = options(lrtune::TrainingSchedule::constant);
  const Trained without = train(o, 0.01);
  EXPECT_FALSE(without.training.history.contains("val_loss"));
  o.comparison.hold_out_validation = true;
  o.comparison.validation_fraction = 0.25;
  const Trained with = train(o, 0.01);
  EXPECT_EQ(with.training.epochs_run, 6);
  EXPECT_EQ(with.training.history.values("val_loss").size(), 6u);
  EXPECT_EQ(with.training.history.values("val_accuracy").size(), 6u);
  EXPECT_EQ(with.rates.size(), 6u * 8u);  // 120 of the 160 rows train: 8 batches of 16 per epoch (the last 8 rows)
}

TEST(TrainingWithoutTestRows, TrainsAndScoresNothing) {
  const lrtune::ExperimentOptions o = options(lrtune::TrainingSchedule::constant);
  lrtune::ExperimentData data = lrtune::load_data(o.data);
  const Trained with_test = train(o, 0.01);
  data.x_test.resize(0, data.x_test.cols());  // as arrays given without a test split
  data.y_test.resize(0, data.y_test.cols());
  const lrtune::Training training = lrtune::train_and_evaluate(data, o, 0.01, 42);
  EXPECT_EQ(training.epochs_run, 6);
  EXPECT_EQ(training.test.rows, 0);
  EXPECT_TRUE(training.test.values.empty());
  // The training itself is the one with a test split: the test rows take no part in it.
  EXPECT_EQ(training.history.values("loss"), with_test.training.history.values("loss"));
}
