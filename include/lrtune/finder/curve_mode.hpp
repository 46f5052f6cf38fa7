// Whether one point of a range-test curve is one mini-batch step or one whole epoch.
// The mode picks defaults (smoothing, default suggestion rule); nothing else reads it.
#pragma once

#include <string_view>

#include "lrtune/core/error.hpp"

namespace lrtune {

enum class CurveMode { per_step, per_epoch };

std::string_view curve_mode_name(CurveMode mode);       // "per_step", "per_epoch"
CurveMode curve_mode_from_name(std::string_view name);  // throws UsageError

}  // namespace lrtune
