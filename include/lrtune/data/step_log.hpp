// The record every data step leaves: what it did, in one line of text and as JSON
// details (rows dropped per column, levels found, means and stds). Printing it is the CLI's job.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lrtune {

struct StepRecord {
  std::string step;        // "read_csv", "drop_missing", "impute", "target", "split", "encode", "scale", ...
  std::string text;        // one line for a person
  nlohmann::json details;  // the numbers behind it
};

using StepLog = std::vector<StepRecord>;

// One "step: text" line per record.
std::string to_text(const StepLog& log);
nlohmann::json to_json(const StepLog& log);

}  // namespace lrtune
