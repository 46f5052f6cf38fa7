// fastai's suggestion rules, re-implemented from their definitions in fastai
// (fastai/callback/schedule.py: minimum, steep, valley, slide; fastai 2.5+) and run on the
// window of trim_curve(). Where fastai would return a number that means nothing (an
// increasing curve, a walk that ran off the curve, an index of -1 that Python wraps to
// the last point) these answer found=false or clamp, and say so; see docs/finder.md.
#include "lrtune/finder/fastai_rules.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "rule_support.hpp"

namespace lrtune {

Suggestion suggest_minimum(std::span<const double> lrs, std::span<const double> losses, const SuggestOptions& options) {
  constexpr std::string_view kName = "minimum";
  TrimmedCurve t;
  Suggestion refusal;
  if (!detail::prepare_rule(kName, lrs, losses, options, 2, t, refusal)) return refusal;
  // numpy/torch argmin: the first of equal minima.
  std::size_t best = t.begin;
  for (std::size_t i = t.begin + 1; i < t.end; ++i)
    if (losses[i] < losses[best]) best = i;
  if (best == t.begin)
    return detail::not_found(kName, fmt::format("lowest loss {:.4g} is at the first point kept (lr {:.3g}): "
                                                "the loss never fell below its starting value",
                                                losses[best], lrs[best]));
  const double lr = lrs[best] / options.minimum_divisor;
  return detail::found(kName, lrs, lr, best, losses[best],
                       fmt::format("lowest loss {:.4g} at lr {:.3g} (point {}); suggestion = lr / {:g} = {:.3g}",
                                   losses[best], lrs[best], best, options.minimum_divisor, lr));
}

Suggestion suggest_steep(std::span<const double> lrs, std::span<const double> losses, const SuggestOptions& options) {
  constexpr std::string_view kName = "steep";
  TrimmedCurve t;
  Suggestion refusal;
  if (!detail::prepare_rule(kName, lrs, losses, options, 2, t, refusal)) return refusal;
  // slope_k = (L[k+1] - L[k]) / (ln lr[k+1] - ln lr[k]); fastai returns lrs[argmin slope],
  // the left end of the steepest segment.
  std::size_t best = t.begin;
  double best_slope = std::numeric_limits<double>::infinity();
  for (std::size_t k = t.begin; k + 1 < t.end; ++k) {
    const double slope = (losses[k + 1] - losses[k]) / (std::log(lrs[k + 1]) - std::log(lrs[k]));
    if (slope < best_slope) {
      best_slope = slope;
      best = k;
    }
  }
  if (!(best_slope < 0.0))
    return detail::not_found(kName, fmt::format("no segment descends: the most negative slope is {:.4g}", best_slope));
  return detail::found(kName, lrs, lrs[best], best, losses[best],
                       fmt::format("steepest descent {:.4g} loss per unit ln(lr) between lr {:.3g} and {:.3g} "
                                   "(points {}-{}); suggestion = the left end",
                                   best_slope, lrs[best], lrs[best + 1], best, best + 1));
}

Suggestion suggest_valley(std::span<const double> lrs, std::span<const double> losses, const SuggestOptions& options) {
  constexpr std::string_view kName = "valley";
  TrimmedCurve t;
  Suggestion refusal;
  if (!detail::prepare_rule(kName, lrs, losses, options, 2, t, refusal)) return refusal;
  const auto l = losses.subspan(t.begin, t.size());
  const auto n = static_cast<std::ptrdiff_t>(l.size());
  // lds[i]: length of the longest strictly decreasing subsequence ending at i. As in
  // fastai, the longest one's end is updated inside the inner loop and its start is
  // estimated as end - length at the moment of the update (not after lds[end] grows
  // further), so the estimated start may lie one before the real one or at -1.
  std::vector<std::ptrdiff_t> lds(l.size(), 1);
  std::ptrdiff_t max_start = 0, max_end = 0;
  for (std::ptrdiff_t i = 1; i < n; ++i) {
    for (std::ptrdiff_t j = 0; j < i; ++j) {
      if (l[i] < l[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[max_end] < lds[i]) {
        max_end = i;
        max_start = max_end - lds[max_end];
      }
    }
  }
  if (lds[max_end] < 2) return detail::not_found(kName, "no decreasing pair of points: no valley");
  const double sections = static_cast<double>(max_end - max_start) / 3.0;
  std::ptrdiff_t idx = max_start + static_cast<std::ptrdiff_t>(sections) + static_cast<std::ptrdiff_t>(sections / 2.0);
  // fastai indexes a Python list with idx; -1 would silently mean the last point.
  const bool clamped = idx < 0;
  idx = std::clamp<std::ptrdiff_t>(idx, 0, n - 1);
  const std::size_t at = t.begin + static_cast<std::size_t>(idx);
  const std::size_t start = t.begin + static_cast<std::size_t>(std::max<std::ptrdiff_t>(max_start, 0));
  const std::size_t end = t.begin + static_cast<std::size_t>(max_end);
  return detail::found(
      kName, lrs, lrs[at], at, losses[at],
      fmt::format("longest decreasing subsequence: {} points falling from {:.4g} to {:.4g} over lr {:.3g}..{:.3g} "
                  "(points {}-{}); suggestion {:.3g} about half-way (point {}){}",
                  lds[static_cast<std::size_t>(max_end)], losses[start], losses[end], lrs[start], lrs[end], start, end,
                  lrs[at], at, clamped ? ", clamped to the first point" : ""));
}

namespace {

// numpy.gradient with unit spacing: one-sided at the ends, central inside.
std::vector<double> numpy_gradient(std::span<const double> y) {
  const std::size_t n = y.size();
  std::vector<double> g(n, 0.0);
  if (n < 2) return g;
  g[0] = y[1] - y[0];
  g[n - 1] = y[n - 1] - y[n - 2];
  for (std::size_t k = 1; k + 1 < n; ++k) g[k] = (y[k + 1] - y[k - 1]) / 2.0;
  return g;
}

// numpy.interp(x, xs, ys) for increasing xs: linear, clamped to the end values outside.
double interp(double x, std::span<const double> xs, std::span<const double> ys) {
  if (x <= xs.front()) return ys.front();
  if (x >= xs.back()) return ys.back();
  const auto it = std::upper_bound(xs.begin(), xs.end(), x);
  const auto k = static_cast<std::size_t>(it - xs.begin());
  const double f = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
  return ys[k - 1] + f * (ys[k] - ys[k - 1]);
}

}  // namespace

Suggestion suggest_slide(std::span<const double> lrs, std::span<const double> losses, const SuggestOptions& options) {
  constexpr std::string_view kName = "slide";
  const auto& o = options.slide;
  TrimmedCurve t;
  Suggestion refusal;
  if (!detail::prepare_rule(kName, lrs, losses, options, o.lr_diff + 1, t, refusal)) return refusal;
  const auto l = losses.subspan(t.begin, t.size());
  const auto g = numpy_gradient(l);
  // fastai: r_idx = -1, l_idx = r_idx - lr_diff, local_min_lr = lrs[l_idx]; while l_idx
  // is inside the curve and |g[r_idx] - g[l_idx]| > thresh: local_min_lr = lrs[l_idx],
  // step both left. In 0-based positions:
  auto r = static_cast<std::ptrdiff_t>(l.size()) - 1;
  auto left = r - static_cast<std::ptrdiff_t>(o.lr_diff);
  std::ptrdiff_t local = left;
  while (left >= 0 && std::abs(g[static_cast<std::size_t>(r)] - g[static_cast<std::size_t>(left)]) > o.thresh) {
    local = left;
    --r;
    --left;
  }
  if (left < 0)
    return detail::not_found(kName, fmt::format("the loss gradients {} points apart never agreed within {:g} "
                                                "(fastai would return the first point)",
                                                o.lr_diff, o.thresh));
  const std::size_t at = t.begin + static_cast<std::size_t>(local);
  const double lr = lrs[at] * o.adjust_value;
  // fastai marks the suggestion at the loss interpolated in log10(lr) over the curve.
  std::vector<double> log_lrs(t.size());
  for (std::size_t k = 0; k < t.size(); ++k) log_lrs[k] = std::log10(lrs[t.begin + k]);
  const double loss = interp(std::log10(lr), log_lrs, l);
  std::size_t nearest = at;
  if (o.adjust_value != 1.0) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < t.size(); ++k)
      if (const double d = std::abs(log_lrs[k] - std::log10(lr)); d < best) {
        best = d;
        nearest = t.begin + k;
      }
  }
  return detail::found(
      kName, lrs, lr, nearest, loss,
      fmt::format("walking left from the end while the loss gradients {} points apart differ by more than "
                  "{:g} stops at lr {:.3g} (point {}){}",
                  o.lr_diff, o.thresh, lrs[at], at,
                  o.adjust_value != 1.0 ? fmt::format("; x {:g} = {:.3g}", o.adjust_value, lr) : ""));
}

}  // namespace lrtune
