// Tables and the text chart.
#include "text_output.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "phase_lines.hpp"

namespace lrtune::cli {

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], row[c].size());
    }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const bool last = c + 1 == rows[r].size();
      line += last ? rows[r][c] : fmt::format("{:<{}}  ", rows[r][c], widths[c]);
    }
    out += line + "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t c = 0; c < widths.size(); ++c) total += widths[c] + (c + 1 < widths.size() ? 2 : 0);
      out += std::string(total, '-') + "\n";
    }
  }
  return out;
}

std::string loss_chart(const RangeTestCurve& curve, std::int64_t marked, int width, int height) {
  const auto& lr = curve.learning_rates;
  const auto& loss = curve.smoothed_losses;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : loss)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (lr.size() < 2 || !std::isfinite(lo)) return "(no curve to draw)\n";
  // A diverged tail would flatten the interesting part: clip the y range at the first loss
  // plus twice its distance to the lowest, and draw clipped points as '^' on the top row.
  double first = lo;
  for (double v : loss)
    if (std::isfinite(v)) {
      first = v;
      break;
    }
  hi = std::min(hi, first + 2.0 * (first - lo) + 1e-9);
  if (hi - lo < 1e-12) hi = lo + 1.0;
  const double x0 = std::log10(lr.front()), x1 = std::log10(lr.back());
  auto column = [&](double rate) {
    return std::clamp(static_cast<int>(std::lround((std::log10(rate) - x0) / (x1 - x0) * (width - 1))), 0, width - 1);
  };
  auto row = [&](double v) {
    return std::clamp(static_cast<int>(std::lround((hi - v) / (hi - lo) * (height - 1))), 0, height - 1);
  };
  std::vector<std::string> grid(static_cast<std::size_t>(height), std::string(static_cast<std::size_t>(width), ' '));
  if (marked >= 0 && static_cast<std::size_t>(marked) < lr.size())
    for (auto& line : grid) line[static_cast<std::size_t>(column(lr[static_cast<std::size_t>(marked)]))] = '|';
  for (std::size_t i = 0; i < lr.size(); ++i)
    if (std::isfinite(loss[i]))
      grid[static_cast<std::size_t>(row(loss[i]))][static_cast<std::size_t>(column(lr[i]))] = loss[i] > hi ? '^' : '*';
  if (marked >= 0 && static_cast<std::size_t>(marked) < lr.size()) {
    const auto m = static_cast<std::size_t>(marked);
    if (std::isfinite(loss[m])) grid[static_cast<std::size_t>(row(loss[m]))][static_cast<std::size_t>(column(lr[m]))] = 'X';
  }
  std::string out = "loss\n";
  for (int r = 0; r < height; ++r) {
    const double value = hi - (hi - lo) * r / (height - 1);
    const bool label = r == 0 || r == height - 1 || r == height / 2;
    out += fmt::format("{:>8} |{}\n", label ? fmt::format("{:.3g}", value) : "", grid[static_cast<std::size_t>(r)]);
  }
  out += fmt::format("{:>8} +{}\n", "", std::string(static_cast<std::size_t>(width), '-'));
  const std::string left = fmt::format("{:.1e}", lr.front()), right = fmt::format("{:.1e}", lr.back());
  out += fmt::format(
      "{:>8}  {}{}{}  lr (log scale)\n", "", left,
      std::string(static_cast<std::size_t>(std::max(1, width - static_cast<int>(left.size() + right.size()))), ' '),
      right);
  out += fmt::format("{:>8}  {}^ = above the chart\n", "", marked >= 0 ? "X = chosen suggestion, " : "");
  return out;
}

std::string suggestion_table(const RangeTestCurve& curve, const std::string& chosen_rule) {
  std::vector<std::vector<std::string>> rows = {{"method", "learning rate", "explanation"}};
  for (const Suggestion& s : curve.suggestions.suggestions) {
    rows.push_back({s.name + (s.name == chosen_rule ? " *" : ""), s.found ? fmt::format("{:.3g}", s.learning_rate) : "-",
                    s.explanation});
  }
  std::string out = table(rows) + "* = the suggestion used\n";
  // The rules read only the points before a collapse; say where and why the curve was cut.
  if (curve.collapse_index >= 0 && static_cast<std::size_t>(curve.collapse_index) < curve.learning_rates.size())
    out +=
        wrap(fmt::format("The rules read only the points before point {} (lr {:.3g}), where the curve collapsed: {}\n",
                         curve.collapse_index, curve.learning_rates[static_cast<std::size_t>(curve.collapse_index)],
                         curve.collapse_reason));
  return out;
}

}  // namespace lrtune::cli
