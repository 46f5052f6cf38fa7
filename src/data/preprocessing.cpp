// The pipeline behind prepare() and the fitted preprocessing's apply() and JSON form.
#include "lrtune/data/preprocessing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lrtune/core/split.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/identifier_columns.hpp"
#include "prepare_steps.hpp"

namespace lrtune {

// The steps are shared with the sharded preparation (prepare_steps.hpp), hence a named namespace.
namespace prepare_steps {

// The feature columns in file order: the chosen ones, or all but the target and the dropped.
std::vector<std::string> feature_columns(const Table& raw, const PrepareOptions& o) {
  const ColumnIndex index(raw);
  (void)index.index_of(o.target, "target");
  std::set<std::string> dropped(o.drop_columns.begin(), o.drop_columns.end());
  for (const auto& name : o.drop_columns) (void)index.index_of(name, "drop_columns");
  std::set<std::string> chosen;
  for (const auto& name : o.feature_columns) {
    (void)index.index_of(name, "feature_columns");
    if (name == o.target) {
      throw DataError(fmt::format("{}: column \"{}\" is the target; it cannot also be a feature (feature_columns)",
                                  raw.source, name));
    }
    if (dropped.contains(name)) {
      throw DataError(
          fmt::format("{}: column \"{}\" is named in both feature_columns and drop_columns", raw.source, name));
    }
    chosen.insert(name);
  }
  std::vector<std::string> out;
  for (const auto& c : raw.columns) {
    if (c.name == o.target || dropped.contains(c.name)) continue;
    if (!o.feature_columns.empty() && !chosen.contains(c.name)) continue;
    out.push_back(c.name);
  }
  if (out.empty()) throw DataError(fmt::format("{}: no feature columns left; expected at least one", raw.source));
  return out;
}

// A numeric feature's missing or infinite value: the file's row and the column named.
void check_finite(const Table& table, const Column& c) {
  for (std::size_t i = 0; i < c.numbers.size(); ++i) {
    const double v = c.numbers[i];
    if (!std::isfinite(v)) {
      throw DataError(fmt::format(
          "{}: file data row {}, column \"{}\": {} value; expected a finite number (drop or impute missing values "
          "first)",
          table.source, table.row_labels[i], c.name, std::isnan(v) ? "missing" : "infinite"));
    }
  }
}

// Numeric features side by side, then the encoded block: (rows, features). Levels the encoder
// has not seen are added to `unseen` (when given).
MatrixD build_matrix(const Table& table, const std::vector<std::string>& numeric, const CategoricalEncoder& encoder,
                     std::vector<UnseenLevels>* unseen) {
  const Index rows = table.rows();
  const auto n_numeric = static_cast<Index>(numeric.size());
  MatrixD x(rows, n_numeric + encoder.output_count());
  const ColumnIndex index(table);
  for (Index j = 0; j < n_numeric; ++j) {
    const Column& c = index.column(numeric[static_cast<std::size_t>(j)]);
    check_finite(table, c);
    for (Index i = 0; i < rows; ++i) x(i, j) = c.numbers[static_cast<std::size_t>(i)];
  }
  // Not on zero rows: Eigen's block of an empty matrix offsets a null pointer (UBSan; found by
  // fuzz/fuzz_preprocessing on an empty validation part).
  if (encoder.output_count() > 0 && rows > 0) x.rightCols(encoder.output_count()) = encoder.transform(table, unseen);
  return x;
}

// apply(): the rows with a missing (no imputer fitted) or an infinite feature value go to
// out.unscored with their reason; the table of the other rows is returned.
Table set_aside_unusable_rows(const Table& table, const std::vector<std::string>& features, AppliedData& out) {
  const std::vector<UnusableRow> unusable = unusable_rows(table, features);
  nlohmann::json reasons = nlohmann::json::object();
  std::vector<Index> keep;
  keep.reserve(static_cast<std::size_t>(table.rows()));
  std::size_t next = 0;
  for (Index r = 0; r < table.rows(); ++r) {
    if (next < unusable.size() && unusable[next].position == r) {
      const std::string& reason = unusable[next++].reason;
      out.unscored.push_back({table.row_labels[static_cast<std::size_t>(r)], reason});
      reasons[reason] = reasons.value(reason, Index{0}) + 1;
    } else {
      keep.push_back(r);
    }
  }
  out.steps.push_back({"unscored_rows",
                       unusable.empty() ? fmt::format("all {} rows usable", table.rows())
                                        : fmt::format("{} of {} rows left out of x: {}", unusable.size(), table.rows(),
                                                      describe_unscored(out.unscored)),
                       {{"rows", table.rows()}, {"unscored", unusable.size()}, {"reasons", reasons}}});
  return unusable.empty() ? table : table.take(keep);
}

VectorD take(const VectorD& y, const std::vector<Index>& positions) {
  VectorD out(static_cast<Index>(positions.size()));
  for (std::size_t k = 0; k < positions.size(); ++k) out[static_cast<Index>(k)] = y[positions[k]];
  return out;
}

// The steps of prepare(Table), in its order; each logs what it did.

// The columns prepare() uses: the features, then the target.
std::vector<std::string> used_columns(const std::vector<std::string>& features, const PrepareOptions& o) {
  std::vector<std::string> used = features;
  used.push_back(o.target);
  return used;
}

// 1. The feature columns and the target, in file order; the other columns are logged as not used.
// An owned raw table (`owned`, the same table as `raw`) gives its columns away instead of copying
// them; `raw` has no columns left after that.
Table select_columns(const Table& raw, Table* owned, const std::vector<std::string>& features, const PrepareOptions& o,
                     StepLog& log) {
  const std::vector<std::string> used = used_columns(features, o);
  std::vector<std::string> left_out;
  const std::unordered_set<std::string_view> used_names(used.begin(), used.end());
  for (const auto& c : raw.columns) {
    if (!used_names.contains(c.name)) left_out.push_back(c.name);
  }
  Table table =
      owned != nullptr ? std::move(*owned).select(used, "feature_columns") : raw.select(used, "feature_columns");
  log.push_back({"select_columns",
                 fmt::format("{} feature columns, target \"{}\"; not used: {}", features.size(), o.target,
                             left_out.empty() ? "none" : fmt::format("\"{}\"", fmt::join(left_out, "\", \""))),
                 {{"features", features}, {"target", o.target}, {"not_used", left_out}}});
  return table;
}

// --keep names existing columns, none of them also dropped.
void check_keep_columns(const Table& raw, const PrepareOptions& o) {
  const ColumnIndex index(raw);
  for (const auto& name : o.keep_columns) {
    (void)index.index_of(name, "keep_columns");
    if (std::find(o.drop_columns.begin(), o.drop_columns.end(), name) != o.drop_columns.end()) {
      throw DataError(
          fmt::format("{}: column \"{}\" is named both to keep (--keep) and to drop (--drop)", raw.source, name));
    }
  }
}

// The identifier-like features found (`ids`) taken out of `features` with one warning and one
// step; none left is an error. Returns their names.
std::vector<std::string> drop_identifier_features(const std::vector<IdentifierColumn>& ids, const std::string& source,
                                                  std::vector<std::string>& features, StepLog& log,
                                                  std::vector<std::string>& warnings) {
  std::vector<std::string> names;
  if (ids.empty()) return names;
  for (const auto& id : ids) names.push_back(id.name);
  std::erase_if(features,
                [&](const std::string& f) { return std::find(names.begin(), names.end(), f) != names.end(); });
  if (features.empty())
    throw DataError(fmt::format("{}: no feature columns left: {}", source, describe_identifier_columns(ids)));
  warnings.push_back(fmt::format("{}: {}", source, describe_identifier_columns(ids)));
  log.push_back({"drop_identifiers", describe_identifier_columns(ids), {{"columns", names}}});
  return names;
}

// 1a. Identifier-like text features (names, tickets, ids) are left out with one warning, before
// anything looks at their missing values; then a feature with too many levels is an error.
std::vector<std::string> leave_out_identifiers(const Table& raw, const PrepareOptions& o,
                                               std::vector<std::string>& features, StepLog& log,
                                               std::vector<std::string>& warnings) {
  check_keep_columns(raw, o);
  std::vector<std::string> candidates;
  if (o.drop_identifiers) {
    for (const auto& name : features)
      if (std::find(o.keep_columns.begin(), o.keep_columns.end(), name) == o.keep_columns.end())
        candidates.push_back(name);
  }
  std::vector<std::string> names =
      drop_identifier_features(identifier_columns(raw, candidates), raw.source, features, log, warnings);
  check_level_counts(raw, features);
  return names;
}

// 1b. Each feature's missing-value rule: its own (impute.per_column, missing_drop_columns) or the
// default (`missing`). A rule for a column that is not a feature is an error saying why.
MissingPlan plan_missing(const Table& raw, const std::vector<std::string>& features, const PrepareOptions& o) {
  const std::set<std::string> feature_set(features.begin(), features.end());
  const ColumnIndex index(raw);
  const auto check = [&](const std::string& name) {
    (void)index.index_of(name, "missing-value rule (--na)");
    if (name == o.target) {
      throw DataError(
          fmt::format("{}: missing-value rule for the target \"{}\": rows without a target value are "
                      "always dropped; expected a feature column",
                      raw.source, name));
    }
    if (!feature_set.contains(name)) {
      throw DataError(
          fmt::format("{}: missing-value rule for column \"{}\", which is not a feature (left out by "
                      "--drop or as identifier-like; --keep {} uses it)",
                      raw.source, name, name));
    }
  };
  for (const auto& [name, strategy] : o.impute.per_column) check(name);
  for (const auto& name : o.missing_drop_columns) {
    check(name);
    if (o.impute.per_column.contains(name)) {
      throw DataError(fmt::format("{}: column \"{}\" has two missing-value rules (drop and {}); expected one",
                                  raw.source, name, impute_strategy_name(o.impute.per_column.at(name))));
    }
  }
  const std::set<std::string> dropped(o.missing_drop_columns.begin(), o.missing_drop_columns.end());
  MissingPlan plan;
  for (const auto& name : features) {
    const bool drop =
        dropped.contains(name) || (o.missing == MissingPolicy::drop_rows && !o.impute.per_column.contains(name));
    (drop ? plan.drop : plan.impute).push_back(name);
  }
  return plan;
}

// 2. Missing values that must go before the split: the rows missing a value in a column whose rule
// is to drop them, and the rows without a target value. No row left is an error naming the
// emptiest columns.
Table drop_rows_before_split(Table table, const std::string& source, Index raw_rows, const MissingPlan& plan,
                             const PrepareOptions& o, StepLog& log) {
  std::vector<std::string> columns = plan.drop;
  columns.push_back(o.target);
  Table kept = drop_missing_rows(std::move(table), columns, &log);
  if (plan.drop.empty()) log.back().text = "rows without a target value: " + log.back().text;
  if (kept.rows() == 0) {
    std::vector<std::string> counts;  // the drop step's missing cells per column
    for (const auto& [name, count] : log.back().details.at("missing_per_column").items())
      counts.push_back(fmt::format("\"{}\" {}", name, count.get<Index>()));
    throw DataError(
        fmt::format("{}: no rows left after dropping missing values: each of the {} rows misses a value "
                    "(missing cells per column: {}); impute them or leave out the emptiest columns",
                    source, raw_rows, fmt::join(counts, ", ")));
  }
  return kept;
}

// 2b. Regression with drop_rows: rows whose target is infinite go as missing ones do, counted
// in their own step and a warning (make_target names such a row as an error otherwise).
Table drop_nonfinite_target(Table table, const PrepareOptions& o, StepLog& log, std::vector<std::string>& warnings) {
  if (o.target_rule.kind != TargetKind::regression || o.missing != MissingPolicy::drop_rows) return table;
  const Column& target = table.column(o.target);
  if (target.type != ColumnType::numeric) return table;  // make_target names the type
  std::vector<Index> keep;
  std::vector<Index> dropped;  // file data rows
  for (Index r = 0; r < table.rows(); ++r) {
    if (std::isfinite(target.numbers[static_cast<std::size_t>(r)])) {
      keep.push_back(r);
    } else {
      dropped.push_back(table.row_labels[static_cast<std::size_t>(r)]);
    }
  }
  constexpr std::size_t kNamed = 5;
  const std::vector<Index> named(dropped.begin(), dropped.begin() + std::min(dropped.size(), kNamed));
  log.push_back({"drop_nonfinite_target",
                 dropped.empty() ? fmt::format("no infinite target values in {} rows", table.rows())
                                 : fmt::format("{} of {} rows dropped: target \"{}\" is infinite (file data rows {}{})",
                                               dropped.size(), table.rows(), o.target, fmt::join(named, ", "),
                                               dropped.size() > kNamed ? ", ..." : ""),
                 {{"rows_before", table.rows()}, {"dropped", dropped.size()}, {"row_labels", dropped}}});
  if (dropped.empty()) return table;
  warnings.push_back(log.back().text + "; --na mean (or median, most-frequent) makes it an error instead");
  if (keep.empty()) {
    throw DataError(
        fmt::format("{}: no rows left: target \"{}\" is infinite in all {} rows", table.source, o.target, table.rows()),
        DataErrorSubject::target);
  }
  return std::move(table).take(keep);
}

// 3. The target step's record: the rule and, for classes, their balance over the kept rows.
void log_target(const Target& target, const PrepareOptions& o, Index rows, StepLog& log) {
  nlohmann::json details = {{"column", o.target},
                            {"rule", o.target_rule.to_json()},
                            {"classes", target.classes},
                            {"counts", target.class_counts}};
  std::string text =
      fmt::format("\"{}\" {} ({})", o.target, o.target_rule.to_string(), target_kind_name(o.target_rule.kind));
  if (o.target_rule.kind == TargetKind::binary) {
    text += fmt::format(": {} positive, {} negative of {}", target.class_counts[1], target.class_counts[0], rows);
  } else if (o.target_rule.kind == TargetKind::multiclass) {
    text += fmt::format(": {} classes", target.classes.size());
  }
  log.push_back({"target", text, details});
}

// 4a. Train/test by seed (stratified by the target's classes when asked).
SplitIndices split_train_test(const Target& target, Index rows, const PrepareOptions& o, const std::string& source) {
  // A test_size outside (0, 1) is the split's own UsageError below; a valid one that leaves a part
  // empty carries its numbers.
  if (o.test_size > 0.0 && o.test_size < 1.0) {
    const SplitSizes sizes = planned_split_sizes(rows, o.test_size);
    if (sizes.train <= 0 || sizes.test <= 0)
      throw DataError(SplitShortfall{source, rows, o.test_size, sizes.train, sizes.test});
  }
  try {
    if (!o.stratify) return train_test_split_indices(rows, o.test_size, o.split_seed);
    if (o.target_rule.kind == TargetKind::regression) {
      throw DataError("stratify: a regression target has no classes to stratify by");
    }
    std::vector<Index> labels(static_cast<std::size_t>(rows));
    for (Index i = 0; i < rows; ++i) labels[static_cast<std::size_t>(i)] = static_cast<Index>(target.values[i]);
    return stratified_train_test_split_indices(labels, o.test_size, o.split_seed);
  } catch (const UsageError& e) {
    throw DataError(fmt::format("{}: split (test_size {}): {}", source, o.test_size, e.what()),
                    DataErrorSubject::split);
  }
}

// 4. Split by seed; validation drawn from the train part with its own seed.
PartPositions split_rows(const Target& target, Index rows, const PrepareOptions& o, const std::string& source,
                         StepLog& log) {
  const SplitIndices split = split_train_test(target, rows, o, source);
  PartPositions parts{split.train, {}, split.test};
  if (o.validation_size > 0.0) {
    try {
      SplitIndices v = validation_split_indices(split.train, o.validation_size, o.validation_seed);
      parts.train = std::move(v.train);
      parts.validation = std::move(v.test);
    } catch (const UsageError& e) {
      throw DataError(
          fmt::format("{}: validation split (validation_size {}): {}", source, o.validation_size, e.what()));
    }
  }
  log.push_back({"split",
                 fmt::format("{} train, {} validation, {} test rows ({}test_size {}, seed {}{})", parts.train.size(),
                             parts.validation.size(), parts.test.size(), o.stratify ? "stratified, " : "", o.test_size,
                             o.split_seed,
                             o.validation_size > 0.0
                                 ? fmt::format("; validation_size {}, seed {}", o.validation_size, o.validation_seed)
                                 : ""),
                 {{"train", parts.train.size()},
                  {"validation", parts.validation.size()},
                  {"test", parts.test.size()},
                  {"test_size", o.test_size},
                  {"seed", o.split_seed},
                  {"stratify", o.stratify},
                  {"validation_size", o.validation_size},
                  {"validation_seed", o.validation_seed}}});
  return parts;
}

// The parts' tables, column by column: each column of the kept table is freed as soon as its
// parts are taken, so a big table's rows are held about once, not twice.
PartTables split_table(Table table, const PartPositions& positions) {
  PartTables parts;
  const auto labels = [&](const std::vector<Index>& rows) {
    std::vector<Index> out;
    out.reserve(rows.size());
    for (const Index r : rows) out.push_back(table.row_labels[static_cast<std::size_t>(r)]);
    return out;
  };
  const std::array<std::pair<Table*, const std::vector<Index>*>, 3> targets{
      {{&parts.train, &positions.train}, {&parts.validation, &positions.validation}, {&parts.test, &positions.test}}};
  for (const auto& [part, rows] : targets) {
    part->source = table.source;
    part->row_labels = labels(*rows);
    part->columns.reserve(table.columns.size());
  }
  for (Column& c : table.columns) {
    for (const auto& [part, rows] : targets) part->columns.push_back(c.take(*rows));
    c = Column{};
  }
  return parts;
}

// 5. Imputation fitted on train only, applied to every part; each transform's record names its part.
void impute_parts(PartTables& parts, bool has_validation, const std::vector<std::string>& imputed,
                  const PrepareOptions& o, FittedPreprocessing& fitted, StepLog& log) {
  const Table train_features = parts.train.select(imputed);
  Imputer imputer = Imputer::fit(train_features, o.impute, &log);
  parts.train = imputer.transform(parts.train, &log);
  log.back().text = "train: " + log.back().text;
  if (has_validation) {
    parts.validation = imputer.transform(parts.validation, &log);
    log.back().text = "validation: " + log.back().text;
  }
  parts.test = imputer.transform(parts.test, &log);
  log.back().text = "test: " + log.back().text;
  fitted.imputer = std::move(imputer);
}

// 6a. Encoders fitted on train; numeric features first, encoded last, each in file order.
void fit_encoder(const Table& train, const std::vector<std::string>& features, const PrepareOptions& o,
                 FittedPreprocessing& fitted, StepLog& log) {
  std::vector<std::string> categorical;
  const ColumnIndex index(train);
  for (const auto& name : features) {
    const Column& c = index.column(name);
    fitted.source_columns.push_back({name, c.type});
    (c.type == ColumnType::numeric ? fitted.numeric_features : categorical).push_back(name);
  }
  fitted.encoder = CategoricalEncoder::fit(train, categorical, o.encoder, &log);
  fitted.feature_names = fitted.numeric_features;
  for (const auto& n : fitted.encoder.output_names()) fitted.feature_names.push_back(n);
}

std::string log_scaler(const PrepareOptions& o, const FittedPreprocessing& fitted, Index train_rows, Index features,
                       StepLog& steps) {
  nlohmann::json details = {{"kind", scaler_kind_name(o.scaler)}, {"features", fitted.feature_names}};
  const nlohmann::json sj = fitted.scaler.to_json();
  details["offset"] = sj["offset"];
  details["scale"] = sj["scale"];
  std::vector<std::string> constant;
  for (const Index j : fitted.scaler.constant_features())
    constant.push_back(fitted.feature_names[static_cast<std::size_t>(j)]);
  details["constant_features"] = constant;
  steps.push_back(
      {"scale",
       fmt::format("{} scaler fitted on {} train rows, {} features", scaler_kind_name(o.scaler), train_rows, features),
       details});
  if (constant.empty()) return {};
  constexpr std::size_t kNamed = 5;
  const std::vector<std::string> named(constant.begin(), constant.begin() + std::min(constant.size(), kNamed));
  return fmt::format(
      "{} feature{} constant on the {} train rows, left unscaled (only shifted): "
      "\"{}\"{}",
      constant.size(), constant.size() == 1 ? " is" : "s are", train_rows, fmt::join(named, "\", \""),
      constant.size() > kNamed ? fmt::format(" and {} more", constant.size() - kNamed) : "");
}

// A part's matrix scaled in double, then stored in float32, the type the network trains in: the
// same values as scaling the whole matrix in double and converting it (to_float).
Matrix scaled_float(const Scaler& scaler, MatrixD x) {
  scaler.transform_in_place(x);
  return to_float(x);
}

// 6b-7. The train part's matrix, with the scaler fitted on it (train part only), scaled, in
// float32, built column by column from the part's table, each column freed once converted: a big
// table's train part is never held in double beside its table (the peak of the preparation).
// Bit for bit what fitting on the double matrix and scaled_float give: the fit reads the same
// values per column, and transform_value is transform_in_place's arithmetic.
Matrix scaled_float_train(Table train, const PrepareOptions& o, PreparedData& data, std::string& constant_warning) {
  FittedPreprocessing& fitted = data.preprocessing;
  const Index rows = train.rows();
  const auto n_numeric = static_cast<Index>(fitted.numeric_features.size());
  std::vector<std::vector<double>*> numeric;
  const ColumnIndex index(train);
  for (const std::string& name : fitted.numeric_features) {
    Column& column = train.columns[static_cast<std::size_t>(index.index_of(name))];
    check_finite(train, column);
    numeric.push_back(&column.numbers);
  }
  MatrixD encoded(rows, fitted.encoder.output_count());
  if (encoded.cols() > 0 && rows > 0) encoded = fitted.encoder.transform(train);
  const Index features = n_numeric + encoded.cols();
  const auto value = [&](Index i, Index j) {
    return j < n_numeric ? (*numeric[static_cast<std::size_t>(j)])[static_cast<std::size_t>(i)]
                         : encoded(i, j - n_numeric);
  };
  fitted.scaler = Scaler::fit_columns(
      o.scaler, rows, features,
      [&](Index j, std::vector<double>& values) {
        for (Index i = 0; i < rows; ++i) values[static_cast<std::size_t>(i)] = value(i, j);
      },
      fitted.feature_names);
  constant_warning = log_scaler(o, fitted, rows, features, data.steps);
  Matrix x(rows, features);
  for (Index j = 0; j < features; ++j) {
    for (Index i = 0; i < rows; ++i) x(i, j) = static_cast<float>(fitted.scaler.transform_value(j, value(i, j)));
    if (j < n_numeric) std::vector<double>().swap(*numeric[static_cast<std::size_t>(j)]);
  }
  return x;
}

// 6b-7. The parts' matrices, scaled, in float32, one part at a time; each part's table goes once
// its matrix is made. Levels of validation or test that train lacks are a warning.
void build_scaled_matrices(PartTables& parts, const std::string& source, const PrepareOptions& o, PreparedData& data) {
  const FittedPreprocessing& fitted = data.preprocessing;
  std::string constant_warning;
  data.x_train = scaled_float_train(std::exchange(parts.train, Table{}), o, data, constant_warning);
  std::vector<UnseenLevels> unseen_validation, unseen_test;
  data.x_validation = scaled_float(
      fitted.scaler, build_matrix(parts.validation, fitted.numeric_features, fitted.encoder, &unseen_validation));
  parts.validation = Table{};
  data.x_test =
      scaled_float(fitted.scaler, build_matrix(parts.test, fitted.numeric_features, fitted.encoder, &unseen_test));
  parts.test = Table{};
  warn_unseen_levels(source, std::move(unseen_validation), unseen_test, data.warnings);
  if (!constant_warning.empty()) data.warnings.push_back(constant_warning);
}

void warn_unseen_levels(const std::string& source, std::vector<UnseenLevels> unseen_validation,
                        const std::vector<UnseenLevels>& unseen_test, std::vector<std::string>& warnings) {
  if (unseen_validation.empty() && unseen_test.empty()) return;
  const char* parts_named = unseen_test.empty()         ? "validation split"
                            : unseen_validation.empty() ? "test split"
                                                        : "validation and test splits";
  merge_unseen_levels(unseen_validation, unseen_test);
  warnings.push_back(
      fmt::format("{}: levels the train split does not have, in the {}, encoded as all zeros "
                  "(--unknown-levels error refuses them): {}",
                  source, parts_named, describe_unseen_levels(unseen_validation)));
}

// 7b. Regression: the target scaler fitted on the train split's y (its checks run even when
// scaling is off: a train split of equal values leaves nothing to learn).
void scale_target(const PrepareOptions& o, PreparedData& data) {
  if (o.target_rule.kind != TargetKind::regression) return;
  const TargetScaler fitted = TargetScaler::fit(data.y_train, o.target);
  data.preprocessing.target_scaler = o.scale_target ? fitted : TargetScaler{};
  log_target_scaler(o, data.preprocessing.target_scaler, data.y_train.size(), data.steps);
}

void log_target_scaler(const PrepareOptions& o, const TargetScaler& used, Index train_rows, StepLog& steps) {
  steps.push_back({"scale_target",
                   o.scale_target ? fmt::format("target \"{}\" standardised for training with the {} train rows' "
                                                "mean {:.6g} and std {:.6g}; reported figures stay in its units",
                                                o.target, train_rows, used.mean(), used.scale())
                                  : fmt::format("target \"{}\" not scaled (scale_target off)", o.target),
                   {{"scaled", used.scaled()}, {"mean", used.mean()}, {"std", used.scale()}}});
}

// 4b. A class with rows in the data but none in the train split: the model cannot learn it, and
// its test rows are all wrong. One warning naming the classes (at most five).
void warn_classes_missing_from_train(const Target& target, const PrepareOptions& o, const std::vector<Index>& train,
                                     std::vector<std::string>& warnings) {
  if (target.classes.empty()) return;
  std::vector<std::string> absent;
  for (std::size_t k = 0; k < target.classes.size(); ++k) {
    if (train[k] == 0 && target.class_counts[k] > 0) {
      absent.push_back(fmt::format("\"{}\" ({} row{})", target.classes[k], target.class_counts[k],
                                   target.class_counts[k] == 1 ? "" : "s"));
    }
  }
  if (absent.empty()) return;
  constexpr std::size_t kNamed = 5;
  const std::vector<std::string> named(absent.begin(), absent.begin() + std::min(absent.size(), kNamed));
  const bool one = absent.size() == 1;
  warnings.push_back(
      fmt::format("target \"{}\": {} {}{} {} no row in the train split; the model cannot learn "
                  "{} (a stratified split keeps every class in train)",
                  o.target, one ? "class" : "classes", fmt::join(named, ", "),
                  absent.size() > kNamed ? fmt::format(" and {} more", absent.size() - kNamed) : "",
                  one ? "has" : "have", one ? "it" : "them"));
}

// 9. The summary says what was done with each column: its use and, where values were missing, its
// rule with the rows it dropped (the drop step's missing cells per column) or the cells it filled
// (the impute steps' fills per column, all parts). Counts of missing values cover the used columns.
// `raw_summary` is summarize(raw table, used columns), made before the raw table gave its columns away.
void summarize_handling(DataSummary raw_summary, const std::vector<std::string>& features,
                        const std::vector<std::string>& identifiers, const StepLog& steps,
                        const FittedPreprocessing& preprocessing, DataSummary& s) {
  const std::string& target = preprocessing.target;  // set before this step
  std::optional<TargetSummary> target_summary = std::move(s.target);
  s = std::move(raw_summary);
  s.target = std::move(target_summary);
  std::map<std::string, Index> dropped, filled;
  for (const auto& step : steps) {
    if (step.step == "drop_missing") {
      s.rows_dropped += step.details.at("rows_dropped").get<Index>();
      for (const auto& [name, count] : step.details.at("missing_per_column").items())
        dropped[name] += count.get<Index>();
    } else if (step.step == "impute") {
      s.cells_imputed += step.details.at("cells_filled").get<Index>();
      for (const auto& [name, count] : step.details.at("cells_filled_per_column").items())
        filled[name] += count.get<Index>();
    }
  }
  std::map<std::string, std::string> strategy;
  if (preprocessing.imputer) {
    for (const auto& v : preprocessing.imputer->values())
      strategy[v.column] = std::string(impute_strategy_name(v.strategy));
  }
  const std::set<std::string> feature_set(features.begin(), features.end());
  const std::set<std::string> id_set(identifiers.begin(), identifiers.end());
  for (auto& c : s.columns) {
    c.use = c.name == target               ? "target"
            : feature_set.contains(c.name) ? "feature"
            : id_set.contains(c.name)      ? "identifier"
                                           : "not used";
    if (c.use == "not used" || c.use == "identifier") ++s.unused_columns;
    if (c.missing == 0 || c.use == "not used" || c.use == "identifier") continue;
    if (const auto it = strategy.find(c.name); it != strategy.end()) {
      c.missing_rule = it->second;
      c.imputed = filled[c.name];
    } else {
      c.missing_rule = "drop rows";
      c.rows_dropped = dropped[c.name];
    }
  }
}

// 8. The target's summary: its rule and, for classes, the balance over all rows and per part.
TargetSummary target_summary(const Target& target, const PrepareOptions& o, const PartClassCounts& counts,
                             bool has_validation) {
  TargetSummary ts;
  ts.column = o.target;
  ts.rule = o.target_rule.to_string();
  ts.kind = o.target_rule.kind;
  ts.classes = target.classes;
  if (!target.classes.empty()) {
    ts.all = target.class_counts;
    ts.train = counts.train;
    if (has_validation) ts.validation = counts.validation;
    ts.test = counts.test;
  }
  return ts;
}

// prepare() on a table it may take columns from (`owned`, the same table as `raw`, or null).
PreparedData prepare_table(const Table& raw, Table* owned, const PrepareOptions& o) {
  if (o.target.empty()) throw DataError("prepare: no target column named; expected the option target");
  PreparedData data;  // its summary is made at the end, when the columns' use is known
  StepLog& log = data.steps;

  std::vector<std::string> features = feature_columns(raw, o);
  const std::vector<std::string> identifiers = leave_out_identifiers(raw, o, features, log, data.warnings);
  const MissingPlan missing = plan_missing(raw, features, o);
  // What the steps below need of the raw table, taken before an owned one gives its columns away.
  DataSummary raw_summary = summarize(raw, used_columns(features, o));
  const std::string source = raw.source;
  const Index raw_rows = raw.rows();
  Table table = select_columns(raw, owned, features, o, log);
  table = drop_rows_before_split(std::move(table), source, raw_rows, missing, o, log);
  table = drop_nonfinite_target(std::move(table), o, log, data.warnings);

  // The target over the whole kept table (the rule does not depend on the split).
  const Target target = make_target(table.column(o.target), o.target_rule, source, table.row_labels);
  log_target(target, o, table.rows(), log);

  const PartPositions positions = split_rows(target, table.rows(), o, source, log);
  const bool has_validation = !positions.validation.empty();
  PartTables parts = split_table(std::move(table), positions);
  data.train_rows = parts.train.row_labels;
  data.validation_rows = parts.validation.row_labels;
  data.test_rows = parts.test.row_labels;
  data.y_train = take(target.values, positions.train);
  data.y_validation = take(target.values, positions.validation);
  data.y_test = take(target.values, positions.test);

  FittedPreprocessing& fitted = data.preprocessing;
  fitted.missing = missing.impute.empty() ? MissingPolicy::drop_rows : MissingPolicy::impute;
  if (!missing.impute.empty()) impute_parts(parts, has_validation, missing.impute, o, fitted, log);
  fit_encoder(parts.train, features, o, fitted, log);
  data.feature_names = fitted.feature_names;
  build_scaled_matrices(parts, source, o, data);
  scale_target(o, data);
  if (data.x_train.cols() > data.x_train.rows()) {
    data.warnings.push_back(
        fmt::format("more features ({}) than train rows ({}); the network can fit the train rows "
                    "exactly, so judge it on the test split",
                    data.x_train.cols(), data.x_train.rows()));
  }

  fitted.target = o.target;
  fitted.target_rule = o.target_rule;
  fitted.target_classes = target.classes;
  PartClassCounts counts;
  if (!target.classes.empty()) {
    counts.train = class_counts(data.y_train, target.classes.size());
    counts.validation = class_counts(data.y_validation, target.classes.size());
    counts.test = class_counts(data.y_test, target.classes.size());
  }
  data.summary.target = target_summary(target, o, counts, has_validation);
  summarize_handling(std::move(raw_summary), features, identifiers, data.steps, data.preprocessing, data.summary);
  warn_classes_missing_from_train(target, o, counts.train, data.warnings);
  return data;
}

}  // namespace prepare_steps

using prepare_steps::build_matrix;
using prepare_steps::prepare_table;
using prepare_steps::set_aside_unusable_rows;

PreparedData prepare(const std::filesystem::path& csv, const PrepareOptions& options, const CsvOptions& csv_options) {
  Table raw = read_csv(csv, csv_options);
  StepRecord read{"read_csv",
                  fmt::format("{} rows, {} columns from {}", raw.rows(), raw.cols(), raw.source),
                  {{"rows", raw.rows()}, {"columns", raw.cols()}, {"source", raw.source}}};
  PreparedData data = prepare(std::move(raw), options);
  data.steps.insert(data.steps.begin(), std::move(read));
  return data;
}

PreparedData prepare(const Table& raw, const PrepareOptions& o) { return prepare_table(raw, nullptr, o); }

PreparedData prepare(Table&& raw, const PrepareOptions& o) { return prepare_table(raw, &raw, o); }

CsvOptions FittedPreprocessing::csv_options(CsvOptions base) const {
  for (const auto& c : source_columns) base.column_types[c.name] = c.type;
  base.column_types_may_be_absent = true;  // apply() names the missing ones
  base.lenient_unforced = true;            // the others are not features: a few non-numbers there do not matter
  return base;
}

AppliedData FittedPreprocessing::apply(const Table& raw) const {
  AppliedData out;
  // Columns: all differences in one message.
  std::vector<std::string> problems;
  std::vector<std::string> names;
  const ColumnIndex index(raw);
  for (const auto& c : source_columns) {
    names.push_back(c.name);
    const auto i = index.find(c.name);
    if (!i) {
      problems.push_back(fmt::format("missing column \"{}\"", c.name));
    } else if (raw.columns[static_cast<std::size_t>(*i)].type != c.type) {
      problems.push_back(fmt::format("column \"{}\" is {}, expected {}{}", c.name,
                                     column_type_name(raw.columns[static_cast<std::size_t>(*i)].type),
                                     column_type_name(c.type),
                                     c.type == ColumnType::categorical ? " (read the file with csv_options())" : ""));
    }
  }
  std::vector<std::string> extra;
  const std::unordered_set<std::string_view> known(names.begin(), names.end());
  for (const auto& c : raw.columns) {
    if (c.name != target && !known.contains(c.name)) extra.push_back(c.name);
  }
  if (!problems.empty()) {
    throw DataError(fmt::format(
        "{}: the table does not match the fitted preprocessing: {}{}", raw.source, fmt::join(problems, "; "),
        extra.empty() ? "" : fmt::format("; columns it does not use: \"{}\"", fmt::join(extra, "\", \""))));
  }
  out.steps.push_back({"check_columns",
                       fmt::format("{} feature columns found{}", names.size(),
                                   extra.empty() ? "" : fmt::format("; ignored: \"{}\"", fmt::join(extra, "\", \""))),
                       {{"ignored", extra}}});
  const bool has_target = raw.find(target).has_value();
  std::vector<std::string> used = names;
  if (has_target) used.push_back(target);
  Table table = raw.select(used, "the fitted preprocessing");
  if (imputer) table = imputer->transform(table, &out.steps);
  table = set_aside_unusable_rows(table, names, out);
  out.row_labels = table.row_labels;
  std::vector<UnseenLevels> unseen;
  out.x = build_matrix(table, numeric_features, encoder, &unseen);
  scaler.transform_in_place(out.x);
  if (!unseen.empty()) {
    out.warnings.push_back(
        fmt::format("{}: levels not seen in training, encoded as all zeros (the model was trained "
                    "with --unknown-levels ignore): {}",
                    raw.source, describe_unseen_levels(unseen)));
  }
  if (has_target && table.rows() > 0) {
    const Column& t = table.column(target);
    const bool infinite = target_rule.kind == TargetKind::regression && t.type == ColumnType::numeric &&
                          std::any_of(t.numbers.begin(), t.numbers.end(), [](double v) { return std::isinf(v); });
    if (infinite) {  // as a missing value: x is still scored; y (for metrics) is not computed
      out.steps.push_back(
          {"target", fmt::format("target \"{}\" has an infinite value; y not computed", target), {{"infinite", true}}});
    } else if (t.missing_count() == 0) {
      out.y = make_target(t, target_rule, raw.source, table.row_labels).values;
    } else {
      out.steps.push_back(
          {"target",
           fmt::format("target \"{}\" has {} missing values; y not computed", target, t.missing_count()),
           {{"missing", t.missing_count()}}});
    }
  }
  return out;
}

std::string describe_unscored(const std::vector<UnscoredRow>& unscored) {
  std::map<std::string, Index> counts;
  for (const auto& u : unscored) ++counts[u.reason];
  std::vector<std::pair<std::string, Index>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  constexpr std::size_t kShown = 3;
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < std::min(sorted.size(), kShown); ++i)
    parts.push_back(fmt::format("{}: {} row{}", sorted[i].first, sorted[i].second, sorted[i].second == 1 ? "" : "s"));
  if (sorted.size() > kShown) parts.push_back("...");
  return fmt::format("{}", fmt::join(parts, "; "));
}

nlohmann::json FittedPreprocessing::to_json() const {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& c : source_columns) sources.push_back({{"name", c.name}, {"type", column_type_name(c.type)}});
  nlohmann::json j = {{"format", "lrtune.preprocessing"},
                      {"version", kPreprocessingFormatVersion},
                      {"source_columns", sources},
                      {"numeric_features", numeric_features},
                      {"target", {{"column", target}, {"rule", target_rule.to_json()}, {"classes", target_classes}}},
                      {"missing", missing == MissingPolicy::drop_rows ? "drop_rows" : "impute"},
                      {"encoder", encoder.to_json()},
                      {"scaler", scaler.to_json()},
                      {"feature_names", feature_names}};
  if (imputer) j["imputer"] = imputer->to_json();
  if (target_scaler.scaled()) j["target"]["scaler"] = target_scaler.to_json();
  return j;
}

Matrix to_float(const MatrixD& x) { return x.cast<float>(); }
Vector to_float(const VectorD& y) { return y.cast<float>(); }

}  // namespace lrtune
