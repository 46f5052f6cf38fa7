// Index splits that match scikit-learn's ShuffleSplit-based train_test_split.
#include "lrtune/core/split.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "lrtune/core/error.hpp"
#include "lrtune/core/random.hpp"

namespace lrtune {

SplitSizes planned_split_sizes(Index n, double test_size) {
  const double rows = static_cast<double>(n);
  SplitSizes sizes;
  sizes.test = static_cast<Index>(std::ceil(test_size * rows));
  sizes.train = static_cast<Index>(std::floor((1.0 - test_size) * rows));
  return sizes;
}

SplitSizes split_sizes(Index n, double test_size) {
  if (!(test_size > 0.0 && test_size < 1.0)) {
    throw UsageError(fmt::format("test_size must be in (0, 1), got {}", test_size));
  }
  const SplitSizes sizes = planned_split_sizes(n, test_size);
  if (sizes.train <= 0 || sizes.test <= 0) {
    throw UsageError(
        fmt::format("a split of {} rows with test_size {} leaves {} train and {} test rows; both need at least one", n,
                    test_size, sizes.train, sizes.test));
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

SplitIndices stratified_train_test_split_indices(const std::vector<Index>& labels, double test_size,
                                                 std::uint32_t seed) {
  const auto n = static_cast<Index>(labels.size());
  const SplitSizes sizes = split_sizes(n, test_size);
  std::map<Index, std::vector<Index>> members;  // ascending label order
  for (Index i = 0; i < n; ++i) members[labels[static_cast<std::size_t>(i)]].push_back(i);
  const auto classes = static_cast<Index>(members.size());
  for (const auto& [label, rows] : members) {
    if (rows.size() < 2) {
      throw UsageError(
          fmt::format("stratified split: class {} has only {} row; every class needs at least 2", label, rows.size()));
    }
  }
  if (sizes.test < classes || sizes.train < classes) {
    throw UsageError(fmt::format("stratified split: {} train and {} test rows cannot hold all {} classes", sizes.train,
                                 sizes.test, classes));
  }
  // Largest-remainder allocation of the test rows to the classes.
  std::vector<Index> quota;
  std::vector<std::pair<double, std::size_t>> remainders;
  Index allocated = 0;
  for (const auto& [label, rows] : members) {
    const double exact = static_cast<double>(sizes.test) * static_cast<double>(rows.size()) / static_cast<double>(n);
    const auto whole = static_cast<Index>(std::floor(exact));
    remainders.emplace_back(exact - static_cast<double>(whole), quota.size());
    quota.push_back(whole);
    allocated += whole;
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; allocated < sizes.test; ++k, ++allocated) ++quota[remainders[k % remainders.size()].second];
  // Every class keeps at least one row on each side: move rows from the largest quotas.
  std::size_t c = 0;
  for (const auto& [label, rows] : members) {
    const auto count = static_cast<Index>(rows.size());
    while (quota[c] < 1) {
      const auto donor = static_cast<std::size_t>(std::max_element(quota.begin(), quota.end()) - quota.begin());
      --quota[donor];
      ++quota[c];
    }
    while (quota[c] > count - 1) {
      const auto taker = static_cast<std::size_t>(std::min_element(quota.begin(), quota.end()) - quota.begin());
      --quota[c];
      ++quota[taker];
    }
    ++c;
  }
  Mt19937 generator(seed);
  SplitIndices split;
  c = 0;
  for (const auto& [label, rows] : members) {
    const std::vector<Index> order = numpy_permutation(static_cast<Index>(rows.size()), generator);
    for (std::size_t k = 0; k < order.size(); ++k) {
      (static_cast<Index>(k) < quota[c] ? split.test : split.train).push_back(rows[static_cast<std::size_t>(order[k])]);
    }
    ++c;
  }
  numpy_shuffle(split.test, generator);
  numpy_shuffle(split.train, generator);
  split.train.resize(static_cast<std::size_t>(std::min<Index>(sizes.train, static_cast<Index>(split.train.size()))));
  return split;
}

SplitIndices validation_split_indices(const std::vector<Index>& train, double validation_size, std::uint32_t seed) {
  const SplitIndices positions = train_test_split_indices(static_cast<Index>(train.size()), validation_size, seed);
  SplitIndices split;
  split.train.reserve(positions.train.size());
  split.test.reserve(positions.test.size());
  for (Index p : positions.train) split.train.push_back(train[static_cast<std::size_t>(p)]);
  for (Index p : positions.test) split.test.push_back(train[static_cast<std::size_t>(p)]);
  return split;
}

}  // namespace lrtune
