// Where a per-epoch range-test curve has collapsed: the point from which the training loss
// no longer measures the learning rate (it rose, it vanished, the model became a constant,
// or the validation loss exploded). A pure function of the curve's columns; cutting the
// curve there before the rules read it is suggest_all(const RangeTestCurve&)'s job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "lrtune/core/error.hpp"

namespace lrtune {

// The thresholds of the four signals, each with the reason for its value (docs/finder.md,
// "The collapse", has the curves they were checked on).
struct CollapseOptions {
  bool enabled = true;
  // Rising, (a): a loss above rise_factor x the lowest loss before it. 4 is the divergence
  // rule's factor (fastai, Lightning stop a per-step sweep at 4x the best loss): a loss 4x its
  // best has lost most of what training gained. (satellite: jumps of 5-15x at lr 0.006-0.009.)
  double rise_factor = 4.0;
  // Rising, (b): a loss above the first loss, once the lowest loss before it is below
  // (1 - fall_first) x the first. The first loss is one epoch at the lowest rate; climbing back
  // over it undoes all the training since (wine crosses 0.527 at lr 0.05 on its way to the
  // one-class plateau 0.66). 0.05 is stable-minimum's noise tolerance: a curve that never fell by
  // more has no collapse to find, and the rules say it never fell.
  double fall_first = 0.05;
  // Vanishing: a loss at or below vanish_fraction x the first loss. 1 % of a first
  // cross-entropy of 0.5-0.7 is about 0.005, a mean probability of about 0.995 on the true class:
  // the training rows are fit, and from there the loss falls on towards 1e-8 whatever the rate
  // (6 of the 8 development sets tried, within 3-14 epochs), so its lowest point is the sweep's end.
  double vanish_fraction = 0.01;
  // Constant model: the accuracy equal (within 1e-9) on constant_points points in a row, at least
  // accuracy_drop below the best accuracy before them. A model that predicts one class scores that
  // class's share exactly, every epoch (wine: 0.6344 for 22 epochs from lr 0.063). 5 points are
  // stable-minimum's window; the drop keeps a model resting at its best (1.0 on fit rows) out.
  std::size_t constant_points = 5;
  double accuracy_drop = 0.05;
  // Validation: a validation loss above validation_factor x its lowest before it while the
  // training loss is below its value at that lowest point: the model fits the training rows and
  // the held-out loss explodes. 4 as for the training loss.
  double validation_factor = 4.0;

  // Throws UsageError naming the option, its value and the valid range.
  void validate() const;
};

// index = the first collapsed point (-1: none); the rules may read points [0, index).
// reason: one line with the numbers, empty when index is -1.
struct Collapse {
  std::int64_t index = -1;
  std::string reason;
  bool found() const { return index >= 0; }
};

// losses (n,) are the training losses the rules read; validation_losses and accuracy are
// (n,) or empty (absent), NaN where a point lacks one. Reads only the finite prefix of
// losses (the trim cuts at the first non-finite loss anyway). The earliest signal wins.
// Throws UsageError when a non-empty column's length differs from losses'.
Collapse detect_collapse(std::span<const double> learning_rates, std::span<const double> losses,
                         std::span<const double> validation_losses = {}, std::span<const double> accuracy = {},
                         const CollapseOptions& options = {});

}  // namespace lrtune
