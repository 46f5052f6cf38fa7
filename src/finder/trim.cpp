// The window every suggestion rule reads: cut at the first non-finite loss, then
// fastai's trim (lr_find in fastai/callback/schedule.py: recorder.lrs[num_it//10:-5]).
#include "lrtune/finder/trim.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

void TrimOptions::validate() const {
  if (!(skip_start_fraction >= 0.0 && skip_start_fraction < 1.0))
    throw UsageError(fmt::format("trim.skip_start_fraction = {} is out of range [0, 1)", skip_start_fraction));
}

TrimmedCurve trim_curve(std::span<const double> learning_rates, std::span<const double> losses,
                        const TrimOptions& options) {
  options.validate();
  if (learning_rates.size() != losses.size())
    throw UsageError(
        fmt::format("range-test curve has {} learning rates but {} losses", learning_rates.size(), losses.size()));
  const std::size_t n = losses.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double lr = learning_rates[i];
    if (!(std::isfinite(lr) && lr > 0.0))
      throw UsageError(fmt::format("learning rate {} at point {} is not finite and positive", lr, i));
    if (i > 0 && !(lr > learning_rates[i - 1]))
      throw UsageError(
          fmt::format("learning rates must increase strictly: point {} has {} after {}", i, lr, learning_rates[i - 1]));
  }

  TrimmedCurve t;
  t.first_non_finite = n;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(losses[i])) {
      t.first_non_finite = i;
      break;
    }
  const std::size_t planned = options.planned_points == 0 ? n : options.planned_points;
  // floor(0.1 * planned): 0.1 is a little above 1/10 in binary, so exact tenths never round down.
  const auto skip_start =
      static_cast<std::size_t>(std::floor(options.skip_start_fraction * static_cast<double>(planned)));
  const std::size_t usable = t.first_non_finite;
  t.begin = skip_start;
  t.end = usable > options.skip_end ? usable - options.skip_end : 0;
  if (t.end <= t.begin) {
    t.end = t.begin;
    if (n == 0) {
      t.problem = "the curve has no points";
    } else if (usable == 0) {
      t.problem = "the first loss is not finite";
    } else {
      t.problem = fmt::format("curve too short: {} finite points of {}, the trim drops the first {} and the last {}",
                              usable, n, skip_start, options.skip_end);
    }
  }
  return t;
}

}  // namespace lrtune
