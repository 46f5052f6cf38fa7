// The bias-corrected exponential moving average of fastai's AvgSmoothLoss
// (fastai/learner.py) and Lightning's _LRCallback (lightning/pytorch/tuner/lr_finder.py).
#include "lrtune/finder/smoothing.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

LossSmoother::LossSmoother(double beta) : beta_(beta) {
  if (!(beta >= 0.0 && beta < 1.0)) throw UsageError(fmt::format("smoothing beta = {} is out of range [0, 1)", beta));
}

double LossSmoother::add(double loss) {
  if (!std::isfinite(loss)) {
    ++non_finite_count_;
    return loss;
  }
  // avg = beta * avg + (1 - beta) * loss; smoothed = avg / (1 - beta^count)
  average_ = beta_ * average_ + (1.0 - beta_) * loss;
  ++count_;
  beta_power_ *= beta_;
  return value();
}

double LossSmoother::value() const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  return average_ / (1.0 - beta_power_);
}

std::vector<double> smooth_losses(std::span<const double> losses, double beta) {
  LossSmoother smoother(beta);
  std::vector<double> out;
  out.reserve(losses.size());
  for (double loss : losses) out.push_back(smoother.add(loss));
  return out;
}

}  // namespace lrtune
