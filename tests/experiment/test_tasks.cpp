// run_experiment for the three tasks on small CSVs in memory: the task inferred from the target
// (or told), the model's output layer, the test metrics of each task (regression's in the target's
// units, checked against the model's own predictions), the comparison JSON's keys, and balanced
// class weights.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/experiment/experiment.hpp"

using lrtune::Index;

namespace {

// 300 rows, three text classes: the largest of x1, x2 and 0.5 (with some noise); x3 noise.
std::string three_class_csv() {
  std::mt19937 random(11);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,x3,kind\n";
  for (int i = 0; i < 300; ++i) {
    const double x1 = normal(random), x2 = normal(random), x3 = normal(random);
    const double a = x1 + 0.2 * normal(random), b = x2 + 0.2 * normal(random);
    const char* kind = a > b && a > 0.5 ? "alpha" : (b > 0.5 ? "beta" : "gamma");
    csv += fmt::format("{:.4f},{:.4f},{:.4f},{}\n", x1, x2, x3, kind);
  }
  return csv;
}

// 300 rows: price = 1000 + 200 (x1 - x2) + noise, in units far from 1.
std::string price_csv() {
  std::mt19937 random(5);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,x3,price\n";
  for (int i = 0; i < 300; ++i) {
    const double x1 = normal(random), x2 = normal(random), x3 = normal(random);
    csv += fmt::format("{:.4f},{:.4f},{:.4f},{:.2f}\n", x1, x2, x3, 1000.0 + 200.0 * (x1 - x2) + 20.0 * normal(random));
  }
  return csv;
}

lrtune::ExperimentOptions small_options(const std::string& csv, const std::string& target) {
  lrtune::ExperimentOptions o;
  o.data = {.path = "small.csv", .csv_text = csv, .target = target};
  o.model.layers = {16};
  o.range_test = {.schedule = lrtune::CurveMode::per_step, .points = 30};
  o.comparison.pick = lrtune::RatePick::finder;
  o.comparison.epochs = 30;
  o.comparison.early_stopping = false;
  return o;
}

}  // namespace

