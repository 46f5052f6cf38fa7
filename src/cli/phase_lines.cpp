// The phases' summary lines and the wrapping of long paragraphs.
#include "phase_lines.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "live_line.hpp"

namespace lrtune::cli {

std::string range_test_name(CurveMode mode) {
  return mode == CurveMode::per_epoch ? "per-epoch range test" : "per-step range test";
}

std::string range_test_summary(const std::string& title, const RangeTestCurve& curve) {
  const char* mode = curve.mode == CurveMode::per_epoch ? "per-epoch" : "per-step";
  std::size_t lowest = curve.size();
  for (std::size_t i = 0; i < curve.size(); ++i)
    if (std::isfinite(curve.losses[i]) && (lowest == curve.size() || curve.losses[i] < curve.losses[lowest]))
      lowest = i;
  std::vector<std::string> parts = {
      fmt::format("{} ({}): {}/{} points", title, mode, curve.size(), std::max(curve.planned_points, curve.size())),
      duration_text(curve.total_seconds)};
  if (curve.stop_reason != RangeTestStop::completed)
    parts.insert(parts.begin() + 1, fmt::format("stopped: {}", stop_reason_name(curve.stop_reason)));
  if (lowest < curve.size())
    parts.push_back(fmt::format("lowest loss {:.4f} at lr {:.3g}", curve.losses[lowest], curve.learning_rates[lowest]));
  return fit_parts(std::move(parts), 1);
}

std::string rung_summary(std::size_t index, const TuningRung& rung) {
  std::vector<std::string> parts = {fmt::format("Search rung {}: {} rate{} x {} epochs", index, rung.candidates.size(),
                                                rung.candidates.size() == 1 ? "" : "s", rung.epochs)};
  if (std::isnan(rung.cutoff_score))
    parts.emplace_back("cancelled");
  else
    parts.push_back(fmt::format("{} kept (cut-off val_loss {:.4f})", rung.promoted.size() + rung.kept_improving.size(),
                                rung.cutoff_score));
  parts.push_back(duration_text(rung.seconds));
  return fit_parts(std::move(parts), 2);
}

namespace {

// "early stop at 34/100", "100/100 epochs", "diverged in epoch 3/100", "interrupted in epoch 3/100".
std::string outcome_text(const Training& t, int epochs) {
  const auto run = static_cast<int>(t.history.size());
  switch (t.history.stop_reason) {
    case StopReason::early_stopping: return fmt::format("early stop at {}/{}", run, epochs);
    case StopReason::non_finite_loss: return fmt::format("diverged in epoch {}/{}", std::max(run, 1), epochs);
    case StopReason::cancelled: return fmt::format("interrupted in epoch {}/{}", run + 1, epochs);
    case StopReason::completed: break;
  }
  return fmt::format("{}/{} epochs", run, epochs);
}

double value_at(const History& history, const std::string& name, std::size_t epoch) {
  if (name.empty() || !history.contains(name)) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> values = history.values(name);
  return epoch < values.size() ? values[epoch] : std::numeric_limits<double>::quiet_NaN();
}

// "best epoch 24, val_loss 0.412" (the weights kept), else the last epoch's "loss 0.3412".
std::string scores_text(const TrainingLabel& label, const Training& t) {
  const History& h = t.history;
  if (h.empty()) return "";
  if (h.best_epoch >= 0) {
    const double best = value_at(h, label.monitor, static_cast<std::size_t>(h.best_epoch));
    return std::isfinite(best) ? fmt::format("best epoch {}, {} {:.3f}", h.best_epoch + 1, label.monitor, best)
                               : fmt::format("best epoch {}", h.best_epoch + 1);
  }
  const std::size_t last = h.size() - 1;
  std::string text = fmt::format("loss {:.4f}", value_at(h, "loss", last));
  const double val = value_at(h, "val_loss", last);
  if (std::isfinite(val)) text += fmt::format(", val_loss {:.4f}", val);
  return text;
}

}  // namespace

std::string training_summary(const TrainingLabel& label, const Training& t) {
  std::vector<std::string> parts = {label.title, fmt::format("lr {:.3g} ({})", t.learning_rate, label.rate_source),
                                    outcome_text(t, label.epochs)};
  const std::string scores = scores_text(label, t);
  if (!scores.empty()) parts.push_back(scores);
  parts.push_back(duration_text(t.history.train_seconds));
  // Too long (a long rate source, a seed in the title): the time goes first, then the scores.
  return fit_parts(std::move(parts), 3);
}

std::string fit_parts(std::vector<std::string> parts, std::size_t kept) {
  auto joined = [&] {
    std::string line;
    for (const auto& part : parts) {  // two appends: GCC 12 warns falsely (-Wrestrict) about `a += "" + b`
      if (!line.empty()) line += "  ";
      line += part;
    }
    return line;
  };
  std::string line = joined();
  while (line.size() > kConsoleWidth && parts.size() > kept) {
    parts.pop_back();
    line = joined();
  }
  return line;
}

std::string wrap(const std::string& text, std::size_t width, const std::string& indent) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    line.erase(line.find_last_not_of(' ') + 1);  // so that a cut always leaves a word after it
    while (line.size() > width) {
      std::size_t cut = line.rfind(' ', width);
      if (cut == std::string::npos || cut <= indent.size()) cut = line.find(' ', width);  // one long word stays whole
      if (cut == std::string::npos) break;
      out += line.substr(0, cut) + "\n";
      std::string rest = line.substr(line.find_first_not_of(' ', cut));
      line = indent;
      line += rest;
    }
    out += line + "\n";
  }
  if (!text.empty() && text.back() != '\n') out.pop_back();
  return out;
}

}  // namespace lrtune::cli
