// The experiment's range test: the recipe's per-epoch sweep (one epoch per point, 1e-3 * 10^(e/30))
// or fastai's per-step sweep (one mini-batch per point, exponential start -> end). Batch size, seed
// and the suggestion rule are the comparison's (comparison_options.hpp).
#pragma once

#include <cstddef>

#include "lrtune/finder/curve_mode.hpp"

namespace lrtune {

struct RangeSweepOptions {
  CurveMode schedule = CurveMode::per_epoch;
  std::size_t points = 100;  // epochs (per_epoch) or mini-batches (per_step)
  double start = 0.0;        // 0: 1e-3 per epoch (the recipe), 1e-7 per step (fastai)
  double end = 10.0;         // per_step only

  double effective_start() const { return start > 0 ? start : (schedule == CurveMode::per_step ? 1e-7 : 1e-3); }
};

}  // namespace lrtune
