// Train/test and train/validation index splits over n rows, reproducing
// scikit-learn's train_test_split(..., random_state=seed, shuffle=True).
// Splitting tables by these indices belongs to data; fit's validation split uses them too.
#pragma once

#include <cstdint>
#include <vector>

#include "lrtune/core/error.hpp"
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
// Throws UsageError when test_size is outside (0, 1) or a part would be empty.
SplitSizes split_sizes(Index n, double test_size);
// The same sizes unchecked (test_size in (0, 1)): what a split would leave, for a message.
SplitSizes planned_split_sizes(Index n, double test_size);

// The first n_test entries of numpy's permutation are the test rows, the next
// n_train the train rows. Throws UsageError on a size that leaves a part empty.
SplitIndices train_test_split_indices(Index n, double test_size, std::uint32_t seed);

// A stratified split over n = labels.size() rows with the same sizes as above and each
// class's share of the test part within one row of its share of the data (largest
// remainder). Not scikit-learn's StratifiedShuffleSplit bit for bit: per class (in
// ascending label order) numpy's permutation of its rows from one MT19937(seed) stream
// chooses the test rows, then both parts are shuffled by the same stream. Throws
// UsageError when a class has fewer than 2 rows or a part is smaller than
// the number of classes (as scikit-learn does).
SplitIndices stratified_train_test_split_indices(const std::vector<Index>& labels, double test_size,
                                                 std::uint32_t seed);

// A validation part drawn at random from a train part, with its own seed: exactly
// scikit-learn's train_test_split(train, test_size=validation_size, random_state=seed),
// so `test` holds the validation rows. The entries are values of `train`, not positions.
SplitIndices validation_split_indices(const std::vector<Index>& train, double validation_size, std::uint32_t seed);

}  // namespace lrtune
