// Output streams and the progress display.
#include "console.hpp"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "lrtune/train/progress_logger.hpp"
#include "settings.hpp"

namespace lrtune::cli {
namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void Console::result(const std::string& text) const {
  if (json) return;
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

void Console::message(const std::string& text) const {
  if (quiet) return;
  std::FILE* stream = json ? stderr : stdout;
  std::fputs(text.c_str(), stream);
  std::fflush(stream);
}

void Console::warning(const std::string& text) const {
  const bool ends_line = !text.empty() && text.back() == '\n';
  const std::string body = one_line(ends_line ? std::string_view(text).substr(0, text.size() - 1) : text);
  std::fputs(("lrtune: warning: " + body + (ends_line ? "\n" : "")).c_str(), stderr);
  std::fflush(stderr);
}

ProgressDisplay::ProgressDisplay(std::FILE* stream, std::string title, bool allow_live)
    : stream_(stream), title_(std::move(title)), live_(allow_live && ::isatty(::fileno(stream)) != 0) {}

void ProgressDisplay::on_epoch_begin(int, TrainingContext& context) {
  first_step_ = context.step;
  loss_sum_ = rows_ = 0.0;
  epoch_start_ = now_seconds();
}

void ProgressDisplay::on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) {
  if (!live_) return;
  const double size = logs.find("size").value_or(1.0);
  loss_sum_ += logs.at("loss") * size;
  rows_ += size;
  const std::int64_t done = step - first_step_ + 1;
  const std::int64_t total = context.steps_per_epoch;
  if (done % 8 != 0 && done != total) return;  // redraw every few steps
  constexpr int kWidth = 30;
  const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < kWidth) bar += '>' + std::string(static_cast<std::size_t>(kWidth - filled - 1), '.');
  fmt::print(stream_, "\r{}Epoch {}/{} {:>4}/{} [{}] - loss: {:.4f}", title_, context.epoch + 1, context.epochs, done,
             total, bar, rows_ > 0 ? loss_sum_ / rows_ : 0.0);
  std::fflush(stream_);
}

void ProgressDisplay::on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) {
  if (live_) fmt::print(stream_, "\r\033[K");
  fmt::print(stream_, "{}{} - {:.1f}s\n", title_,
             format_epoch_line(epoch, context.epochs, context.steps_per_epoch, logs), now_seconds() - epoch_start_);
  std::fflush(stream_);
}

}  // namespace lrtune::cli
