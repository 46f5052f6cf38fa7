// The data summary the CLI and the report print: rows, columns, types, missing counts
// and, once a target is known, its balance overall and per split part. A value with
// text and JSON forms; nothing here prints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/data/table.hpp"
#include "lrtune/data/target.hpp"

namespace lrtune {

struct ColumnSummary {
  std::string name;
  ColumnType type = ColumnType::numeric;
  Index missing = 0;
  Index levels = 0;      // categorical: distinct non-missing values
  double min = 0.0;      // numeric, over non-missing values (NaN when all missing)
  double max = 0.0;
  double mean = 0.0;
};

struct TargetSummary {
  std::string column;
  std::string rule;                  // TargetRule::to_string()
  TargetKind kind = TargetKind::binary;
  std::vector<std::string> classes;  // empty for regression
  std::vector<Index> all;            // class counts over the prepared rows
  std::vector<Index> train;
  std::vector<Index> validation;
  std::vector<Index> test;
};

struct DataSummary {
  std::string source;
  Index rows = 0;
  Index cols = 0;
  Index rows_with_missing = 0;
  Index missing_cells = 0;
  std::vector<ColumnSummary> columns;
  std::optional<TargetSummary> target;  // set by prepare()

  std::string to_text() const;
  nlohmann::json to_json() const;
};

DataSummary summarize(const Table& table);

// Class counts of y (binary or multiclass values) over `classes` classes.
std::vector<Index> class_counts(const VectorD& y, std::size_t classes);

}  // namespace lrtune
