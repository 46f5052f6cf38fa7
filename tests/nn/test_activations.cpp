// Activations: hand-computed values, name lookup, and finite-difference checks of every backward.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/nn/activations.hpp"
#include "nn/gradient_check.hpp"

namespace {

using lrtune::Activation;
using lrtune::MatrixD;

MatrixD apply(Activation activation, const MatrixD& Z) {
  MatrixD A(Z.rows(), Z.cols());
  lrtune::activation_forward<double>(activation, Z, A);
  return A;
}

TEST(Activations, HandComputedValues) {
  MatrixD Z(1, 3);
  Z << -1.0, 0.0, 2.0;
  EXPECT_TRUE(apply(Activation::linear, Z).isApprox(Z));
  MatrixD expected(1, 3);
  expected << 0.0, 0.0, 2.0;
  EXPECT_TRUE(apply(Activation::relu, Z).isApprox(expected));
  expected << -0.2, 0.0, 2.0;  // slope 0.2
  EXPECT_TRUE(apply(Activation::leaky_relu, Z).isApprox(expected));
  expected << std::exp(-1.0) - 1.0, 0.0, 2.0;
  EXPECT_TRUE(apply(Activation::elu, Z).isApprox(expected));
  expected << 1.0 / (1.0 + std::exp(1.0)), 0.5, 1.0 / (1.0 + std::exp(-2.0));
  EXPECT_TRUE(apply(Activation::sigmoid, Z).isApprox(expected));
  expected << std::tanh(-1.0), 0.0, std::tanh(2.0);
  EXPECT_TRUE(apply(Activation::tanh, Z).isApprox(expected));
  // gelu(z) = z Phi(z): Phi(-1) = 0.158655253931457, Phi(2) = 0.977249868051821
  expected << -0.158655253931457, 0.0, 2.0 * 0.977249868051821;
  EXPECT_TRUE(apply(Activation::gelu, Z).isApprox(expected, 1e-12));
  const double s = std::exp(-1.0) + 1.0 + std::exp(2.0);
  expected << std::exp(-1.0) / s, 1.0 / s, std::exp(2.0) / s;
  EXPECT_TRUE(apply(Activation::softmax, Z).isApprox(expected));
}

TEST(Activations, SoftmaxIsStableForHugeLogits) {
  MatrixD Z(1, 2);
  Z << 1000.0, 0.0;
  const MatrixD A = apply(Activation::softmax, Z);
  EXPECT_DOUBLE_EQ(A(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(A(0, 1), 0.0);
}

TEST(Activations, NameLookupRoundTripsAndRejectsUnknownNames) {
  for (const char* name : {"linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "softmax"})
    EXPECT_EQ(lrtune::activation_name(lrtune::activation_from_name(name)), name);
  try {
    lrtune::activation_from_name("swishy");
    FAIL() << "expected an exception";
  } catch (const lrtune::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("swishy"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("leaky_relu"), std::string::npos);
  }
}

class ActivationGradient : public ::testing::TestWithParam<Activation> {};

TEST_P(ActivationGradient, MatchesCentralDifferences) {
  const Activation activation = GetParam();
  std::mt19937_64 rng(7);
  MatrixD Z = lrtune::testing::random_away_from_zero(4, 5, rng);
  const MatrixD R = lrtune::testing::random_matrix(4, 5, rng);  // upstream gradient
  // L(Z) = sum(R ⊙ f(Z))
  const auto loss = [&] { return (R.array() * apply(activation, Z).array()).sum(); };
  const MatrixD A = apply(activation, Z);
  MatrixD dZ(4, 5);
  lrtune::activation_backward<double>(activation, Z, A, R, dZ);
  EXPECT_LT(lrtune::testing::max_relative_error(loss, Z, dZ), lrtune::testing::kGradientTolerance)
      << lrtune::activation_name(activation);
}

TEST_P(ActivationGradient, BackwardMayOverwriteItsUpstreamGradient) {
  const Activation activation = GetParam();
  std::mt19937_64 rng(8);
  const MatrixD Z = lrtune::testing::random_away_from_zero(3, 4, rng);
  const MatrixD A = apply(activation, Z);
  const MatrixD R = lrtune::testing::random_matrix(3, 4, rng);
  MatrixD separate(3, 4);
  lrtune::activation_backward<double>(activation, Z, A, R, separate);
  MatrixD in_place = R;
  lrtune::activation_backward<double>(activation, Z, A, in_place, in_place);
  EXPECT_TRUE(in_place.isApprox(separate, 1e-14));
}

INSTANTIATE_TEST_SUITE_P(AllActivations, ActivationGradient,
                         ::testing::Values(Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                                           Activation::leaky_relu, Activation::elu, Activation::gelu,
                                           Activation::softmax),
                         [](const auto& info) { return std::string(lrtune::activation_name(info.param)); });

}  // namespace
