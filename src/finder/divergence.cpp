// The stop rules of a range test: fastai's LRFinder.after_batch (smooth_loss > 4 * best,
// best updated first) and Lightning's early_stop_threshold, plus a non-finite rule that
// fastai lacks (its comparison with NaN is false, so NaN sweeps ran to the end).
#include "lrtune/finder/divergence.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"

namespace lrtune {

namespace {
// The names files carry (lower_snake, as train's stop reasons); the hyphenated forms of
// earlier versions are read too.
constexpr NameTable<RangeTestStop, 6> kStopReasons{{{"completed", RangeTestStop::completed},
                                                    {"diverged", RangeTestStop::diverged},
                                                    {"non_finite_loss", RangeTestStop::non_finite_loss},
                                                    {"cancelled", RangeTestStop::cancelled},
                                                    {"non-finite-loss", RangeTestStop::non_finite_loss},
                                                    {"stopped-by-user", RangeTestStop::cancelled}}};
}  // namespace

std::string_view stop_reason_name(RangeTestStop reason) { return name_of_value(kStopReasons, reason, "stop reason"); }

RangeTestStop range_test_stop_from_name(std::string_view name) {
  return value_from_name(kStopReasons, name, "stop reason");
}

void DivergenceRule::validate() const {
  if (!(std::isfinite(factor) && factor > 1.0))
    throw UsageError(fmt::format("divergence.factor = {} must be finite and > 1", factor));
}

void to_json(nlohmann::json& j, const DivergenceRule& rule) {
  j = nlohmann::json{{"enabled", rule.enabled}, {"factor", rule.factor}};
}

void from_json(const nlohmann::json& j, DivergenceRule& rule) {
  rule.enabled = j.at("enabled").get<bool>();
  rule.factor = j.at("factor").get<double>();
}

DivergenceMonitor::DivergenceMonitor(DivergenceRule rule)
    : rule_(rule), best_(std::numeric_limits<double>::infinity()) {
  rule_.validate();
}

RangeTestStop DivergenceMonitor::check(double loss, double smoothed_loss) {
  if (!std::isfinite(loss) || !std::isfinite(smoothed_loss)) return RangeTestStop::non_finite_loss;
  if (smoothed_loss < best_) best_ = smoothed_loss;
  if (rule_.enabled && smoothed_loss > rule_.factor * best_) return RangeTestStop::diverged;
  return RangeTestStop::completed;
}

}  // namespace lrtune
