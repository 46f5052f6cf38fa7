// Tables (the text chart is report/text_chart.hpp's).
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

std::string suggestion_table(const RangeTestCurve& curve, const std::string& chosen_rule) {
  std::vector<std::vector<std::string>> rows = {{"method", "learning rate", "explanation"}};
  for (const Suggestion& s : curve.suggestions.suggestions) {
    rows.push_back({s.name + (s.name == chosen_rule ? " *" : ""),
                    s.found ? fmt::format("{:.3g}", s.learning_rate) : "-", s.explanation});
  }
  return table(rows) + "* = the suggestion used\n" + collapse_note(curve);
}

std::string collapse_note(const RangeTestCurve& curve) {
  if (curve.collapse_index < 0 || static_cast<std::size_t>(curve.collapse_index) >= curve.learning_rates.size())
    return "";
  return wrap(fmt::format("The rules read only the points before point {} (lr {:.3g}), where the curve collapsed: {}\n",
                          curve.collapse_index, curve.learning_rates[static_cast<std::size_t>(curve.collapse_index)],
                          curve.collapse_reason));
}

}  // namespace lrtune::cli
