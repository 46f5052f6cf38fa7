// class_weights.hpp: scikit-learn's "balanced" weights computed by hand, labels from one-output
// and one-hot targets (ties to the first maximum), the expansion to rows, and the errors.
#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/train/class_weights.hpp"

namespace {

using lrtune::Index;

TEST(ClassWeights, BalancedIsSamplesOverClassesTimesCount) {
  // compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 0, 0, 0, 1, 1, 2, 0]): 8 / (3 * count)
  const std::vector<Index> labels{0, 0, 0, 0, 1, 1, 2, 0};
  const std::vector<double> weights = lrtune::class_weights_balanced(labels, 3);
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_DOUBLE_EQ(weights[0], 8.0 / 15.0);
  EXPECT_DOUBLE_EQ(weights[1], 8.0 / 6.0);
  EXPECT_DOUBLE_EQ(weights[2], 8.0 / 3.0);
  // Balanced: every class carries n / classes of the total weight.
  const lrtune::Vector rows = lrtune::sample_weights_from_labels(labels, weights);
  ASSERT_EQ(rows.size(), 8);
  EXPECT_FLOAT_EQ(rows(4), static_cast<float>(8.0 / 6.0));
  EXPECT_NEAR(rows.cast<double>().sum(), 8.0, 1e-5);
}

TEST(ClassWeights, AClassWithoutRowsGetsZero) {
  const std::vector<double> weights = lrtune::class_weights_balanced({0, 2, 2}, 4);
  EXPECT_EQ(weights, (std::vector<double>{3.0 / 4.0, 0.0, 3.0 / 8.0, 0.0}));
}

TEST(ClassWeights, LabelsFromOneOutputAndOneHotTargets) {
  lrtune::Matrix binary(3, 1);
  binary << 1.0f, 0.0f, 0.6f;
  EXPECT_EQ(lrtune::class_labels(binary), (std::vector<Index>{1, 0, 1}));
  lrtune::Matrix one_hot(3, 3);
  one_hot << 0, 1, 0,  //
      0, 0, 1,         //
      0.5f, 0.5f, 0;   // a tie goes to the first
  EXPECT_EQ(lrtune::class_labels(one_hot), (std::vector<Index>{1, 2, 0}));
}

TEST(ClassWeights, ErrorsNameTheProblem) {
  EXPECT_THROW(lrtune::class_weights_balanced({}, 2), lrtune::UsageError);
  EXPECT_THROW(lrtune::class_weights_balanced({0, 1}, 0), lrtune::UsageError);
  EXPECT_THROW(lrtune::class_weights_balanced({0, 3}, 3), lrtune::UsageError);
  EXPECT_THROW(lrtune::sample_weights_from_labels({0, 2}, {1.0, 1.0}), lrtune::UsageError);
}

}  // namespace
