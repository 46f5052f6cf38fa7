// The target: a rule that turns one column into y. Binary from a comparison on a
// numeric column (">=6") or a named positive class; multiclass and regression kept as
// they are. What the model does with y is left to the engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

enum class TargetKind { binary, multiclass, regression };
enum class CompareOp { greater_equal, greater, less_equal, less, equal, not_equal };
std::string_view target_kind_name(TargetKind kind);  // "binary", "multiclass", "regression"
// The kind named `text` (as --task spells it), or nullopt.
std::optional<TargetKind> target_kind_from_name(std::string_view text);
std::string_view compare_op_name(CompareOp op);  // ">=", ">", "<=", "<", "==", "!="

// The most classes a multiclass target may have: a column with more distinct values is more
// likely an identifier or a number than classes, and a softmax over it would be mostly unused.
inline constexpr Index kMaxClasses = 1000;

struct TargetRule {
  TargetKind kind = TargetKind::binary;
  std::optional<CompareOp> op;  // binary by comparison: positive when `value op threshold`
  double threshold = 0.0;
  std::string positive_class;  // binary by class: positive when the value equals it

  // ">=6", "> 5.5", "<3", "==1", "!=0" (comparison on a numeric column); "==white" or
  // "white" (a positive class; on a numeric column the class is read as a number);
  // "multiclass"; "regression". Use positive() for a class literally named "multiclass".
  static TargetRule parse(std::string_view spec);
  static TargetRule compare(CompareOp op, double threshold);
  static TargetRule positive(std::string positive_class);
  static TargetRule multiclass();
  static TargetRule regression();

  std::string to_string() const;  // parse(to_string()) gives the rule back
  nlohmann::json to_json() const;
  static TargetRule from_json(const nlohmann::json& json);
};

struct Target {
  std::string column;
  TargetRule rule;
  // (rows,) binary: 0/1; multiclass: index into `classes`; regression: the value.
  VectorD values;
  // binary: {"not <rule>", "<rule>"}-style names of 0 and 1; multiclass: the labels in
  // ascending order (numeric labels as written by fmt); regression: empty.
  std::vector<std::string> classes;
  std::vector<Index> class_counts;  // per class (empty for regression)
};

// Applies `rule` to `column`. Errors: a missing target value, a rule that does not fit
// the column's type, a class that is absent, non-integer multiclass labels, more than
// kMaxClasses classes, a binary rule that leaves a single class, and a non-finite regression
// value (named by its file data row from `row_labels`, the table's, when given).
// `weights` (binary and multiclass; empty: 1 each): each cell stands for that many rows, so that a
// column of distinct values with their counts (the sharded preparation's gathered values) gives
// the classes, counts and errors of the whole column.
Target make_target(const Column& column, const TargetRule& rule, const std::string& source = "",
                   const std::vector<Index>& row_labels = {}, const std::vector<Index>& weights = {});

// Whether `value op threshold` holds: a binary rule by comparison's positive class.
bool compare_holds(double value, CompareOp op, double threshold);

// Class numbers (rows,) as one-hot rows (rows, classes), float32 for training with
// categorical_crossentropy. A label that is not an integer in [0, classes) is a UsageError
// naming its position (the labels come from make_target, so it is a caller's mistake).
Matrix one_hot(const VectorD& labels, Index classes);

}  // namespace lrtune
