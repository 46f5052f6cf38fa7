// Keras-like epoch lines written to a stream the caller passes in:
//   Epoch 3/100 - 162/162 - 0.10s - loss: 0.4793 - accuracy: 0.7700 - lr: 0.0012
// The CLI decides where they go (and draws live progress bars itself).
#pragma once

#include <chrono>
#include <ostream>

#include "lrtune/train/callback.hpp"

namespace lrtune {

class ProgressLogger final : public Callback {
 public:
  // show_time = false leaves the wall time out, for reproducible logs.
  explicit ProgressLogger(std::ostream& out, bool show_time = true) : out_(out), show_time_(show_time) {}
  void on_epoch_begin(int epoch, TrainingContext& context) override;
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) override;
  void on_train_end(TrainingContext& context) override;

 private:
  std::ostream& out_;
  bool show_time_;
  std::chrono::steady_clock::time_point epoch_start_;
};

// One epoch line without the time, e.g. for tests and reports.
std::string format_epoch_line(int epoch, int epochs, std::int64_t steps, const Logs& logs);

}  // namespace lrtune
