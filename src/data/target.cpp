// Target rules: parsing, their text/JSON forms, and applying them to a column.
#include "lrtune/data/target.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {
constexpr NameTable<TargetKind, 3> kTargetKinds{
    {{"binary", TargetKind::binary}, {"multiclass", TargetKind::multiclass}, {"regression", TargetKind::regression}}};
constexpr NameTable<CompareOp, 6> kCompareOps{{{">=", CompareOp::greater_equal},
                                               {">", CompareOp::greater},
                                               {"<=", CompareOp::less_equal},
                                               {"<", CompareOp::less},
                                               {"==", CompareOp::equal},
                                               {"!=", CompareOp::not_equal}}};
}  // namespace

std::string_view target_kind_name(TargetKind kind) { return name_of_value(kTargetKinds, kind, "target kind"); }

std::optional<TargetKind> target_kind_from_name(std::string_view text) { return find_value(kTargetKinds, text); }

std::string_view compare_op_name(CompareOp op) { return name_of_value(kCompareOps, op, "comparison"); }

namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool compare_holds(double v, CompareOp op, double t) {
  switch (op) {
    case CompareOp::greater_equal: return v >= t;
    case CompareOp::greater: return v > t;
    case CompareOp::less_equal: return v <= t;
    case CompareOp::less: return v < t;
    case CompareOp::equal: return v == t;
    case CompareOp::not_equal: return v != t;
  }
  return false;
}

namespace {

std::string number_text(double v) { return fmt::format("{}", v); }

}  // namespace

TargetRule TargetRule::compare(CompareOp op, double threshold) {
  TargetRule r;
  r.op = op;
  r.threshold = threshold;
  return r;
}

TargetRule TargetRule::positive(std::string positive_class) {
  TargetRule r;
  r.positive_class = std::move(positive_class);
  return r;
}

TargetRule TargetRule::multiclass() {
  TargetRule r;
  r.kind = TargetKind::multiclass;
  return r;
}

TargetRule TargetRule::regression() {
  TargetRule r;
  r.kind = TargetKind::regression;
  return r;
}

TargetRule TargetRule::parse(std::string_view spec) {
  const std::string_view s = trim_spaces(spec);
  if (s.empty()) throw DataError("target rule is empty; expected e.g. \">=6\", a class name, multiclass or regression");
  if (s == "multiclass") return multiclass();
  if (s == "regression") return regression();
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
      {">=", CompareOp::greater_equal}, {"<=", CompareOp::less_equal}, {"==", CompareOp::equal},
      {"!=", CompareOp::not_equal},     {">", CompareOp::greater},     {"<", CompareOp::less}};
  for (const auto& [text, op] : kOps) {
    if (!s.starts_with(text)) continue;
    const std::string_view rest = trim_spaces(s.substr(text.size()));
    if (auto value = parse_number(rest); value && std::isfinite(*value)) return compare(op, *value);
    if (op == CompareOp::equal && !rest.empty()) return positive(std::string(rest));
    throw DataError(fmt::format("target rule \"{}\": expected a finite number after \"{}\"", spec, text));
  }
  return positive(std::string(s));
}

std::string TargetRule::to_string() const {
  if (kind == TargetKind::multiclass) return "multiclass";
  if (kind == TargetKind::regression) return "regression";
  if (op) return fmt::format("{}{}", compare_op_name(*op), threshold);
  return "==" + positive_class;
}

nlohmann::json TargetRule::to_json() const {
  nlohmann::json j = {{"kind", target_kind_name(kind)}};
  if (op) {
    j["op"] = compare_op_name(*op);
    j["threshold"] = threshold;
  } else if (kind == TargetKind::binary) {
    j["positive_class"] = positive_class;
  }
  return j;
}

