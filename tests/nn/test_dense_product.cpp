// The forward kernel (src/nn/dense_product.hpp) against independent computations: a
// double-precision product with a rounding-error bound per element, and (on FMA builds) the scalar
// chain of std::fma over the input features that the kernel promises bit for bit, over shapes that
// cover every tile and edge (odd sizes, one-row batches, out not a multiple of the packet, `in`
// longer than the kernel's depth block, the recipe's layers), strided operands, the memory around
// Z, empty products, and a row's result whatever the rows around it in the call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../../src/nn/dense_product.hpp"
#include "lrtune/core/types.hpp"
#include "support/kernel_operands.hpp"

namespace {

using lrtune::Index;
using lrtune::MatrixD;
using lrtune::MatrixT;
using lrtune::testing::random_matrix;
using lrtune::testing::Shape;
using lrtune::testing::to_double;

std::vector<Shape> shapes() {
  std::vector<Shape> all;
  for (Index batch : {1, 2, 5, 6, 7, 12, 13, 32, 33, 70})
    for (Index in : {1, 2, 9, 12, 63, 64, 65, 129, 300})
      for (Index out : {1, 2, 3, 7, 15, 16, 17, 26, 63, 64, 65, 130, 300}) all.push_back({batch, in, out});
  // The recipe's layers (9 or 12 features, 128-256-256, 1, 7 or 26 outputs) at batch 32
  for (const Shape s : {Shape{32, 9, 128}, Shape{32, 12, 128}, Shape{32, 128, 256}, Shape{32, 256, 256},
                        Shape{32, 256, 1}, Shape{32, 256, 7}, Shape{32, 256, 26}})
    all.push_back(s);
  return all;
}

// The operands of one product, Z starting as the broadcast bias b as in the forward pass.
template <typename T>
struct Case {
  MatrixT<T> X, W, b, Z;
  Case(const Shape& s, std::mt19937_64& rng)
      : X(random_matrix<T>(s.batch, s.in, rng)),
        W(random_matrix<T>(s.in, s.out, rng)),
        b(random_matrix<T>(1, s.out, rng)) {
    Z = b.replicate(s.batch, 1);
    lrtune::detail::dense_product<T>(s.batch, s.in, s.out, X.data(), X.cols(), W.data(), W.cols(), Z.data(), Z.cols());
  }
};

// |computed - reference| <= 2 * in * eps * (|b| + |X| |W|), elementwise: the textbook bound for a
// chain of `in` rounded multiply-adds from b (gamma_n with n = in, first order), twice, since the
// reference (Eigen's product in double) carries its own at double precision.
template <typename T>
void expect_within_rounding_bound(const MatrixT<T>& X, const MatrixT<T>& W, const MatrixT<T>& b, const MatrixT<T>& Z,
                                  const std::string& where) {
  const MatrixD Xd = to_double(X), Wd = to_double(W), bd = to_double(b);
  const MatrixD exact = (Xd * Wd).rowwise() + bd.row(0);
  const MatrixD scale = (Xd.cwiseAbs() * Wd.cwiseAbs()).rowwise() + bd.cwiseAbs().row(0);
  lrtune::testing::expect_within_rounding_bound(Z, exact, scale, X.cols(), where);
}

TEST(DenseProduct, FloatMatchesDoubleProductWithinRoundingOnEveryShape) {
  std::mt19937_64 rng(160);
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    expect_within_rounding_bound<float>(c.X, c.W, c.b, c.Z, name(s));
  }
}

TEST(DenseProduct, DoubleMatchesEigensProductWithinRoundingOnEveryShape) {
  // The double instantiation (the gradient checks run in double).
  std::mt19937_64 rng(161);
  for (const Shape& s : shapes()) {
    const Case<double> c(s, rng);
    expect_within_rounding_bound<double>(c.X, c.W, c.b, c.Z, name(s));
  }
}

#ifdef __FMA__
// The header's promise, checked bit for bit: every element is fma(X(r, p), W(p, j), .) over
// p = 0 .. in-1 from the bias, whichever tile, edge or depth block computed it. (One-unit layers
// take a dot product instead: checked against the bound and for row independence.)
TEST(DenseProduct, EveryElementIsOneFusedChainOverTheInputsFromTheBias) {
  std::mt19937_64 rng(162);
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    if (s.out == 1) continue;
    for (Index r = 0; r < s.batch; ++r)
      for (Index j = 0; j < s.out; ++j) {
        float chain = c.b(0, j);
        for (Index p = 0; p < s.in; ++p) chain = std::fma(c.X(r, p), c.W(p, j), chain);
        ASSERT_EQ(c.Z(r, j), chain) << name(s) << " at (" << r << ", " << j << ")";
      }
  }
}
#endif

