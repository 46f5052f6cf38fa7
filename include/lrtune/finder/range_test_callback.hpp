// The callback interface of the range test, in the style of fit's (train/callback.hpp): a class
// with no-op hooks at the start and end of the sweep and after every point, passed by pointer in
// the options. Callbacks see the curve so far through the context and may ask the sweep to stop.
#pragma once

#include <cstddef>

#include "lrtune/finder/curve.hpp"

namespace lrtune {

// What run_range_test shares with its callbacks while it runs.
struct RangeTestContext {
  const RangeTestCurve& curve;  // the points recorded so far; the suggestions are filled in before on_test_end
  // Set by a callback: the sweep stops before its next point, as the cancel flag stops it
  // (stop_reason cancelled, the points recorded so far kept).
  bool stop_test = false;
};

class RangeTestCallback {
 public:
  virtual ~RangeTestCallback() = default;
  virtual void on_test_begin(RangeTestContext& /*context*/) {}
  // After every recorded point, before the divergence rule reads it: its index, rate, raw and
  // smoothed loss. For progress displays; the finder itself never prints.
  virtual void on_point(std::size_t /*index*/, double /*learning_rate*/, double /*loss*/, double /*smoothed_loss*/,
                        RangeTestContext& /*context*/) {}
  // The finished curve, suggestions included (not called when the step function throws).
  virtual void on_test_end(RangeTestContext& /*context*/) {}
};

}  // namespace lrtune
