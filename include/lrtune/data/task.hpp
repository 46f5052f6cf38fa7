// Which task a target column asks for: binary, multiclass or regression, inferred from its
// values when the user names only the column, overridable, and explained in one line that says
// how to change it. Applying the chosen rule to the column is make_target's (target.hpp).
#pragma once

#include <optional>
#include <string>

#include "lrtune/core/types.hpp"
#include "lrtune/data/table.hpp"
#include "lrtune/data/target.hpp"

namespace lrtune {

// An integer-valued numeric target with 3 to this many distinct values is taken as class codes
// (1, 2, 3, 5, 6, 7); with more, as a number to predict.
inline constexpr Index kMaxInferredIntegerClasses = 20;

struct TaskChoice {
  TargetRule rule;            // make_target's rule: binary (a comparison or a positive class), multiclass, regression
  std::string explanation;    // one line for people, naming the flag that changes the choice
  Index distinct_values = 0;  // non-missing distinct values of the column (classes when classifying)
};

// The rule for `target`, from its non-missing values (a missing value is not a class):
//   positive given       -> that binary rule, unchecked (make_target checks it, as before);
//   task_override given  -> that task (binary needs exactly 2 values; multiclass needs integer
//                           or text labels; regression a numeric column);
//   otherwise            -> exactly 2 distinct values: binary, positive class the second in sorted
//                           order (scikit-learn's LabelEncoder().classes_[1]: numbers by value,
//                           text by bytes); text with 3+ levels, or integers with 3 to
//                           kMaxInferredIntegerClasses distinct values: multiclass; any other
//                           numeric column: regression.
// Errors (DataError, subject target): no value, a single distinct value, more than kMaxClasses
// classes, an override the column cannot take. A positive rule that is not binary, or one given
// with --task multiclass/regression, is a UsageError. Flags are named as the CLI spells them
// (--positive, --task). `source` (the file) prefixes messages when given.
TaskChoice choose_task(const Column& target, const std::optional<TargetRule>& positive = std::nullopt,
                       std::optional<TargetKind> task_override = std::nullopt, const std::string& source = "");

}  // namespace lrtune
