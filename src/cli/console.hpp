// Where text goes: results to stdout, messages and progress to stderr when --json owns
// stdout, nothing but results with --quiet. Also Keras' epoch lines for --verbose (with a bar
// redrawn per step on a terminal); the default progress, a line per phase, is console_callback's.
#pragma once

#include <cstdio>
#include <string>

#include "lrtune/train/callback.hpp"

namespace lrtune::cli {

struct Console {
  bool quiet = false;
  bool json = false;
  bool live = true;  // false: no redrawn bar even on a terminal (several trainings at once)
  // Results (tables, charts): stdout unless --json (then suppressed: the JSON is the result).
  void result(const std::string& text) const;
  // Messages (what was written, warnings): stderr with --json, stdout otherwise; none with --quiet.
  void message(const std::string& text) const;
  // Warnings are always shown (on stderr).
  void warning(const std::string& text) const;
  std::FILE* progress_stream() const { return json ? stderr : stdout; }
  bool show_progress() const { return !quiet; }
};

// --verbose: epoch lines "Epoch 3/100 - 162/162 - 0.1s - loss: 0.4793 - accuracy: 0.7700"; on a
// terminal also a bar redrawn after each step. `title` prefixes every line (e.g. "[tuned]").
class ProgressDisplay final : public Callback {
 public:
  ProgressDisplay(std::FILE* stream, std::string title, bool allow_live = true);
  void on_epoch_begin(int epoch, TrainingContext& context) override;
  void on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) override;
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) override;

 private:
  std::FILE* stream_;
  std::string title_;
  bool live_ = false;
  std::int64_t first_step_ = 0;
  double loss_sum_ = 0.0, rows_ = 0.0;
  double epoch_start_ = 0.0;
};

}  // namespace lrtune::cli
