// The bookkeeping of successive halving as pure functions: the epoch target of each rung and the
// cut after a rung (who is promoted, who stays as a slow starter, who is eliminated, and why).
// No training here: the Tuner trains the units and hands this the scores.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Total epochs every active candidate has trained at the end of rung k:
// min(max_epochs, round(first_rung_epochs * rung_growth^k)), and at least one more than rung k-1
// (so a slow growth such as 1.1 still advances). The last entry is max_epochs.
// Arguments as TunerOptions checks them (first >= 1, growth > 1, max_epochs >= first).
std::vector<int> rung_epoch_targets(int first_rung_epochs, double rung_growth, int max_epochs);

// One candidate as the cut sees it at the end of a rung.
struct RungEntry {
  std::size_t candidate = 0;    // its index (reported back, and the tie-break: lower index first)
  double score = 0.0;           // mean best validation loss so far; +inf when it diverged
  bool finished = false;        // every repeat stopped (early stop, max_epochs, diverged)
  bool improving = false;       // its best epoch lies within the last 2 epochs it trained
  double previous_score = 0.0;  // score at the previous rung's end (rung 0: mean validation loss after epoch 1)
  int rung_epochs = 0;          // epochs this rung added (the slope's denominator)
};

struct HalvingRule {
  double keep_fraction = 0.5;  // (0, 1): ceil(n * keep_fraction) promoted, at least 1
  bool keep_improving = true;  // the slow-starter guard
  int next_rung_epochs = 0;    // epochs the next rung would add (the extrapolation's horizon)
};

struct HalvingCut {
  std::vector<std::size_t> ranking;         // candidate indices, best score first (ties: lower index)
  std::vector<std::size_t> promoted;        // the top share, in ranking order (finished ones included)
  std::vector<std::size_t> kept_improving;  // slow starters outside it, in ranking order
  std::vector<std::size_t> continuing;      // unfinished promoted + kept: they train in the next rung
  double cutoff_score = 0.0;                // the last promoted candidate's score
  // Per entry, in the order given: one line saying why it continues, stops or is cut.
  std::vector<std::string> reasons;
  std::vector<bool> eliminated;  // per entry: unfinished and neither promoted nor kept
};

// The cut over the candidates that trained in a rung. A candidate outside the promoted share is
// kept when rule.keep_improving, it is unfinished, still improving, and its extrapolated score
// score - 0.5 * slope * next_rung_epochs, with slope = (previous_score - score) / rung_epochs,
// is below the cut-off (the 0.5 halves a linear trend: learning curves flatten).
// Throws UsageError on an empty rung or keep_fraction outside (0, 1).
HalvingCut cut_rung(const std::vector<RungEntry>& entries, const HalvingRule& rule);

}  // namespace lrtune
