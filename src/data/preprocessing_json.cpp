// FittedPreprocessing::from_json: the fitted preprocessing read back from its JSON form (a model
// file's metadata, which anyone can hand over), every field validated against every other before
// anything uses it. Writing the form (to_json) and using it (apply) are preprocessing.cpp's.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "json_fields.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace lrtune {

namespace {

using detail::json_excerpt;  // names in messages: quoted, escaped (a CSV name may hold a line break), cut

// Each source column in exactly one role: a numeric feature when numeric, encoded when
// categorical; the target is none of them. Without this, apply() would look up a feature the
// table does not have (a null column) or read a categorical column as numbers.
void check_roles(const FittedPreprocessing& p) {
  std::map<std::string, ColumnType> types;
  for (std::size_t i = 0; i < p.source_columns.size(); ++i) {
    if (!types.emplace(p.source_columns[i].name, p.source_columns[i].type).second) {
      throw DataError(fmt::format("source_columns[{}] {} is listed twice; expected each column once", i,
                                  json_excerpt(p.source_columns[i].name)));
    }
  }
  if (types.contains(p.target)) {
    throw DataError(
        fmt::format("target.column {} is also a source column; expected the target apart from the "
                    "features",
                    json_excerpt(p.target)));
  }
  std::set<std::string> placed;
  const auto place = [&](const std::string& name, ColumnType type, const std::string& where) {
    const auto it = types.find(name);
    if (it == types.end()) {
      throw DataError(fmt::format("{} {} is not among source_columns", where, json_excerpt(name)));
    }
    if (it->second != type) {
      throw DataError(fmt::format("{} {} is a {} source column; expected {}", where, json_excerpt(name),
                                  column_type_name(it->second),
                                  type == ColumnType::numeric ? "numeric_features to name numeric columns only"
                                                              : "the encoder to encode categorical columns only"));
    }
    if (!placed.insert(name).second) {
      throw DataError(
          fmt::format("{} {} already has a role; expected each column in exactly one", where, json_excerpt(name)));
    }
  };
  for (std::size_t i = 0; i < p.numeric_features.size(); ++i) {
    place(p.numeric_features[i], ColumnType::numeric, fmt::format("numeric_features[{}]", i));
  }
  for (std::size_t i = 0; i < p.encoder.encodings().size(); ++i) {
    place(p.encoder.encodings()[i].column, ColumnType::categorical, fmt::format("encoder.columns[{}].column", i));
  }
  for (const auto& c : p.source_columns) {
    if (!placed.contains(c.name)) {
      throw DataError(fmt::format("source column {} has no role; expected it in numeric_features or the encoder",
                                  json_excerpt(c.name)));
    }
  }
}

// x's columns: numeric_features, then the encoder's outputs, each scaled.
void check_features(const FittedPreprocessing& p) {
  std::vector<std::string> expected = p.numeric_features;
  for (const auto& name : p.encoder.output_names()) expected.push_back(name);
  if (p.feature_names.size() != expected.size()) {
    throw DataError(
        fmt::format("feature_names has {} names; expected {} (the {} numeric features, then the {} "
                    "encoder outputs)",
                    p.feature_names.size(), expected.size(), p.numeric_features.size(), p.encoder.output_count()));
  }
  const auto [got, want] = std::mismatch(p.feature_names.begin(), p.feature_names.end(), expected.begin());
  if (got != p.feature_names.end()) {
    throw DataError(
        fmt::format("feature_names[{}] is {}; expected {} (the numeric features, then the "
                    "encoder outputs, in order)",
                    got - p.feature_names.begin(), json_excerpt(*got), json_excerpt(*want)));
  }
  if (p.scaler.offset().size() != static_cast<Index>(expected.size())) {
    throw DataError(fmt::format("scaler has {} offsets and scales; expected one per feature ({})",
                                p.scaler.offset().size(), expected.size()));
  }
}

// The imputer (with missing "impute" only) fills source columns, each once, with its own type's value.
void check_imputer(const FittedPreprocessing& p) {
  if (p.missing == MissingPolicy::drop_rows) {
    if (p.imputer) throw DataError("imputer is present but missing is \"drop_rows\"; expected no imputer");
    return;
  }
  if (!p.imputer) throw DataError("missing is \"impute\" but there is no imputer; expected one");
  std::map<std::string, ColumnType> types;
  for (const auto& c : p.source_columns) types.emplace(c.name, c.type);
  std::set<std::string> filled;
  const auto& values = p.imputer->values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const ImputeValue& v = values[i];
    const auto it = types.find(v.column);
    const std::string where = fmt::format("imputer[{}] (column {})", i, json_excerpt(v.column));
    if (it == types.end()) throw DataError(where + " is not a source column");
    if (it->second != v.type) {
      throw DataError(fmt::format("{} is {}; expected {} as the source column", where, column_type_name(v.type),
                                  column_type_name(it->second)));
    }
    if (!filled.insert(v.column).second) throw DataError(where + " is listed twice");
    if (v.type == ColumnType::numeric && !std::isfinite(v.number)) {
      throw DataError(fmt::format("{} fills {}; expected a finite number", where, v.number));
    }
    if (v.type == ColumnType::categorical &&
        (v.strategy == ImputeStrategy::mean || v.strategy == ImputeStrategy::median)) {
      throw DataError(fmt::format("{} has strategy {} on a categorical column; expected most_frequent or constant",
                                  where, impute_strategy_name(v.strategy)));
    }
  }
  // Per-column missing-value rules fill some columns and drop the incomplete rows of the others.
  if (filled.empty()) throw DataError("imputer fills no column; expected at least one source column");
}