// What data-parallel ranks (a share of a batch's rows), validation (1024-row batches) and predict
// rely on: a row of Z is the same bits whether the call had that row alone, a few rows or all.
TEST(DenseProduct, ARowsResultDoesNotDependOnTheRowsAroundItInTheCall) {
  std::mt19937_64 rng(163);
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    // The batch in calls of 1, 2, 3, ... rows, row by row, and every row alone.
    for (const bool alone : {false, true}) {
      MatrixT<float> Z = c.b.replicate(s.batch, 1);
      Index rows = 1;
      for (Index r = 0; r < s.batch; r += rows, rows = alone ? 1 : rows + 1) {
        const Index count = std::min(rows, s.batch - r);
        lrtune::detail::dense_product<float>(count, s.in, s.out, c.X.row(r).data(), c.X.cols(), c.W.data(), c.W.cols(),
                                             Z.row(r).data(), Z.cols());
      }
      ASSERT_TRUE((Z.array() == c.Z.array()).all()) << name(s) << (alone ? " row by row" : " in growing calls");
    }
  }
}

TEST(DenseProduct, LargeBatchesRowsEqualTheSameRowsInABatchOf32) {
  // A validation batch (1024 rows) against the training batch's 32 rows it starts with.
  std::mt19937_64 rng(164);
  for (const Shape s : {Shape{1024, 256, 256}, Shape{1024, 256, 26}, Shape{1031, 12, 128}, Shape{1027, 256, 1}}) {
    const Case<float> c(s, rng);
    MatrixT<float> Z32 = c.b.replicate(32, 1);
    lrtune::detail::dense_product<float>(32, s.in, s.out, c.X.data(), c.X.cols(), c.W.data(), c.W.cols(), Z32.data(),
                                         Z32.cols());
    EXPECT_TRUE((Z32.array() == c.Z.topRows(32).array()).all()) << name(s);
    expect_within_rounding_bound<float>(c.X, c.W, c.b, c.Z, name(s));
  }
}

TEST(DenseProduct, StridedOperandsAndTheMemoryAroundZUntouched) {
  // X, W and Z are blocks inside wider matrices (row strides larger than the widths); what lies
  // around Z's block must not change.
  std::mt19937_64 rng(165);
  for (const Shape s : {Shape{32, 13, 26}, Shape{5, 9, 7}, Shape{70, 6, 1}, Shape{3, 128, 17}, Shape{33, 70, 65}}) {
    const auto X_wide = random_matrix<float>(s.batch, s.in + 3, rng);
    const auto W_wide = random_matrix<float>(s.in, s.out + 5, rng);
    const auto b = random_matrix<float>(1, s.out, rng);
    MatrixT<float> Z_wide = MatrixT<float>::Constant(s.batch + 2, s.out + 4, 1e30F);
    Z_wide.block(1, 1, s.batch, s.out) = b.replicate(s.batch, 1);
    lrtune::detail::dense_product<float>(s.batch, s.in, s.out, X_wide.data() + 1, X_wide.cols(), W_wide.data() + 2,
                                         W_wide.cols(), Z_wide.data() + Z_wide.cols() + 1, Z_wide.cols());
    const MatrixT<float> X = X_wide.middleCols(1, s.in), W = W_wide.middleCols(2, s.out);
    expect_within_rounding_bound<float>(X, W, b, Z_wide.block(1, 1, s.batch, s.out), name(s));
    MatrixT<float> around = Z_wide;
    around.block(1, 1, s.batch, s.out).setConstant(1e30F);
    EXPECT_TRUE((around.array() == 1e30F).all()) << name(s);
  }
}

TEST(DenseProduct, AnEmptyBatchOrNoInputsLeaveZAsItWas) {
  const MatrixT<float> X(0, 4), W = MatrixT<float>::Ones(4, 19);
  MatrixT<float> Z(0, 19);
  lrtune::detail::dense_product<float>(0, 4, 19, X.data(), 4, W.data(), 19, Z.data(), 19);  // nothing to touch
  const MatrixT<float> no_inputs(3, 0), no_weights(0, 19);
  MatrixT<float> bias = MatrixT<float>::Constant(3, 19, 0.25F);
  lrtune::detail::dense_product<float>(3, 0, 19, no_inputs.data(), 0, no_weights.data(), 19, bias.data(), 19);
  EXPECT_TRUE((bias.array() == 0.25F).all());
}

}  // namespace
