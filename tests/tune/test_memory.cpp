// The memory estimates of a training and of the search (tune/memory.hpp), against numbers
// computed by hand from the buffers Sequential, the optimizer and the Tuner allocate.
#include <gtest/gtest.h>

#include "lrtune/tune/memory.hpp"

namespace {

using lrtune::ModelShape;

// 3 inputs -> 4 -> 1: (3 + 1) x 4 + (4 + 1) x 1 = 21 parameters.
const ModelShape kSmall{3, {4, 1}};

TEST(Memory, ParameterCountSumsInputsPlusBiasTimesUnits) {
  EXPECT_EQ(lrtune::parameter_count(kSmall), 21.0);
  EXPECT_EQ(lrtune::parameter_count({12, {128, 256, 256, 1}}), 13 * 128 + 129 * 256 + 257 * 256 + 257 * 1);
  // No overflow where an integer count would: 1023 layers of 2^24 units.
  const ModelShape huge{1 << 24, std::vector<lrtune::Index>(1023, 1 << 24)};
  EXPECT_GT(lrtune::parameter_count(huge), 2.8e17);
}

TEST(Memory, OneTrainingByHand) {
  // Adam (2 slots), batches of 16 of 100 rows, 30 rows evaluated: the workspace holds 30 rows.
  const lrtune::TrainingMemory m = lrtune::training_memory(kSmall, 2, 16, 100, 30);
  EXPECT_EQ(m.weights, 3 * 21 * 4);    // parameters, gradients, best weights: 252 bytes
  EXPECT_EQ(m.optimizer, 2 * 21 * 4);  // 168 bytes
  // Per row: 3 inputs + 2 x (4 + 1) layer outputs + 2 x 4 (widest) + 2 x 1 (outputs) = 23 floats;
  // 30 rows x 23 x 4 = 2760 bytes, and the row order 100 x 8 = 800 bytes.
  EXPECT_EQ(m.workspace, 2760 + 800);
  EXPECT_EQ(m.total(), 252 + 168 + 3560);
}

TEST(Memory, WorkspaceRowsAreTheLargerOfTheBatchAndTheEvaluationBatch) {
  // A batch larger than the rows is one batch of all of them (100); evaluation stops at 1024.
  EXPECT_EQ(lrtune::training_memory(kSmall, 0, 5000, 100, 0).workspace, 100 * 23 * 4 + 800);
  EXPECT_EQ(lrtune::training_memory(kSmall, 0, 16, 100, 50000).workspace, 1024 * 23 * 4 + 800);
}

TEST(Memory, SearchIsCandidatesTimesRepeatsUnitsPlusTheSplitCopy) {
  const lrtune::TrainingMemory unit = lrtune::training_memory(kSmall, 2, 16, 100, 30);  // 3980 bytes
  // 5 candidates x 2 seeds = 10 units, and 125 rows x (3 + 1) floats copied by the split: 2000 bytes.
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, false, 125, 3), 10 * 3980 + 2000);
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, true, 125, 3), 11 * 3980 + 2000);
}

TEST(Memory, SpreadSearchCountsTheUnitsOneRankHolds) {
  const lrtune::TrainingMemory unit = lrtune::training_memory(kSmall, 2, 16, 100, 30);  // 3980 bytes
  // 10 units dealt out in turn: 5 on each of 2 ranks, 4 on rank 0 of 3 (4, 3, 3), 1 each on 16
  // ranks; the refit and the split copy are on every rank.
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, false, 125, 3, 2), 5 * 3980 + 2000);
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, true, 125, 3, 3), (4 + 1) * 3980 + 2000);
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, false, 125, 3, 16), 1 * 3980 + 2000);
  EXPECT_EQ(lrtune::search_memory(unit, 5, 2, false, 125, 3, 1), lrtune::search_memory(unit, 5, 2, false, 125, 3));
  EXPECT_EQ(lrtune::units_per_rank(11, 2), 6U);
  EXPECT_EQ(lrtune::units_per_rank(0, 2), 0U);
}

}  // namespace
