// When a range test stops early: the divergence rule (smoothed loss above factor x the
// best smoothed loss so far) and the always-on non-finite rule. A small value and a
// monitor; running the sweep is range_test.hpp's job.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Why a range test ended.
// cancelled: the caller's cancel flag (Ctrl-C), as train's StopReason::cancelled.
enum class RangeTestStop { completed, diverged, non_finite_loss, cancelled };
std::string_view stop_reason_name(RangeTestStop reason);  // "completed", "diverged", "non_finite_loss", "cancelled"
RangeTestStop range_test_stop_from_name(std::string_view name);  // throws UsageError

// fastai and Lightning stop when smoothed > 4 x best (pytorch-lr-finder uses 5).
struct DivergenceRule {
  bool enabled = true;  // the factor test; the non-finite test cannot be turned off
  double factor = 4.0;  // must be > 1

  void validate() const;  // throws UsageError naming the option, value and range
  bool operator==(const DivergenceRule&) const = default;
};

void to_json(nlohmann::json& j, const DivergenceRule& rule);
void from_json(const nlohmann::json& j, DivergenceRule& rule);

// Follows one sweep point by point. check() first records the point's smoothed loss as
// the best if it is lower (fastai's order), then answers:
//   non_finite_loss if the raw or smoothed loss is NaN or +-inf (always);
//   diverged if the rule is enabled and smoothed > factor * best;
//   completed (meaning "go on") otherwise.
// The rule assumes positive losses, as every implementation of it does.
class DivergenceMonitor {
 public:
  explicit DivergenceMonitor(DivergenceRule rule = {});

  RangeTestStop check(double loss, double smoothed_loss);

  double best() const { return best_; }  // +inf before the first finite point
  const DivergenceRule& rule() const { return rule_; }

 private:
  DivergenceRule rule_;
  double best_;
};

}  // namespace lrtune
