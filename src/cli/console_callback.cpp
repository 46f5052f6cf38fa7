// The console's progress lines for the experiment's steps.
#include "console_callback.hpp"

#include <fmt/format.h>

namespace lrtune::cli {

void ConsoleCallback::on_range_test_point(std::size_t index, double lr, double loss) {
  if (!console_.show_progress()) return;
  const std::size_t points = static_cast<std::size_t>(settings_.finder_points);
  std::FILE* stream = console_.progress_stream();
  if (settings_.schedule == "epoch" || (index + 1) % 10 == 0 || index + 1 == points)
    fmt::print(stream, "Range test {}/{} - lr: {:.4g} - loss: {:.4f}\n", index + 1, points, lr, loss);
  std::fflush(stream);
}

void ConsoleCallback::on_search_interval(const TuningResult& r) {
  if (!console_.show_progress()) return;
  std::FILE* stream = console_.progress_stream();
  fmt::print(stream, "Search interval: {:.3g} to {:.3g} ({} candidates, {} training and {} validation rows)\n", r.low,
             r.high, settings_.candidates, r.training_rows, r.validation_rows);
  std::fflush(stream);
}

void ConsoleCallback::on_search_rung(const TuningRung& rung, const TuningResult& r) {
  if (!console_.show_progress()) return;
  std::FILE* stream = console_.progress_stream();
  std::string kept;
  for (std::size_t c : rung.promoted) kept += fmt::format(" {:.3g}", r.candidates.at(c).learning_rate);
  for (std::size_t c : rung.kept_improving) kept += fmt::format(" {:.3g}(improving)", r.candidates.at(c).learning_rate);
  fmt::print(stream, "Rung {} ({} epochs, {} candidates, {:.1f}s): cut-off {:.4f}, kept{}\n", rung_index_++, rung.epochs,
             rung.candidates.size(), rung.seconds, rung.cutoff_score, kept.empty() ? " none" : kept);
  std::fflush(stream);
}

ProgressDisplay& ConsoleCallback::display(const TrainingSpec& t) {
  std::lock_guard lock(displays_mutex_);
  auto& slot = displays_[{t.name, t.repeat}];
  if (!slot) {
    const std::string title = t.name.empty()    ? ""
                              : t.repeats > 1 ? fmt::format("[{} seed {}] ", t.name, t.seed)
                                              : fmt::format("[{}] ", t.name);
    slot = std::make_unique<ProgressDisplay>(console_.progress_stream(), title, console_.live && t.workers == 1);
  }
  return *slot;
}

void ConsoleCallback::on_epoch_begin(const TrainingSpec& t, int epoch, TrainingContext& context) {
  if (console_.show_progress()) display(t).on_epoch_begin(epoch, context);
}

void ConsoleCallback::on_batch_end(const TrainingSpec& t, std::int64_t step, const Logs& logs, TrainingContext& context) {
  if (console_.show_progress()) display(t).on_batch_end(step, logs, context);
}

void ConsoleCallback::on_epoch_end(const TrainingSpec& t, int epoch, const Logs& logs, TrainingContext& context) {
  if (console_.show_progress()) display(t).on_epoch_end(epoch, logs, context);
}

}  // namespace lrtune::cli
