// Initialisers: Keras' limits and standard deviations (statistics over a large kernel),
// platform-independent draws pinned to values fixed by the C++ standard, and seeding.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/nn/initializers.hpp"

namespace {

using lrtune::Initializer;
using lrtune::MatrixD;

MatrixD draw(Initializer initializer, lrtune::Index fan_in, lrtune::Index fan_out, std::uint64_t seed = 1) {
  MatrixD W(fan_in, fan_out);
  lrtune::InitGenerator generator(seed);
  lrtune::initialize_kernel<double>(initializer, W, generator);
  return W;
}

double mean(const MatrixD& W) { return W.mean(); }
double stddev(const MatrixD& W) { return std::sqrt((W.array() - W.mean()).square().mean()); }

TEST(Initializers, Uniform01UsesTheTop53BitsOfTheStandardStream) {
  // The first output of std::mt19937_64 with its default seed 5489 is fixed by the standard.
  lrtune::InitGenerator generator(5489u);
  EXPECT_EQ(lrtune::uniform01(generator), static_cast<double>(14514284786278117030ULL >> 11) * 0x1.0p-53);
}

TEST(Initializers, DrawsArePinned) {
  // Regression pins: a change here changes every model's initial weights.
  EXPECT_EQ(lrtune::derive_seed(42, 0), 5043374705829640723ULL);
  lrtune::InitGenerator generator(1);
  EXPECT_DOUBLE_EQ(lrtune::standard_normal(generator), -0.039399956754155314);
  EXPECT_DOUBLE_EQ(lrtune::truncated_standard_normal(generator), -0.24894784633514516);
}

TEST(Initializers, GlorotUniformHasKerasLimitAndVariance) {
  const MatrixD W = draw(Initializer::glorot_uniform, 256, 256);
  const double limit = std::sqrt(6.0 / 512.0);
  EXPECT_LE(W.cwiseAbs().maxCoeff(), limit);
  EXPECT_GT(W.cwiseAbs().maxCoeff(), 0.99 * limit);
  EXPECT_NEAR(mean(W), 0.0, 0.01 * limit);
  EXPECT_NEAR(stddev(W), limit / std::sqrt(3.0), 0.01 * limit);
}

TEST(Initializers, HeUniformHasKerasLimit) {
  const MatrixD W = draw(Initializer::he_uniform, 128, 256);
  const double limit = std::sqrt(6.0 / 128.0);
  EXPECT_LE(W.cwiseAbs().maxCoeff(), limit);
  EXPECT_GT(W.cwiseAbs().maxCoeff(), 0.99 * limit);
  EXPECT_NEAR(stddev(W), limit / std::sqrt(3.0), 0.01 * limit);
}

TEST(Initializers, TruncatedNormalsHaveKerasScaleAndCut) {
  // Keras divides by 0.8796..., so the truncated sample's stddev is sqrt(scale / fan).
  const MatrixD glorot = draw(Initializer::glorot_normal, 256, 256);
  const double glorot_target = std::sqrt(2.0 / 512.0);
  EXPECT_NEAR(stddev(glorot), glorot_target, 0.015 * glorot_target);
  EXPECT_LE(glorot.cwiseAbs().maxCoeff(), 2.0 * glorot_target / lrtune::kTruncatedNormalCorrection);
  EXPECT_NEAR(mean(glorot), 0.0, 0.01 * glorot_target);
  const MatrixD he = draw(Initializer::he_normal, 256, 256);
  const double he_target = std::sqrt(2.0 / 256.0);
  EXPECT_NEAR(stddev(he), he_target, 0.015 * he_target);
  EXPECT_LE(he.cwiseAbs().maxCoeff(), 2.0 * he_target / lrtune::kTruncatedNormalCorrection);
  EXPECT_GT(he.cwiseAbs().maxCoeff(), 1.9 * he_target / lrtune::kTruncatedNormalCorrection);
}

TEST(Initializers, ZerosAreZero) { EXPECT_TRUE(draw(Initializer::zeros, 3, 4).isZero(0.0)); }

TEST(Initializers, SameSeedIsBitIdenticalAndDifferentSeedsDiffer) {
  for (const Initializer init :
       {Initializer::glorot_uniform, Initializer::glorot_normal, Initializer::he_uniform, Initializer::he_normal}) {
    EXPECT_TRUE((draw(init, 7, 5, 3).array() == draw(init, 7, 5, 3).array()).all());
    EXPECT_FALSE((draw(init, 7, 5, 3).array() == draw(init, 7, 5, 4).array()).all());
  }
}

TEST(Initializers, FloatKernelsAreTheDoubleDrawsRounded) {
  lrtune::MatrixT<float> Wf(4, 3);
  lrtune::InitGenerator generator(9);
  lrtune::initialize_kernel<float>(Initializer::glorot_normal, Wf, generator);
  EXPECT_TRUE((Wf.array() == draw(Initializer::glorot_normal, 4, 3, 9).cast<float>().array()).all());
}

TEST(Initializers, NameLookup) {
  EXPECT_EQ(lrtune::initializer_from_name("he_normal"), Initializer::he_normal);
  EXPECT_EQ(lrtune::initializer_name(Initializer::glorot_uniform), "glorot_uniform");
  EXPECT_THROW(lrtune::initializer_from_name("orthogonal"), lrtune::UsageError);
}

TEST(Initializers, DerivedStreamsDiffer) {
  EXPECT_NE(lrtune::derive_seed(42, 0), lrtune::derive_seed(42, 1));
  EXPECT_NE(lrtune::derive_seed(42, 0), lrtune::derive_seed(43, 0));
}

}  // namespace
