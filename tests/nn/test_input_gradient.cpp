// The input-gradient kernel (src/nn/input_gradient.hpp) against independent computations: a
// double-precision product with a rounding-error bound per element, and (on FMA builds) the scalar
// chain of std::fma over the layer's units that the kernel promises bit for bit, over shapes that
// cover every tile and edge (odd sizes, one-row batches, batches not a multiple of the packet,
// `out` longer than the kernel's depth block, the recipe's layers), strided operands, the memory
// around dX, and a row's result whatever the rows around it in the call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../../src/nn/input_gradient.hpp"
#include "lrtune/core/types.hpp"
#include "support/kernel_operands.hpp"

namespace {

using lrtune::Index;
using lrtune::MatrixD;
using lrtune::MatrixT;
using lrtune::VectorT;
using lrtune::testing::random_matrix;
using lrtune::testing::Shape;
using lrtune::testing::to_double;

std::vector<Shape> shapes() {
  std::vector<Shape> all;
  for (Index batch : {1, 2, 5, 7, 15, 16, 17, 32, 33, 70})
    for (Index in : {1, 2, 9, 12, 13, 64, 65, 129, 300})
      for (Index out : {2, 3, 7, 16, 26, 63, 64, 65, 130, 300}) all.push_back({batch, in, out});
  // The recipe's layers with an input gradient (128-256-256, then 1, 7 or 26 outputs) at batch 32
  for (const Shape s : {Shape{32, 128, 256}, Shape{32, 256, 256}, Shape{32, 256, 7}, Shape{32, 256, 26}})
    all.push_back(s);
  return all;
}

// dX = dZ W^T by the kernel, from a dX full of garbage, and a scratch vector too small at first.
template <typename T>
struct Case {
  MatrixT<T> dZ, W, dX;
  Case(const Shape& s, std::mt19937_64& rng)
      : dZ(random_matrix<T>(s.batch, s.out, rng)),
        W(random_matrix<T>(s.in, s.out, rng)),
        dX(MatrixT<T>::Constant(s.batch, s.in, std::numeric_limits<T>::quiet_NaN())) {
    VectorT<T> transposes(3);
    lrtune::detail::input_gradient<T>(s.batch, s.in, s.out, dZ.data(), dZ.cols(), W.data(), W.cols(), dX.data(),
                                      dX.cols(), transposes);
  }
};

// |computed - reference| <= 2 * out * eps * (|dZ| |W|^T), elementwise: the textbook bound for a
// chain of `out` rounded multiply-adds, twice, since the double reference carries its own.
template <typename T>
void expect_within_rounding_bound(const MatrixT<T>& dZ, const MatrixT<T>& W, const MatrixT<T>& dX,
                                  const std::string& where) {
  const MatrixD dZd = to_double(dZ), Wd = to_double(W);
  const MatrixD exact = dZd * Wd.transpose();
  const MatrixD scale = dZd.cwiseAbs() * Wd.cwiseAbs().transpose();
  lrtune::testing::expect_within_rounding_bound(dX, exact, scale, dZ.cols(), where);
}

TEST(InputGradient, FloatMatchesDoubleProductWithinRoundingOnEveryShape) {
  std::mt19937_64 rng(170);
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    expect_within_rounding_bound<float>(c.dZ, c.W, c.dX, name(s));
  }
}

TEST(InputGradient, DoubleMatchesEigensProductWithinRoundingOnEveryShape) {
  std::mt19937_64 rng(171);
  for (const Shape& s : shapes()) {
    const Case<double> c(s, rng);
    expect_within_rounding_bound<double>(c.dZ, c.W, c.dX, name(s));
  }
}

#ifdef __FMA__
// The header's promise, checked bit for bit: every element is fma(W(i, j), dZ(r, j), .) over
// j = 0 .. out-1 from zero, whichever tile, edge or depth block computed it.
TEST(InputGradient, EveryElementIsOneFusedChainOverTheUnits) {
  std::mt19937_64 rng(172);
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    for (Index r = 0; r < s.batch; ++r)
      for (Index i = 0; i < s.in; ++i) {
        float chain = 0.0F;
        for (Index j = 0; j < s.out; ++j) chain = std::fma(c.W(i, j), c.dZ(r, j), chain);
        ASSERT_EQ(c.dX(r, i), chain) << name(s) << " at (" << r << ", " << i << ")";
      }
  }
}
#endif

// A data-parallel rank computes a share of a batch's rows: each row must be the same bits
// whether the call had that row alone, a few rows or all of them.
TEST(InputGradient, ARowsResultDoesNotDependOnTheRowsAroundItInTheCall) {
  std::mt19937_64 rng(173);
  VectorT<float> transposes;
  for (const Shape& s : shapes()) {
    const Case<float> c(s, rng);
    for (const bool alone : {false, true}) {
      MatrixT<float> dX(s.batch, s.in);
      Index rows = 1;
      for (Index r = 0; r < s.batch; r += rows, rows = alone ? 1 : rows + 1) {
        const Index count = std::min(rows, s.batch - r);
        lrtune::detail::input_gradient<float>(count, s.in, s.out, c.dZ.row(r).data(), c.dZ.cols(), c.W.data(),
                                              c.W.cols(), dX.row(r).data(), dX.cols(), transposes);
      }
      ASSERT_TRUE((dX.array() == c.dX.array()).all()) << name(s) << (alone ? " row by row" : " in growing calls");
    }
  }
}

TEST(InputGradient, StridedOperandsAndTheMemoryAroundDxUntouched) {
  std::mt19937_64 rng(174);
  VectorT<float> transposes;
  for (const Shape s : {Shape{32, 13, 26}, Shape{5, 9, 7}, Shape{70, 6, 2}, Shape{3, 128, 17}, Shape{33, 70, 65}}) {
    const auto dZ_wide = random_matrix<float>(s.batch, s.out + 3, rng);
    const auto W_wide = random_matrix<float>(s.in, s.out + 5, rng);
    MatrixT<float> dX_wide = MatrixT<float>::Constant(s.batch + 2, s.in + 4, 1e30F);
    lrtune::detail::input_gradient<float>(s.batch, s.in, s.out, dZ_wide.data() + 1, dZ_wide.cols(), W_wide.data() + 2,
                                          W_wide.cols(), dX_wide.data() + dX_wide.cols() + 1, dX_wide.cols(),
                                          transposes);
    const MatrixT<float> dZ = dZ_wide.middleCols(1, s.out), W = W_wide.middleCols(2, s.out);
    expect_within_rounding_bound<float>(dZ, W, dX_wide.block(1, 1, s.batch, s.in), name(s));
    MatrixT<float> around = dX_wide;
    around.block(1, 1, s.batch, s.in).setConstant(1e30F);
    EXPECT_TRUE((around.array() == 1e30F).all()) << name(s);
  }
}

TEST(InputGradient, EmptyShapes) {
  VectorT<float> transposes;
  const MatrixT<float> W = MatrixT<float>::Ones(4, 19), no_units(3, 0);
  MatrixT<float> dX(0, 4);
  lrtune::detail::input_gradient<float>(0, 4, 19, W.data(), 19, W.data(), 19, dX.data(), 4, transposes);  // no rows
  MatrixT<float> zeros = MatrixT<float>::Constant(3, 4, 0.25F);  // a layer of no units: dX = 0
  lrtune::detail::input_gradient<float>(3, 4, 0, no_units.data(), 0, W.data(), 0, zeros.data(), 4, transposes);
  EXPECT_TRUE((zeros.array() == 0.0F).all());
}

}  // namespace
