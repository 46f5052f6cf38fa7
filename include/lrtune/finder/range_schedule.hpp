// The learning rates a range test visits, as a pure function of the point index:
// exponential or linear from start to end (fastai, pytorch-lr-finder, Lightning), or the
// recipe's per-epoch start * 10^(i/k) (SEED.md §3). Optimizer schedules live in optim.
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune {

enum class RangeScheduleKind { exponential, linear, power10 };

struct RangeSchedule {
  RangeScheduleKind kind = RangeScheduleKind::exponential;
  double start = 1e-7;              // lr at point 0
  double end = 10.0;                // lr at point num_points-1 (exponential, linear)
  std::size_t num_points = 100;     // fastai's num_it
  double points_per_decade = 30.0;  // power10 only: lr_i = start * 10^(i / points_per_decade)

  // The recipe's schedule: 1e-3 * 10^(e/30) for e = 0..99.
  static RangeSchedule recipe_per_epoch();

  // lr_i:  exponential  start * (end/start)^(i/(n-1))   (end included, as pytorch-lr-finder;
  //                     fastai uses i/n and stops one step short of end)
  //        linear       start + (end-start) * i/(n-1)
  //        power10      start * 10^(i/points_per_decade)
  double learning_rate(std::size_t i) const;
  std::vector<double> learning_rates() const;

  void validate() const;  // throws UsageError naming the option, value and range
  bool operator==(const RangeSchedule&) const = default;
};

void to_json(nlohmann::json& j, const RangeSchedule& s);
void from_json(const nlohmann::json& j, RangeSchedule& s);

}  // namespace lrtune
