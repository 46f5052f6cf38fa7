// choose_task: the task a target column asks for (inferred, or as the user overrode it) and the
// one line that says so. The rule's application to the column is make_target's (target.cpp).
#include "lrtune/data/task.hpp"

#include <cmath>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

// The column's non-missing distinct values in LabelEncoder's order: numbers by value, text by
// bytes (std::string compares as unsigned chars, as Python compares UTF-8 code points).
struct DistinctValues {
  bool numeric = true;
  std::vector<double> numbers;        // numeric column
  std::vector<std::string> levels;    // text column
  std::optional<double> non_integer;  // numeric: the smallest value that is not a finite integer

  Index size() const { return static_cast<Index>(numeric ? numbers.size() : levels.size()); }
  // The i-th value as --positive would take it: numbers as fmt writes them (round trip exact).
  std::string text(Index i) const {
    const auto k = static_cast<std::size_t>(i);
    return numeric ? fmt::format("{}", numbers[k]) : levels[k];
  }
  // For messages: numbers bare, text quoted.
  std::string shown(Index i) const { return numeric ? text(i) : fmt::format("\"{}\"", text(i)); }
  std::string kind_of_values() const { return !numeric ? "text" : non_integer ? "numeric" : "integer"; }
};

DistinctValues distinct_values(const Column& column) {
  DistinctValues d;
  d.numeric = column.type == ColumnType::numeric;
  if (!d.numeric) {
    d.levels = column.levels();
    return d;
  }
  std::set<double> numbers;  // NaN is missing; -0 and 0 are one value
  for (const double v : column.numbers) {
    if (!std::isnan(v)) numbers.insert(v);
  }
  d.numbers.assign(numbers.begin(), numbers.end());
  for (const double v : d.numbers) {
    if (!std::isfinite(v) || v != std::floor(v)) {
      d.non_integer = v;
      break;
    }
  }
  return d;
}

// As a shell word for a hint: bare when plain, else in single quotes.
std::string shell_word(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789._-+") == std::string::npos;
  return plain ? text : "'" + text + "'";
}

// Nothing to learn from no value or a single one.
void require_two_values(const Column& column, const DistinctValues& values, const std::string& where) {
  if (values.size() == 0) {
    throw DataError(fmt::format("{}target column \"{}\" has no values ({} rows, all missing); expected at least 2 "
                                "distinct values",
                                where, column.name, column.size()),
                    DataErrorSubject::target);
  }
  if (values.size() == 1) {
    throw DataError(fmt::format("{}target column \"{}\": {}; expected at least 2 distinct values (choose another "
                                "--target)",
                                where, column.name,
                                values.numeric ? fmt::format("all target values are equal ({})", values.text(0))
                                               : fmt::format("it holds a single class ({})", values.shown(0))),
                    DataErrorSubject::target);
  }
}

TaskChoice from_positive(const Column& column, const TargetRule& positive, std::optional<TargetKind> task) {
  if (positive.kind != TargetKind::binary) {
    throw UsageError(
        fmt::format("--positive '{}' is not a binary rule; for a {} target give --task {} without "
                    "--positive",
                    positive.to_string(), target_kind_name(positive.kind), target_kind_name(positive.kind)));
  }
  if (task && *task != TargetKind::binary) {
    throw UsageError(fmt::format("--positive '{}' makes the target binary, but --task is {}; give one of them",
                                 positive.to_string(), target_kind_name(*task)));
  }
  TaskChoice choice{positive, "", distinct_values(column).size()};
  choice.explanation =
      positive.op ? fmt::format("{}: binary, positive when {} {} {} (--positive)", column.name, column.name,
                                compare_op_name(*positive.op), positive.threshold)
                  : fmt::format("{}: binary, positive class \"{}\" (--positive)", column.name, positive.positive_class);
  return choice;
}

