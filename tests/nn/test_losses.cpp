// Losses: hand-computed values, BCE stability for huge logits, name lookup and compatibility
// checks, and finite-difference checks of dL/dlogits for every loss and output activation.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/nn/losses.hpp"
#include "nn/gradient_check.hpp"

namespace {

using lrtune::Activation;
using lrtune::Loss;
using lrtune::MatrixD;

TEST(Losses, HandComputedValues) {
  MatrixD z(2, 1), y(2, 1);
  z << 0.0, 2.0;
  y << 1.0, 0.0;
  // BCE: (log 2 + (2 + log1p(e^-2))) / 2
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::binary_crossentropy, Activation::sigmoid, z, y),
              (std::log(2.0) + 2.0 + std::log1p(std::exp(-2.0))) / 2.0, 1e-15);
  // MSE, linear: ((0 - 1)^2 + (2 - 0)^2) / 2
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::mean_squared_error, Activation::linear, z, y), 2.5, 1e-15);
  // MAE, linear: (1 + 2) / 2
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::mean_absolute_error, Activation::linear, z, y), 1.5, 1e-15);
  // MSE after sigmoid: ((0.5 - 1)^2 + sigmoid(2)^2) / 2
  const double s2 = 1.0 / (1.0 + std::exp(-2.0));
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::mean_squared_error, Activation::sigmoid, z, y), (0.25 + s2 * s2) / 2,
              1e-15);
  MatrixD logits(2, 2), one_hot(2, 2);
  logits << 0.0, 0.0,  //
      1.0, 3.0;
  one_hot << 1.0, 0.0,  //
      0.0, 1.0;
  // CCE: (log 2 + log(1 + e^-2)) / 2
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::categorical_crossentropy, Activation::softmax, logits, one_hot),
              (std::log(2.0) + std::log1p(std::exp(-2.0))) / 2.0, 1e-15);
}

TEST(Losses, HuberHandComputedValuesAndGradient) {
  // r = z - y = 0.5, -2, 1 (the boundary, quadratic side), 3: terms 0.125, 1.5, 0.5, 2.5
  MatrixD z(2, 2), y(2, 2), dz(2, 2);
  z << 0.5, -2.0,  //
      1.0, 0.0;
  y << 0.0, 0.0,  //
      0.0, -3.0;
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::huber, Activation::linear, z, y), (0.125 + 1.5 + 0.5 + 2.5) / 4, 1e-15);
  dz.setConstant(std::nan(""));
  const double value = lrtune::loss_and_gradient<double>(Loss::huber, Activation::linear, z, y, dz);
  EXPECT_NEAR(value, 4.625 / 4, 1e-15);
  // dL/dz = clip(r, -1, 1) / 4
  EXPECT_DOUBLE_EQ(dz(0, 0), 0.125);
  EXPECT_DOUBLE_EQ(dz(0, 1), -0.25);
  EXPECT_DOUBLE_EQ(dz(1, 0), 0.25);
  EXPECT_DOUBLE_EQ(dz(1, 1), 0.25);
  const auto rows = lrtune::row_losses<double>(Loss::huber, Activation::linear, z, y);
  EXPECT_NEAR(rows[0], (0.125 + 1.5) / 2, 1e-15);
  EXPECT_NEAR(rows[1], (0.5 + 2.5) / 2, 1e-15);
}

TEST(Losses, HuberIsMseHalvedInsideDeltaAndMaeMinusAHalfOutside) {
  MatrixD z(1, 3), y(1, 3);
  z << 0.1, -0.3, 0.7;
  y.setZero();
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::huber, Activation::linear, z, y),
              0.5 * lrtune::loss_value<double>(Loss::mean_squared_error, Activation::linear, z, y), 1e-15);
  z << 5.0, -7.0, 2.5;
  EXPECT_NEAR(lrtune::loss_value<double>(Loss::huber, Activation::linear, z, y),
              lrtune::loss_value<double>(Loss::mean_absolute_error, Activation::linear, z, y) - 0.5, 1e-15);
}

