// The recipe's rule, "the lowest loss whose neighbourhood is not volatile" (SEED.md §3),
// made precise by lrtune: volatility = relative range of the losses in a +-w window,
// level = the window's mean loss. Definitions and defaults: docs/finder.md.
#include "lrtune/finder/stable_minimum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "rule_support.hpp"

namespace lrtune {

namespace {

struct Window {
  double mean = 0.0;
  double volatility = 0.0;
};

// losses[c-w .. c+w], which must all exist.
Window window_at(std::span<const double> losses, std::size_t c, std::size_t w) {
  double lo = losses[c], hi = losses[c], sum = 0.0, sum_abs = 0.0;
  for (std::size_t k = c - w; k <= c + w; ++k) {
    lo = std::min(lo, losses[k]);
    hi = std::max(hi, losses[k]);
    sum += losses[k];
    sum_abs += std::abs(losses[k]);
  }
  const double count = static_cast<double>(2 * w + 1);
  const double range = hi - lo;
  const double scale = sum_abs / count;
  Window out;
  out.mean = sum / count;
  out.volatility = range == 0.0 ? 0.0 : (scale == 0.0 ? std::numeric_limits<double>::infinity() : range / scale);
  return out;
}

}  // namespace

std::vector<double> neighbourhood_volatility(std::span<const double> losses, std::size_t half_window) {
  std::vector<double> v(losses.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t c = half_window; c + half_window < losses.size(); ++c)
    v[c] = window_at(losses, c, half_window).volatility;
  return v;
}

Suggestion suggest_stable_minimum(std::span<const double> lrs, std::span<const double> losses,
                                  const SuggestOptions& options) {
  constexpr std::string_view kName = "stable-minimum";
  const auto& o = options.stable_minimum;
  const std::size_t w = o.half_window;
  TrimmedCurve t;
  Suggestion refusal;
  if (!detail::prepare_rule(kName, lrs, losses, options, 2 * w + 1, t, refusal)) return refusal;

  // Candidates: points whose whole neighbourhood lies inside the trimmed window.
  const std::size_t first = t.begin + w;
  const std::size_t last = t.end - 1 - w;
  std::size_t best = 0;
  bool any = false;
  Window best_window;
  double least_volatility = std::numeric_limits<double>::infinity();
  std::size_t least_at = first;
  for (std::size_t c = first; c <= last; ++c) {
    const Window win = window_at(losses, c, w);
    if (win.volatility < least_volatility) {
      least_volatility = win.volatility;
      least_at = c;
    }
    if (win.volatility > o.max_volatility) continue;
    if (!any || win.mean < best_window.mean) {
      any = true;
      best = c;
      best_window = win;
    }
  }
  if (!any)
    return detail::not_found(kName, fmt::format("no stable neighbourhood: the calmest +-{} window (lr {:.3g}) varies by "
                                                "{:.1f}% of its loss, more than the {:.1f}% allowed",
                                                w, lrs[least_at], 100.0 * least_volatility, 100.0 * o.max_volatility));
  // The loss must have fallen: the best level below the first candidate's.
  if (!(best_window.mean < window_at(losses, first, w).mean))
    return detail::not_found(kName, fmt::format("the lowest stable loss ({:.4g} around lr {:.3g}) is at the start of the "
                                                "trimmed curve: the loss never fell; start the test lower",
                                                best_window.mean, lrs[best]));
  return detail::found(kName, lrs, lrs[best], best, losses[best],
                       fmt::format("lowest stable loss: mean {:.4g} over lr {:.3g}..{:.3g} (points {}-{}), which vary by "
                                   "{:.1f}% (at most {:.1f}% allowed); suggestion = lr {:.3g} at its centre",
                                   best_window.mean, lrs[best - w], lrs[best + w], best - w, best + w,
                                   100.0 * best_window.volatility, 100.0 * o.max_volatility, lrs[best]));
}

}  // namespace lrtune
