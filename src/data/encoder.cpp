// Binary and one-hot encodings of categorical columns, levels fixed at fit time.
#include "lrtune/data/encoder.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "json_fields.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

const Column& categorical_column(const Table& table, const std::string& name, std::string_view option) {
  const Column& c = table.columns[static_cast<std::size_t>(table.index_of(name, option))];
  if (c.type != ColumnType::kCategorical) {
    throw DataError(fmt::format("{}: column \"{}\" is numeric; the encoder expects a categorical column", table.source,
                                name));
  }
  return c;
}

}  // namespace

CategoricalEncoder CategoricalEncoder::fit(const Table& train, const std::vector<std::string>& columns,
                                           const EncoderOptions& options, StepLog* log) {
  for (const auto& [name, level] : options.positive_level) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      throw DataError(fmt::format("unknown column \"{}\" named in encoder positive_level; encoded columns are: \"{}\"",
                                  name, fmt::join(columns, "\", \"")));
    }
  }
  for (const auto& [name, output] : options.binary_name) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      throw DataError(fmt::format("unknown column \"{}\" named in encoder binary_name; encoded columns are: \"{}\"",
                                  name, fmt::join(columns, "\", \"")));
    }
  }
  CategoricalEncoder encoder;
  encoder.unknown_ = options.unknown;
  nlohmann::json details = nlohmann::json::object();
  for (const auto& name : columns) {
    const Column& column = categorical_column(train, name, "encoder");
    if (const Index m = column.missing_count(); m > 0) {
      throw DataError(fmt::format("{}: column \"{}\" has {} missing values; drop or impute them before encoding",
                                  train.source, name, m));
    }
    CategoricalEncoding e;
    e.column = name;
    e.levels = column.levels();
    e.binary = e.levels.size() == 2;
    const auto positive = options.positive_level.find(name);
    const auto binary_name = options.binary_name.find(name);
    if (e.binary) {
      e.positive_level = positive != options.positive_level.end() ? positive->second : e.levels.back();
      if (std::find(e.levels.begin(), e.levels.end(), e.positive_level) == e.levels.end()) {
        throw DataError(fmt::format("{}: positive level \"{}\" of column \"{}\" is not among its levels \"{}\"",
                                    train.source, e.positive_level, name, fmt::join(e.levels, "\", \"")));
      }
      e.output_names = {binary_name != options.binary_name.end() ? binary_name->second
                                                                 : name + "_" + e.positive_level};
    } else {
      if (positive != options.positive_level.end() || binary_name != options.binary_name.end()) {
        throw DataError(fmt::format("{}: column \"{}\" has {} levels; positive_level and binary_name apply to "
                                    "two-level columns only",
                                    train.source, name, e.levels.size()));
      }
      for (const auto& level : e.levels) e.output_names.push_back(name + "_" + level);
    }
    details[name] = {{"levels", e.levels},
                     {"encoding", e.binary ? "binary" : "one-hot"},
                     {"outputs", e.output_names}};
    if (e.binary) details[name]["positive_level"] = e.positive_level;
    encoder.encodings_.push_back(std::move(e));
  }
  if (log != nullptr) {
    std::vector<std::string> parts;
    for (const auto& e : encoder.encodings_) {
      parts.push_back(e.binary ? fmt::format("\"{}\" -> {} (1 for \"{}\")", e.column, e.output_names[0], e.positive_level)
                               : fmt::format("\"{}\" -> {} one-hot columns", e.column, e.output_names.size()));
    }
    log->push_back({"encode_fit",
                    parts.empty() ? "no categorical features" : fmt::format("{}", fmt::join(parts, "; ")), details});
  }
  return encoder;
}

Index CategoricalEncoder::output_count() const {
  Index n = 0;
  for (const auto& e : encodings_) n += static_cast<Index>(e.output_names.size());
  return n;
}

std::vector<std::string> CategoricalEncoder::output_names() const {
  std::vector<std::string> names;
  for (const auto& e : encodings_) names.insert(names.end(), e.output_names.begin(), e.output_names.end());
  return names;
}

