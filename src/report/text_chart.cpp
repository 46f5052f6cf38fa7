// The terminal's range-test chart (see text_chart.hpp): a character grid, the marked suggestion
// placed by suggestion_marks like the gnuplot charts place it.
#include "lrtune/report/text_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "lrtune/report/suggestion_marks.hpp"

namespace lrtune {
namespace {

std::optional<SuggestionMark> marked_suggestion(const RangeTestCurve& curve, std::string_view rule) {
  if (rule.empty()) return std::nullopt;
  for (const SuggestionMark& m : suggestion_marks(curve, curve.smoothed_losses)) {
    if (m.name == rule) return m;
  }
  return std::nullopt;
}

std::string legend(const std::optional<SuggestionMark>& mark) {
  if (!mark) return "^ = above the chart";
  const std::string what = fmt::format("{} {:.3g}", mark->name, mark->learning_rate);
  if (mark->place == MarkPlace::on_curve)
    return fmt::format("X = {} on the curve at its rate, ^ = above the chart", what);
  const bool outside = mark->place == MarkPlace::below_sweep || mark->place == MarkPlace::above_sweep;
  return fmt::format("| = {}, {}{}, ^ = above the chart", what, mark_place_text(mark->place),
                     outside ? " (no loss measured there)" : "");
}

}  // namespace

std::string text_loss_chart(const RangeTestCurve& curve, std::string_view marked_rule, int width, int height) {
  const auto& lr = curve.learning_rates;
  const auto& loss = curve.smoothed_losses;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const double v : loss) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (lr.size() < 2 || loss.size() != lr.size() || !std::isfinite(lo) || !(lr.front() > 0) || !(lr.back() > 0) ||
      width < 8 || height < 3) {
    return "(no curve to draw)\n";
  }
  // A diverged tail would flatten the interesting part: clip the y range at the first loss
  // plus twice its distance to the lowest, and draw clipped points as '^' on the top row.
  double first = lo;
  for (const double v : loss) {
    if (std::isfinite(v)) {
      first = v;
      break;
    }
  }
  hi = std::min(hi, first + 2.0 * (first - lo) + 1e-9);
  if (hi - lo < 1e-12) hi = lo + 1.0;
  const std::optional<SuggestionMark> mark = marked_suggestion(curve, marked_rule);
  // The axis holds the sweep and the marked rate, so a rate off the sweep stands at its edge.
  double x0 = std::log10(lr.front()), x1 = std::log10(lr.back());
  if (mark) x0 = std::min(x0, std::log10(mark->learning_rate)), x1 = std::max(x1, std::log10(mark->learning_rate));
  if (x1 - x0 < 1e-12) x1 = x0 + 1.0;
  const auto column = [&](double rate) {
    return static_cast<std::size_t>(
        std::clamp(static_cast<int>(std::lround((std::log10(rate) - x0) / (x1 - x0) * (width - 1))), 0, width - 1));
  };
  const auto row = [&](double v) {
    return static_cast<std::size_t>(
        std::clamp(static_cast<int>(std::lround((hi - v) / (hi - lo) * (height - 1))), 0, height - 1));
  };
  std::vector<std::string> grid(static_cast<std::size_t>(height), std::string(static_cast<std::size_t>(width), ' '));
  if (mark) {
    for (auto& line : grid) line[column(mark->learning_rate)] = '|';
  }
  for (std::size_t i = 0; i < lr.size(); ++i) {
    if (std::isfinite(loss[i]) && lr[i] > 0) grid[row(loss[i])][column(lr[i])] = loss[i] > hi ? '^' : '*';
  }
  // X where the '|' meets the curve: the smoothed loss interpolated at the suggested rate.
  if (mark && mark->place == MarkPlace::on_curve) grid[row(mark->loss)][column(mark->learning_rate)] = 'X';

  std::string out = "loss\n";
  for (int r = 0; r < height; ++r) {
    const double value = hi - (hi - lo) * r / (height - 1);
    const bool label = r == 0 || r == height - 1 || r == height / 2;
    out += fmt::format("{:>8} |{}\n", label ? fmt::format("{:.3g}", value) : "", grid[static_cast<std::size_t>(r)]);
  }
  out += fmt::format("{:>8} +{}\n", "", std::string(static_cast<std::size_t>(width), '-'));
  const std::string left = fmt::format("{:.1e}", std::pow(10.0, x0)), right = fmt::format("{:.1e}", std::pow(10.0, x1));
  out += fmt::format(
      "{:>8}  {}{}{}  lr (log scale)\n", "", left,
      std::string(static_cast<std::size_t>(std::max(1, width - static_cast<int>(left.size() + right.size()))), ' '),
      right);
  out += fmt::format("{:>8}  {}\n", "", legend(mark));
  return out;
}

}  // namespace lrtune