TEST(Losses, RowLossesAreEachRowsLossAndAverageToTheBatchLoss) {
  MatrixD z(3, 1), y(3, 1);
  z << 0.0, 2.0, -1.0;
  y << 1.0, 0.0, 0.0;
  const auto rows = lrtune::row_losses<double>(Loss::binary_crossentropy, Activation::sigmoid, z, y);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[0], std::log(2.0), 1e-15);
  EXPECT_NEAR(rows[1], 2.0 + std::log1p(std::exp(-2.0)), 1e-15);
  EXPECT_NEAR(rows[2], std::log1p(std::exp(-1.0)), 1e-15);
  EXPECT_NEAR((rows[0] + rows[1] + rows[2]) / 3.0,
              lrtune::loss_value<double>(Loss::binary_crossentropy, Activation::sigmoid, z, y), 1e-15);
  MatrixD logits(2, 2), one_hot(2, 2);
  logits << 0.0, 0.0, 1.0, 3.0;
  one_hot << 1.0, 0.0, 0.0, 1.0;
  const auto cce = lrtune::row_losses<double>(Loss::categorical_crossentropy, Activation::softmax, logits, one_hot);
  EXPECT_NEAR(cce[0], std::log(2.0), 1e-15);
  EXPECT_NEAR(cce[1], std::log1p(std::exp(-2.0)), 1e-15);
}

TEST(Losses, BinaryCrossEntropyStaysFiniteAndKeepsItsGradientForHugeLogits) {
  lrtune::MatrixT<float> z(4, 1), y(4, 1), dz(4, 1);
  z << 1e4f, -1e4f, 1e4f, -1e4f;
  y << 0.0f, 1.0f, 1.0f, 0.0f;
  const double value = lrtune::loss_and_gradient<float>(Loss::binary_crossentropy, Activation::sigmoid, z, y, dz);
  // Two rows are wrong by 1e4 each, two are right: mean loss 2e4 / 4, far above Keras' clipped 16.1.
  EXPECT_TRUE(std::isfinite(value));
  EXPECT_NEAR(value, 5000.0, 1e-3);
  ASSERT_TRUE(dz.allFinite());
  // dL/dz = (sigmoid(z) - y) / 4: the wrong rows keep a full-size gradient.
  EXPECT_FLOAT_EQ(dz(0, 0), 0.25f);
  EXPECT_FLOAT_EQ(dz(1, 0), -0.25f);
  EXPECT_FLOAT_EQ(dz(2, 0), 0.0f);
  EXPECT_FLOAT_EQ(dz(3, 0), 0.0f);
}

TEST(Losses, CategoricalCrossEntropyIsStableForHugeLogits) {
  MatrixD z(1, 3), y(1, 3), dz(1, 3);
  z << 1e4, -1e4, 0.0;
  y << 0.0, 1.0, 0.0;
  const double value = lrtune::loss_and_gradient<double>(Loss::categorical_crossentropy, Activation::softmax, z, y, dz);
  EXPECT_NEAR(value, 2e4, 1e-9);
  EXPECT_TRUE(dz.allFinite());
}

