// numpy-compatible permutations and scikit-learn-compatible splits, against golden
// values written by numpy and scikit-learn (tools/gen_split_golden.py).
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/random.hpp"
#include "lrtune/core/split.hpp"
#include "support/data_dir.hpp"

namespace {

nlohmann::json golden() {
  std::ifstream in(lrtune::testing::resource_file("core/sklearn_splits.json"));
  return nlohmann::json::parse(in);
}

TEST(Mt19937, MatchesTheReferenceStream) {
  // The 10000th output of MT19937 seeded with 5489 is fixed by the C++ standard.
  lrtune::Mt19937 generator(5489u);
  generator.discard(9999);
  EXPECT_EQ(generator(), 4123659995u);
}

TEST(NumpyPermutation, EqualsNumpyForEveryGoldenCase) {
  const auto cases = golden()["permutations"];
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    const auto expected = c["permutation"].get<std::vector<lrtune::Index>>();
    const auto actual = lrtune::numpy_permutation(c["n"].get<lrtune::Index>(), c["seed"].get<std::uint32_t>());
    EXPECT_EQ(actual, expected) << "n=" << c["n"] << " seed=" << c["seed"];
  }
}

TEST(NumpyRandomInterval, StaysWithinBoundsAndHitsBothEnds) {
  lrtune::Mt19937 generator(1u);
  bool saw_zero = false, saw_max = false;
  for (int i = 0; i < 2000; ++i) {
    const auto v = lrtune::numpy_random_interval(5, generator);
    ASSERT_LE(v, 5u);
    saw_zero |= v == 0;
    saw_max |= v == 5;
  }
  EXPECT_TRUE(saw_zero);
  EXPECT_TRUE(saw_max);
  EXPECT_EQ(lrtune::numpy_random_interval(0, generator), 0u);
}

TEST(TrainTestSplit, EqualsScikitLearnForEveryGoldenCase) {
  const auto cases = golden()["splits"];
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    const auto split = lrtune::train_test_split_indices(c["n"].get<lrtune::Index>(), c["test_size"].get<double>(),
                                                        c["seed"].get<std::uint32_t>());
    EXPECT_EQ(split.train, c["train"].get<std::vector<lrtune::Index>>()) << "n=" << c["n"] << " seed=" << c["seed"];
    EXPECT_EQ(split.test, c["test"].get<std::vector<lrtune::Index>>()) << "n=" << c["n"] << " seed=" << c["seed"];
  }
}

TEST(TrainTestSplit, RecipeSizes) {
  const auto sizes = lrtune::split_sizes(6463, 0.2);
  EXPECT_EQ(sizes.train, 5170);
  EXPECT_EQ(sizes.test, 1293);
}

TEST(TrainTestSplit, RejectsSizesThatLeaveAPartEmpty) {
  EXPECT_THROW(lrtune::split_sizes(10, 0.0), lrtune::UsageError);
  EXPECT_THROW(lrtune::split_sizes(10, 1.0), lrtune::UsageError);
  EXPECT_THROW(lrtune::split_sizes(1, 0.5), lrtune::UsageError);
}

}  // namespace
