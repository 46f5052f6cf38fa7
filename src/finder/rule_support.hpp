// Private to finder: what every suggestion rule does before its own work: validate the
// options, trim the curve, and refuse (found=false, with the reason) when the trimmed
// curve is too short, flat, or never decreases.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "lrtune/finder/suggest_options.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "lrtune/finder/trim.hpp"

namespace lrtune::detail {

inline Suggestion not_found(std::string_view name, std::string why) {
  Suggestion s;
  s.name = std::string(name);
  s.found = false;
  s.learning_rate = std::numeric_limits<double>::quiet_NaN();
  s.index = -1;
  s.loss = std::numeric_limits<double>::quiet_NaN();
  s.explanation = std::move(why);
  return s;
}

// A rate below the curve's first rate is marked below_range and the explanation says so.
inline Suggestion found(std::string_view name, std::span<const double> lrs, double lr, std::size_t index, double loss,
                        std::string why) {
  Suggestion s;
  s.name = std::string(name);
  s.found = true;
  s.learning_rate = lr;
  s.index = static_cast<std::int64_t>(index);
  s.loss = loss;
  s.below_range = !lrs.empty() && lr < lrs.front();
  if (s.below_range)
    why += fmt::format("; below the swept range, which starts at lr {:.3g}: no point measured this rate", lrs.front());
  s.explanation = std::move(why);
  return s;
}

// Trims and checks; true when the rule may run on [t.begin, t.end). Otherwise `refusal`
// holds the found=false answer.
inline bool prepare_rule(std::string_view name, std::span<const double> lrs, std::span<const double> losses,
                         const SuggestOptions& options, std::size_t min_points, TrimmedCurve& t, Suggestion& refusal) {
  options.validate();
  t = trim_curve(lrs, losses, options.trim);
  if (!t.problem.empty()) {
    refusal = not_found(name, t.problem);
    return false;
  }
  if (t.size() < min_points) {
    refusal = not_found(name, fmt::format("curve too short: {} points left after trimming (points {}..{}), {} needs {}",
                                          t.size(), t.begin, t.end - 1, name, min_points));
    return false;
  }
  const auto w = losses.subspan(t.begin, t.size());
  const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
  const double scale = std::max(std::abs(*lo), std::abs(*hi));
  if (*hi - *lo <= options.flat_tolerance * scale) {
    refusal = not_found(name, fmt::format("flat curve: losses between {:.4g} and {:.4g} over lr {:.3g}..{:.3g}", *lo,
                                          *hi, lrs[t.begin], lrs[t.end - 1]));
    return false;
  }
  bool decreases = false;
  for (std::size_t k = 1; k < w.size() && !decreases; ++k) decreases = w[k] < w[k - 1];
  if (!decreases) {
    refusal = not_found(name, fmt::format("no decreasing part: the loss never falls between lr {:.3g} and {:.3g}",
                                          lrs[t.begin], lrs[t.end - 1]));
    return false;
  }
  return true;
}

}  // namespace lrtune::detail
