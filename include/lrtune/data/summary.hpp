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
  Index levels = 0;  // categorical: distinct non-missing values
  double min = 0.0;  // numeric, over non-missing values (NaN when all missing)
  double max = 0.0;
  double mean = 0.0;
  // What prepare() did with the column: "feature", "target", "not used" (drop_columns or not among
  // feature_columns) or "identifier" (left out as identifier-like); for a used column with missing
  // values, its rule ("drop rows", "mean", "median", "most_frequent", "constant") and what it did.
  std::string use = "feature";
  std::string missing_rule;
  Index rows_dropped = 0;  // rows dropped for a missing value here (a row missing two such values counts in both)
  Index imputed = 0;       // cells filled, all parts together
};

struct TargetSummary {
  std::string column;
  std::string rule;  // TargetRule::to_string()
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
  // Over the columns prepare() uses (features and target): what a column left out cannot cost.
  Index rows_with_missing = 0;
  Index missing_cells = 0;
  Index unused_columns = 0;  // columns left out (not used, identifier-like)
  Index rows_dropped = 0;    // rows the missing-value step dropped
  Index cells_imputed = 0;   // cells filled, all parts together
  std::vector<ColumnSummary> columns;
  std::optional<TargetSummary> target;  // set by prepare()

  // headline_text, then a table of the columns (type, missing, use and what was done, values)
  // and the target's balance per split.
  std::string to_text() const;
  // "wine.csv: 6497 rows, 13 columns, 34 rows with a missing value (38 cells)" and, when the
  // missing-value step did anything, "missing values: 34 rows dropped, 0 cells filled".
  std::string headline_text() const;
  nlohmann::json to_json() const;
};

// Every column summarised; rows_with_missing and missing_cells over `used` (every column when empty).
DataSummary summarize(const Table& table, const std::vector<std::string>& used = {});

// Class counts of y (binary or multiclass values) over `classes` classes.
std::vector<Index> class_counts(const VectorD& y, std::size_t classes);

}  // namespace lrtune
