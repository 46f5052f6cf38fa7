// dropna and SimpleImputer semantics over a Table.
#include "lrtune/data/missing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <cmath>
#include <limits>

#include "lrtune/core/name_table.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

// The positions of the rows without a missing value in `columns` (every column when empty),
// increasing; the drop step is logged.
std::vector<Index> complete_rows(const Table& table, const std::vector<std::string>& columns, StepLog* log) {
  std::vector<Index> considered;
  if (columns.empty()) {
    for (Index c = 0; c < table.cols(); ++c) considered.push_back(c);
  } else {
    const ColumnIndex index(table);
    for (const auto& name : columns) considered.push_back(index.index_of(name, "drop_missing"));
  }
  std::vector<Index> keep;
  keep.reserve(static_cast<std::size_t>(table.rows()));
  std::vector<Index> missing_cells(considered.size(), 0);
  for (Index r = 0; r < table.rows(); ++r) {
    bool any = false;
    for (std::size_t k = 0; k < considered.size(); ++k) {
      if (table.columns[static_cast<std::size_t>(considered[k])].is_missing(r)) {
        ++missing_cells[k];
        any = true;
      }
    }
    if (!any) keep.push_back(r);
  }
  if (log != nullptr) {
    std::vector<std::pair<std::string, Index>> per_column;
    for (std::size_t k = 0; k < considered.size(); ++k)
      per_column.emplace_back(table.columns[static_cast<std::size_t>(considered[k])].name, missing_cells[k]);
    log->push_back(drop_missing_record(table.rows(), static_cast<Index>(keep.size()), per_column));
  }
  return keep;
}

}  // namespace

StepRecord drop_missing_record(Index rows_before, Index rows_kept,
                               const std::vector<std::pair<std::string, Index>>& missing_per_column) {
  nlohmann::json per_column = nlohmann::json::object();
  Index cells = 0;
  for (const auto& [name, count] : missing_per_column) {
    if (count > 0) per_column[name] = count;
    cells += count;
  }
  const Index dropped = rows_before - rows_kept;
  return {"drop_missing",
          fmt::format("dropped {} of {} rows with a missing value ({} missing cells), {} rows kept", dropped,
                      rows_before, cells, rows_kept),
          {{"rows_before", rows_before},
           {"rows_dropped", dropped},
           {"rows_kept", rows_kept},
           {"missing_cells", cells},
           {"missing_per_column", per_column}}};
}

Table drop_missing_rows(const Table& table, const std::vector<std::string>& columns, StepLog* log) {
  return table.take(complete_rows(table, columns, log));
}

Table drop_missing_rows(Table&& table, const std::vector<std::string>& columns, StepLog* log) {
  const std::vector<Index> keep = complete_rows(table, columns, log);
  return std::move(table).take(keep);
}

namespace {

std::string columns_phrase(const char* what, const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const auto& n : names) quoted.push_back(fmt::format("\"{}\"", n));
  return names.size() == 1 ? fmt::format("{} value in column {}", what, quoted[0])
                           : fmt::format("{} values in columns {}", what, fmt::join(quoted, ", "));
}

}  // namespace

std::vector<UnusableRow> unusable_rows(const Table& table, const std::vector<std::string>& columns) {
  std::vector<const Column*> considered;
  considered.reserve(columns.size());
  for (const auto& name : columns) {
    considered.push_back(&table.columns[static_cast<std::size_t>(table.index_of(name, "unusable_rows"))]);
  }
  std::vector<UnusableRow> out;
  std::vector<std::string> missing, infinite;
  for (Index r = 0; r < table.rows(); ++r) {
    missing.clear();
    infinite.clear();
    for (const Column* c : considered) {
      if (c->is_missing(r))
        missing.push_back(c->name);
      else if (c->type == ColumnType::numeric && std::isinf(c->numbers[static_cast<std::size_t>(r)]))
        infinite.push_back(c->name);
    }
    if (missing.empty() && infinite.empty()) continue;
    std::string reason;
    if (!missing.empty()) reason = columns_phrase("missing", missing);
    if (!infinite.empty()) reason += (reason.empty() ? "" : "; ") + columns_phrase("infinite", infinite);
    out.push_back({r, std::move(reason)});
  }
  return out;
}

namespace {
constexpr NameTable<ImputeStrategy, 4> kImputeStrategies{{{"mean", ImputeStrategy::mean},
                                                          {"median", ImputeStrategy::median},
                                                          {"most_frequent", ImputeStrategy::most_frequent},
                                                          {"constant", ImputeStrategy::constant}}};
}  // namespace

std::string_view impute_strategy_name(ImputeStrategy strategy) {
  return name_of_value(kImputeStrategies, strategy, "impute strategy");
}

ImputeStrategy impute_strategy_from_name(std::string_view text) {
  if (const auto s = find_value(kImputeStrategies, text)) return *s;
  throw DataError(fmt::format("impute strategy \"{}\": expected mean, median, most_frequent or constant", text));
}

