// Missing values: dropping the rows that have one (pandas' dropna, on the whole table,
// before any split) or imputing them (scikit-learn's SimpleImputer, fitted on train only).
// Which rows and columns these steps see is the caller's choice (preprocessing.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/data/step_log.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

// Rows with a missing value in any of `columns` (every column when empty) are dropped;
// row labels keep their file numbers. Logs rows before/after and missing cells per column.
// A table passed as an rvalue is filtered in place, without a copy.
Table drop_missing_rows(const Table& table, const std::vector<std::string>& columns = {}, StepLog* log = nullptr);
Table drop_missing_rows(Table&& table, const std::vector<std::string>& columns = {}, StepLog* log = nullptr);

// The drop step's record from its counts (rows before and kept, missing cells per column in the
// columns' order, zero counts left out): shared with the sharded preparation, which sums the ranks'.
StepRecord drop_missing_record(Index rows_before, Index rows_kept,
                               const std::vector<std::pair<std::string, Index>>& missing_per_column);

// A row that cannot be turned into model inputs, and why: a missing value, or in a numeric
// column a non-finite one, in one of the columns asked about.
struct UnusableRow {
  Index position = 0;  // 0-based among the table's rows
  std::string reason;  // e.g. `missing value in column "pH"`, `missing values in columns "a", "b"`
};

// The rows of `table` with a missing (or, numeric, an infinite) value in any of `columns`, in
// row order. The table is not changed: the caller decides to drop them, or to keep them aside.
std::vector<UnusableRow> unusable_rows(const Table& table, const std::vector<std::string>& columns);

enum class ImputeStrategy { mean, median, most_frequent, constant };
std::string_view impute_strategy_name(ImputeStrategy strategy);
ImputeStrategy impute_strategy_from_name(std::string_view text);  // "mean", "median", "most_frequent", "constant"

struct ImputerOptions {
  ImputeStrategy numeric = ImputeStrategy::mean;
  ImputeStrategy categorical = ImputeStrategy::most_frequent;  // mean/median are errors here
  std::map<std::string, ImputeStrategy> per_column;            // overrides by column name
  double fill_number = 0.0;                                    // constant, numeric columns
  std::string fill_text = "missing_value";                     // constant, categorical (scikit-learn's default)
};

// One column's fitted fill value.
struct ImputeValue {
  std::string column;
  ColumnType type = ColumnType::numeric;
  ImputeStrategy strategy = ImputeStrategy::mean;
  double number = 0.0;  // numeric
  std::string text;     // categorical
};

// As SimpleImputer: mean; median (mean of the two middle values for an even count);
// most frequent (ties go to the smallest value); constant. A column with no value in
// the train part is an error (scikit-learn drops it with a warning).
class Imputer {
 public:
  Imputer() = default;
  static Imputer fit(const Table& train, const ImputerOptions& options = {}, StepLog* log = nullptr);
  // Fills every fitted column of `table`; a fitted column it lacks is an error.
  Table transform(const Table& table, StepLog* log = nullptr) const;
  const std::vector<ImputeValue>& values() const { return values_; }

  nlohmann::json to_json() const;
  static Imputer from_json(const nlohmann::json& json);

 private:
  std::vector<ImputeValue> values_;
};

}  // namespace lrtune
