// The data pipeline in one call: table -> chosen columns -> missing values -> target ->
// seeded split -> encoders and scaler fitted on train -> matrices, plus the fitted
// preprocessing (one JSON-serialisable value that turns a new raw table into model
// inputs) and a record of every step. Training on the matrices is the engine's business.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/encoder.hpp"
#include "lrtune/data/missing.hpp"
#include "lrtune/data/scaler.hpp"
#include "lrtune/data/step_log.hpp"
#include "lrtune/data/summary.hpp"
#include "lrtune/data/table.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/data/target_scaler.hpp"

namespace lrtune {

enum class MissingPolicy {
  drop_rows,  // pandas' dropna over the used columns, on the whole table, before the split
  impute,     // SimpleImputer fitted on the train part; rows without a target value are dropped
};

struct PrepareOptions {
  std::string target;                        // column name (required)
  TargetRule target_rule;                    // e.g. TargetRule::parse(">=6")
  std::vector<std::string> feature_columns;  // empty: every column but the target and drop_columns
  std::vector<std::string> drop_columns;
  // Categorical features that look like identifiers (identifier_columns.hpp: names, tickets, ids)
  // are left out with one warning before anything else happens to the rows, unless kept here.
  bool drop_identifiers = true;
  std::vector<std::string> keep_columns;
  // Missing values, column by column: a column in impute.per_column is filled with its strategy, a
  // column in missing_drop_columns has its incomplete rows dropped, and every other feature follows
  // `missing` (drop_rows, or impute with impute.numeric / impute.categorical). Rows without a target
  // value are always dropped. Rows are dropped on the whole table before the split; fills are fitted
  // on the train part.
  MissingPolicy missing = MissingPolicy::drop_rows;
  ImputerOptions impute;
  std::vector<std::string> missing_drop_columns;
  double test_size = 0.2;
  std::uint32_t split_seed = 42;  // the split's own seed, not the training seed
  bool stratify = false;          // stratified by the target (binary / multiclass)
  double validation_size = 0.0;   // > 0: a validation part drawn from the train part
  std::uint32_t validation_seed = 0;
  EncoderOptions encoder;
  ScalerKind scaler = ScalerKind::standard;
  // Regression: standardise y for training with the train split's mean and std (the fitted
  // preprocessing's target_scaler); false keeps it unscaled. Classes are never scaled.
  bool scale_target = true;
};

// A row of the raw table that apply() could not turn into model inputs, and why.
struct UnscoredRow {
  Index row_label = 0;  // file data-row number
  std::string reason;   // e.g. `missing value in column "pH"`
};

// What the fitted preprocessing makes of a new raw table. Every raw row is either a row of x
// or an unscored row; both lists are in file order.
struct AppliedData {
  MatrixD x;                      // (rows, features), scaled
  std::optional<VectorD> y;       // (rows,), when the table has the target column without missing values
  std::vector<Index> row_labels;  // file data-row numbers of the rows of x
  std::vector<UnscoredRow> unscored;
  StepLog steps;
  // What the caller should tell the user, one line each, without a trailing newline: levels
  // not seen in training, encoded as all zeros.
  std::vector<std::string> warnings;
};

// One line: the reasons of the unscored rows with their counts, most frequent first, at most
// three, e.g. `missing value in column "pH": 2 rows; missing value in column "alcohol": 1 row`.
std::string describe_unscored(const std::vector<UnscoredRow>& unscored);
inline constexpr int kPreprocessingFormatVersion = 1;  // the JSON form's "version"

// Everything fitted, in one value: apply it to a raw table with the same columns.
struct FittedPreprocessing {
  struct SourceColumn {
    std::string name;
    ColumnType type = ColumnType::numeric;
  };
  std::vector<SourceColumn> source_columns;   // the feature columns a raw table must have, file order
  std::vector<std::string> numeric_features;  // in file order; they come first in x
  std::string target;
  TargetRule target_rule;
  std::vector<std::string> target_classes;
  // Regression: model units = (y - mean) / std, fitted on the train split; unscaled otherwise.
  // JSON: target.scaler, absent when unscaled (files written before it existed load unscaled).
  TargetScaler target_scaler;
  // impute when some feature was filled: the imputer fills those columns (all of them or some); a
  // missing value in another feature leaves its row unscored in apply().
  MissingPolicy missing = MissingPolicy::drop_rows;
  std::optional<Imputer> imputer;  // with MissingPolicy::impute
  CategoricalEncoder encoder;      // encoded columns come last in x, in file order
  Scaler scaler;
  std::vector<std::string> feature_names;  // the columns of x

  // Read options that force each source column to its fitted type (a categorical code
  // column that looks numeric in a new file would otherwise be inferred numeric).
  CsvOptions csv_options(CsvOptions base = {}) const;
  // Missing source columns and type mismatches are one DataError naming them all; extra
  // columns are ignored and listed in the steps. Missing feature values are filled (impute);
  // a row that still has one (drop_rows: no imputer was fitted) or an infinite feature value
  // is left out of x and listed in `unscored` with the reason, never dropped silently.
  AppliedData apply(const Table& raw) const;

  nlohmann::json to_json() const;
  // Validates every field against every other before anything uses them: each source column
  // (1 to kMaxCsvColumns, named once) in exactly one role (numeric feature or encoded; the target
  // is neither), the encoder's and the scaler's own rules, feature_names = numeric_features then
  // the encoder's outputs, one scaler entry per feature, an imputer exactly with missing
  // "impute" filling source columns (each at most once) with a finite or same-typed value, the target's classes
  // as its kind makes them, a target scaler (finite mean, positive std) for regression only.
  // A DataError "preprocessing JSON: <field> ...; expected ..." names the
  // first violation (docs/model-file.md lists the rules).
  static FittedPreprocessing from_json(const nlohmann::json& json);
};

struct PreparedData {
  // (rows, features), scaled in double with the scaler's double statistics, then stored in float32,
  // the type training runs in: the values to_float(scaled double matrix) gives, bit for bit, held
  // once (a 5-million-row table of 20 features: 400 MB, not 800 MB of doubles besides).
  Matrix x_train, x_validation, x_test;
  // (rows,) in the target's units: 0/1, class numbers, or the values as the file has them. A
  // regression model trains on preprocessing.target_scaler.to_model_units(y_train) and its
  // predictions go back through to_target_units before anything compares them with y.
  VectorD y_train, y_validation, y_test;
  std::vector<Index> train_rows, validation_rows, test_rows;  // file data-row numbers, in split order
  std::vector<std::string> feature_names;
  FittedPreprocessing preprocessing;
  StepLog steps;
  DataSummary summary;  // of the raw table, with the target's balance per part
  // What the caller should tell the user, one line each, without a trailing newline: a
  // feature constant on the train rows (left unscaled), more features than train rows.
  std::vector<std::string> warnings;
};

// A table passed as an rvalue (std::move(raw), a temporary) gives its used columns away instead of
// being copied, and each step after frees what it no longer needs: a big table is held about once.
PreparedData prepare(const Table& raw, const PrepareOptions& options);
PreparedData prepare(Table&& raw, const PrepareOptions& options);
// read_csv, then prepare the table it gives away; the read is the first step in the log.
PreparedData prepare(const std::filesystem::path& csv, const PrepareOptions& options,
                     const CsvOptions& csv_options = {});

// Training runs in float32: double matrices converted (AppliedData::x, arrays from elsewhere).
Matrix to_float(const MatrixD& x);
Vector to_float(const VectorD& y);

}  // namespace lrtune
