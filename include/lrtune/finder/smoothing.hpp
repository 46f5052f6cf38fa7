// Exponential moving average of the loss with bias correction, as fastai's AvgSmoothLoss
// and Lightning's lr_find compute it. Smoothing only: when to stop is divergence.hpp's job.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "lrtune/core/error.hpp"

namespace lrtune {

// avg_i = beta * avg_{i-1} + (1 - beta) * loss_i, avg_{-1} = 0;
// smoothed_i = avg_i / (1 - beta^(k)), k = number of finite losses seen so far (fastai's
// count; Lightning uses global_step + 1, which is the same for a sweep that starts at 0).
// beta = 0 turns smoothing off exactly (smoothed_i = loss_i): per-epoch curves use it.
//
// Non-finite losses (NaN, +-inf) do not enter the average: add() returns the non-finite
// value itself for that point (so the curve shows it), leaves the average and the count
// untouched, and counts it in non_finite_count(). A finite loss after it is smoothed as
// if the bad point had not been there. (fastai's torch.lerp would turn every later value
// into NaN; here the range test stops at the first non-finite loss anyway.)
class LossSmoother {
 public:
  static constexpr double kDefaultBeta = 0.98;

  // Throws UsageError unless 0 <= beta < 1.
  explicit LossSmoother(double beta = kDefaultBeta);

  // Adds one loss and returns the smoothed value at this point.
  double add(double loss);
  // The last smoothed value returned for a finite loss; NaN before any.
  double value() const;

  double beta() const { return beta_; }
  std::size_t count() const { return count_; }
  std::size_t non_finite_count() const { return non_finite_count_; }

 private:
  double beta_;
  double average_ = 0.0;
  double beta_power_ = 1.0;  // beta^count_
  std::size_t count_ = 0;
  std::size_t non_finite_count_ = 0;
};

// The smoothed curve of `losses` (n,) -> (n,), by LossSmoother.
std::vector<double> smooth_losses(std::span<const double> losses, double beta = LossSmoother::kDefaultBeta);

}  // namespace lrtune
