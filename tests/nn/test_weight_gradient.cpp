// The weight-gradient kernel (src/nn/weight_gradient.hpp) against independent computations: a
// double-precision product with a rounding-error bound per element, and (on FMA builds) the scalar
// chain of std::fma over the batch rows that the kernel promises bit for bit, over shapes that
// cover every tile and edge (odd sizes, one-row batches, out not a multiple of the packet, batches
// longer than the kernel's block), strided operands, and garbage in dW and around it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../../src/nn/weight_gradient.hpp"
#include "lrtune/core/types.hpp"
#include "support/kernel_operands.hpp"

namespace {

using lrtune::Index;
using lrtune::MatrixD;
using lrtune::MatrixT;
using lrtune::testing::random_matrix;
using lrtune::testing::Shape;
using lrtune::testing::to_double;

template <typename T>
MatrixT<T> kernel_product(const MatrixT<T>& X, const MatrixT<T>& dZ) {
  MatrixT<T> dW = MatrixT<T>::Constant(X.cols(), dZ.cols(), std::numeric_limits<T>::quiet_NaN());  // garbage
  lrtune::detail::weight_gradient<T>(X.rows(), X.cols(), dZ.cols(), X.data(), X.cols(), dZ.data(), dZ.cols(), dW.data(),
                                     dW.cols());
  return dW;
}

std::vector<Shape> shapes() {
  std::vector<Shape> all;
  for (Index batch : {1, 2, 7, 32, 33, 64, 65, 200})
    for (Index in : {1, 2, 5, 6, 7, 9, 13, 128})
      for (Index out : {1, 2, 3, 7, 15, 16, 17, 26, 63, 64, 65, 130}) all.push_back({batch, in, out});
  all.push_back({32, 256, 256});  // the recipe's middle layer
  all.push_back({32, 256, 7});    // shuttle's output layer
  return all;
}

// |computed - reference| <= 2 * batch * eps * (|X|^T |dZ|), elementwise: the textbook bound for a
// chain of `batch` rounded multiply-adds (gamma_n with n = batch, first order), twice, since the
// reference (Eigen's product in double) carries its own at double precision.
template <typename T>
void expect_within_rounding_bound(const MatrixT<T>& X, const MatrixT<T>& dZ, const MatrixT<T>& dW,
                                  const std::string& where) {
  const MatrixD Xd = to_double(X), dZd = to_double(dZ);
  const MatrixD exact = Xd.transpose() * dZd;
  const MatrixD scale = Xd.cwiseAbs().transpose() * dZd.cwiseAbs();
  lrtune::testing::expect_within_rounding_bound(dW, exact, scale, X.rows(), where);
}

TEST(WeightGradient, FloatMatchesDoubleProductWithinRoundingOnEveryShape) {
  std::mt19937_64 rng(16);
  for (const Shape& s : shapes()) {
    const auto X = random_matrix<float>(s.batch, s.in, rng);
    const auto dZ = random_matrix<float>(s.batch, s.out, rng);
    expect_within_rounding_bound<float>(X, dZ, kernel_product<float>(X, dZ), name(s));
  }
}

TEST(WeightGradient, DoubleMatchesEigensProductWithinRoundingOnEveryShape) {
  // The double instantiation (the gradient checks run in double).
  std::mt19937_64 rng(17);
  for (const Shape& s : shapes()) {
    const auto X = random_matrix<double>(s.batch, s.in, rng);
    const auto dZ = random_matrix<double>(s.batch, s.out, rng);
    expect_within_rounding_bound<double>(X, dZ, kernel_product<double>(X, dZ), name(s));
  }
}

#ifdef __FMA__
// The header's promise, checked bit for bit: every element is fma(X(b, i), dZ(b, j), .) over
// b = 0 .. batch-1 from zero, whichever tile, edge or batch block computed it.
TEST(WeightGradient, EveryElementIsOneFusedChainOverTheBatchRows) {
  std::mt19937_64 rng(18);
  for (const Shape& s : shapes()) {
    const auto X = random_matrix<float>(s.batch, s.in, rng);
    const auto dZ = random_matrix<float>(s.batch, s.out, rng);
    const auto dW = kernel_product<float>(X, dZ);
    for (Index i = 0; i < s.in; ++i)
      for (Index j = 0; j < s.out; ++j) {
        float chain = 0.0F;
        for (Index b = 0; b < s.batch; ++b) chain = std::fma(X(b, i), dZ(b, j), chain);
        ASSERT_EQ(dW(i, j), chain) << name(s) << " at (" << i << ", " << j << ")";
      }
  }
}
#endif

TEST(WeightGradient, StridedOperandsAndTheMemoryAroundDwUntouched) {
  // X, dZ and dW are blocks inside wider matrices (row strides larger than the widths); dW's block
  // is full of garbage, which must be overwritten, and what lies around it must not change.
  std::mt19937_64 rng(19);
  for (const Shape s : {Shape{32, 13, 26}, Shape{5, 9, 7}, Shape{70, 6, 1}, Shape{3, 128, 17}}) {
    const auto X_wide = random_matrix<float>(s.batch, s.in + 3, rng);
    const auto dZ_wide = random_matrix<float>(s.batch, s.out + 5, rng);
    MatrixT<float> dW_wide = MatrixT<float>::Constant(s.in + 2, s.out + 4, 1e30F);
    lrtune::detail::weight_gradient<float>(s.batch, s.in, s.out, X_wide.data() + 1, X_wide.cols(), dZ_wide.data() + 2,
                                           dZ_wide.cols(), dW_wide.data() + dW_wide.cols() + 1, dW_wide.cols());
    const MatrixT<float> X = X_wide.middleCols(1, s.in), dZ = dZ_wide.middleCols(2, s.out);
    expect_within_rounding_bound<float>(X, dZ, dW_wide.block(1, 1, s.in, s.out), name(s));
    MatrixT<float> around = dW_wide;
    around.block(1, 1, s.in, s.out).setConstant(1e30F);
    EXPECT_TRUE((around.array() == 1e30F).all()) << name(s);
  }
}

TEST(WeightGradient, AnEmptyBatchGivesZeros) {
  MatrixT<float> dW = MatrixT<float>::Constant(4, 19, std::numeric_limits<float>::quiet_NaN());
  const MatrixT<float> X(0, 4), dZ(0, 19);
  lrtune::detail::weight_gradient<float>(0, 4, 19, X.data(), 4, dZ.data(), 19, dW.data(), 19);
  EXPECT_TRUE((dW.array() == 0.0F).all());
}

}  // namespace
