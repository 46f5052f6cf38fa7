// The callback interface of the search, in the style of fit's (train/callback.hpp): a class with
// no-op hooks at the start and end of the search, when the interval is known and after each rung,
// passed by pointer in TunerOptions::callbacks. Stopping is TunerOptions::cancel's (see there).
#pragma once

#include <cstddef>

namespace lrtune {

struct TunerOptions;
struct TuningResult;
struct TuningRung;

// Called from the thread that called Tuner::run, never concurrently (on_rung_progress: from the
// worker threads, one call at a time). An exception thrown by a hook ends run() and reaches its
// caller (on_rung_progress must not throw: it runs on a worker thread).
class TunerCallback {
 public:
  virtual ~TunerCallback() = default;
  // Before anything trains (the range test included), with the options the search runs with.
  virtual void on_search_begin(const TunerOptions& /*options*/) {}
  // The interval is known (range test run, or the interval given): low, high, reasons, curve.
  virtual void on_interval(const TuningResult& /*so_far*/) {}
  // Before a rung trains: `rung` holds its epoch target and its candidates (so_far.rungs the rungs
  // before it).
  virtual void on_rung_begin(const TuningRung& /*rung*/, const TuningResult& /*so_far*/) {}
  // While a rung trains, after each candidate epoch: `done` of at most `total` candidate epochs
  // (repeats included; fewer when candidates stop early). For progress displays. Spread over
  // ranks (TunerOptions::communicator), these count this rank's units' epochs; at the rung's end
  // one more call (from the calling thread) gives every rank's done and total, gathered.
  virtual void on_rung_progress(std::size_t /*done*/, std::size_t /*total*/) {}
  // After each rung's cut (or its cancellation); `rung` is so_far.rungs.back().
  virtual void on_rung_end(const TuningRung& /*rung*/, const TuningResult& /*so_far*/) {}
  // The finished result, also when the search was cancelled (not called when run() throws).
  virtual void on_search_end(const TuningResult& /*result*/) {}
};

}  // namespace lrtune
