// Successive halving's bookkeeping on hand-made scores: rung epoch targets, who is promoted
// (rounded up), finished candidates taking no more budget, ties, divergence, and the slow-starter
// guard keeping a steadily improving candidate while cutting a flat one.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "lrtune/tune/halving.hpp"

namespace {

using lrtune::cut_rung;
using lrtune::HalvingRule;
using lrtune::rung_epoch_targets;
using lrtune::RungEntry;
using Indices = std::vector<std::size_t>;

constexpr double kInf = std::numeric_limits<double>::infinity();

RungEntry entry(std::size_t candidate, double score, bool finished = false) {
  return RungEntry{.candidate = candidate,
                   .score = score,
                   .finished = finished,
                   .improving = false,
                   .previous_score = score,
                   .rung_epochs = 4};
}

TEST(RungEpochTargets, GrowGeometricallyUpToMaxEpochs) {
  EXPECT_EQ(rung_epoch_targets(4, 2.0, 100), (std::vector<int>{4, 8, 16, 32, 64, 100}));
  EXPECT_EQ(rung_epoch_targets(4, 2.0, 64), (std::vector<int>{4, 8, 16, 32, 64}));
  EXPECT_EQ(rung_epoch_targets(3, 3.0, 3), (std::vector<int>{3}));
  // round(2 * 1.5^k) = 2, 3, 5 (4.5 rounds away from zero), 7 (6.75), then the cap.
  EXPECT_EQ(rung_epoch_targets(2, 1.5, 8), (std::vector<int>{2, 3, 5, 7, 8}));
}

TEST(RungEpochTargets, SlowGrowthStillAdvancesOneEpochPerRung) {
  EXPECT_EQ(rung_epoch_targets(1, 1.1, 5), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_THROW(rung_epoch_targets(0, 2.0, 5), lrtune::UsageError);
  EXPECT_THROW(rung_epoch_targets(2, 1.0, 5), lrtune::UsageError);
  EXPECT_THROW(rung_epoch_targets(6, 2.0, 5), lrtune::UsageError);
}

TEST(CutRung, PromotesTheBestShareRoundedUp) {
  // 5 candidates, keep 0.5 -> ceil(2.5) = 3 promoted.
  const std::vector<RungEntry> entries{entry(0, 0.5), entry(1, 0.3), entry(2, 0.4), entry(3, 0.6), entry(4, 0.2)};
  const auto cut = cut_rung(entries, HalvingRule{.keep_fraction = 0.5, .keep_improving = false, .next_rung_epochs = 4});
  EXPECT_EQ(cut.ranking, (Indices{4, 1, 2, 0, 3}));
  EXPECT_EQ(cut.promoted, (Indices{4, 1, 2}));
  EXPECT_EQ(cut.continuing, (Indices{4, 1, 2}));
  EXPECT_TRUE(cut.kept_improving.empty());
  EXPECT_DOUBLE_EQ(cut.cutoff_score, 0.4);
  EXPECT_EQ(cut.eliminated, (std::vector<bool>{true, false, false, true, false}));
  ASSERT_EQ(cut.reasons.size(), 5u);
  EXPECT_NE(cut.reasons[4].find("ranked 1 of 5"), std::string::npos) << cut.reasons[4];
  EXPECT_NE(cut.reasons[3].find("cut"), std::string::npos) << cut.reasons[3];
}

TEST(CutRung, KeepsAtLeastOneAndRoundsUp) {
  const HalvingRule half{.keep_fraction = 0.5, .keep_improving = false};
  EXPECT_EQ(cut_rung({entry(7, 0.1)}, half).promoted, (Indices{7}));
  EXPECT_EQ(cut_rung({entry(0, 0.3), entry(1, 0.2), entry(2, 0.1)}, half).promoted, (Indices{2, 1}));
  const HalvingRule tenth{.keep_fraction = 0.1, .keep_improving = false};
  EXPECT_EQ(cut_rung({entry(0, 0.3), entry(1, 0.2), entry(2, 0.1), entry(3, 0.4)}, tenth).promoted, (Indices{2}));
  // Exactly representable shares do not round up further: 4 x 0.75 = 3.
  const HalvingRule three_quarters{.keep_fraction = 0.75, .keep_improving = false};
  EXPECT_EQ(cut_rung({entry(0, 0.3), entry(1, 0.2), entry(2, 0.1), entry(3, 0.4)}, three_quarters).promoted.size(), 3u);
}

TEST(CutRung, FinishedCandidatesKeepTheirPlaceButTakeNoMoreBudget) {
  // Candidate 1 is the best but finished (early-stopped): promoted, not continuing.
  const std::vector<RungEntry> entries{entry(0, 0.4), entry(1, 0.1, /*finished=*/true), entry(2, 0.3),
                                       entry(3, 0.5, /*finished=*/true)};
  const auto cut = cut_rung(entries, HalvingRule{.keep_fraction = 0.5, .keep_improving = true, .next_rung_epochs = 4});
  EXPECT_EQ(cut.promoted, (Indices{1, 2}));
  EXPECT_EQ(cut.continuing, (Indices{2}));
  // A finished candidate outside the share is not "eliminated": it stopped by itself.
  EXPECT_EQ(cut.eliminated, (std::vector<bool>{true, false, false, false}));
  EXPECT_NE(cut.reasons[1].find("finished"), std::string::npos) << cut.reasons[1];
}

TEST(CutRung, TiesGoToTheLowerIndexAndDivergedRanksLast) {
  const std::vector<RungEntry> entries{entry(0, kInf, true), entry(1, 0.2), entry(2, 0.2), entry(3, 0.3)};
  const auto cut = cut_rung(entries, HalvingRule{.keep_fraction = 0.5, .keep_improving = false});
  EXPECT_EQ(cut.ranking, (Indices{1, 2, 3, 0}));
  EXPECT_EQ(cut.promoted, (Indices{1, 2}));
  EXPECT_NE(cut.reasons[0].find("diverged"), std::string::npos) << cut.reasons[0];
}

TEST(CutRung, SlowStarterGuardKeepsAnImprovingCandidateAndCutsAFlatOne) {
  // keep 0.5 of 5 -> 3 promoted (0.30, 0.31, 0.32); cut-off 0.32; next rung adds 8 epochs.
  std::vector<RungEntry> entries{entry(0, 0.30), entry(1, 0.31), entry(2, 0.32)};
  // Steady: 0.50 -> 0.35 over 4 epochs, slope 0.0375/epoch, best in its last epochs:
  // predicted 0.35 - 0.5 * 0.0375 * 8 = 0.20 < 0.32 -> kept.
  entries.push_back(RungEntry{
      .candidate = 3, .score = 0.35, .finished = false, .improving = true, .previous_score = 0.50, .rung_epochs = 4});
  // Flat: no new best in its last 2 epochs -> cut, even though it fell over the rung.
  entries.push_back(RungEntry{
      .candidate = 4, .score = 0.34, .finished = false, .improving = false, .previous_score = 0.50, .rung_epochs = 4});
  const HalvingRule rule{.keep_fraction = 0.5, .keep_improving = true, .next_rung_epochs = 8};
  const auto cut = cut_rung(entries, rule);
  EXPECT_EQ(cut.promoted, (Indices{0, 1, 2}));
  EXPECT_EQ(cut.kept_improving, (Indices{3}));
  EXPECT_EQ(cut.continuing, (Indices{0, 1, 2, 3}));
  EXPECT_EQ(cut.eliminated, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_NE(cut.reasons[3].find("still improving"), std::string::npos) << cut.reasons[3];
  EXPECT_NE(cut.reasons[4].find("no new best"), std::string::npos) << cut.reasons[4];

  // Improving, but too slowly to reach the cut-off: 0.345 -> 0.34, predicted 0.335 > 0.32.
  entries[4] = RungEntry{
      .candidate = 4, .score = 0.34, .finished = false, .improving = true, .previous_score = 0.345, .rung_epochs = 4};
  const auto slow = cut_rung(entries, rule);
  EXPECT_EQ(slow.kept_improving, (Indices{3}));
  EXPECT_TRUE(slow.eliminated[4]);
  EXPECT_NE(slow.reasons[4].find("extrapolated only"), std::string::npos) << slow.reasons[4];

  // The guard off: both are cut.
  auto off = rule;
  off.keep_improving = false;
  const auto plain = cut_rung(entries, off);
  EXPECT_TRUE(plain.kept_improving.empty());
  EXPECT_TRUE(plain.eliminated[3]);
  EXPECT_TRUE(plain.eliminated[4]);
}

TEST(CutRung, RejectsAnEmptyRungAndBadShares) {
  EXPECT_THROW(cut_rung({}, HalvingRule{}), lrtune::UsageError);
  EXPECT_THROW(cut_rung({entry(0, 0.1)}, HalvingRule{.keep_fraction = 1.0}), lrtune::UsageError);
  EXPECT_THROW(cut_rung({entry(0, 0.1)}, HalvingRule{.keep_fraction = 0.0}), lrtune::UsageError);
}

}  // namespace