// The classes make_target gives: 2 for a binary rule, at least 2 distinct for multiclass, none
// for regression; a comparison's threshold is finite (as TargetRule::parse requires); a target
// scaler for regression only.
void check_target(const FittedPreprocessing& p) {
  const std::size_t n = p.target_classes.size();
  const TargetKind kind = p.target_rule.kind;
  const bool ok = kind == TargetKind::binary ? n == 2
                  : kind == TargetKind::multiclass
                      ? n >= 2 && std::set<std::string>(p.target_classes.begin(), p.target_classes.end()).size() == n
                      : n == 0;
  if (!ok) {
    throw DataError(fmt::format("target.classes has {} entries; expected {} for a {} target", n,
                                kind == TargetKind::binary       ? "2"
                                : kind == TargetKind::multiclass ? "at least 2, distinct,"
                                                                 : "none",
                                target_kind_name(kind)));
  }
  if (p.target_scaler.scaled() && kind != TargetKind::regression) {
    throw DataError(fmt::format("target.scaler is present for a {} target; expected it for a regression target only",
                                target_kind_name(kind)));
  }
  if (p.target_rule.op && !std::isfinite(p.target_rule.threshold)) {
    throw DataError(fmt::format("target.rule.threshold is {}; expected a finite number", p.target_rule.threshold));
  }
}

// TargetRule::from_json turns "op" into an operator by parsing op + "0": anything but the six
// operators would leave it without one (an empty optional dereferenced). Checked here first.
const nlohmann::json& checked_rule_json(const nlohmann::json& target) {
  using namespace detail;
  const auto& rule = json_member(target, "rule", "target");
  (void)json_text(json_member(rule, "kind", "target.rule"), "target.rule.kind");
  if (const auto op = rule.find("op"); op != rule.end()) {
    constexpr std::string_view kOps[] = {">=", ">", "<=", "<", "==", "!="};
    if (!op->is_string() || std::find(std::begin(kOps), std::end(kOps), op->get<std::string>()) == std::end(kOps)) {
      bad_json_field("target.rule.op", *op, "one of >=, >, <=, <, ==, !=");
    }
    (void)json_finite_number(json_member(rule, "threshold", "target.rule"), "target.rule.threshold");
  }
  return rule;
}

// Reads a part with its own from_json; a JSON type error there is named by the part's key.
template <typename F>
auto read_part(std::string_view key, F&& read) {
  try {
    return read();
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: {}", key, e.what()));
  }
}

}  // namespace

FittedPreprocessing FittedPreprocessing::from_json(const nlohmann::json& j) {
  using namespace detail;
  try {
    const std::string root = "preprocessing";
    if (json_text(json_member(j, "format", root), "format") != "lrtune.preprocessing") {
      bad_json_field("format", j.at("format"), "\"lrtune.preprocessing\"");
    }
    const auto& version = json_member(j, "version", root);
    if (!version.is_number_integer() || version.get<std::int64_t>() != kPreprocessingFormatVersion) {
      bad_json_field("version", version,
                     fmt::format("{} (the version this lrtune reads)", kPreprocessingFormatVersion));
    }
    FittedPreprocessing p;
    const auto& sources =
        json_array(json_member(j, "source_columns", root), "source_columns", static_cast<std::size_t>(kMaxCsvColumns));
    if (sources.empty()) throw DataError("source_columns is empty; expected at least one feature column");
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const std::string path = fmt::format("source_columns[{}]", i);
      const std::string name = json_name(json_member(sources[i], "name", path), path + ".name");
      const std::string type = json_text(json_member(sources[i], "type", path), path + ".type");
      if (type != "numeric" && type != "categorical") {
        bad_json_field(path + ".type", sources[i].at("type"), "\"numeric\" or \"categorical\"");
      }
      p.source_columns.push_back({name, column_type_from_name(type)});
    }
    p.numeric_features = json_names(json_member(j, "numeric_features", root), "numeric_features");
    const auto& target = json_member(j, "target", root);
    p.target = json_name(json_member(target, "column", "target"), "target.column");
    p.target_rule = read_part("target.rule", [&] { return TargetRule::from_json(checked_rule_json(target)); });
    p.target_classes = json_names(json_member(target, "classes", "target"), "target.classes", true);
    if (const auto scaler = target.find("scaler"); scaler != target.end()) {
      p.target_scaler = TargetScaler::from_json(*scaler);
    }
    const auto missing = json_text(json_member(j, "missing", root), "missing");
    if (missing != "drop_rows" && missing != "impute") {
      bad_json_field("missing", j.at("missing"), "\"drop_rows\" or \"impute\"");
    }
    p.missing = missing == "drop_rows" ? MissingPolicy::drop_rows : MissingPolicy::impute;
    if (j.contains("imputer")) p.imputer = read_part("imputer", [&] { return Imputer::from_json(j.at("imputer")); });
    p.encoder = CategoricalEncoder::from_json(json_member(j, "encoder", root));
    p.scaler = Scaler::from_json(json_member(j, "scaler", root));
    p.feature_names = json_names(json_member(j, "feature_names", root), "feature_names");
    check_roles(p);
    check_features(p);
    check_imputer(p);
    check_target(p);
    return p;
  } catch (const DataError& e) {
    throw DataError(fmt::format("preprocessing JSON: {}", e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("preprocessing JSON: {}", e.what()));
  }
}

}  // namespace lrtune
