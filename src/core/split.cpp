// Index splits that match scikit-learn's ShuffleSplit-based train_test_split.
#include "lrtune/core/split.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "lrtune/core/random.hpp"

namespace lrtune {

SplitSizes split_sizes(Index n, double test_size) {
  if (!(test_size > 0.0 && test_size < 1.0)) {
    throw std::invalid_argument(fmt::format("test_size must be in (0, 1), got {}", test_size));
  }
  const double rows = static_cast<double>(n);
  SplitSizes sizes;
  sizes.test = static_cast<Index>(std::ceil(test_size * rows));
  sizes.train = static_cast<Index>(std::floor((1.0 - test_size) * rows));
  if (sizes.train <= 0 || sizes.test <= 0) {
    throw std::invalid_argument(fmt::format(
        "a split of {} rows with test_size {} leaves {} train and {} test rows; both need at least one",
        n, test_size, sizes.train, sizes.test));
  }
  return sizes;
}

SplitIndices train_test_split_indices(Index n, double test_size, std::uint32_t seed) {
  const SplitSizes sizes = split_sizes(n, test_size);
  const std::vector<Index> permutation = numpy_permutation(n, seed);
  SplitIndices split;
  split.test.assign(permutation.begin(), permutation.begin() + sizes.test);
  split.train.assign(permutation.begin() + sizes.test, permutation.begin() + sizes.test + sizes.train);
  return split;
}

}  // namespace lrtune