TEST(Losses, NamesAndCompatibility) {
  EXPECT_EQ(lrtune::loss_from_name("mse"), Loss::mean_squared_error);
  EXPECT_EQ(lrtune::loss_from_name("binary_crossentropy"), Loss::binary_crossentropy);
  EXPECT_EQ(lrtune::loss_name(Loss::mean_absolute_error), "mean_absolute_error");
  EXPECT_THROW(lrtune::loss_from_name("hinge"), lrtune::UsageError);
  EXPECT_THROW(lrtune::check_loss_output(Loss::binary_crossentropy, Activation::relu), lrtune::UsageError);
  EXPECT_THROW(lrtune::check_loss_output(Loss::categorical_crossentropy, Activation::sigmoid), lrtune::UsageError);
  EXPECT_NO_THROW(lrtune::check_loss_output(Loss::mean_squared_error, Activation::tanh));
  EXPECT_EQ(lrtune::loss_from_name("huber"), Loss::huber);
  EXPECT_EQ(lrtune::loss_from_name("huber_loss"), Loss::huber);
  EXPECT_EQ(lrtune::loss_name(Loss::huber), "huber");
  EXPECT_NE(lrtune::loss_names().find("huber"), std::string::npos);
  EXPECT_NO_THROW(lrtune::check_loss_output(Loss::huber, Activation::linear));
  EXPECT_THROW(lrtune::check_loss_output(Loss::huber, Activation::sigmoid), lrtune::UsageError);
  MatrixD z(2, 1), y(3, 1);
  z.setZero();
  y.setZero();
  EXPECT_THROW(lrtune::loss_value<double>(Loss::mean_squared_error, Activation::linear, z, y), lrtune::UsageError);
}

struct LossCase {
  Loss loss;
  Activation output;
};

class LossGradient : public ::testing::TestWithParam<LossCase> {};

// Targets for `loss` beside the logits z (n, k), away from each loss's kinks.
MatrixD targets_for(Loss loss, const MatrixD& z, std::mt19937_64& rng) {
  const lrtune::Index n = z.rows(), k = z.cols();
  MatrixD y(n, k);
  if (loss == Loss::categorical_crossentropy) {
    y.setZero();
    for (lrtune::Index i = 0; i < n; ++i) y(i, i % k) = 1.0;
  } else if (loss == Loss::binary_crossentropy) {
    y = lrtune::testing::random_matrix(n, k, rng, 0.0, 1.0).array().round();
  } else if (loss == Loss::huber) {
    // both sides of delta, away from the switch at |z - y| = 1 and the kink-free zero
    y = z;
    for (lrtune::Index i = 0; i < y.size(); ++i) y.data()[i] -= (i % 2 == 0 ? 0.5 : -2.5) * (i % 3 == 0 ? -1 : 1);
  } else {
    // MAE's kink is at a = y: targets far from every prediction
    y = lrtune::testing::random_matrix(n, k, rng, 3.0, 4.0);
    for (lrtune::Index i = 0; i < y.size(); i += 2) y.data()[i] = -y.data()[i];
  }
  return y;
}

TEST_P(LossGradient, MatchesCentralDifferences) {
  const auto [loss, output] = GetParam();
  std::mt19937_64 rng(21);
  const lrtune::Index n = 5, k = 3;
  MatrixD z = lrtune::testing::random_away_from_zero(n, k, rng);
  const MatrixD y = targets_for(loss, z, rng);
  MatrixD dz(n, k);
  dz.setConstant(std::nan(""));  // garbage must be overwritten
  const double value = lrtune::loss_and_gradient<double>(loss, output, z, y, dz);
  EXPECT_NEAR(value, lrtune::loss_value<double>(loss, output, z, y), 1e-12);
  const auto f = [&] { return lrtune::loss_value<double>(loss, output, z, y); };
  EXPECT_LT(lrtune::testing::max_relative_error(f, z, dz), lrtune::testing::kGradientTolerance);
}

