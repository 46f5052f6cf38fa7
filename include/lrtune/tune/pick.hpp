// The noise-aware pick as pure functions of the candidates' scores and per-row validation losses:
// the scores smoothed across log learning rate, the challenger (the smoothed minimum), the paired
// standard error of its difference to the default rate, and the decision to leave the default
// only when the challenger is better by more than the noise. No training here: the Tuner trains
// the candidates and hands this their numbers.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"

namespace lrtune {

// One candidate as the pick sees it.
struct PickCandidate {
  double learning_rate = 0.0;  // > 0; candidates are given in increasing rate order (equal rates allowed)
  double score = 0.0;          // mean best validation loss over repeats; +inf when a repeat diverged
  // Per repeat, the loss of every validation row at the repeat's best weights (the rows of that
  // repeat's validation part: the same rows for every candidate in that repeat). Empty when the
  // score is not finite; a repeat's rows may be empty when its trainer reports none
  // (search_trainers).
  std::vector<std::vector<double>> row_losses;
  // Per repeat, its best validation loss: the pick's noise when rows are missing (repeat_difference).
  std::vector<double> repeat_scores;
};

struct PickRule {
  std::size_t default_index = 0;  // the optimizer's default rate among the candidates
  double noise_margin = 2.0;      // standard errors by which a challenger must beat the default; >= 0
};

// The challenger's mean per-row loss minus the default's, and its standard error.
struct PairedDifference {
  double mean = 0.0;            // < 0: the challenger's loss is lower
  double standard_error = 0.0;  // see paired_difference
  std::size_t rows = 0;         // paired rows over all repeats
};

// Per repeat r: d_ri = challenger_ri - default_ri over that repeat's rows, D_r its mean and
// SE_r = sd(d_r) / sqrt(n_r). The mean is the mean of the D_r. The standard error is the larger
// of the rows' sqrt(sum SE_r^2) / R and, with R >= 2 repeats, the repeats' sd(D_r) / sqrt(R):
// the rows measure the noise of a finite validation part, the repeats that of seeds and splits,
// and the pick must clear whichever is larger. Throws UsageError when the repeats or
// their rows do not pair up, or a repeat has no rows.
PairedDifference paired_difference(const std::vector<std::vector<double>>& challenger,
                                   const std::vector<std::vector<double>>& baseline);

// Without per-row losses: D_r = challenger_r - baseline_r over the repeats' best validation losses,
// the mean of the D_r, and the standard error sd(D_r) / sqrt(R) with R >= 2 repeats (NaN with one:
// then there is no noise estimate). rows = 0. Throws UsageError when the repeats do not pair up.
PairedDifference repeat_difference(const std::vector<double>& challenger, const std::vector<double>& baseline);

// The scores smoothed across log10 learning rate with a Gaussian kernel whose bandwidth makes the
// neighbours at the median log spacing weigh half the centre (so a 1-2-1 average on an even grid):
// neighbouring rates train alike, so a candidate far better than both neighbours is more likely
// lucky than good. Non-finite scores take no part (and their own smoothed score is +inf).
std::vector<double> smooth_over_log_rate(std::span<const double> learning_rates, std::span<const double> scores);

enum class PickEnd { none, low, high };  // where the smoothed minimum sits among the candidates

struct PickDecision {
  std::size_t pick = 0;        // the recommended candidate
  std::size_t challenger = 0;  // the lowest smoothed score (ties: the lower rate)
  std::vector<double> smoothed_scores;
  bool kept_default = false;    // the default was kept (it is the challenger, or the challenger was within the noise)
  PairedDifference difference;  // challenger - default (zeros when they are the same candidate or one diverged)
  // difference and standard error relative to the default's score, in percent (NaN when not compared)
  double relative_difference = 0.0, relative_noise = 0.0;
  PickEnd end = PickEnd::none;  // the challenger is the lowest or highest rate tried
  std::string reason;           // one or two sentences with the numbers: the noise, the margin, the decision
};

// The decision. The challenger is the smoothed minimum among the candidates with a finite score.
// When it is the default, or the default diverged, there is nothing to test. Otherwise the
// challenger is picked only when its paired difference to the default is below
// -noise_margin * standard error; else the default is kept. The standard error is paired_difference's
// when every repeat of both has per-row losses, else repeat_difference's; when that is NaN (one
// repeat, no rows) there is no noise estimate, the challenger is picked when its loss is lower at
// all, and the reason says so. When no candidate has a finite
// score the pick is the lowest rate. Throws UsageError on an empty list, rates not
// increasing, or default_index out of range.
PickDecision decide_pick(std::span<const PickCandidate> candidates, const PickRule& rule);

}  // namespace lrtune
