// Binary and one-hot encodings of categorical columns, levels fixed at fit time; unseen
// levels refused or encoded as all zeros and collected for the caller to report.
#include "lrtune/data/encoder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <functional>
#include <limits>
#include <set>

#include "json_fields.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

const Column& categorical_column(const Table& table, const ColumnIndex& index, const std::string& name,
                                 std::string_view option) {
  const Column& c = index.column(name, option);
  if (c.type != ColumnType::categorical) {
    throw DataError(
        fmt::format("{}: column \"{}\" is numeric; the encoder expects a categorical column", table.source, name));
  }
  return c;
}

// Warnings and errors name at most this many levels, then "...": a column of IDs can hold
// thousands, and the line must stay one readable line.
constexpr std::size_t kNamedLevels = 3;
constexpr std::size_t kListedFitLevels = 10;

// A level as a message shows it: quoted, line breaks escaped (the message is one line), long
// ones cut at 40 bytes.
std::string shown(std::string_view level) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (char c : level.substr(0, kMax)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out + (level.size() > kMax ? "...\"" : "\"");
}

void note_unseen(UnseenLevels& met, const std::string& value) {
  ++met.rows;
  if (std::find(met.levels.begin(), met.levels.end(), value) != met.levels.end()) return;
  if (met.levels.size() < kNamedLevels)
    met.levels.push_back(value);
  else
    met.more_levels = true;
}