TEST_P(LossGradient, WeightedMatchesCentralDifferencesAndTheRowDefinition) {
  const auto [loss, output] = GetParam();
  std::mt19937_64 rng(22);
  const lrtune::Index n = 5, k = 3;
  MatrixD z = lrtune::testing::random_away_from_zero(n, k, rng);
  const MatrixD y = targets_for(loss, z, rng);
  lrtune::VectorD w(n);
  w << 0.5, 2.0, 0.0, 1.0, 3.25;
  MatrixD dz(n, k);
  dz.setConstant(std::nan(""));
  const double value = lrtune::loss_and_gradient<double>(loss, output, z, y, w, dz);
  // Keras' SUM_OVER_BATCH_SIZE: sum_i w_i loss_i / n
  const auto rows = lrtune::row_losses<double>(loss, output, z, y);
  double expected = 0.0;
  for (lrtune::Index i = 0; i < n; ++i) expected += w(i) * rows[static_cast<std::size_t>(i)];
  EXPECT_NEAR(value, expected / static_cast<double>(n), 1e-12);
  EXPECT_NEAR(value, lrtune::loss_value<double>(loss, output, z, y, w), 1e-15);
  EXPECT_TRUE(dz.row(2).isZero());  // weight 0: no gradient
  const auto f = [&] { return lrtune::loss_value<double>(loss, output, z, y, w); };
  EXPECT_LT(lrtune::testing::max_relative_error(f, z, dz), lrtune::testing::kGradientTolerance);
}

TEST_P(LossGradient, WeightsOfOneGiveTheUnweightedBitsInFloat) {
  const auto [loss, output] = GetParam();
  std::mt19937_64 rng(23);
  const lrtune::Index n = 37, k = 3;  // odd sizes: vectorised bodies and their tails
  const MatrixD zd = lrtune::testing::random_away_from_zero(n, k, rng);
  const lrtune::Matrix z = zd.cast<float>();
  const lrtune::Matrix y = targets_for(loss, zd, rng).cast<float>();
  const lrtune::Vector ones = lrtune::Vector::Ones(n);
  lrtune::Matrix dz(n, k), dz_weighted(n, k);
  const double value = lrtune::loss_and_gradient<float>(loss, output, z, y, dz);
  const double weighted = lrtune::loss_and_gradient<float>(loss, output, z, y, ones, dz_weighted);
  EXPECT_EQ(value, weighted);
  EXPECT_EQ(lrtune::loss_value<float>(loss, output, z, y), lrtune::loss_value<float>(loss, output, z, y, ones));
  EXPECT_TRUE(dz == dz_weighted);
}

TEST(Losses, SampleWeightsMustMatchTheBatch) {
  MatrixD z = MatrixD::Zero(3, 1), y = MatrixD::Zero(3, 1), dz(3, 1);
  const lrtune::VectorD w = lrtune::VectorD::Ones(2);
  EXPECT_THROW(lrtune::loss_value<double>(Loss::mean_squared_error, Activation::linear, z, y, w), lrtune::UsageError);
  EXPECT_THROW(lrtune::loss_and_gradient<double>(Loss::mean_squared_error, Activation::linear, z, y, w, dz),
               lrtune::UsageError);
}

INSTANTIATE_TEST_SUITE_P(AllLossesAndOutputs, LossGradient,
                         ::testing::Values(LossCase{Loss::binary_crossentropy, Activation::sigmoid},
                                           LossCase{Loss::binary_crossentropy, Activation::linear},
                                           LossCase{Loss::categorical_crossentropy, Activation::softmax},
                                           LossCase{Loss::categorical_crossentropy, Activation::linear},
                                           LossCase{Loss::mean_squared_error, Activation::linear},
                                           LossCase{Loss::mean_squared_error, Activation::sigmoid},
                                           LossCase{Loss::mean_squared_error, Activation::tanh},
                                           LossCase{Loss::mean_squared_error, Activation::relu},
                                           LossCase{Loss::mean_squared_error, Activation::softmax},
                                           LossCase{Loss::mean_absolute_error, Activation::linear},
                                           LossCase{Loss::mean_absolute_error, Activation::sigmoid},
                                           LossCase{Loss::mean_absolute_error, Activation::elu},
                                           LossCase{Loss::huber, Activation::linear}),
                         [](const auto& info) {
                           return std::string(lrtune::loss_name(info.param.loss)) + "_" +
                                  std::string(lrtune::activation_name(info.param.output));
                         });

}  // namespace
