// CSV and JSON files of histories, range-test curves and repeated range tests. Numbers are written
// in their shortest exact form so a CSV reads back to the same doubles.
#include "lrtune/io/result_files.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/json_file.hpp"

namespace lrtune {

namespace {
// Appends ",field" (two appends: GCC 12 warns falsely about `out += "," + s`).
void add(std::string& out, std::string_view field) {
  out += ',';
  out += field;
}
}  // namespace

std::string format_csv_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);  // shortest representation that round-trips
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string history_to_csv(const History& history) {
  const auto names = history.names();
  std::vector<std::vector<double>> columns;
  columns.reserve(names.size());
  for (const auto& name : names) columns.push_back(history.values(name));

  std::string out = "epoch";
  for (const auto& name : names) add(out, csv_field(name));
  out += '\n';
  for (std::size_t row = 0; row < history.size(); ++row) {
    out += std::to_string(history.epochs()[row]);
    for (const auto& column : columns) add(out, format_csv_number(column[row]));
    out += '\n';
  }
  return out;
}

void write_history_csv(const std::filesystem::path& path, const History& history) {
  write_text_atomically(path, history_to_csv(history));
}

void write_history_json(const std::filesystem::path& path, const History& history) {
  write_json(path, history.records_json());
}

void write_history_summary_json(const std::filesystem::path& path, const History& history) {
  write_json(path, history.summary_json());
}

void write_history_files(const std::filesystem::path& folder, const std::string& stem, const History& history) {
  write_history_csv(folder / (stem + ".csv"), history);
  write_history_json(folder / (stem + ".json"), history);
  write_history_summary_json(folder / (stem + "_summary.json"), history);
}

std::string curve_to_csv(const RangeTestCurve& curve) {
  const std::size_t n = curve.size();
  const auto check = [&](const std::vector<double>& column, std::string_view name) {
    if (column.size() != n) {
      throw UsageError(fmt::format("range-test curve: column {} has {} values, expected {} (one per point)", name,
                                   column.size(), n));
    }
  };
  check(curve.losses, "loss");
  check(curve.smoothed_losses, "smoothed_loss");
  const bool has_validation = !curve.validation_losses.empty();
  if (has_validation) check(curve.validation_losses, "val_loss");
  for (const auto& [name, values] : curve.metrics) check(values, name);

  std::string out = "index,lr,loss,smoothed_loss";
  if (has_validation) out += ",val_loss";
  for (const auto& [name, values] : curve.metrics) add(out, csv_field(name));
  out += '\n';
  for (std::size_t i = 0; i < n; ++i) {
    out += std::to_string(i);
    add(out, format_csv_number(curve.learning_rates[i]));
    add(out, format_csv_number(curve.losses[i]));
    add(out, format_csv_number(curve.smoothed_losses[i]));
    if (has_validation) add(out, format_csv_number(curve.validation_losses[i]));
    for (const auto& [name, values] : curve.metrics) add(out, format_csv_number(values[i]));
    out += '\n';
  }
  return out;
}

void write_curve_csv(const std::filesystem::path& path, const RangeTestCurve& curve) {
  write_text_atomically(path, curve_to_csv(curve));
}

void write_curve_json(const std::filesystem::path& path, const RangeTestCurve& curve) {
  write_json(path, nlohmann::json(curve));
}

void write_repeated_range_test_json(const std::filesystem::path& path, const RepeatedRangeTest& repeated) {
  write_json(path, nlohmann::json(repeated));
}

std::string rule_spreads_to_csv(const RepeatedRangeTest& repeated) {
  std::string out = "rule,found,runs,median,q1,q3,min,max,iqr_decades,geometric_std,default\n";
  for (const auto& s : repeated.spreads) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(s.name), s.found, s.runs,
                       format_csv_number(s.median), format_csv_number(s.q1), format_csv_number(s.q3),
                       format_csv_number(s.min), format_csv_number(s.max), format_csv_number(s.iqr_decades),
                       format_csv_number(s.geometric_std), s.name == repeated.default_rule ? 1 : 0);
  }
  return out;
}

std::string mean_curve_to_csv(const MeanCurve& curve) {
  const std::size_t n = curve.learning_rates.size();
  if (curve.mean.size() != n || curve.std.size() != n || curve.count.size() != n) {
    throw UsageError("mean curve: learning_rates, mean, std and count must have one length");
  }
  std::string out = "index,lr,mean,std,count\n";
  for (std::size_t i = 0; i < n; ++i) {
    out += fmt::format("{},{},{},{},{}\n", i, format_csv_number(curve.learning_rates[i]),
                       format_csv_number(curve.mean[i]), format_csv_number(curve.std[i]), curve.count[i]);
  }
  return out;
}

}  // namespace lrtune
