// The recipe's rule, "the lowest loss whose neighbourhood is not volatile" (SEED.md §3),
// made precise by lrtune: volatility = relative range of the losses in a +-w window,
// level = the window's mean loss. Definitions and defaults: docs/finder.md.
#include "lrtune/finder/stable_minimum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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
  const double start_level = window_at(losses, first, w).mean;
  std::size_t best = 0;
  bool any = false;
  Window best_window;
  // The calmest neighbourhood of all, and of those whose level is below the start's.
  double least_volatility = std::numeric_limits<double>::infinity();
  std::size_t least_at = first;
  double least_below = std::numeric_limits<double>::infinity();
  std::size_t least_below_at = first;
  for (std::size_t c = first; c <= last; ++c) {
    const Window win = window_at(losses, c, w);
    if (win.volatility < least_volatility) {
      least_volatility = win.volatility;
      least_at = c;
    }
    if (win.mean < start_level && win.volatility < least_below) {
      least_below = win.volatility;
      least_below_at = c;
    }
    if (win.volatility > o.max_volatility) continue;
    if (!any || win.mean < best_window.mean) {
      any = true;
      best = c;
      best_window = win;
    }
  }
  // The single lowest loss of the window, to say whether (and how far) the loss fell.
  std::size_t lowest = t.begin;
  for (std::size_t k = t.begin + 1; k < t.end; ++k)
    if (losses[k] < losses[lowest]) lowest = k;
  const std::string fall = fmt::format(
      "the loss went from {:.4g} (around lr {:.3g}) to its lowest {:.4g} (lr {:.3g}, "
      "point {})",
      start_level, lrs[first], losses[lowest], lrs[lowest], lowest);
  if (!any)
    return detail::not_found(kName,
                             fmt::format("no stable neighbourhood: the calmest +-{} window (lr {:.3g}) varies by "
                                         "{:.1f}% of its loss, more than the {:.1f}% allowed; {}",
                                         w, lrs[least_at], 100.0 * least_volatility, 100.0 * o.max_volatility, fall));
  // The loss must have fallen: the best level below the first candidate's. When it did
  // not, say whether the loss itself never fell (by more than max_volatility, the noise the
  // rule tolerates) or fell where no neighbourhood was calm.
  if (!(best_window.mean < start_level)) {
    const bool fell = losses[lowest] < start_level - o.max_volatility * std::abs(start_level);
    if (!fell)
      return detail::not_found(kName, fmt::format("the loss never fell by more than {:.1f}%: {}; start the test lower",
                                                  100.0 * o.max_volatility, fall));
    const std::string calmest_below =
        std::isfinite(least_below)
            ? fmt::format("the calmest +-{} window below the start's level (lr {:.3g}) varies by {:.1f}%", w,
                          lrs[least_below_at], 100.0 * least_below)
            : fmt::format("no +-{} window's mean is below the start's level", w);
    return detail::not_found(kName,
                             fmt::format("the loss fell, but not where it was stable: {}; {}, more than the "
                                         "{:.1f}% allowed; the stable windows (lowest mean {:.4g} around lr "
                                         "{:.3g}) lie no lower than the start",
                                         fall, calmest_below, 100.0 * o.max_volatility, best_window.mean, lrs[best]));
  }
  return detail::found(
      kName, lrs, lrs[best], best, losses[best],
      fmt::format("lowest stable loss: mean {:.4g} over lr {:.3g}..{:.3g} (points {}-{}), which vary by "
                  "{:.1f}% (at most {:.1f}% allowed); suggestion = lr {:.3g} at its centre",
                  best_window.mean, lrs[best - w], lrs[best + w], best - w, best + w, 100.0 * best_window.volatility,
                  100.0 * o.max_volatility, lrs[best]));
}

}  // namespace lrtune