namespace {

ImputeValue fit_column(const Table& train, const Column& column, ImputeStrategy strategy,
                       const ImputerOptions& options) {
  ImputeValue v{column.name, column.type, strategy, 0.0, {}};
  if (strategy == ImputeStrategy::constant) {
    v.number = options.fill_number;
    v.text = options.fill_text;
    return v;
  }
  if (column.type == ColumnType::categorical) {
    if (strategy != ImputeStrategy::most_frequent) {
      throw DataError(
          fmt::format("{}: column \"{}\" is categorical; impute strategy {} needs a numeric column "
                      "(expected most_frequent or constant)",
                      train.source, column.name, impute_strategy_name(strategy)));
    }
    std::map<std::string, Index> counts;
    for (Index r = 0; r < column.size(); ++r) {
      if (!column.is_missing(r)) ++counts[column.strings[static_cast<std::size_t>(r)]];
    }
    if (counts.empty()) {
      throw DataError(
          fmt::format("{}: column \"{}\" has no value in the train part to impute from", train.source, column.name));
    }
    // std::map is ordered, so the first maximum is the smallest value among ties.
    auto best = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    v.text = best->first;
    return v;
  }
  std::vector<double> values;
  values.reserve(column.numbers.size());
  for (double x : column.numbers) {
    if (!std::isnan(x)) values.push_back(x);
  }
  if (values.empty()) {
    throw DataError(
        fmt::format("{}: column \"{}\" has no value in the train part to impute from", train.source, column.name));
  }
  switch (strategy) {
    case ImputeStrategy::mean: {
      double sum = 0.0;
      for (double x : values) sum += x;
      v.number = sum / static_cast<double>(values.size());
      break;
    }
    case ImputeStrategy::median: {
      std::sort(values.begin(), values.end());
      const std::size_t n = values.size();
      v.number = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
      break;
    }
    case ImputeStrategy::most_frequent: {
      std::sort(values.begin(), values.end());
      double best = values[0];
      std::size_t best_count = 0;
      for (std::size_t i = 0; i < values.size();) {
        std::size_t j = i;
        while (j < values.size() && values[j] == values[i]) ++j;
        if (j - i > best_count) {
          best_count = j - i;
          best = values[i];
        }
        i = j;
      }
      v.number = best;
      break;
    }
    case ImputeStrategy::constant: break;
  }
  return v;
}

}  // namespace

Imputer Imputer::fit(const Table& train, const ImputerOptions& options, StepLog* log) {
  const ColumnIndex index(train);
  for (const auto& [name, strategy] : options.per_column) (void)index.index_of(name, "impute per_column");
  Imputer imputer;
  nlohmann::json details = nlohmann::json::object();
  for (const auto& column : train.columns) {
    ImputeStrategy strategy = column.type == ColumnType::numeric ? options.numeric : options.categorical;
    if (auto it = options.per_column.find(column.name); it != options.per_column.end()) strategy = it->second;
    ImputeValue v = fit_column(train, column, strategy, options);
    details[column.name] = {
        {"strategy", impute_strategy_name(strategy)},
        {"value", column.type == ColumnType::numeric ? nlohmann::json(v.number) : nlohmann::json(v.text)},
        {"missing_in_train", column.missing_count()}};
    imputer.values_.push_back(std::move(v));
  }
  if (log != nullptr) {
    log->push_back(
        {"impute_fit",
         fmt::format("fitted fill values of {} columns on {} train rows", imputer.values_.size(), train.rows()),
         details});
  }
  return imputer;
}

Table Imputer::transform(const Table& table, StepLog* log) const {
  Table out = table;
  Index filled = 0;
  nlohmann::json per_column = nlohmann::json::object();
  const ColumnIndex index(out);
  for (const auto& v : values_) {
    const Index filled_before = filled;
    Column& column = out.columns[static_cast<std::size_t>(index.index_of(v.column, "imputer"))];
    if (column.type != v.type) {
      throw DataError(fmt::format("{}: column \"{}\" is {}; the imputer was fitted on a {} column", table.source,
                                  v.column, column_type_name(column.type), column_type_name(v.type)));
    }
    if (column.type == ColumnType::numeric) {
      for (double& x : column.numbers) {
        if (std::isnan(x)) {
          x = v.number;
          ++filled;
        }
      }
    } else {
      for (std::size_t r = 0; r < column.strings.size(); ++r) {
        if (column.missing[r]) {
          column.strings[r] = v.text;
          column.missing[r] = 0;
          ++filled;
        }
      }
    }
    per_column[v.column] = filled - filled_before;
  }
  if (log != nullptr) {
    log->push_back({"impute",
                    fmt::format("filled {} missing cells in {} rows", filled, table.rows()),
                    {{"cells_filled", filled}, {"rows", table.rows()}, {"cells_filled_per_column", per_column}}});
  }
  return out;
}

nlohmann::json Imputer::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : values_) {
    nlohmann::json j = {
        {"column", v.column}, {"type", column_type_name(v.type)}, {"strategy", impute_strategy_name(v.strategy)}};
    if (v.type == ColumnType::numeric) {
      j["value"] = v.number;
    } else {
      j["value"] = v.text;
    }
    out.push_back(j);
  }
  return out;
}

Imputer Imputer::from_json(const nlohmann::json& json) {
  Imputer imputer;
  for (const auto& j : json) {
    ImputeValue v;
    v.column = j.at("column").get<std::string>();
    v.type = column_type_from_name(j.at("type").get<std::string>());
    v.strategy = impute_strategy_from_name(j.at("strategy").get<std::string>());
    if (v.type == ColumnType::numeric) {
      v.number = j.at("value").get<double>();
    } else {
      v.text = j.at("value").get<std::string>();
    }
    imputer.values_.push_back(std::move(v));
  }
  return imputer;
}

}  // namespace lrtune
