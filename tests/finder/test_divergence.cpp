// The divergence rule stops at the right point; non-finite losses always stop.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/finder/divergence.hpp"
#include "lrtune/train/history.hpp"

namespace {

using lrtune::DivergenceMonitor;
using lrtune::DivergenceRule;
using lrtune::RangeTestStop;

TEST(DivergenceMonitor, StopsWhenSmoothedLossExceedsFactorTimesBest) {
  DivergenceMonitor m;  // factor 4
  const std::vector<double> smoothed{2.0, 1.0, 0.5, 1.9, 2.0, 2.01};
  std::size_t stopped_at = smoothed.size();
  for (std::size_t i = 0; i < smoothed.size(); ++i)
    if (m.check(smoothed[i], smoothed[i]) != RangeTestStop::completed) {
      stopped_at = i;
      break;
    }
  EXPECT_EQ(stopped_at, 5u);  // 2.0 is not > 4 * 0.5; 2.01 is
  EXPECT_DOUBLE_EQ(m.best(), 0.5);
}

TEST(DivergenceMonitor, DisabledRuleNeverStopsOnFiniteLosses) {
  DivergenceMonitor m(DivergenceRule{.enabled = false, .factor = 4.0});
  EXPECT_EQ(m.check(1.0, 1.0), RangeTestStop::completed);
  EXPECT_EQ(m.check(100.0, 100.0), RangeTestStop::completed);
}

TEST(DivergenceMonitor, NonFiniteLossAlwaysStops) {
  DivergenceMonitor m(DivergenceRule{.enabled = false, .factor = 4.0});
  EXPECT_EQ(m.check(1.0, 1.0), RangeTestStop::completed);
  EXPECT_EQ(m.check(std::numeric_limits<double>::quiet_NaN(), 1.0), RangeTestStop::non_finite_loss);
  DivergenceMonitor m2;
  EXPECT_EQ(m2.check(std::numeric_limits<double>::infinity(), 1.0), RangeTestStop::non_finite_loss);
}

TEST(DivergenceRule, RejectsFactorNotAboveOne) {
  EXPECT_THROW((DivergenceRule{.enabled = true, .factor = 1.0}.validate()), lrtune::UsageError);
  EXPECT_THROW(DivergenceMonitor(DivergenceRule{.enabled = true, .factor = std::nan("")}), lrtune::UsageError);
}

TEST(RangeTestStop, NamesRoundTrip) {
  for (auto r :
       {RangeTestStop::completed, RangeTestStop::diverged, RangeTestStop::non_finite_loss, RangeTestStop::cancelled})
    EXPECT_EQ(lrtune::range_test_stop_from_name(lrtune::stop_reason_name(r)), r);
  EXPECT_THROW(lrtune::range_test_stop_from_name("exploded"), lrtune::UsageError);
  // One spelling with training's stop reasons; the hyphenated names of earlier files still read.
  EXPECT_EQ(lrtune::stop_reason_name(RangeTestStop::non_finite_loss),
            lrtune::stop_reason_name(lrtune::StopReason::non_finite_loss));
  EXPECT_EQ(lrtune::stop_reason_name(RangeTestStop::cancelled),
            lrtune::stop_reason_name(lrtune::StopReason::cancelled));
  EXPECT_EQ(lrtune::range_test_stop_from_name("non-finite-loss"), RangeTestStop::non_finite_loss);
  EXPECT_EQ(lrtune::range_test_stop_from_name("stopped-by-user"), RangeTestStop::cancelled);
}

}  // namespace
