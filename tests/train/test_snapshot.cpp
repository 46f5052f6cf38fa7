// TrainingSnapshot: everything training changes (weights, dropout RNG, optimizer moments, step
// counter, rate) taken and restored exactly, so training resumed from it repeats itself.
#include <gtest/gtest.h>

#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/snapshot.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::Loss;
using lrtune::Sequential;

Sequential small_model(std::uint64_t seed) {
  return Sequential(5, {lrtune::Dense(8, "relu"), lrtune::Dropout(0.25), lrtune::Dense(1, "sigmoid")}, seed);
}

TEST(Snapshot, RestoresModelAndOptimizerExactly) {
  const auto data = lrtune::testing::separable_binary(64, 5, 13);
  Sequential model = small_model(2);
  lrtune::Adam adam;
  lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 1});
  const auto snapshot = lrtune::take_snapshot(model, adam);
  lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 2});
  ASSERT_NE(lrtune::take_snapshot(model, adam), snapshot);
  lrtune::restore_snapshot(model, adam, snapshot);
  EXPECT_EQ(lrtune::take_snapshot(model, adam), snapshot);
}

TEST(Snapshot, TrainingFromARestoredSnapshotRepeatsItself) {
  const auto data = lrtune::testing::separable_binary(64, 5, 14);
  Sequential model = small_model(3);
  lrtune::Adam adam;
  lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 1});
  const auto snapshot = lrtune::take_snapshot(model, adam);
  EXPECT_EQ(snapshot.optimizer, adam.state());
  const auto first = lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 2, .seed = 4});
  const auto after_first = lrtune::take_snapshot(model, adam);
  lrtune::restore_snapshot(model, adam, snapshot);
  const auto second = lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 2, .seed = 4});
  EXPECT_EQ(first.values("loss"), second.values("loss"));  // the same dropout masks, moments and steps
  EXPECT_EQ(lrtune::take_snapshot(model, adam), after_first);
}

}  // namespace