// `flag`: " (--task binary)" when the user asked, else empty.
TaskChoice binary_choice(const Column& column, const DistinctValues& values, const std::string& where,
                         std::string_view flag) {
  if (values.size() != 2) {
    throw DataError(fmt::format("{}--task binary: target column \"{}\" has {} distinct values; expected exactly 2, or "
                                "--positive to choose the positive class or a comparison (e.g. --positive '>={}')",
                                where, column.name, values.size(), values.text(values.size() / 2)),
                    DataErrorSubject::target);
  }
  TaskChoice choice{TargetRule::positive(values.text(1)), "", 2};
  choice.explanation = fmt::format(
      "{}: 2 distinct values ({}, {}), treated as binary with positive class {} (the second in sorted order{}); "
      "--positive {} to make {} the positive class",
      column.name, values.shown(0), values.shown(1), values.shown(1), flag, shell_word(values.text(0)),
      values.shown(0));
  return choice;
}

TaskChoice multiclass_choice(const Column& column, const DistinctValues& values, const std::string& where,
                             std::string_view flag) {
  if (values.non_integer) {
    throw DataError(fmt::format("{}--task multiclass: target column \"{}\" holds {}; class labels must be integers "
                                "or text (--task regression to predict the number)",
                                where, column.name, *values.non_integer),
                    DataErrorSubject::target);
  }
  if (values.size() > kMaxClasses) {
    throw DataError(fmt::format("{}target column \"{}\" has {} distinct {} values; at most {} classes are supported "
                                "({})",
                                where, column.name, values.size(), values.kind_of_values(), kMaxClasses,
                                values.numeric ? "--task regression to predict the number"
                                               : "is it an identifier? choose another --target"),
                    DataErrorSubject::target);
  }
  const Index n = values.size();
  TaskChoice choice{TargetRule::multiclass(), "", n};
  const std::string how =
      values.numeric ? "--task regression to predict the number"
                     : fmt::format("--positive {} for one class against the rest", shell_word(values.text(n - 1)));
  choice.explanation = fmt::format("{}: {} distinct {} values, treated as {} classes{}; {}", column.name, n,
                                   values.kind_of_values(), n, flag, how);
  return choice;
}

TaskChoice regression_choice(const Column& column, const DistinctValues& values, const std::string& where,
                             std::string_view flag) {
  if (!values.numeric) {
    throw DataError(fmt::format("{}--task regression: target column \"{}\" is text ({}, {}, ...); a regression target "
                                "must be numeric",
                                where, column.name, values.shown(0), values.shown(1)),
                    DataErrorSubject::target);
  }
  const Index n = values.size();
  TaskChoice choice{TargetRule::regression(), "", n};
  std::string why;
  if (!flag.empty()) {
    why = std::string(flag);
  } else if (!values.non_integer) {
    why = fmt::format(" (more than {})", kMaxInferredIntegerClasses);
  }
  const std::string how = !values.non_integer && n <= kMaxClasses
                              ? "--task multiclass to treat them as classes"
                              : fmt::format("--positive '>={}' for a binary target", values.text(n / 2));
  choice.explanation = fmt::format("{}: {} distinct {} values{}, treated as regression (predicting the number); {}",
                                   column.name, n, values.kind_of_values(), why, how);
  return choice;
}

}  // namespace

TaskChoice choose_task(const Column& target, const std::optional<TargetRule>& positive,
                       std::optional<TargetKind> task_override, const std::string& source) {
  if (positive) return from_positive(target, *positive, task_override);
  const std::string where = source.empty() ? "" : source + ": ";
  const DistinctValues values = distinct_values(target);
  require_two_values(target, values, where);
  if (task_override) {
    switch (*task_override) {
      case TargetKind::binary: return binary_choice(target, values, where, ", --task binary");
      case TargetKind::multiclass: return multiclass_choice(target, values, where, " (--task multiclass)");
      case TargetKind::regression: return regression_choice(target, values, where, " (--task regression)");
    }
  }
  if (values.size() == 2) return binary_choice(target, values, where, "");
  if (!values.numeric || (!values.non_integer && values.size() <= kMaxInferredIntegerClasses)) {
    return multiclass_choice(target, values, where, "");
  }
  return regression_choice(target, values, where, "");
}

}  // namespace lrtune
