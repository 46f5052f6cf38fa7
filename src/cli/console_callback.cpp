// The console's progress for the experiment's steps, in the style the console asks for.
#include "console_callback.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lrtune/experiment/training.hpp"
#include "phase_lines.hpp"

namespace lrtune::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// "ETA 3.1 s" from the share done so far; "ETA ≤ ..." when early stopping may end it sooner.
std::string eta_text(double elapsed, double fraction, bool upper_bound) {
  if (fraction <= 0.0) return "ETA ?";
  return fmt::format("ETA {}{}", upper_bound ? "≤ " : "", duration_text(elapsed / fraction * (1.0 - fraction)));
}

}  // namespace

// One training's progress: Keras' lines (verbose), or its live line on a terminal.
struct ConsoleCallback::TrainingProgress {
  std::string title;                         // "Training tuned", "Training tuned seed 43", "Training"
  std::unique_ptr<ProgressDisplay> verbose;  // --verbose only
  std::optional<LiveLine> live;              // on a terminal, when it is the only training running
  Clock::time_point start = Clock::now();
  std::int64_t first_step = 0;        // the epoch's first optimizer step
  double loss_sum = 0.0, rows = 0.0;  // the epoch's running mean loss
};

ConsoleCallback::ConsoleCallback(const Settings& settings, const Console& console)
    : settings_(settings), console_(console), stream_(console.progress_stream()) {
  if (!console.show_progress())
    style_ = Style::none;
  else if (settings.verbose)
    style_ = Style::verbose;
  else if (console.live && is_terminal(stream_))
    style_ = Style::live;
  else
    style_ = Style::summary;
}

ConsoleCallback::~ConsoleCallback() = default;

void ConsoleCallback::set_rate_source(const std::string& training, std::string source) {
  std::lock_guard lock(mutex_);
  rate_sources_[training] = std::move(source);
}

void ConsoleCallback::print_line(const std::string& line) {
  std::lock_guard lock(mutex_);
  fmt::print(stream_, "{}\n", line);
  std::fflush(stream_);
}

// ---- range test ----

void ConsoleCallback::on_range_test_point(std::size_t index, double lr, double loss) {
  const auto points = static_cast<std::size_t>(settings_.finder_points);
  if (style_ == Style::verbose) {
    // Every point of a per-epoch test (each is an epoch), every tenth and the last of a per-step one.
    if (settings_.schedule == "epoch" || (index + 1) % 10 == 0 || index + 1 == points)
      print_line(fmt::format("Range test {}/{} - lr: {:.4g} - loss: {:.4f}", index + 1, points, lr, loss));
    return;
  }
  if (style_ != Style::live) return;
  if (index == 0 || !phase_line_) {
    phase_start_ = Clock::now();
    phase_line_.emplace(stream_);
  }
  const double fraction = static_cast<double>(index + 1) / static_cast<double>(points);
  phase_line_->draw(fmt::format("Range test ({})  {}  {}/{}  lr {:.3g}  loss {:.4f}  {}",
                                settings_.schedule == "epoch" ? "per-epoch" : "per-step", progress_bar(fraction),
                                index + 1, points, lr, loss, eta_text(seconds_since(phase_start_), fraction, true)));
}

void ConsoleCallback::range_test_done(const RangeTestCurve& curve, const std::string& title) {
  if (style_ == Style::none) return;
  const std::string line = range_test_summary(title, curve);
  if (phase_line_) {
    phase_line_->finish(line);
    phase_line_.reset();
  } else {
    print_line(line);
  }
}

// ---- search ----

void ConsoleCallback::on_search_interval(const TuningResult& r) {
  if (style_ != Style::none && r.range_test.size() > 0)
    print_line(range_test_summary("Range test of the search", r.range_test));
}

void ConsoleCallback::on_search_rung_begin(const TuningRung& rung, const TuningResult& r) {
  if (style_ != Style::live) return;
  phase_title_ = fmt::format("Search rung {} ({} epochs, {} rate{})", r.rungs.size(), rung.epochs,
                             rung.candidates.size(), rung.candidates.size() == 1 ? "" : "s");
  phase_start_ = Clock::now();
  phase_line_.emplace(stream_);
  phase_line_->draw(phase_title_ + "  " + progress_bar(0.0));
}