TargetRule TargetRule::from_json(const nlohmann::json& j) {
  const auto kind = j.at("kind").get<std::string>();
  if (kind == "multiclass") return multiclass();
  if (kind == "regression") return regression();
  if (kind != "binary")
    throw DataError(fmt::format("target rule kind \"{}\": expected binary, multiclass or regression", kind));
  if (j.contains("op")) {
    const TargetRule parsed = parse(j.at("op").get<std::string>() + "0");
    return compare(*parsed.op, j.at("threshold").get<double>());
  }
  return positive(j.at("positive_class").get<std::string>());
}

namespace {

// make_target's parts, one per kind of rule; `where` is "<source>: " or empty, and
// target.values is already sized to the column.

void regression_values(const Column& column, const std::string& where, const std::vector<Index>& row_labels,
                       Target& target) {
  if (column.type != ColumnType::numeric) {
    throw DataError(
        fmt::format("{}target column \"{}\" is categorical; a regression target must be numeric", where, column.name));
  }
  for (Index i = 0; i < column.size(); ++i) {
    const double v = column.numbers[static_cast<std::size_t>(i)];
    // An infinite target makes every loss and the target scaler infinite: nothing to learn from.
    if (!std::isfinite(v)) {
      const auto k = static_cast<std::size_t>(i);
      throw DataError(fmt::format("{}{} {}, target \"{}\": {}; expected a finite number for a regression target "
                                  "(--na drop drops such rows)",
                                  where, row_labels.size() > k ? "file data row" : "row",
                                  row_labels.size() > k ? row_labels[k] : i, column.name, v),
                      DataErrorSubject::target);
    }
    target.values[i] = v;
  }
}

// The distinct labels of `labels` in sorted order become the classes (named by `name`); each
// row's value is its label's class number.
template <class Label, class Name>
void number_classes(const std::vector<Label>& labels, Name name, const std::vector<Index>& weights, Target& target) {
  std::map<Label, Index> counts;
  for (std::size_t i = 0; i < labels.size(); ++i) counts[labels[i]] += weights.empty() ? 1 : weights[i];
  std::map<Label, Index> position;
  for (const auto& [label, count] : counts) {
    position[label] = static_cast<Index>(target.classes.size());
    target.classes.push_back(name(label));
    target.class_counts.push_back(count);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    target.values[static_cast<Index>(i)] = static_cast<double>(position[labels[i]]);
  }
}

void multiclass_values(const Column& column, const std::string& where, const std::vector<Index>& weights,
                       Target& target) {
  if (column.type == ColumnType::numeric) {
    for (const double v : column.numbers) {
      if (v != std::floor(v) || !std::isfinite(v)) {
        throw DataError(fmt::format("{}target column \"{}\" holds {}; multiclass labels must be integers or text",
                                    where, column.name, v));
      }
    }
    number_classes(column.numbers, number_text, weights, target);
  } else {
    number_classes(
        column.strings, [](const std::string& s) { return s; }, weights, target);
  }
  if (static_cast<Index>(target.classes.size()) > kMaxClasses) {
    throw DataError(fmt::format("{}target column \"{}\" has {} classes; at most {} are supported", where, column.name,
                                target.classes.size(), kMaxClasses),
                    DataErrorSubject::target);
  }
  // As a binary rule that gives one class: nothing to learn, and no model file could hold it.
  if (target.classes.size() < 2) {
    throw DataError(
        fmt::format("{}target column \"{}\" holds a single class{}; a multiclass target needs at least 2", where,
                    column.name, target.classes.empty() ? "" : fmt::format(" (\"{}\")", target.classes.front())),
        DataErrorSubject::target);
  }
}

// Binary by comparison: 1 where `value op threshold` holds. Returns the positive class's name.
std::string mark_comparison(const Column& column, const TargetRule& rule, const std::string& where, VectorD& values) {
  if (column.type != ColumnType::numeric) {
    throw DataError(
        fmt::format("{}target rule \"{}\" compares numbers, but column \"{}\" is categorical; expected "
                    "a class name such as \"{}\"",
                    where, rule.to_string(), column.name, column.levels().empty() ? "" : column.levels().front()));
  }
  for (Index i = 0; i < column.size(); ++i) {
    values[i] = compare_holds(column.numbers[static_cast<std::size_t>(i)], *rule.op, rule.threshold) ? 1.0 : 0.0;
  }
  return fmt::format("{} {} {}", column.name, compare_op_name(*rule.op), rule.threshold);
}

// Binary by class: 1 where the cell is the positive class, which must occur. Returns its name.
std::string mark_positive_class(const Column& column, const TargetRule& rule, const std::string& where,
                                VectorD& values) {
  bool found = false;
  if (column.type == ColumnType::numeric) {
    const auto value = parse_number(rule.positive_class);
    if (!value) {
      throw DataError(fmt::format("{}target class \"{}\" is not a number, but column \"{}\" is numeric", where,
                                  rule.positive_class, column.name));
    }
    for (Index i = 0; i < column.size(); ++i) {
      const bool hit = column.numbers[static_cast<std::size_t>(i)] == *value;
      values[i] = hit ? 1.0 : 0.0;
      found |= hit;
    }
  } else {
    for (Index i = 0; i < column.size(); ++i) {
      const bool hit = column.strings[static_cast<std::size_t>(i)] == rule.positive_class;
      values[i] = hit ? 1.0 : 0.0;
      found |= hit;
    }
  }
  if (!found) {
    throw DataError(
        fmt::format("{}target class \"{}\" does not occur in column \"{}\"", where, rule.positive_class, column.name));
  }
  return fmt::format("{} == {}", column.name, rule.positive_class);
}

void binary_values(const Column& column, const TargetRule& rule, const std::string& where,
                   const std::vector<Index>& weights, Target& target) {
  const std::string positive_name = rule.op ? mark_comparison(column, rule, where, target.values)
                                            : mark_positive_class(column, rule, where, target.values);
  Index n = 0;
  Index positives = 0;
  for (Index i = 0; i < column.size(); ++i) {
    const Index w = weights.empty() ? 1 : weights[static_cast<std::size_t>(i)];
    n += w;
    positives += target.values[i] > 0.5 ? w : 0;
  }
  if (positives == 0 || positives == n) {
    throw DataError(fmt::format("{}target rule \"{}\" on column \"{}\" gives a single class ({} of {} rows "
                                "positive); expected both classes",
                                where, rule.to_string(), column.name, positives, n),
                    DataErrorSubject::target);
  }
  target.classes = {"not (" + positive_name + ")", positive_name};
  target.class_counts = {n - positives, positives};
}

}  // namespace

