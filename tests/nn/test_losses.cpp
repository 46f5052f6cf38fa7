// Losses: hand-computed values, BCE stability for huge logits, name lookup and compatibility
// checks, and finite-difference checks of dL/dlogits for every loss and output activation.
#include <cmath>

#include <gtest/gtest.h>

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

TEST_P(LossGradient, MatchesCentralDifferences) {
  const auto [loss, output] = GetParam();
  std::mt19937_64 rng(21);
  const lrtune::Index n = 5, k = 3;
  MatrixD z = lrtune::testing::random_away_from_zero(n, k, rng);
  MatrixD y(n, k);
  if (loss == Loss::categorical_crossentropy) {
    y.setZero();
    for (lrtune::Index i = 0; i < n; ++i) y(i, i % k) = 1.0;
  } else if (loss == Loss::binary_crossentropy) {
    y = lrtune::testing::random_matrix(n, k, rng, 0.0, 1.0).array().round();
  } else {
    // MAE's kink is at a = y: targets far from every prediction
    y = lrtune::testing::random_matrix(n, k, rng, 3.0, 4.0);
    for (lrtune::Index i = 0; i < y.size(); i += 2) y.data()[i] = -y.data()[i];
  }
  MatrixD dz(n, k);
  dz.setConstant(std::nan(""));  // garbage must be overwritten
  const double value = lrtune::loss_and_gradient<double>(loss, output, z, y, dz);
  EXPECT_NEAR(value, lrtune::loss_value<double>(loss, output, z, y), 1e-12);
  const auto f = [&] { return lrtune::loss_value<double>(loss, output, z, y); };
  EXPECT_LT(lrtune::testing::max_relative_error(f, z, dz), lrtune::testing::kGradientTolerance);
}

INSTANTIATE_TEST_SUITE_P(
    AllLossesAndOutputs, LossGradient,
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
                      LossCase{Loss::mean_absolute_error, Activation::elu}),
    [](const auto& info) {
      return std::string(lrtune::loss_name(info.param.loss)) + "_" +
             std::string(lrtune::activation_name(info.param.output));
    });

}  // namespace
