// Names of the curve modes.
#include "lrtune/finder/curve_mode.hpp"

#include "lrtune/core/name_table.hpp"

namespace lrtune {

namespace {
// lower_snake as in every file; the hyphenated forms of earlier versions are read too.
constexpr NameTable<CurveMode, 4> kCurveModes{{{"per_step", CurveMode::per_step},
                                               {"per_epoch", CurveMode::per_epoch},
                                               {"per-step", CurveMode::per_step},
                                               {"per-epoch", CurveMode::per_epoch}}};
}  // namespace

std::string_view curve_mode_name(CurveMode mode) { return name_of_value(kCurveModes, mode, "curve mode"); }

CurveMode curve_mode_from_name(std::string_view name) { return value_from_name(kCurveModes, name, "curve mode"); }

}  // namespace lrtune
