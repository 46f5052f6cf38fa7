// Categorical features to numbers: a two-level column becomes one 0/1 column, more
// levels one 0/1 column per level (one-hot, levels sorted). Levels are fixed at fit
// time on the train part; a level met later is encoded as all zeros (scikit-learn's
// handle_unknown="ignore") and reported, or refused. Missing values must be dropped or
// imputed before.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"
#include "lrtune/data/step_log.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

enum class UnknownLevel {
  error,     // a level not seen at fit time is a DataError naming row, column and level
  all_zero,  // ... encodes as all zeros (for a two-level column: as the 0 level, the one not positive)
};

struct EncoderOptions {
  // All zeros by default, so that a rare level which lands only in the test split (or only in
  // new data) does not stop the run: the caller reports what transform() collects.
  UnknownLevel unknown = UnknownLevel::all_zero;
  // Two-level columns: which level is 1 (default: the larger in sorted order, as
  // get_dummies(drop_first=True) keeps it: "white" of {"red", "white"}).
  std::map<std::string, std::string> positive_level;
  // Two-level columns: the output name (default "<column>_<level>", e.g. "type_white").
  std::map<std::string, std::string> binary_name;
};

struct CategoricalEncoding {
  std::string column;
  std::vector<std::string> levels;        // sorted, as found in the train part
  bool binary = false;                    // two levels: one output column
  std::string positive_level;             // binary: the level encoded as 1
  std::vector<std::string> output_names;  // binary: 1 name; one-hot: one per level
};

// The levels of one column that transform() met but fit() did not (UnknownLevel::all_zero).
struct UnseenLevels {
  std::string column;
  Index rows = 0;                   // rows holding one of them
  std::vector<std::string> levels;  // the first few distinct ones, in the order met
  bool more_levels = false;         // there were more distinct ones than `levels` holds
};

// Adds `more` into `into`, column by column (counts summed, levels merged).
void merge_unseen_levels(std::vector<UnseenLevels>& into, const std::vector<UnseenLevels>& more);
// One line for a warning: `column "type" in 1 row ("rose"); column "c" in 12 rows ("a", "b", "c", ...)`.
std::string describe_unseen_levels(const std::vector<UnseenLevels>& unseen);

class CategoricalEncoder {
 public:
  CategoricalEncoder() = default;
  // Fits one encoding per named column (each must be categorical, without missing values).
  static CategoricalEncoder fit(const Table& train, const std::vector<std::string>& columns,
                                const EncoderOptions& options = {}, StepLog* log = nullptr);
  // (rows, output_count()) block of 0/1 values: the encodings in fit order, side by side.
  // With all_zero, the levels not seen at fit time are added to `unseen` (when given), one
  // entry per column that has any.
  MatrixD transform(const Table& table, std::vector<UnseenLevels>* unseen = nullptr) const;
  Index output_count() const;
  std::vector<std::string> output_names() const;
  const std::vector<CategoricalEncoding>& encodings() const { return encodings_; }
  UnknownLevel unknown() const { return unknown_; }

  nlohmann::json to_json() const;
  // Validates each encoding (levels sorted and distinct; binary: 2 levels, 1 output, the positive
  // level among them; one-hot: one output per level; each column once); a DataError names the
  // field (encoder.columns[1].outputs). Whether the columns are categorical source columns is the
  // fitted preprocessing's check.
  static CategoricalEncoder from_json(const nlohmann::json& json);

 private:
  std::vector<CategoricalEncoding> encodings_;
  UnknownLevel unknown_ = UnknownLevel::error;
};

}  // namespace lrtune
