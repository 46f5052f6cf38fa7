// The stop rules of a range test: fastai's LRFinder.after_batch (smooth_loss > 4 * best,
// best updated first) and Lightning's early_stop_threshold, plus a non-finite rule that
// fastai lacks (its comparison with NaN is false, so NaN sweeps ran to the end).
#include "lrtune/finder/divergence.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace lrtune {

std::string_view stop_reason_name(RangeTestStop reason) {
  switch (reason) {
    case RangeTestStop::completed: return "completed";
    case RangeTestStop::diverged: return "diverged";
    case RangeTestStop::non_finite_loss: return "non-finite-loss";
    case RangeTestStop::stopped_by_user: return "stopped-by-user";
  }
  throw std::logic_error("unknown RangeTestStop");
}

RangeTestStop parse_stop_reason(std::string_view name) {
  for (auto r : {RangeTestStop::completed, RangeTestStop::diverged, RangeTestStop::non_finite_loss, RangeTestStop::stopped_by_user})
    if (stop_reason_name(r) == name) return r;
  throw std::invalid_argument("unknown stop reason '" + std::string(name) +
                              "' (valid: completed, diverged, non-finite-loss, stopped-by-user)");
}

void DivergenceRule::validate() const {
  if (!(std::isfinite(factor) && factor > 1.0))
    throw std::invalid_argument(fmt::format("divergence.factor = {} must be finite and > 1", factor));
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
