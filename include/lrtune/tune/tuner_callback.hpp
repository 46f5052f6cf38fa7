// The callback interface of the search, in the style of fit's (train/callback.hpp): a class with
// no-op hooks at the start and end of the search, when the interval is known and after each rung,
// passed by pointer in TunerOptions::callbacks. Stopping is TunerOptions::cancel's (see there).
#pragma once

namespace lrtune {

struct TunerOptions;
struct TuningResult;
struct TuningRung;

// Called from the thread that called Tuner::run, never concurrently. An exception thrown by a
// hook ends run() and reaches its caller.
class TunerCallback {
 public:
  virtual ~TunerCallback() = default;
  // Before anything trains (the range test included), with the options the search runs with.
  virtual void on_search_begin(const TunerOptions& /*options*/) {}
  // The interval is known (range test run, or the interval given): low, high, reasons, curve.
  virtual void on_interval(const TuningResult& /*so_far*/) {}
  // After each rung's cut (or its cancellation); `rung` is so_far.rungs.back().
  virtual void on_rung_end(const TuningRung& /*rung*/, const TuningResult& /*so_far*/) {}
  // The finished result, also when the search was cancelled (not called when run() throws).
  virtual void on_search_end(const TuningResult& /*result*/) {}
};

}  // namespace lrtune
