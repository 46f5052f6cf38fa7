// The search interval from a range-test curve (where the smoothed loss turns up, and the
// `minimum` suggestion pushed down some decades) and log-spaced candidate rates inside it.
#include "lrtune/tune/interval.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/trim.hpp"

namespace lrtune {

SearchInterval interval_from_range_test(const RangeTestCurve& curve, double decades_below_minimum) {
  const auto& lrs = curve.learning_rates;
  const auto& smoothed = curve.smoothed_losses;
  // The finite part, less the first tenth of the planned points (the noisy start fastai's rules
  // skip too); all of the finite part when that leaves nothing.
  const TrimmedCurve window = trim_curve(
      lrs, smoothed, TrimOptions{.skip_start_fraction = 0.1, .skip_end = 0, .planned_points = curve.planned_points});
  std::size_t begin = window.begin, end = window.end;
  if (window.size() == 0) {
    begin = 0;
    end = window.first_non_finite;
  }
  if (end <= begin) {
    throw UsageError("the range test recorded no finite loss: no interval to search; give low and high");
  }
  std::size_t best = begin;
  for (std::size_t i = begin + 1; i < end; ++i)
    if (smoothed[i] < smoothed[best]) best = i;

  SearchInterval out;
  out.high = lrs[best];
  if (best + 1 == end && end == lrs.size() && curve.stop_reason != RangeTestStop::diverged &&
      curve.stop_reason != RangeTestStop::non_finite_loss) {
    out.high_reason = fmt::format(
        "high = {:.3g}: the smoothed loss never rose up to the sweep's last rate ({:.4g} "
        "at point {}), so the search stops there",
        out.high, smoothed[best], best);
  } else {
    out.high_reason = fmt::format(
        "high = {:.3g}: the smoothed loss was lowest there ({:.4g} at point {}) and rose "
        "after it",
        out.high, smoothed[best], best);
  }
  if ((curve.stop_reason == RangeTestStop::diverged || curve.stop_reason == RangeTestStop::non_finite_loss) &&
      curve.stop_index >= 0 && static_cast<std::size_t>(curve.stop_index) < lrs.size()) {
    const double diverged_at = lrs[static_cast<std::size_t>(curve.stop_index)];
    if (diverged_at < out.high) out.high = diverged_at;
    out.high_reason += fmt::format("; the sweep diverged at {:.3g}", diverged_at);
  }

  const double divisor = std::pow(10.0, decades_below_minimum);
  const Suggestion* minimum = curve.suggestions.find("minimum");
  if (minimum != nullptr && minimum->found && std::isfinite(minimum->learning_rate) && minimum->learning_rate > 0.0 &&
      minimum->learning_rate / divisor < out.high) {
    out.low = minimum->learning_rate / divisor;
    out.low_reason = fmt::format("low = {:.3g}: the range test's `minimum` suggestion {:.3g} divided by 10^{:g}",
                                 out.low, minimum->learning_rate, decades_below_minimum);
  } else {
    out.low = out.high / (divisor * 10.0);
    const std::string why = minimum == nullptr || !minimum->found
                                ? fmt::format("the `minimum` rule had no answer ({})",
                                              minimum == nullptr ? "not computed" : minimum->explanation)
                                : fmt::format("the `minimum` suggestion {:.3g} / 10^{:g} was not below high",
                                              minimum->learning_rate, decades_below_minimum);
    out.low_reason = fmt::format("low = {:.3g} = high / 10^{:g}: {}", out.low, decades_below_minimum + 1.0, why);
  }
  return out;
}

std::vector<double> log_spaced_rates(double low, double high, std::size_t n) {
  if (n < 2 || !(low > 0.0) || !(high > low) || !std::isfinite(high)) {
    throw UsageError(
        fmt::format("log_spaced_rates: need n >= 2 and 0 < low < high, got n = {}, low = {}, high = {}", n, low, high));
  }
  std::vector<double> rates(n);
  const double a = std::log(low), b = std::log(high);
  for (std::size_t i = 0; i < n; ++i)
    rates[i] = std::exp(a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1));
  rates.front() = low;  // exactly the ends, not exp(log(.)) of them
  rates.back() = high;
  return rates;
}

}  // namespace lrtune