void ConsoleCallback::on_search_rung_progress(std::size_t done, std::size_t total) {
  if (!phase_line_ || total == 0) return;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  phase_line_->draw(fmt::format("{}  {}  {}/{} candidate epochs  {}", phase_title_, progress_bar(fraction), done, total,
                                eta_text(seconds_since(phase_start_), fraction, true)),
                    done == total);
}

void ConsoleCallback::on_search_rung(const TuningRung& rung, const TuningResult& r) {
  if (style_ == Style::none) return;
  const std::string line = rung_summary(r.rungs.size() - 1, rung);
  if (phase_line_) {
    phase_line_->finish(line);
    phase_line_.reset();
  } else {
    print_line(line);
  }
}

// ---- trainings ----

ConsoleCallback::TrainingProgress& ConsoleCallback::progress(const TrainingSpec& t) {
  std::lock_guard lock(mutex_);
  auto& slot = trainings_[{t.name, t.repeat}];
  if (!slot) {
    slot = std::make_unique<TrainingProgress>();
    slot->title = t.name.empty()  ? "Training"
                  : t.repeats > 1 ? fmt::format("Training {} seed {}", t.name, t.seed)
                                  : fmt::format("Training {}", t.name);
    if (style_ == Style::verbose) {
      const std::string prefix = t.name.empty()  ? ""
                                 : t.repeats > 1 ? fmt::format("[{} seed {}] ", t.name, t.seed)
                                                 : fmt::format("[{}] ", t.name);
      slot->verbose = std::make_unique<ProgressDisplay>(stream_, prefix, console_.live && t.workers == 1);
    }
    // Several trainings at once cannot share one redrawn line: they print their summaries only.
    if (style_ == Style::live && t.workers == 1) slot->live.emplace(stream_);
  }
  return *slot;
}

void ConsoleCallback::draw_training(TrainingProgress& p, const TrainingContext& context, std::int64_t steps_done,
                                    double loss, bool force) {
  const double epoch_share = context.steps_per_epoch > 0
                                 ? static_cast<double>(steps_done) / static_cast<double>(context.steps_per_epoch)
                                 : 1.0;
  const double fraction = (context.epoch + epoch_share) / std::max(1, context.epochs);
  p.live->draw(fmt::format("{}  {}  epoch {}/{}  loss {:.4f}  lr {:.3g}  {}", p.title, progress_bar(fraction),
                           context.epoch + 1, context.epochs, loss, context.optimizer.learning_rate(),
                           eta_text(seconds_since(p.start), fraction, settings_.early_stopping)),
               force);
}

void ConsoleCallback::on_epoch_begin(const TrainingSpec& t, int epoch, TrainingContext& context) {
  if (style_ == Style::none || style_ == Style::summary) return;
  TrainingProgress& p = progress(t);
  if (p.verbose) return p.verbose->on_epoch_begin(epoch, context);
  p.first_step = context.step;
  p.loss_sum = p.rows = 0.0;
}

void ConsoleCallback::on_batch_end(const TrainingSpec& t, std::int64_t step, const Logs& logs,
                                   TrainingContext& context) {
  if (style_ == Style::none || style_ == Style::summary) return;
  TrainingProgress& p = progress(t);
  if (p.verbose) return p.verbose->on_batch_end(step, logs, context);
  if (!p.live) return;
  const double size = logs.find("size").value_or(1.0);
  p.loss_sum += logs.at("loss") * size;
  p.rows += size;
  draw_training(p, context, step - p.first_step + 1, p.rows > 0 ? p.loss_sum / p.rows : 0.0, false);
}

void ConsoleCallback::on_epoch_end(const TrainingSpec& t, int epoch, const Logs& logs, TrainingContext& context) {
  if (style_ == Style::none || style_ == Style::summary) return;
  TrainingProgress& p = progress(t);
  if (p.verbose) p.verbose->on_epoch_end(epoch, logs, context);
}

void ConsoleCallback::on_training_end(const TrainingSpec& t, const Training& result) {
  if (style_ == Style::none) return;
  TrainingLabel label;
  {
    std::lock_guard lock(mutex_);
    const auto source = rate_sources_.find(t.name);
    label.rate_source = source != rate_sources_.end() ? source->second : "given";
  }
  label.epochs = settings_.epochs;
  label.monitor = settings_.early_stopping ? settings_.monitor : "";
  TrainingProgress& p = progress(t);
  label.title = p.title;
  const std::string line = training_summary(label, result);
  if (p.live) {
    p.live->finish(line);
  } else {
    print_line(line);
  }
}

}  // namespace lrtune::cli
