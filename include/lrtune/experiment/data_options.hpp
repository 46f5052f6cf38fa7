// The experiment's data: which CSV (a file or text in memory), the target and its binary rule, the
// missing-value policy, the split; and the prepared data in float32 as the engine trains on it.
// Reading and preparing are data's (prepare); this file only gathers the choices a workflow makes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace lrtune {

struct DataOptions {
  std::string path;                     // the CSV file; with csv_text, the name messages give the text
  std::optional<std::string> csv_text;  // the CSV itself, instead of reading `path`
  std::string target;                   // the target column (required)
  // The binary rule: a comparison on a numeric target (">=6") or the positive class ("white").
  // Binary classification only for now: a rule that does not make two classes is refused.
  std::string positive;
  std::vector<std::string> drop;        // columns not used (a few non-numbers in them are no error)
  MissingPolicy missing = MissingPolicy::drop_rows;
  ImputerOptions impute;                // with MissingPolicy::impute
  UnknownLevel unknown_levels = UnknownLevel::all_zero;  // a level the train part has not seen
  double test_size = 0.2;               // share of the rows held out as the test split
  std::uint32_t split_seed = 42;        // the split's own seed
  CsvOptions csv;                       // delimiter, missing tokens, cancel, ...
};

// The prepared data in float32.
struct ExperimentData {
  PreparedData prepared;
  Matrix x_train, x_test;  // (rows, features)
  Vector y_train, y_test;  // (rows,)
};

// The options prepare() takes. Throws UsageError when `positive` does not make the
// target binary (multiclass and regression come with the next issue).
PrepareOptions prepare_options(const DataOptions& options);
// Reads (or parses csv_text) and prepares; DataError on the data, as prepare() throws it.
ExperimentData load_data(const DataOptions& options);

}  // namespace lrtune
