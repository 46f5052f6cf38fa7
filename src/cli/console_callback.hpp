// The console's side of the experiment's callback interface: the progress lines of the range
// test, the search and each training (a live bar per training on a terminal). Ctrl-C is the
// options' cancel flag (experiment_options). Commands derive from it to print and write at the
// steps of their own workflow.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "console.hpp"
#include "lrtune/experiment/callback.hpp"
#include "settings.hpp"

namespace lrtune::cli {

class ConsoleCallback : public ExperimentCallback {
 public:
  ConsoleCallback(const Settings& settings, const Console& console) : settings_(settings), console_(console) {}

  // "Range test 10/100 - lr: ... - loss: ...": every point per epoch, every tenth and the last per step.
  void on_range_test_point(std::size_t index, double learning_rate, double loss) override;
  // "Search interval: ..." and one "Rung k (...)" line per rung.
  void on_search_interval(const TuningResult& so_far) override;
  void on_search_rung(const TuningRung& rung, const TuningResult& so_far) override;
  // Keras-like epoch lines, prefixed "[tuned] " / "[tuned seed 43] " in a comparison; a bar
  // redrawn per step only when the trainings run one after another.
  void on_epoch_begin(const TrainingSpec& training, int epoch, TrainingContext& context) override;
  void on_batch_end(const TrainingSpec& training, std::int64_t step, const Logs& logs, TrainingContext& context) override;
  void on_epoch_end(const TrainingSpec& training, int epoch, const Logs& logs, TrainingContext& context) override;

 protected:
  const Settings& settings_;
  const Console& console_;

 private:
  // The training's display, made at its first epoch; the map is shared by the worker threads.
  ProgressDisplay& display(const TrainingSpec& training);
  std::mutex displays_mutex_;
  std::map<std::pair<std::string, int>, std::unique_ptr<ProgressDisplay>> displays_;
  int rung_index_ = 0;
};

}  // namespace lrtune::cli
