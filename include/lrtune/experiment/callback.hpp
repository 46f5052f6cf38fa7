// The callback interface of an experiment, in the style of fit's (train/callback.hpp): a class
// with no-op hooks at each step (range test, search, trainings), passed by pointer in
// ExperimentOptions::callbacks; a callback overrides only what it shows. Cancellation is
// ExperimentOptions::cancel. The CLI's console implements it to print its lines. An exception
// thrown by a hook ends the experiment and reaches its caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "lrtune/train/callback.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

struct ExperimentResult;
struct Training;

// Which training of the comparison an event is about.
struct TrainingSpec {
  std::string name;  // "default" or "tuned"
  int repeat = 0;    // 0 .. repeats - 1
  int repeats = 1;
  double learning_rate = 0.0;
  std::uint64_t seed = 0;   // comparison seed + repeat
  std::size_t workers = 1;  // trainings running at once (1: one after another on the calling thread)
};

class ExperimentCallback {
 public:
  virtual ~ExperimentCallback() = default;

  // ---- range test ----
  virtual void on_range_test_point(std::size_t /*index*/, double /*learning_rate*/, double /*loss*/) {}
  // The curve, its suggestions and the rule's rate are in `so_far`.
  virtual void on_range_test_end(const ExperimentResult& /*so_far*/) {}

  // ---- search (RatePick::tuner): the Tuner's hooks (tune/tuner_callback.hpp) ----
  virtual void on_search_begin(const TunerOptions& /*options*/) {}
  virtual void on_search_interval(const TuningResult& /*so_far*/) {}
  // A rung starts; then, after each candidate epoch, `done` of at most `total` candidate epochs
  // (from the search's worker threads, one call at a time; must not throw); then on_search_rung.
  virtual void on_search_rung_begin(const TuningRung& /*rung*/, const TuningResult& /*so_far*/) {}
  virtual void on_search_rung_progress(std::size_t /*done*/, std::size_t /*total*/) {}
  virtual void on_search_rung(const TuningRung& /*rung*/, const TuningResult& /*so_far*/) {}
  virtual void on_search_end(const TuningResult& /*result*/) {}

  // Both rates known (default_side and tuned_side of `so_far`), before any training.
  virtual void on_rates_chosen(const ExperimentResult& /*so_far*/) {}

  // ---- trainings: called from the worker threads, concurrently for different trainings when
  // the comparison runs on several threads; `context` is that training's own ----
  virtual void on_training_begin(const TrainingSpec& /*training*/) {}
  virtual void on_epoch_begin(const TrainingSpec& /*training*/, int /*epoch*/, TrainingContext& /*context*/) {}
  virtual void on_batch_end(const TrainingSpec& /*training*/, std::int64_t /*step*/, const Logs& /*logs*/,
                            TrainingContext& /*context*/) {}
  virtual void on_epoch_end(const TrainingSpec& /*training*/, int /*epoch*/, const Logs& /*logs*/,
                            TrainingContext& /*context*/) {}
  // The training is over (finished, stopped early, diverged or cancelled) and scored on the test
  // split: its history says how it ended. Where a console closes the training's progress line.
  virtual void on_training_end(const TrainingSpec& /*training*/, const Training& /*result*/) {}
};

}  // namespace lrtune
