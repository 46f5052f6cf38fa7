// The console's side of the experiment's callback interface: the progress of the range test, the
// search and each training. Off a terminal each phase prints one summary line; on a terminal a
// line with a bar is redrawn in place while the phase runs and the summary replaces it; --verbose
// prints Keras' line per epoch and every range-test point; --quiet nothing. Ctrl-C is the options'
// cancel flag (experiment_options). Commands derive from it to print and write at their steps.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "console.hpp"
#include "live_line.hpp"
#include "lrtune/experiment/callback.hpp"
#include "settings.hpp"

namespace lrtune::cli {

class ConsoleCallback : public ExperimentCallback {
 public:
  ConsoleCallback(const Settings& settings, const Console& console);
  ~ConsoleCallback() override;

  // What produced the rate of the training named `training` ("tuner pick", "adam default",
  // "--lr"; "" names train's one training), shown in its lines.
  void set_rate_source(const std::string& training, std::string source);
  // The range test's summary line (replacing its live line): the command calls it once the curve
  // is known. `title` tells run's two range tests apart.
  void range_test_done(const RangeTestCurve& curve, const std::string& title = "Range test");

  void on_range_test_point(std::size_t index, double learning_rate, double loss) override;
  // The search's own range test, in one line (its points are not reported one by one).
  void on_search_interval(const TuningResult& so_far) override;
  // A rung's live line (candidate epochs done of the rung's), then its summary line.
  void on_search_rung_begin(const TuningRung& rung, const TuningResult& so_far) override;
  void on_search_rung_progress(std::size_t done, std::size_t total) override;
  void on_search_rung(const TuningRung& rung, const TuningResult& so_far) override;
  void on_epoch_begin(const TrainingSpec& training, int epoch, TrainingContext& context) override;
  void on_batch_end(const TrainingSpec& training, std::int64_t step, const Logs& logs,
                    TrainingContext& context) override;
  void on_epoch_end(const TrainingSpec& training, int epoch, const Logs& logs, TrainingContext& context) override;
  void on_training_end(const TrainingSpec& training, const Training& result) override;

 protected:
  // How progress shows: not at all (--quiet), one summary line per phase (not a terminal), a line
  // redrawn in place and then the summary (a terminal), or Keras' lines (--verbose).
  enum class Style { none, summary, live, verbose };
  Style style() const { return style_; }

  const Settings& settings_;
  const Console& console_;

 private:
  struct TrainingProgress;
  // The training's state, made at its first epoch; the map is shared by the worker threads.
  TrainingProgress& progress(const TrainingSpec& training);
  void draw_training(TrainingProgress& p, const TrainingContext& context, std::int64_t steps_done, double loss,
                     bool force);
  void print_line(const std::string& line);

  Style style_;
  std::FILE* stream_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::unique_ptr<TrainingProgress>> trainings_;
  std::map<std::string, std::string> rate_sources_;
  // The live line of the range test or of a search rung (one at a time, on the calling thread;
  // a rung's progress comes from the search's workers, one call at a time).
  std::optional<LiveLine> phase_line_;
  std::string phase_title_;  // "Search rung 1 (8 epochs, 6 rates)"
  std::chrono::steady_clock::time_point phase_start_{};
};

}  // namespace lrtune::cli
