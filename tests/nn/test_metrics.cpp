// Metrics against hand-computed values (strict p > 0.5, AUC with ties as Mann-Whitney, R^2 and
// macro F1 with scikit-learn's edge cases), the confusion-matrix orientation of scikit-learn, and
// streaming accumulators vs whole-set values. Generated scikit-learn cases: test_metrics_sklearn.cpp.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/nn/metrics.hpp"

namespace {

using lrtune::MatrixD;
using lrtune::Metric;

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
  EXPECT_DOUBLE_EQ(lrtune::f1_score<double>(y, p), 2.0 / 5.0);               // 2 TP / (2 TP + FP + FN)
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
                              Metric::mae, Metric::rmse, Metric::r2, Metric::macro_f1}) {
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

TEST(Metrics, R2HandComputedAndScikitLearnsEdgeCases) {
  MatrixD y(3, 1), p(3, 1);
  y << 1, 2, 3;
  p << 1.5, 2, 1;
  // SS_res = 0.25 + 0 + 4, SS_tot = 2
  EXPECT_DOUBLE_EQ(lrtune::r2_score<double>(y, p), 1.0 - 4.25 / 2.0);
  EXPECT_DOUBLE_EQ(lrtune::r2_score<double>(y, y), 1.0);
  MatrixD constant(3, 1);
  constant.setConstant(2.0);
  EXPECT_EQ(lrtune::r2_score<double>(constant, constant), 1.0);  // force_finite: perfect
  EXPECT_EQ(lrtune::r2_score<double>(constant, p), 0.0);         // force_finite: imperfect
  EXPECT_TRUE(std::isnan(lrtune::r2_score<double>(y.topRows(1), p.topRows(1))));
  // two outputs: the uniform average of each output's R^2
  MatrixD y2(3, 2), p2(3, 2);
  y2 << 1, 2, 2, 2, 3, 2;
  p2 << 1.5, 2, 2, 2, 1, 5;
  EXPECT_DOUBLE_EQ(lrtune::r2_score<double>(y2, p2), ((1.0 - 4.25 / 2.0) + 0.0) / 2.0);
}

// Four known classes; class 3 occurs in neither y_true nor y_pred.
// true 0 0 1 1 2, predicted 0 1 1 1 0: F1 0.5, 0.8, 0 for classes 0, 1, 2.
struct FourClasses : ::testing::Test {
  MatrixD y = MatrixD::Zero(5, 4), p = MatrixD::Zero(5, 4);
  FourClasses() {
    const int actual[] = {0, 0, 1, 1, 2}, predicted[] = {0, 1, 1, 1, 0};
    for (int i = 0; i < 5; ++i) {
      y(i, actual[i]) = 1.0;
      p(i, predicted[i]) = 0.7;
      p(i, (predicted[i] + 1) % 4) = 0.2;
    }
  }
};

TEST_F(FourClasses, MacroF1LeavesOutAClassAbsentFromBoth) {
  EXPECT_DOUBLE_EQ(lrtune::macro_f1_score<double>(y, p), (0.5 + 0.8 + 0.0) / 3.0);
  EXPECT_DOUBLE_EQ(lrtune::compute_metric<double>(Metric::macro_f1, y, p), (0.5 + 0.8 + 0.0) / 3.0);
}

TEST_F(FourClasses, PerClassScoresCoverAllKClassesWithZeroDivisionZero) {
  const lrtune::ClassScores scores = lrtune::per_class_scores(lrtune::confusion_matrix<double>(y, p));
  ASSERT_EQ(scores.f1.size(), 4u);
  EXPECT_EQ(scores.precision, (std::vector<double>{0.5, 2.0 / 3.0, 0.0, 0.0}));
  EXPECT_EQ(scores.recall, (std::vector<double>{0.5, 1.0, 0.0, 0.0}));
  EXPECT_EQ(scores.f1, (std::vector<double>{0.5, 0.8, 0.0, 0.0}));
  EXPECT_EQ(scores.support, (std::vector<std::int64_t>{2, 2, 1, 0}));
}

TEST_F(FourClasses, StreamingMacroF1AndR2EqualTheWholeSet) {
  for (const Metric metric : {Metric::macro_f1, Metric::r2}) {
    lrtune::MetricAccumulator accumulator(metric);
    accumulator.update<double>(y.topRows(2), p.topRows(2));
    accumulator.update<double>(y.middleRows(2, 1), p.middleRows(2, 1));
    accumulator.update<double>(y.bottomRows(2), p.bottomRows(2));
    EXPECT_NEAR(accumulator.result(), lrtune::compute_metric<double>(metric, y, p), 1e-14)
        << lrtune::metric_name(metric);
  }
}

TEST(Metrics, StreamingR2StaysExactForALargeOffset) {
  // sum y^2 - (sum y)^2 / n would lose every digit here; the pairwise update keeps them.
  MatrixD y(6, 1), p(6, 1);
  y << 1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4, 1e8 + 5, 1e8 + 6;
  p << 1e8 + 1.5, 1e8 + 2, 1e8 + 2.5, 1e8 + 4, 1e8 + 5.5, 1e8 + 6;
  lrtune::MetricAccumulator accumulator(Metric::r2);
  for (int i = 0; i < 6; i += 2) accumulator.update<double>(y.middleRows(i, 2), p.middleRows(i, 2));
  // SS_res = 0.25 * 3, SS_tot = 17.5
  EXPECT_NEAR(accumulator.result(), 1.0 - 0.75 / 17.5, 1e-12);
}

TEST(Metrics, NewMetricNames) {
  EXPECT_EQ(lrtune::metric_from_name("r2"), Metric::r2);
  EXPECT_EQ(lrtune::metric_from_name("macro_f1", 3), Metric::macro_f1);
  EXPECT_EQ(lrtune::metric_name(Metric::macro_f1), "macro_f1");
  EXPECT_NE(lrtune::metric_names().find("r2"), std::string::npos);
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