Target make_target(const Column& column, const TargetRule& rule, const std::string& source,
                   const std::vector<Index>& row_labels, const std::vector<Index>& weights) {
  const std::string where = source.empty() ? "" : source + ": ";
  if (const Index m = column.missing_count(); m > 0) {
    throw DataError(fmt::format("{}target column \"{}\" has {} missing values; expected none (drop those rows first)",
                                where, column.name, m));
  }
  Target target;
  target.column = column.name;
  target.rule = rule;
  target.values.resize(column.size());
  if (rule.kind == TargetKind::regression) {
    regression_values(column, where, row_labels, target);
  } else if (rule.kind == TargetKind::multiclass) {
    multiclass_values(column, where, weights, target);
  } else {
    binary_values(column, rule, where, weights, target);
  }
  return target;
}

Matrix one_hot(const VectorD& labels, Index classes) {
  if (classes < 1) throw UsageError(fmt::format("one_hot: {} classes; expected at least 1", classes));
  Matrix y = Matrix::Zero(labels.size(), classes);  // (rows, classes)
  for (Index i = 0; i < labels.size(); ++i) {
    const double label = labels[i];
    if (!(label >= 0 && label < static_cast<double>(classes)) || label != std::floor(label)) {
      throw UsageError(
          fmt::format("one_hot: label {} at position {} is not a class number in [0, {})", label, i, classes));
    }
    y(i, static_cast<Index>(label)) = 1.0F;
  }
  return y;
}

}  // namespace lrtune
