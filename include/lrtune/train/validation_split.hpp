// The seeded validation split that fit, the range test and the tuner share: a fraction of the
// rows held out at random as scikit-learn's train_test_split would, each part in the split's order.
#pragma once

#include <cstdint>

#include "lrtune/core/types.hpp"

namespace lrtune {

struct ValidationSplit {
  Matrix x_train, y_train;  // the rows that train
  Matrix x_val, y_val;      // the rows held out
  Vector w_train;           // the training rows' sample weights (empty without them)
};

// fraction in (0, 1); seed as train_test_split's random_state (its low 32 bits). sample_weights,
// when given, has one weight per row of X; the held-out rows' weights are dropped (validation is unweighted).
ValidationSplit split_for_validation(const Matrix& X, const Matrix& y, double fraction, std::uint64_t seed,
                                     const Vector* sample_weights = nullptr);

}  // namespace lrtune
