// Per-epoch training records and the reason training ended.
#include "lrtune/train/history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"

namespace lrtune {

namespace {
constexpr NameTable<StopReason, 4> kStopReasons{{{"completed", StopReason::completed},
                                                 {"early_stopping", StopReason::early_stopping},
                                                 {"non_finite_loss", StopReason::non_finite_loss},
                                                 {"cancelled", StopReason::cancelled}}};
}  // namespace

std::string_view stop_reason_name(StopReason reason) { return name_of_value(kStopReasons, reason, "stop reason"); }

StopReason stop_reason_from_name(std::string_view name) { return value_from_name(kStopReasons, name, "stop reason"); }

void History::append(int epoch, const Logs& logs) {
  epochs_.push_back(epoch);
  rows_.push_back(logs);
}

std::vector<std::string> History::names() const {
  std::vector<std::string> names;
  for (const Logs& row : rows_) {
    for (const auto& [name, value] : row) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

bool History::contains(std::string_view name) const {
  return std::any_of(rows_.begin(), rows_.end(), [&](const Logs& row) { return row.contains(name); });
}

std::vector<double> History::values(std::string_view name) const {
  if (!contains(name)) {
    std::string present;
    for (const auto& n : names()) present += (present.empty() ? "" : ", ") + n;
    throw UsageError("history has no '" + std::string(name) + "' (present: " + present + ")");
  }
  std::vector<double> values;
  values.reserve(rows_.size());
  for (const Logs& row : rows_) values.push_back(row.find(name).value_or(std::numeric_limits<double>::quiet_NaN()));
  return values;
}

nlohmann::json History::records_json() const {
  const auto names = this->names();
  nlohmann::json records = nlohmann::json::array();
  for (std::size_t row = 0; row < size(); ++row) {
    nlohmann::json record = {{"epoch", epochs_[row]}};
    for (const auto& name : names) {
      const std::optional<double> value = rows_[row].find(name);
      record[name] = value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json();
    }
    records.push_back(std::move(record));
  }
  return records;
}

nlohmann::json History::summary_json() const {
  return {{"epochs_run", size()},
          {"stop_reason", stop_reason_name(stop_reason)},
          {"stop_message", stop_message},
          {"best_epoch", best_epoch},
          {"train_seconds", train_seconds}};
}

}  // namespace lrtune