TEST(Tasks, AThreeClassTextTargetTrainsASoftmaxAndReportsMulticlassMetrics) {
  const lrtune::ExperimentOptions o = small_options(three_class_csv(), "kind");
  const lrtune::ExperimentData data = lrtune::load_data(o.data);
  EXPECT_EQ(data.task.kind, lrtune::TargetKind::multiclass);
  EXPECT_EQ(data.y_train.cols(), 3);
  EXPECT_NE(data.task_explanation.find("3 classes"), std::string::npos) << data.task_explanation;

  const lrtune::ExperimentResult r = lrtune::run_experiment(data, o);
  EXPECT_EQ(r.task, lrtune::TargetKind::multiclass);
  EXPECT_EQ(r.class_names, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(r.model().output_dim(), 3);
  const lrtune::TestMetrics& test = r.tuned_side.runs.at(0).test;
  EXPECT_EQ(test.rows, 60);
  ASSERT_EQ(test.confusion.rows(), 3);
  EXPECT_EQ(test.confusion.sum(), 60);
  EXPECT_EQ(test.per_class.f1.size(), 3u);
  // Accuracy is the confusion matrix's diagonal share; the classes are learnable.
  EXPECT_NEAR(test.at("accuracy"), static_cast<double>(test.confusion.diagonal().sum()) / 60.0, 1e-12);
  EXPECT_GT(test.at("accuracy"), 0.7);
  EXPECT_GT(test.at("macro_f1"), 0.5);

  const nlohmann::json j = r;
  EXPECT_EQ(j.at("task"), "multiclass");
  EXPECT_TRUE(j.at("tuned").contains("test_macro_f1_mean"));
  EXPECT_EQ(j.at("tuned").at("runs").at(0).at("confusion").size(), 3u);
  EXPECT_EQ(j.at("tuned").at("runs").at(0).at("per_class").at("recall").size(), 3u);
}

TEST(Tasks, ARegressionReportsErrorsInTheTargetsUnits) {
  const lrtune::ExperimentOptions o = small_options(price_csv(), "price");
  const lrtune::ExperimentData data = lrtune::load_data(o.data);
  ASSERT_EQ(data.task.kind, lrtune::TargetKind::regression);
  // The model trains on the standardised target.
  EXPECT_NEAR(data.y_train.mean(), 0.0, 1e-5);

  lrtune::ExperimentResult r = lrtune::run_experiment(data, o);
  ASSERT_TRUE(r.target_scaling.has_value());
  EXPECT_NEAR(r.target_scaling->mean, data.prepared.y_train.mean(), 1e-9);
  const lrtune::Training& tuned = r.tuned_side.runs.at(0);
  const lrtune::TestMetrics& test = tuned.test;
  EXPECT_EQ(test.confusion.size(), 0);

  // RMSE and MAE from the model's predictions taken back to prices by hand.
  lrtune::Sequential model = *tuned.model;
  const lrtune::Matrix z = model.predict(data.x_test, 1024);
  double squares = 0.0, absolute = 0.0;
  for (Index i = 0; i < z.rows(); ++i) {
    const double price = z(i, 0) * r.target_scaling->std + r.target_scaling->mean;
    squares += (price - data.prepared.y_test(i)) * (price - data.prepared.y_test(i));
    absolute += std::abs(price - data.prepared.y_test(i));
  }
  EXPECT_NEAR(test.at("rmse"), std::sqrt(squares / z.rows()), 1e-3);
  EXPECT_NEAR(test.at("mae"), absolute / z.rows(), 1e-3);
  // The target's spread is ~280; a fitted model is far better than the mean and R² says so.
  EXPECT_LT(test.at("rmse"), 100.0);
  EXPECT_GT(test.at("r2"), 0.8);

  const nlohmann::json j = r;
  EXPECT_EQ(j.at("task"), "regression");
  EXPECT_TRUE(j.at("default").contains("test_rmse_mean"));
  EXPECT_TRUE(j.at("default").contains("test_r2_std"));
  EXPECT_FALSE(j.at("default").at("runs").at(0).contains("confusion"));
}

TEST(Tasks, TheTaskCanBeToldAndTheLossChosen) {
  lrtune::ExperimentOptions o = small_options(price_csv(), "price");
  o.data.loss = lrtune::Loss::huber;
  EXPECT_EQ(lrtune::load_data(o.data).task.loss, lrtune::Loss::huber);
  o.data.loss = lrtune::Loss::categorical_crossentropy;
  EXPECT_THROW((void)lrtune::load_data(o.data), lrtune::UsageError);

  // A positive rule makes any target binary, as before.
  lrtune::ExperimentOptions binary = small_options(three_class_csv(), "kind");
  binary.data.positive = "beta";
  const lrtune::ExperimentData b = lrtune::load_data(binary.data);
  EXPECT_EQ(b.task.kind, lrtune::TargetKind::binary);
  EXPECT_EQ(b.y_train.cols(), 1);
  // --task regression on a text target cannot be.
  binary.data.positive.clear();
  binary.data.task = lrtune::TargetKind::regression;
  EXPECT_THROW((void)lrtune::load_data(binary.data), lrtune::DataError);
}

TEST(Tasks, BalancedClassWeightsAreScikitLearnsAndRefusedForARegression) {
  lrtune::ExperimentOptions o = small_options(three_class_csv(), "kind");
  o.data.balanced_class_weight = true;
  const lrtune::ExperimentData data = lrtune::load_data(o.data);
  ASSERT_EQ(data.train_weights.size(), data.y_train.rows());
  std::vector<Index> counts(3, 0);
  for (Index i = 0; i < data.y_train.rows(); ++i) {
    Index k = 0;
    data.y_train.row(i).maxCoeff(&k);
    ++counts[static_cast<std::size_t>(k)];
  }
  for (Index i = 0; i < data.y_train.rows(); ++i) {
    Index k = 0;
    data.y_train.row(i).maxCoeff(&k);
    const double expected =
        static_cast<double>(data.y_train.rows()) / (3.0 * static_cast<double>(counts[static_cast<std::size_t>(k)]));
    EXPECT_NEAR(data.train_weights(i), expected, 1e-6) << i;
  }
  // Weighted trainings differ from unweighted ones (the weights reach fit).
  lrtune::ExperimentOptions plain = small_options(three_class_csv(), "kind");
  plain.comparison.epochs = o.comparison.epochs = 3;
  const auto weighted = lrtune::run_experiment(data, o);
  const auto unweighted = lrtune::run_experiment(lrtune::load_data(plain.data), plain);
  EXPECT_NE(weighted.tuned_side.runs[0].history.values("loss").back(),
            unweighted.tuned_side.runs[0].history.values("loss").back());

  lrtune::ExperimentOptions regression = small_options(price_csv(), "price");
  regression.data.balanced_class_weight = true;
  EXPECT_THROW((void)lrtune::load_data(regression.data), lrtune::UsageError);
}
