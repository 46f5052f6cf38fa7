// Validation of the suggestion rules' settings.
#include "lrtune/finder/suggest_options.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

void SuggestOptions::validate() const {
  trim.validate();
  collapse.validate();
  if (!(std::isfinite(minimum_divisor) && minimum_divisor > 0.0))
    throw UsageError(fmt::format("minimum_divisor = {} must be finite and > 0", minimum_divisor));
  if (slide.lr_diff < 1) throw UsageError(fmt::format("slide.lr_diff = {} must be >= 1", slide.lr_diff));
  if (!(std::isfinite(slide.thresh) && slide.thresh >= 0.0))
    throw UsageError(fmt::format("slide.thresh = {} must be finite and >= 0", slide.thresh));
  if (!(std::isfinite(slide.adjust_value) && slide.adjust_value > 0.0))
    throw UsageError(fmt::format("slide.adjust_value = {} must be finite and > 0", slide.adjust_value));
  if (stable_minimum.half_window < 1)
    throw UsageError(fmt::format("stable_minimum.half_window = {} must be >= 1", stable_minimum.half_window));
  if (!(std::isfinite(stable_minimum.max_volatility) && stable_minimum.max_volatility > 0.0))
    throw UsageError(
        fmt::format("stable_minimum.max_volatility = {} must be finite and > 0", stable_minimum.max_volatility));
  if (!(std::isfinite(flat_tolerance) && flat_tolerance >= 0.0 && flat_tolerance < 1.0))
    throw UsageError(fmt::format("flat_tolerance = {} is out of range [0, 1)", flat_tolerance));
}

}  // namespace lrtune
