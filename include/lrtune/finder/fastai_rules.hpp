// fastai's four suggestion rules (minimum, steep, valley, slide) as pure functions of
// (learning rates, losses): no training, no smoothing, no I/O. Each reads the window
// trim_curve() chooses and answers found=false, with the reason, instead of a made-up
// number. Definitions and the places lrtune deviates from fastai: docs/finder.md.
#pragma once

#include <span>

#include "lrtune/finder/suggest_options.hpp"
#include "lrtune/finder/suggestion.hpp"

namespace lrtune {

// Arguments of every rule: learning_rates (n,) strictly increasing, positive; losses
// (n,) as the rule should read them (smoothed for per-step curves). Returned indices
// are positions in these arrays.

// fastai `minimum`: the rate at the lowest loss, divided by options.minimum_divisor (10).
// No answer when the lowest loss is the window's first point (the loss never fell).
Suggestion suggest_minimum(std::span<const double> learning_rates, std::span<const double> losses,
                           const SuggestOptions& options = {});

// fastai `steep`: the left end of the segment with the most negative slope
// d loss / d ln(lr) = (L[k+1]-L[k]) / (ln lr[k+1] - ln lr[k]). No answer when no slope is negative.
Suggestion suggest_steep(std::span<const double> learning_rates, std::span<const double> losses,
                         const SuggestOptions& options = {});

// fastai `valley`: the longest strictly decreasing subsequence of the losses (O(n^2)
// dynamic programme, fastai's loop reproduced, quirks included), then the point
// floor(len/3) + floor(len/6) after its (estimated) start: about half-way down.
Suggestion suggest_valley(std::span<const double> learning_rates, std::span<const double> losses,
                          const SuggestOptions& options = {});

// fastai `slide`: with g = numpy.gradient(losses) (per point), walk left from the end
// while |g[r] - g[r - lr_diff]| > thresh; the rate where the walk stops, times adjust_value.
// No answer when the window has at most lr_diff points or the walk reaches the start.
Suggestion suggest_slide(std::span<const double> learning_rates, std::span<const double> losses,
                         const SuggestOptions& options = {});

}  // namespace lrtune
