// split_for_validation: the rows held out are scikit-learn's train_test_split test rows for the
// seed, X and y stay paired, each part in the split's order; the seed's low 32 bits count.
#include <gtest/gtest.h>

#include "lrtune/train/validation_split.hpp"

namespace {

using lrtune::Index;
using lrtune::Matrix;

// Row i of X is (i, 10 i); y is 100 + i: a row's origin can be read off its values.
struct Numbered {
  Matrix X = Matrix(10, 2);
  Matrix y = Matrix(10, 1);
  Numbered() {
    for (Index i = 0; i < 10; ++i) {
      X(i, 0) = static_cast<float>(i);
      X(i, 1) = 10.0f * static_cast<float>(i);
      y(i, 0) = 100.0f + static_cast<float>(i);
    }
  }
};

std::vector<Index> origins(const Matrix& X, const Matrix& y) {
  std::vector<Index> rows;
  for (Index i = 0; i < X.rows(); ++i) {
    EXPECT_EQ(X(i, 1), 10.0f * X(i, 0));
    EXPECT_EQ(y(i, 0), 100.0f + X(i, 0));  // X and y rows stay paired
    rows.push_back(static_cast<Index>(X(i, 0)));
  }
  return rows;
}

TEST(ValidationSplit, HoldsOutScikitLearnsTestRowsInTheirOrder) {
  // train_test_split(range(10), test_size=0.2, random_state=0): train [4 9 1 6 7 3 0 5], test [2 8]
  // (tests/resources/core/sklearn_splits.json).
  const Numbered d;
  const auto split = lrtune::split_for_validation(d.X, d.y, 0.2, 0);
  EXPECT_EQ(origins(split.x_train, split.y_train), (std::vector<Index>{4, 9, 1, 6, 7, 3, 0, 5}));
  EXPECT_EQ(origins(split.x_val, split.y_val), (std::vector<Index>{2, 8}));
}

TEST(ValidationSplit, HoldsOutTheCeilingOfTheFractionAndUsesTheSeedsLow32Bits) {
  const Numbered d;
  const auto split = lrtune::split_for_validation(d.X, d.y, 0.25, 0);  // ceil(2.5) = 3 rows
  EXPECT_EQ(split.x_val.rows(), 3);
  EXPECT_EQ(split.x_train.rows(), 7);
  const auto high = lrtune::split_for_validation(d.X, d.y, 0.2, (std::uint64_t{1} << 32) | 0u);
  EXPECT_EQ(high.x_val, lrtune::split_for_validation(d.X, d.y, 0.2, 0).x_val);
  EXPECT_NE(lrtune::split_for_validation(d.X, d.y, 0.2, 1).x_val, high.x_val);
}

}  // namespace