[[noreturn]] void unseen_level_error(const Table& table, Index r, const CategoricalEncoding& e,
                                     const std::string& value) {
  const std::size_t listed = std::min(e.levels.size(), kListedFitLevels);
  std::vector<std::string> named;
  for (std::size_t i = 0; i < listed; ++i) named.push_back(shown(e.levels[i]));
  throw DataError(fmt::format(
      "{}: file data row {}, column \"{}\": level {} was not seen at fit time; "
      "expected one of {}{} (--unknown-levels ignore would encode it as all zeros)",
      table.source, table.row_labels[static_cast<std::size_t>(r)], e.column, shown(value), fmt::join(named, ", "),
      listed < e.levels.size() ? fmt::format(", ... ({} levels)", e.levels.size()) : ""));
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
  const ColumnIndex index(train);
  for (const auto& name : columns) {
    const Column& column = categorical_column(train, index, name, "encoder");
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
      e.output_names = {binary_name != options.binary_name.end() ? binary_name->second : name + "_" + e.positive_level};
    } else {
      if (positive != options.positive_level.end() || binary_name != options.binary_name.end()) {
        throw DataError(
            fmt::format("{}: column \"{}\" has {} levels; positive_level and binary_name apply to "
                        "two-level columns only",
                        train.source, name, e.levels.size()));
      }
      for (const auto& level : e.levels) e.output_names.push_back(fmt::format("{}_{}", name, level));
    }
    details[name] = {{"levels", e.levels}, {"encoding", e.binary ? "binary" : "one-hot"}, {"outputs", e.output_names}};
    if (e.binary) details[name]["positive_level"] = e.positive_level;
    encoder.encodings_.push_back(std::move(e));
  }
  if (log != nullptr) {
    std::vector<std::string> parts;
    for (const auto& e : encoder.encodings_) {
      parts.push_back(e.binary
                          ? fmt::format("\"{}\" -> {} (1 for \"{}\")", e.column, e.output_names[0], e.positive_level)
                          : fmt::format("\"{}\" -> {} one-hot columns", e.column, e.output_names.size()));
    }
    log->push_back(
        {"encode_fit", parts.empty() ? "no categorical features" : fmt::format("{}", fmt::join(parts, "; ")), details});
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

MatrixD CategoricalEncoder::transform(const Table& table, std::vector<UnseenLevels>* unseen) const {
  MatrixD out = MatrixD::Zero(table.rows(), output_count());  // (rows, outputs)
  Index offset = 0;
  const ColumnIndex index(table);
  for (const auto& e : encodings_) {
    const Column& column = categorical_column(table, index, e.column, "the fitted encoder");
    UnseenLevels met{e.column, 0, {}, false};
    for (Index r = 0; r < table.rows(); ++r) {
      if (column.is_missing(r)) {
        throw DataError(
            fmt::format("{}: row {} (file data row {}), column \"{}\": missing value; drop or impute it "
                        "before encoding",
                        table.source, r, table.row_labels[static_cast<std::size_t>(r)], e.column));
      }
      const std::string& value = column.strings[static_cast<std::size_t>(r)];
      const auto it = std::lower_bound(e.levels.begin(), e.levels.end(), value);
      if (it == e.levels.end() || *it != value) {
        if (unknown_ == UnknownLevel::error) unseen_level_error(table, r, e, value);
        note_unseen(met, value);
        continue;  // all zeros
      }
      if (e.binary) {
        out(r, offset) = value == e.positive_level ? 1.0 : 0.0;
      } else {
        out(r, offset + static_cast<Index>(it - e.levels.begin())) = 1.0;
      }
    }
    if (met.rows > 0 && unseen != nullptr) unseen->push_back(std::move(met));
    offset += static_cast<Index>(e.output_names.size());
  }
  return out;
}

void merge_unseen_levels(std::vector<UnseenLevels>& into, const std::vector<UnseenLevels>& more) {
  for (const auto& m : more) {
    auto it = std::find_if(into.begin(), into.end(), [&](const UnseenLevels& u) { return u.column == m.column; });
    if (it == into.end()) {
      into.push_back(m);
      continue;
    }
    it->rows += m.rows;
    it->more_levels = it->more_levels || m.more_levels;
    for (const auto& level : m.levels) {
      if (std::find(it->levels.begin(), it->levels.end(), level) != it->levels.end()) continue;
      if (it->levels.size() < kNamedLevels)
        it->levels.push_back(level);
      else
        it->more_levels = true;
    }
  }
}

std::string describe_unseen_levels(const std::vector<UnseenLevels>& unseen) {
  std::vector<std::string> parts;
  for (const auto& u : unseen) {
    std::vector<std::string> quoted;
    for (const auto& level : u.levels) quoted.push_back(shown(level));
    if (u.more_levels) quoted.push_back("...");
    parts.push_back(fmt::format("column \"{}\" in {} row{} ({})", u.column, u.rows, u.rows == 1 ? "" : "s",
                                fmt::join(quoted, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

nlohmann::json CategoricalEncoder::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& e : encodings_) {
    nlohmann::json j = {{"column", e.column}, {"levels", e.levels}, {"binary", e.binary}, {"outputs", e.output_names}};
    if (e.binary) j["positive_level"] = e.positive_level;
    columns.push_back(j);
  }
  return {{"unknown", unknown_ == UnknownLevel::error ? "error" : "all_zero"}, {"columns", columns}};
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
      throw DataError(
          fmt::format("{}.positive_level {} is not among its levels", path, json_excerpt(e.positive_level)));
    }
  }
  return e;
}

}  // namespace

CategoricalEncoder CategoricalEncoder::from_json(const nlohmann::json& json) {
  using namespace detail;
  CategoricalEncoder encoder;
  // Absent (hand-written files; lrtune always writes it): the old and strict rule.
  const auto unknown = json.is_object() && !json.contains("unknown")
                           ? std::string("error")
                           : json_text(json_member(json, "unknown", "encoder"), "encoder.unknown");
  if (unknown != "error" && unknown != "all_zero") {
    bad_json_field("encoder.unknown", json.at("unknown"), "\"error\" or \"all_zero\"");
  }
  encoder.unknown_ = unknown == "error" ? UnknownLevel::error : UnknownLevel::all_zero;
  const auto& columns =
      json_array(json_member(json, "columns", "encoder"), "encoder.columns", std::numeric_limits<std::size_t>::max());
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
