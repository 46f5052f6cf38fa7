// Checks of optimizer and schedule options shared by src/optim (internal header).
// Each failure throws UsageError naming the option, the value and what is valid.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune::detail {

[[noreturn]] inline void invalid(std::string_view owner, std::string_view option, double value,
                                 std::string_view valid) {
  throw UsageError(fmt::format("{}: {} = {} is invalid; it must be {}", owner, option, value, valid));
}

// value in [0, inf)
inline void require_non_negative(std::string_view owner, std::string_view option, double value) {
  if (!(std::isfinite(value) && value >= 0.0)) invalid(owner, option, value, "finite and >= 0");
}
// value in (0, inf)
inline void require_positive(std::string_view owner, std::string_view option, double value) {
  if (!(std::isfinite(value) && value > 0.0)) invalid(owner, option, value, "finite and > 0");
}
// value in [0, 1)
inline void require_unit_open(std::string_view owner, std::string_view option, double value) {
  if (!(value >= 0.0 && value < 1.0)) invalid(owner, option, value, "in [0, 1)");
}
// value in [0, 1]
inline void require_unit_closed(std::string_view owner, std::string_view option, double value) {
  if (!(value >= 0.0 && value <= 1.0)) invalid(owner, option, value, "in [0, 1]");
}

}  // namespace lrtune::detail
