// Stratified and validation index splits (core/split.hpp): sizes, balance, disjointness,
// determinism, and the validation split equal to scikit-learn's on the train part.
#include <algorithm>
#include <fstream>
#include <numeric>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/split.hpp"
#include "support/data_dir.hpp"

namespace {

using lrtune::Index;

std::vector<Index> labels_with_counts(const std::vector<Index>& counts) {
  std::vector<Index> labels;
  for (std::size_t c = 0; c < counts.size(); ++c) labels.insert(labels.end(), counts[c], static_cast<Index>(c));
  // Interleave deterministically so classes are not in blocks.
  std::vector<Index> mixed(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) mixed[(i * 7919) % labels.size()] = labels[i];
  return mixed;
}

TEST(StratifiedSplit, SizesBalanceAndDisjointness) {
  for (const auto& counts : std::vector<std::vector<Index>>{{2372, 4091}, {30, 50, 20}, {5, 5}, {2, 3, 95}}) {
    for (const double test_size : {0.2, 0.25, 0.5}) {
      const auto labels = labels_with_counts(counts);
      const auto n = static_cast<Index>(labels.size());
      const auto split = lrtune::stratified_train_test_split_indices(labels, test_size, 42);
      const auto sizes = lrtune::split_sizes(n, test_size);
      ASSERT_EQ(static_cast<Index>(split.test.size()), sizes.test);
      ASSERT_EQ(static_cast<Index>(split.train.size()), sizes.train);
      std::set<Index> all(split.train.begin(), split.train.end());
      all.insert(split.test.begin(), split.test.end());
      EXPECT_EQ(all.size(), split.train.size() + split.test.size()) << "overlap";
      for (std::size_t c = 0; c < counts.size(); ++c) {
        const auto in_test = std::count_if(split.test.begin(), split.test.end(),
                                           [&](Index i) { return labels[static_cast<std::size_t>(i)] == Index(c); });
        const double exact = static_cast<double>(sizes.test) * static_cast<double>(counts[c]) / static_cast<double>(n);
        EXPECT_LE(std::abs(static_cast<double>(in_test) - exact), 1.0) << "class " << c << " test_size " << test_size;
        EXPECT_GE(in_test, 1);
        EXPECT_LE(in_test, counts[c] - 1);
      }
    }
  }
}

TEST(StratifiedSplit, DeterministicPerSeedAndShuffled) {
  const auto labels = labels_with_counts({40, 60});
  const auto a = lrtune::stratified_train_test_split_indices(labels, 0.2, 1);
  const auto b = lrtune::stratified_train_test_split_indices(labels, 0.2, 1);
  const auto c = lrtune::stratified_train_test_split_indices(labels, 0.2, 2);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  EXPECT_FALSE(std::is_sorted(a.train.begin(), a.train.end()));
}

TEST(StratifiedSplit, RejectsTinyClassesAndParts) {
  EXPECT_THROW(lrtune::stratified_train_test_split_indices({0, 0, 0, 1}, 0.5, 0), lrtune::UsageError);
  EXPECT_THROW(lrtune::stratified_train_test_split_indices({0, 0, 1, 1, 2, 2, 0, 0, 0, 0}, 0.1, 0), lrtune::UsageError);
}

TEST(ValidationSplit, IsScikitLearnsSplitOfTheTrainPart) {
  std::ifstream in(lrtune::testing::resource_file("core/sklearn_splits.json"));
  const auto golden = nlohmann::json::parse(in);
  for (const auto& c : golden["splits"]) {
    // On rows 0..n-1 the validation split is the plain split.
    std::vector<Index> rows(c["n"].get<std::size_t>());
    std::iota(rows.begin(), rows.end(), Index{0});
    const auto v = lrtune::validation_split_indices(rows, c["test_size"].get<double>(), c["seed"].get<std::uint32_t>());
    EXPECT_EQ(v.train, c["train"].get<std::vector<Index>>());
    EXPECT_EQ(v.test, c["test"].get<std::vector<Index>>());
  }
  // On other row ids it maps positions to those ids.
  const std::vector<Index> train = {50, 40, 30, 20, 10};
  const auto v = lrtune::validation_split_indices(train, 0.4, 0);
  const auto p = lrtune::train_test_split_indices(5, 0.4, 0);
  for (std::size_t k = 0; k < p.test.size(); ++k) EXPECT_EQ(v.test[k], train[static_cast<std::size_t>(p.test[k])]);
  for (std::size_t k = 0; k < p.train.size(); ++k) EXPECT_EQ(v.train[k], train[static_cast<std::size_t>(p.train[k])]);
}

}  // namespace
