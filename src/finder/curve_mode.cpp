// Names of the curve modes.
#include "lrtune/finder/curve_mode.hpp"

#include <stdexcept>
#include <string>

namespace lrtune {

std::string_view curve_mode_name(CurveMode mode) {
  return mode == CurveMode::per_step ? "per-step" : "per-epoch";
}

CurveMode parse_curve_mode(std::string_view name) {
  if (name == "per-step") return CurveMode::per_step;
  if (name == "per-epoch") return CurveMode::per_epoch;
  throw std::invalid_argument("unknown curve mode '" + std::string(name) + "' (valid: per-step, per-epoch)");
}

}  // namespace lrtune
