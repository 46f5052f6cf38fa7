// Settings of every suggestion rule, in one validated struct, so that suggest_all and
// each single rule read the same trimmed curve. The rules live in fastai_rules.hpp and
// stable_minimum.hpp; the defaults and their reasons are in docs/finder.md.
#pragma once

#include <cstddef>
#include <optional>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/collapse.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "lrtune/finder/trim.hpp"

namespace lrtune {

// fastai's slide rule (fastai/callback/schedule.py, `slide`).
struct SlideOptions {
  std::size_t lr_diff = 15;   // distance in points between the two gradients compared
  double thresh = 0.005;      // |gradient difference| (loss units per point) that counts as "agree"
  double adjust_value = 1.0;  // the found rate is multiplied by this
};

// lrtune's stable-minimum rule (see stable_minimum.hpp).
struct StableMinimumOptions {
  std::size_t half_window = 2;   // the neighbourhood is the point and half_window points either side
  double max_volatility = 0.05;  // largest relative range (max-min)/mean(|loss|) of a stable neighbourhood
};

struct SuggestOptions {
  TrimOptions trim{};
  double minimum_divisor = 10.0;  // fastai's minimum: lr at the lowest loss divided by this
  SlideOptions slide{};
  StableMinimumOptions stable_minimum{};
  // A trimmed curve whose range (max-min) is at most this fraction of its largest
  // |loss| is flat: no rule answers on it.
  double flat_tolerance = 1e-3;
  // The rule suggest_all marks as the default; unset: valley for per-step curves, minimum
  // for per-epoch curves (chosen by validation loss, docs/finder-study.md).
  std::optional<SuggestionRule> default_rule{};
  // Where suggest_all(const RangeTestCurve&) cuts a per-epoch curve before the rules read it
  // (collapse.hpp). The rules themselves and suggest_all on plain spans do not use it.
  CollapseOptions collapse{};

  // Throws UsageError naming the option, its value and the valid range.
  void validate() const;
};

}  // namespace lrtune
