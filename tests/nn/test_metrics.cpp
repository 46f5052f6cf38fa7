// Metrics against hand-computed values (strict p > 0.5, AUC with ties as Mann-Whitney),
// the confusion-matrix orientation of scikit-learn, and streaming accumulators vs whole-set values.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/nn/metrics.hpp"

namespace {

using lrtune::Metric;
using lrtune::MatrixD;

// 6 samples: p > 0.5 predicts 1, 0, 0 for 0.9, 0.6 / 0.4, 0.5 (0.5 is not > 0.5).
// TP = 1 (0.9), FP = 1 (0.6), FN = 2 (0.4, 0.5), TN = 2 (0.2, 0.5).
struct Binary : ::testing::Test {
  MatrixD y{6, 1}, p{6, 1};
  Binary() {
    y << 1, 0, 1, 1, 0, 0;
    p << 0.9, 0.6, 0.4, 0.5, 0.2, 0.5;
  }
};

TEST_F(Binary, AccuracyPrecisionRecallF1) {
  EXPECT_DOUBLE_EQ(lrtune::binary_accuracy<double>(y, p), 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(lrtune::precision<double>(y, p), 0.5);
  EXPECT_DOUBLE_EQ(lrtune::recall<double>(y, p), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(lrtune::f1_score<double>(y, p), 2.0 / 5.0);  // 2 TP / (2 TP + FP + FN)
  EXPECT_DOUBLE_EQ(lrtune::binary_accuracy<double>(y, p, 0.35), 4.0 / 6.0);  // 0.4 and both 0.5s now positive
}

TEST_F(Binary, AucCountsTiesAsOneHalf) {
  // Pairs (positive, negative): 0.9 beats 3; 0.4 beats 0.2 only; 0.5 beats 0.2, ties 0.5, loses to 0.6.
  EXPECT_DOUBLE_EQ(lrtune::roc_auc<double>(y, p), (3 + 1 + 1.5) / 9.0);
}

TEST_F(Binary, ConfusionMatrixRowsAreTrueClasses) {
  const lrtune::ConfusionMatrix c = lrtune::confusion_matrix<double>(y, p);
  ASSERT_EQ(c.rows(), 2);
  EXPECT_EQ(c(0, 0), 2);  // TN
  EXPECT_EQ(c(0, 1), 1);  // FP
  EXPECT_EQ(c(1, 0), 2);  // FN
  EXPECT_EQ(c(1, 1), 1);  // TP
}

TEST_F(Binary, AccumulatorsOverBatchesEqualTheWholeSet) {
  for (const Metric metric : {Metric::binary_accuracy, Metric::precision, Metric::recall, Metric::f1, Metric::auc,
                              Metric::mae, Metric::rmse}) {
    lrtune::MetricAccumulator accumulator(metric);
    EXPECT_TRUE(std::isnan(accumulator.result()));
    accumulator.update<double>(y.topRows(4), p.topRows(4));
    accumulator.update<double>(y.bottomRows(2), p.bottomRows(2));
    EXPECT_NEAR(accumulator.result(), lrtune::compute_metric<double>(metric, y, p), 1e-15)
        << lrtune::metric_name(metric);
    accumulator.reset();
    EXPECT_TRUE(std::isnan(accumulator.result()));
  }
}

TEST(Metrics, AucWithAllScoresTiedIsOneHalfAndNeedsBothClasses) {
  MatrixD y(4, 1), p(4, 1);
  y << 0, 1, 0, 1;
  p.setConstant(0.3);
  EXPECT_DOUBLE_EQ(lrtune::roc_auc<double>(y, p), 0.5);
  p << 0.1, 0.8, 0.2, 0.7;
  EXPECT_DOUBLE_EQ(lrtune::roc_auc<double>(y, p), 1.0);
  y.setOnes();
  EXPECT_THROW(lrtune::roc_auc<double>(y, p), lrtune::UsageError);
}

TEST(Metrics, RegressionErrors) {
  MatrixD y(3, 1), p(3, 1);
  y << 1, 2, 3;
  p << 1.5, 2, 1;
  EXPECT_DOUBLE_EQ(lrtune::mean_absolute_error<double>(y, p), 2.5 / 3.0);
  EXPECT_DOUBLE_EQ(lrtune::root_mean_squared_error<double>(y, p), std::sqrt(4.25 / 3.0));
}

TEST(Metrics, CategoricalAccuracyAndConfusion) {
  MatrixD y(3, 3), p(3, 3);
  y << 1, 0, 0,  //
      0, 1, 0,   //
      0, 0, 1;
  p << 0.7, 0.2, 0.1,  //
      0.5, 0.4, 0.1,   //
      0.2, 0.2, 0.6;
  EXPECT_DOUBLE_EQ(lrtune::categorical_accuracy<double>(y, p), 2.0 / 3.0);
  const auto c = lrtune::confusion_matrix<double>(y, p);
  EXPECT_EQ(c(1, 0), 1);  // true class 1 predicted 0
  EXPECT_EQ(c.sum(), 3);
  EXPECT_EQ(c.trace(), 2);
}

TEST(Metrics, ConfusionFromLabelsRejectsLabelsOutOfRange) {
  const auto c = lrtune::confusion_matrix({0, 1, 2, 2}, {0, 2, 2, 1}, 3);
  EXPECT_EQ(c(2, 1), 1);
  EXPECT_EQ(c(1, 2), 1);
  EXPECT_THROW(lrtune::confusion_matrix({0, 3}, {0, 1}, 3), lrtune::UsageError);
}

TEST(Metrics, PrecisionIsZeroWithoutPositivePredictions) {
  MatrixD y(2, 1), p(2, 1);
  y << 1, 0;
  p << 0.1, 0.2;
  EXPECT_EQ(lrtune::precision<double>(y, p), 0.0);
  EXPECT_EQ(lrtune::f1_score<double>(y, p), 0.0);
}

TEST(Metrics, NamesResolveAccuracyByOutputWidth) {
  EXPECT_EQ(lrtune::metric_from_name("accuracy"), Metric::binary_accuracy);
  EXPECT_EQ(lrtune::metric_from_name("accuracy", 3), Metric::categorical_accuracy);
  EXPECT_EQ(lrtune::metric_from_name("auc"), Metric::auc);
  EXPECT_THROW(lrtune::metric_from_name("top_k"), lrtune::UsageError);
}

TEST(Metrics, WeightedMeanWeightsByBatchSize) {
  lrtune::WeightedMean mean;
  EXPECT_TRUE(std::isnan(mean.result()));
  mean.add(0.5, 32);
  mean.add(1.0, 18);
  EXPECT_DOUBLE_EQ(mean.result(), (16.0 + 18.0) / 50.0);
}

TEST(Metrics, ShapeMismatchIsAnError) {
  MatrixD y(2, 1), p(3, 1);
  y.setZero();
  p.setZero();
  EXPECT_THROW(lrtune::binary_accuracy<double>(y, p), lrtune::UsageError);
}

}  // namespace