MatrixD CategoricalEncoder::transform(const Table& table) const {
  MatrixD out = MatrixD::Zero(table.rows(), output_count());  // (rows, outputs)
  Index offset = 0;
  for (const auto& e : encodings_) {
    const Column& column = categorical_column(table, e.column, "the fitted encoder");
    for (Index r = 0; r < table.rows(); ++r) {
      if (column.is_missing(r)) {
        throw DataError(fmt::format("{}: row {} (file data row {}), column \"{}\": missing value; drop or impute it "
                                    "before encoding",
                                    table.source, r, table.row_labels[static_cast<std::size_t>(r)], e.column));
      }
      const std::string& value = column.strings[static_cast<std::size_t>(r)];
      const auto it = std::lower_bound(e.levels.begin(), e.levels.end(), value);
      if (it == e.levels.end() || *it != value) {
        if (unknown_ == UnknownLevel::kAllZero) continue;
        throw DataError(fmt::format("{}: file data row {}, column \"{}\": level \"{}\" was not seen at fit time; "
                                    "expected one of \"{}\"",
                                    table.source, table.row_labels[static_cast<std::size_t>(r)], e.column, value,
                                    fmt::join(e.levels, "\", \"")));
      }
      if (e.binary) {
        out(r, offset) = value == e.positive_level ? 1.0 : 0.0;
      } else {
        out(r, offset + static_cast<Index>(it - e.levels.begin())) = 1.0;
      }
    }
    offset += static_cast<Index>(e.output_names.size());
  }
  return out;
}

nlohmann::json CategoricalEncoder::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& e : encodings_) {
    nlohmann::json j = {{"column", e.column}, {"levels", e.levels}, {"binary", e.binary}, {"outputs", e.output_names}};
    if (e.binary) j["positive_level"] = e.positive_level;
    columns.push_back(j);
  }
  return {{"unknown", unknown_ == UnknownLevel::kError ? "error" : "all_zero"}, {"columns", columns}};
}

namespace {

// One encoding read and checked on its own: levels sorted and distinct (transform finds a level's
// output by its sorted position), a binary encoding has 2 levels, 1 output and its positive level
// among them, a one-hot encoding one output per level. Anything else would write outside the
// encoded block or silently give a level another level's column.
CategoricalEncoding encoding_from_json(const nlohmann::json& j, const std::string& path) {
  using namespace detail;
  CategoricalEncoding e;
  e.column = json_name(json_member(j, "column", path), path + ".column");
  e.levels = json_names(json_member(j, "levels", path), path + ".levels", true);
  e.binary = json_bool(json_member(j, "binary", path), path + ".binary");
  e.output_names = json_names(json_member(j, "outputs", path), path + ".outputs");
  if (e.levels.empty()) throw DataError(fmt::format("{}.levels is empty; expected at least one level", path));
  if (const auto it = std::adjacent_find(e.levels.begin(), e.levels.end(), std::greater_equal<>());
      it != e.levels.end()) {
    const auto k = static_cast<std::size_t>(it - e.levels.begin()) + 1;
    throw DataError(fmt::format("{}.levels[{}] is {} after {}; expected the levels sorted and distinct", path, k,
                                json_excerpt(e.levels[k]), json_excerpt(e.levels[k - 1])));
  }
  const std::size_t expected_outputs = e.binary ? 1 : e.levels.size();
  if (e.binary && e.levels.size() != 2) {
    throw DataError(fmt::format("{} is binary with {} levels; expected a binary encoding to have exactly 2", path,
                                e.levels.size()));
  }
  if (e.output_names.size() != expected_outputs) {
    throw DataError(fmt::format("{} has {} levels and {} output{}; expected {} output{} ({})", path, e.levels.size(),
                                e.output_names.size(), e.output_names.size() == 1 ? "" : "s", expected_outputs,
                                expected_outputs == 1 ? "" : "s",
                                e.binary ? "binary: one 0/1 column" : "one-hot: one per level"));
  }
  if (e.binary) {
    e.positive_level = json_name(json_member(j, "positive_level", path), path + ".positive_level", true);
    if (!std::binary_search(e.levels.begin(), e.levels.end(), e.positive_level)) {
      throw DataError(fmt::format("{}.positive_level {} is not among its levels", path, json_excerpt(e.positive_level)));
    }
  }
  return e;
}

}  // namespace

CategoricalEncoder CategoricalEncoder::from_json(const nlohmann::json& json) {
  using namespace detail;
  CategoricalEncoder encoder;
  const auto unknown = json_text(json_member(json, "unknown", "encoder"), "encoder.unknown");
  if (unknown != "error" && unknown != "all_zero") {
    bad_json_field("encoder.unknown", json.at("unknown"), "\"error\" or \"all_zero\"");
  }
  encoder.unknown_ = unknown == "error" ? UnknownLevel::kError : UnknownLevel::kAllZero;
  const auto& columns = json_array(json_member(json, "columns", "encoder"), "encoder.columns",
                                   std::numeric_limits<std::size_t>::max());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string path = fmt::format("encoder.columns[{}]", i);
    CategoricalEncoding e = encoding_from_json(columns[i], path);
    if (!seen.insert(e.column).second) {
      throw DataError(fmt::format("{}.column {} is encoded twice; expected each column once", path,
                                  detail::json_excerpt(e.column)));
    }
    encoder.encodings_.push_back(std::move(e));
  }
  return encoder;
}

}  // namespace lrtune
