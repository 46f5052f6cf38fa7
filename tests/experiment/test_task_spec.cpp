// The task's output layer, loss and metrics (task_spec), the target in model units (model_target)
// and the network build_model makes for each task, with the losses each task refuses.
#include <gtest/gtest.h>

#include <string>

#include "lrtune/core/error.hpp"
#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/task_spec.hpp"

using lrtune::Index;
using lrtune::Loss;
using lrtune::TargetKind;

TEST(TaskSpec, EachTaskHasItsOutputLayerLossAndMetrics) {
  const auto binary = lrtune::task_spec(TargetKind::binary, 2);
  EXPECT_EQ(binary.outputs, 1);
  EXPECT_EQ(binary.output_activation, "sigmoid");
  EXPECT_EQ(binary.loss, Loss::binary_crossentropy);
  EXPECT_EQ(binary.metrics, std::vector<std::string>{"accuracy"});

  const auto multiclass = lrtune::task_spec(TargetKind::multiclass, 7);
  EXPECT_EQ(multiclass.outputs, 7);
  EXPECT_EQ(multiclass.classes, 7);
  EXPECT_EQ(multiclass.output_activation, "softmax");
  EXPECT_EQ(multiclass.loss, Loss::categorical_crossentropy);

  const auto regression = lrtune::task_spec(TargetKind::regression, 0);
  EXPECT_EQ(regression.outputs, 1);
  EXPECT_EQ(regression.classes, 0);
  EXPECT_EQ(regression.output_activation, "linear");
  EXPECT_EQ(regression.loss, Loss::mean_squared_error);
  EXPECT_EQ(regression.metrics, std::vector<std::string>{"mae"});
  EXPECT_EQ(lrtune::task_spec(TargetKind::regression, 0, Loss::huber).loss, Loss::huber);
  EXPECT_EQ(lrtune::task_spec(TargetKind::regression, 0, Loss::mean_absolute_error).loss, Loss::mean_absolute_error);
}

TEST(TaskSpec, ALossTheTaskCannotTakeIsAUsageErrorNamingTheValidOnes) {
  try {
    (void)lrtune::task_spec(TargetKind::multiclass, 3, Loss::mean_squared_error);
    FAIL() << "no error";
  } catch (const lrtune::UsageError& e) {
    EXPECT_STREQ(e.what(), "--loss mean_squared_error: a multiclass target trains with categorical_crossentropy");
  }
  EXPECT_THROW((void)lrtune::task_spec(TargetKind::regression, 0, Loss::binary_crossentropy), lrtune::UsageError);
  EXPECT_THROW((void)lrtune::task_spec(TargetKind::binary, 2, Loss::huber), lrtune::UsageError);
  EXPECT_THROW((void)lrtune::task_spec(TargetKind::multiclass, 1), lrtune::UsageError);
}

TEST(TaskSpec, ModelTargetIsAColumnOneHotRowsOrTheStandardisedValue) {
  const lrtune::VectorD classes = (lrtune::VectorD(4) << 0, 2, 1, 2).finished();
  const lrtune::Matrix one_hot = lrtune::model_target(classes, lrtune::task_spec(TargetKind::multiclass, 3));
  ASSERT_EQ(one_hot.rows(), 4);
  ASSERT_EQ(one_hot.cols(), 3);
  EXPECT_EQ(one_hot.row(1), (lrtune::Matrix(1, 3) << 0, 0, 1).finished());
  EXPECT_EQ(one_hot.row(2), (lrtune::Matrix(1, 3) << 0, 1, 0).finished());

  const lrtune::VectorD values = (lrtune::VectorD(3) << 10.0, 20.0, 30.0).finished();
  const auto scaler = lrtune::TargetScaler::fit(values);  // mean 20, population std sqrt(200/3)
  const lrtune::Matrix z = lrtune::model_target(values, lrtune::task_spec(TargetKind::regression, 0), scaler);
  ASSERT_EQ(z.cols(), 1);
  EXPECT_NEAR(z(0, 0), -10.0 / std::sqrt(200.0 / 3.0), 1e-6);
  EXPECT_NEAR(z(1, 0), 0.0, 1e-7);

  const lrtune::VectorD labels = (lrtune::VectorD(2) << 1, 0).finished();
  const lrtune::Matrix column = lrtune::model_target(labels, lrtune::task_spec(TargetKind::binary, 2));
  EXPECT_EQ(column, (lrtune::Matrix(2, 1) << 1, 0).finished());
}

TEST(TaskSpec, BuildModelEndsInTheTasksOutputLayerWithDropoutAfterEachHiddenLayer) {
  lrtune::ModelOptions options;
  options.layers = {8, 4};
  const auto task = lrtune::task_spec(TargetKind::multiclass, 5);
  const lrtune::Sequential plain = lrtune::build_model(options, 3, task, 1);
  EXPECT_EQ(plain.layers().size(), 3u);
  EXPECT_EQ(plain.output_dim(), 5);
  EXPECT_EQ(plain.output_activation(), lrtune::Activation::softmax);

  options.dropout = 0.25;
  const lrtune::Sequential dropped = lrtune::build_model(options, 3, task, 1);
  ASSERT_EQ(dropped.layers().size(), 5u);
  EXPECT_TRUE(std::holds_alternative<lrtune::Dropout>(dropped.layers()[1]));
  EXPECT_TRUE(std::holds_alternative<lrtune::Dropout>(dropped.layers()[3]));
  EXPECT_EQ(std::get<lrtune::Dropout>(dropped.layers()[1]).rate, 0.25);

  const lrtune::Sequential regression =
      lrtune::build_model(options, 3, lrtune::task_spec(TargetKind::regression, 0), 1);
  EXPECT_EQ(regression.output_dim(), 1);
  EXPECT_EQ(regression.output_activation(), lrtune::Activation::linear);
}

TEST(TaskSpec, EpochMetricsAreTheTasksThenTheExtraOnesOnce) {
  lrtune::ModelOptions options;
  options.metrics = {"auc", "accuracy", "f1"};
  EXPECT_EQ(lrtune::epoch_metrics(options, lrtune::task_spec(TargetKind::binary, 2)),
            (std::vector<std::string>{"accuracy", "auc", "f1"}));
}
