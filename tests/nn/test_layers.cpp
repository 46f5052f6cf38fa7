// Dense and Dropout kernels: hand-computed forward values, finite-difference checks of every
// gradient (Dense with each activation, Dropout with its mask fixed), overwrite semantics, specs.
#include <gtest/gtest.h>

#include "lrtune/nn/layers.hpp"
#include "nn/gradient_check.hpp"

namespace {

using lrtune::Activation;
using lrtune::MatrixD;

TEST(Dense, HandComputedForward) {
  MatrixD X(2, 2), W(2, 3), b(1, 3), Z(2, 3), A(2, 3);
  X << 1, 2,  //
      -1, 0.5;
  W << 1, 0, -1,  //
      2, 1, 0.5;
  b << 0.5, -3, 0;
  lrtune::dense_forward<double>(X, W, b, Activation::relu, Z, A);
  MatrixD expected_Z(2, 3), expected_A(2, 3);
  expected_Z << 5.5, -1, 0,  //
      0.5, -2.5, 1.25;
  expected_A << 5.5, 0, 0,  //
      0.5, 0, 1.25;
  EXPECT_TRUE(Z.isApprox(expected_Z));
  EXPECT_TRUE(A.isApprox(expected_A));
}

class DenseGradient : public ::testing::TestWithParam<Activation> {};

TEST_P(DenseGradient, MatchesCentralDifferencesForInputsWeightsAndBias) {
  const Activation activation = GetParam();
  std::mt19937_64 rng(11);
  const lrtune::Index n = 4, in = 3, out = activation == Activation::softmax ? 3 : 5;
  MatrixD X = lrtune::testing::random_matrix(n, in, rng);
  MatrixD W = lrtune::testing::random_matrix(in, out, rng);
  MatrixD b = lrtune::testing::random_matrix(1, out, rng);
  const MatrixD R = lrtune::testing::random_matrix(n, out, rng);  // upstream dL/dA
  MatrixD Z(n, out), A(n, out);
  const auto loss = [&] {
    lrtune::dense_forward<double>(X, W, b, activation, Z, A);
    return (R.array() * A.array()).sum();
  };
  loss();
  // Keep pre-activations away from the kinks of relu-like functions.
  ASSERT_GT(Z.cwiseAbs().minCoeff(), 1e-3);
  MatrixD dZ(n, out), dW(in, out), db(1, out), dX(n, in);
  lrtune::activation_backward<double>(activation, Z, A, R, dZ);
  dW.setConstant(1e30);  // garbage: backward must overwrite, never accumulate
  db.setConstant(-7.0);
  lrtune::dense_backward<double>(X, dZ, dW, db);
  lrtune::dense_input_gradient<double>(W, dZ, dX);
  EXPECT_LT(lrtune::testing::max_relative_error(loss, W, dW), lrtune::testing::kGradientTolerance);
  EXPECT_LT(lrtune::testing::max_relative_error(loss, b, db), lrtune::testing::kGradientTolerance);
  EXPECT_LT(lrtune::testing::max_relative_error(loss, X, dX), lrtune::testing::kGradientTolerance);
}

INSTANTIATE_TEST_SUITE_P(AllActivations, DenseGradient,
                         ::testing::Values(Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                                           Activation::leaky_relu, Activation::elu, Activation::gelu,
                                           Activation::softmax),
                         [](const auto& info) { return std::string(lrtune::activation_name(info.param)); });

TEST(Dense, WithOrWithoutScratchSpaceTheSameBits) {
  // Two calls that must agree: with and without caller-kept scratch space. (The products run on
  // the engine's kernels on both: tests/nn/test_{dense_product,weight_gradient,input_gradient}.cpp
  // check them.)
  std::mt19937_64 rng(17);
  for (const lrtune::Index n : {32, 18, 1}) {
    const MatrixD X = lrtune::testing::random_matrix(n, 40, rng);
    const MatrixD W = lrtune::testing::random_matrix(40, 300, rng);
    const MatrixD b = lrtune::testing::random_matrix(1, 300, rng);
    const MatrixD dZ = lrtune::testing::random_matrix(n, 300, rng);
    lrtune::VectorD scratch;
    MatrixD Z1(n, 300), Z2(n, 300), dW1(40, 300), dW2(40, 300), db1(1, 300), db2(1, 300), dX1(n, 40), dX2(n, 40);
    lrtune::dense_forward<double>(X, W, b, Activation::tanh, Z1, Z1);
    lrtune::dense_forward<double>(X, W, b, Activation::tanh, Z2, Z2, &scratch);
    lrtune::dense_backward<double>(X, dZ, dW1, db1);
    dW2.setConstant(1e30);
    lrtune::dense_backward<double>(X, dZ, dW2, db2, &scratch);
    lrtune::dense_input_gradient<double>(W, dZ, dX1);
    dX2.setConstant(-1e30);
    lrtune::dense_input_gradient<double>(W, dZ, dX2, &scratch);
    EXPECT_TRUE(Z2.isApprox(Z1, 1e-13)) << n;
    EXPECT_TRUE(dW2.isApprox(dW1, 1e-13)) << n;
    EXPECT_TRUE(dX2.isApprox(dX1, 1e-13)) << n;
    EXPECT_TRUE((Z2.array() == Z1.array()).all() && (dX2.array() == dX1.array()).all()) << n;
    // The input gradient's transposes of dZ and dX lived in the caller's scratch.
    EXPECT_GE(scratch.size(), n * (40 + 300)) << n;
  }
}

TEST(Dense, SingleUnitInputGradientIsTheOuterProduct) {
  std::mt19937_64 rng(3);
  const MatrixD W = lrtune::testing::random_matrix(4, 1, rng);
  const MatrixD dZ = lrtune::testing::random_matrix(5, 1, rng);
  MatrixD dX(5, 4);
  lrtune::dense_input_gradient<double>(W, dZ, dX);
  EXPECT_TRUE(dX.isApprox(dZ * W.transpose()));
}

TEST(Dropout, MaskKeepsAboutOneMinusRateScaledUp) {
  lrtune::DropoutGenerator generator(5);
  lrtune::MatrixT<float> mask(200, 100);
  lrtune::dropout_mask<float>(0.25, generator, mask);
  const double kept = (mask.array() > 0).cast<double>().mean();
  EXPECT_NEAR(kept, 0.75, 0.01);
  EXPECT_TRUE(((mask.array() == 0.0f) || (mask.array() == static_cast<float>(1.0 / 0.75))).all());
}

TEST(Dropout, GradientWithFixedMaskMatchesCentralDifferences) {
  std::mt19937_64 rng(13);
  lrtune::DropoutGenerator generator(2);
  MatrixD mask(4, 6);
  lrtune::dropout_mask<double>(0.5, generator, mask);
  ASSERT_GT((mask.array() == 0).count(), 0);
  MatrixD X = lrtune::testing::random_matrix(4, 6, rng);
  const MatrixD R = lrtune::testing::random_matrix(4, 6, rng);
  MatrixD Y(4, 6);
  const auto loss = [&] {
    lrtune::dropout_forward<double>(X, mask, Y);
    return (R.array() * Y.array()).sum();
  };
  MatrixD dX(4, 6);
  lrtune::dropout_backward<double>(R, mask, dX);
  EXPECT_LT(lrtune::testing::max_relative_error(loss, X, dX), lrtune::testing::kGradientTolerance);
}

TEST(LayerSpecs, ValidateAndResolveNames) {
  const lrtune::Dense dense(8, "elu", "he_normal");
  EXPECT_EQ(dense.units, 8);
  EXPECT_EQ(dense.activation, Activation::elu);
  EXPECT_EQ(dense.kernel_initializer, lrtune::Initializer::he_normal);
  EXPECT_EQ(lrtune::Dense(3).activation, Activation::linear);
  EXPECT_EQ(lrtune::Dense(3).kernel_initializer, lrtune::Initializer::glorot_uniform);
  EXPECT_THROW(lrtune::Dense(0, "relu"), lrtune::UsageError);
  EXPECT_THROW(lrtune::Dense(4, "rleu"), lrtune::UsageError);
  EXPECT_THROW(lrtune::Dense(4, "relu", "glorot"), lrtune::UsageError);
  EXPECT_THROW(lrtune::Dropout(1.0), lrtune::UsageError);
  EXPECT_THROW(lrtune::Dropout(-0.1), lrtune::UsageError);
  EXPECT_NO_THROW(lrtune::Dropout(0.0));
}

}  // namespace
