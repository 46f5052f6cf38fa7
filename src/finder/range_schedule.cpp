// The learning rates a range test visits: fastai/pytorch-lr-finder/Lightning's
// exponential and linear sweeps and the recipe's per-epoch 1e-3 * 10^(e/30).
#include "lrtune/finder/range_schedule.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

namespace {
std::string_view kind_name(RangeScheduleKind k) {
  switch (k) {
    case RangeScheduleKind::exponential: return "exponential";
    case RangeScheduleKind::linear: return "linear";
    case RangeScheduleKind::power10: return "power10";
  }
  throw std::logic_error("unknown RangeScheduleKind");
}
RangeScheduleKind parse_kind(const std::string& name) {
  for (auto k : {RangeScheduleKind::exponential, RangeScheduleKind::linear, RangeScheduleKind::power10})
    if (kind_name(k) == name) return k;
  throw UsageError("unknown range schedule '" + name + "' (valid: exponential, linear, power10)");
}
}  // namespace

RangeSchedule RangeSchedule::recipe_per_epoch() {
  RangeSchedule s;
  s.kind = RangeScheduleKind::power10;
  s.start = 1e-3;
  s.num_points = 100;
  s.points_per_decade = 30.0;
  s.end = s.learning_rate(s.num_points - 1);
  return s;
}

void RangeSchedule::validate() const {
  if (!(std::isfinite(start) && start > 0.0))
    throw UsageError(fmt::format("schedule.start = {} must be finite and > 0", start));
  if (kind == RangeScheduleKind::power10) {
    if (num_points < 1) throw UsageError("schedule.num_points = 0 must be >= 1");
    if (!(std::isfinite(points_per_decade) && points_per_decade > 0.0))
      throw UsageError(fmt::format("schedule.points_per_decade = {} must be finite and > 0", points_per_decade));
    return;
  }
  if (!(std::isfinite(end) && end > start))
    throw UsageError(fmt::format("schedule.end = {} must be finite and > start ({})", end, start));
  if (num_points < 2) throw UsageError(fmt::format("schedule.num_points = {} must be >= 2", num_points));
}

double RangeSchedule::learning_rate(std::size_t i) const {
  const double x = static_cast<double>(i);
  switch (kind) {
    case RangeScheduleKind::exponential:
      // start * (end/start)^(i/(n-1)), computed in log space so that the last point is end.
      return std::exp(std::log(start) + (std::log(end) - std::log(start)) * x / static_cast<double>(num_points - 1));
    case RangeScheduleKind::linear: return start + (end - start) * x / static_cast<double>(num_points - 1);
    case RangeScheduleKind::power10: return start * std::pow(10.0, x / points_per_decade);
  }
  throw std::logic_error("unknown RangeScheduleKind");
}

std::vector<double> RangeSchedule::learning_rates() const {
  validate();
  std::vector<double> lrs(num_points);
  for (std::size_t i = 0; i < num_points; ++i) lrs[i] = learning_rate(i);
  return lrs;
}

void to_json(nlohmann::json& j, const RangeSchedule& s) {
  j = nlohmann::json{{"kind", kind_name(s.kind)},
                     {"start", s.start},
                     {"end", s.end},
                     {"num_points", s.num_points},
                     {"points_per_decade", s.points_per_decade}};
}

void from_json(const nlohmann::json& j, RangeSchedule& s) {
  s.kind = parse_kind(j.at("kind").get<std::string>());
  s.start = j.at("start").get<double>();
  s.end = j.at("end").get<double>();
  s.num_points = j.at("num_points").get<std::size_t>();
  s.points_per_decade = j.at("points_per_decade").get<double>();
}

}  // namespace lrtune
