// The recipe's own choice rule made precise: "the learning rate that achieves the lowest
// loss, provided that the values around it aren't too volatile" (SEED.md §3). A pure
// function of (learning rates, losses); the fastai rules are in fastai_rules.hpp.
#pragma once

#include <span>
#include <vector>

#include "lrtune/finder/suggest_options.hpp"
#include "lrtune/finder/suggestion.hpp"

namespace lrtune {

// Volatility of the neighbourhood [i-w, i+w] of every point i of `losses` (n,): its
// relative range (max - min) / mean(|loss|). Points closer than w to either end have no
// full neighbourhood and get NaN. A window whose mean |loss| is 0 gets +inf unless its
// range is 0 too (then 0).
std::vector<double> neighbourhood_volatility(std::span<const double> losses, std::size_t half_window);

// Among the points of the trimmed window whose full neighbourhood (half_window points
// either side, inside the window) has volatility <= max_volatility, the one whose
// neighbourhood mean loss is lowest. No answer when no neighbourhood is stable, or when
// that mean is not below the first candidate's. The no-answer explanation tells apart: no
// neighbourhood stable at all; the loss never fell by more than max_volatility; the loss fell
// but no neighbourhood below the start's level was stable (each with its numbers).
Suggestion suggest_stable_minimum(std::span<const double> learning_rates, std::span<const double> losses,
                                  const SuggestOptions& options = {});

}  // namespace lrtune
