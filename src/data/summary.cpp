// The data summary and its text and JSON forms.
#include "lrtune/data/summary.hpp"

#include <fmt/format.h>
#include <cmath>
#include <limits>
#include <set>

namespace lrtune {

DataSummary summarize(const Table& table, const std::vector<std::string>& used) {
  DataSummary s;
  s.source = table.source;
  s.rows = table.rows();
  s.cols = table.cols();
  // Looked up once per column, not per cell: a table of millions of rows stays linear.
  const std::set<std::string> used_set(used.begin(), used.end());
  std::vector<const Column*> counted;
  for (const auto& c : table.columns)
    if (used.empty() || used_set.contains(c.name)) counted.push_back(&c);
  for (Index r = 0; r < table.rows(); ++r) {
    for (const Column* c : counted) {
      if (c->is_missing(r)) {
        ++s.rows_with_missing;
        break;
      }
    }
  }
  for (const Column* c : counted) s.missing_cells += c->missing_count();
  for (const auto& c : table.columns) {
    ColumnSummary cs;
    cs.name = c.name;
    cs.type = c.type;
    cs.missing = c.missing_count();
    if (c.type == ColumnType::categorical) {
      cs.levels = static_cast<Index>(c.levels().size());
    } else {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0;
      Index n = 0;
      for (double v : c.numbers) {
        if (std::isnan(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
        ++n;
      }
      const double nan = std::numeric_limits<double>::quiet_NaN();
      cs.min = n ? lo : nan;
      cs.max = n ? hi : nan;
      cs.mean = n ? sum / static_cast<double>(n) : nan;
    }
    s.columns.push_back(cs);
  }
  return s;
}

std::vector<Index> class_counts(const VectorD& y, std::size_t classes) {
  std::vector<Index> counts(classes, 0);
  for (Index i = 0; i < y.size(); ++i) {
    const auto k = static_cast<std::size_t>(y[i]);
    if (k < classes) ++counts[k];
  }
  return counts;
}

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string counts_text(const std::vector<std::string>& classes, const std::vector<Index>& counts) {
  Index total = 0;
  for (Index c : counts) total += c;
  std::string out;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    out += fmt::format("{}{}: {} ({:.1f} %)", k ? ", " : "", classes[k], counts[k],
                       total ? 100.0 * static_cast<double>(counts[k]) / static_cast<double>(total) : 0.0);
  }
  return out;
}

// A column's use and what its missing values became: "feature", "feature, dropped 12 rows",
// "feature, median: 177 filled", "not used", "identifier".
std::string use_text(const ColumnSummary& c) {
  if (c.missing_rule.empty()) return c.use;
  if (c.missing_rule == "drop rows")
    return fmt::format("{}, dropped {} row{}", c.use, c.rows_dropped, c.rows_dropped == 1 ? "" : "s");
  return fmt::format("{}, {}: {} filled", c.use, c.missing_rule, c.imputed);
}

}  // namespace

std::string DataSummary::headline_text() const {
  std::string out = fmt::format(
      "{}: {} rows, {} columns, {} rows with a missing value ({} cells){}\n", source, rows, cols, rows_with_missing,
      missing_cells, unused_columns > 0 ? fmt::format(" in the {} columns used", cols - unused_columns) : "");
  if (rows_dropped > 0 || cells_imputed > 0)
    out += fmt::format("missing values: {} rows dropped, {} cells filled\n", rows_dropped, cells_imputed);
  return out;
}

std::string DataSummary::to_text() const {
  std::string out = headline_text();
  std::size_t width = 6, use_width = 3;
  for (const auto& c : columns) {
    width = std::max(width, c.name.size());
    use_width = std::max(use_width, use_text(c).size());
  }
  out += fmt::format("  {:<{}}  {:<11}  {:>7}  {:<{}}  {}\n", "column", width, "type", "missing", "use", use_width,
                     "values");
  for (const auto& c : columns) {
    const std::string values = c.type == ColumnType::categorical
                                   ? fmt::format("{} levels", c.levels)
                                   : fmt::format("min {:.6g}, mean {:.6g}, max {:.6g}", c.min, c.mean, c.max);
    out += fmt::format("  {:<{}}  {:<11}  {:>7}  {:<{}}  {}\n", c.name, width, column_type_name(c.type), c.missing,
                       use_text(c), use_width, values);
  }
  if (target) {
    out += fmt::format("target \"{}\" ({}, rule {})\n", target->column, target_kind_name(target->kind), target->rule);
    if (!target->classes.empty()) {
      out += fmt::format("  all:   {}\n", counts_text(target->classes, target->all));
      out += fmt::format("  train: {}\n", counts_text(target->classes, target->train));
      if (!target->validation.empty()) {
        out += fmt::format("  valid: {}\n", counts_text(target->classes, target->validation));
      }
      out += fmt::format("  test:  {}\n", counts_text(target->classes, target->test));
    }
  }
  return out;
}

nlohmann::json DataSummary::to_json() const {
  nlohmann::json cols_json = nlohmann::json::array();
  for (const auto& c : columns) {
    nlohmann::json j = {{"name", c.name},      {"type", column_type_name(c.type)}, {"missing", c.missing},
                        {"use", c.use},        {"missing_rule", c.missing_rule},   {"rows_dropped", c.rows_dropped},
                        {"imputed", c.imputed}};
    if (c.type == ColumnType::categorical) {
      j["levels"] = c.levels;
    } else {
      j["min"] = number_or_null(c.min);
      j["max"] = number_or_null(c.max);
      j["mean"] = number_or_null(c.mean);
    }
    cols_json.push_back(j);
  }
  nlohmann::json out = {{"source", source},
                        {"rows", rows},
                        {"columns", cols},
                        {"rows_with_missing", rows_with_missing},
                        {"missing_cells", missing_cells},
                        {"unused_columns", unused_columns},
                        {"rows_dropped", rows_dropped},
                        {"cells_imputed", cells_imputed},
                        {"column_summaries", cols_json}};
  if (target) {
    out["target"] = {
        {"column", target->column},         {"rule", target->rule}, {"kind", target_kind_name(target->kind)},
        {"classes", target->classes},       {"all", target->all},   {"train", target->train},
        {"validation", target->validation}, {"test", target->test}};
  }
  return out;
}

}  // namespace lrtune
