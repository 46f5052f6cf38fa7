// Train/test and train/validation index splits over n rows, reproducing
// scikit-learn's train_test_split(..., random_state=seed, shuffle=True).
// Splitting tables by these indices belongs to data; fit's validation split uses them too.
#pragma once

#include <cstdint>
#include <vector>

#include "lrtune/core/types.hpp"

namespace lrtune {

struct SplitIndices {
  std::vector<Index> train;  // in the order scikit-learn returns them
  std::vector<Index> test;
};

// Sizes as scikit-learn computes them for a float test_size in (0, 1):
// n_test = ceil(test_size * n), n_train = floor((1 - test_size) * n).
struct SplitSizes {
  Index train = 0;
  Index test = 0;
};
SplitSizes split_sizes(Index n, double test_size);

// The first n_test entries of numpy's permutation are the test rows, the next
// n_train the train rows. Throws std::invalid_argument on a size that leaves a part empty.
SplitIndices train_test_split_indices(Index n, double test_size, std::uint32_t seed);

}  // namespace lrtune
