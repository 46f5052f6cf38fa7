// Keras-style epoch log lines.
#include "lrtune/train/progress_logger.hpp"

#include <fmt/format.h>

namespace lrtune {

std::string format_epoch_line(int epoch, int epochs, std::int64_t steps, const Logs& logs) {
  std::string line = fmt::format("Epoch {}/{} - {}/{}", epoch + 1, epochs, steps, steps);
  for (const auto& [name, value] : logs) {
    line += name == "lr" ? fmt::format(" - {}: {:.4g}", name, value) : fmt::format(" - {}: {:.4f}", name, value);
  }
  return line;
}

void ProgressLogger::on_epoch_begin(int, TrainingContext&) { epoch_start_ = std::chrono::steady_clock::now(); }

void ProgressLogger::on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) {
  std::string line = format_epoch_line(epoch, context.epochs, context.steps_per_epoch, logs);
  if (show_time_) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
    const auto first_dash = line.find(" - ", line.find(" - ") + 3);
    line.insert(first_dash == std::string::npos ? line.size() : first_dash, fmt::format(" - {:.2f}s", seconds));
  }
  out_ << line << '\n';
}

void ProgressLogger::on_train_end(TrainingContext& context) {
  if (!context.history.stop_message.empty())
    out_ << context.history.stop_message << '\n';
  else if (!context.stop_message.empty())
    out_ << context.stop_message << '\n';
}

}  // namespace lrtune
