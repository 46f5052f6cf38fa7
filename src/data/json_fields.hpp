// Reading the fitted preprocessing's JSON form one field at a time (used by the from_json of the
// preprocessing, the encoder and the scaler): each helper names the field by its path, e.g.
// encoder.columns[1].levels, and says what was expected, so a tampered model file gives one clear
// line instead of nlohmann's "type must be number, but is null". Consistency between fields is
// the callers' business.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lrtune/data/error.hpp"

namespace lrtune::detail {

// A value as the message shows it: compact JSON, cut after 40 characters (a hostile file may hold
// megabytes in one field).
inline std::string json_excerpt(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

[[noreturn]] inline void bad_json_field(const std::string& path, const nlohmann::json& value,
                                        std::string_view expected) {
  throw DataError(fmt::format("{} is {}; expected {}", path, json_excerpt(value), expected));
}

inline const nlohmann::json& json_member(const nlohmann::json& object, std::string_view key, const std::string& path) {
  if (!object.is_object()) bad_json_field(path, object, "a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) throw DataError(fmt::format("{} lacks \"{}\"", path, key));
  return *it;
}

inline std::string json_text(const nlohmann::json& value, const std::string& path) {
  if (!value.is_string()) bad_json_field(path, value, "a string");
  return value.get<std::string>();
}

// A name (column, feature; a level when may_be_empty) as a CSV can hold it: no NUL byte, and not
// empty (the reader names an empty header cell "Unnamed: <i>"; an empty cell can be a level).
inline std::string json_name(const nlohmann::json& value, const std::string& path, bool may_be_empty = false) {
  std::string text = json_text(value, path);
  if ((text.empty() && !may_be_empty) || text.find('\0') != std::string::npos) {
    bad_json_field(path, value, may_be_empty ? "a string without NUL" : "a non-empty name without NUL");
  }
  return text;
}

inline bool json_bool(const nlohmann::json& value, const std::string& path) {
  if (!value.is_boolean()) bad_json_field(path, value, "true or false");
  return value.get<bool>();
}

// NaN and infinity are written as null (and a parsed 1e999 is a parse error), but a json built
// in memory can hold them.
inline double json_finite_number(const nlohmann::json& value, const std::string& path) {
  if (!value.is_number() || !std::isfinite(value.get<double>())) bad_json_field(path, value, "a finite number");
  return value.get<double>();
}

inline const nlohmann::json& json_array(const nlohmann::json& value, const std::string& path, std::size_t max_size) {
  if (!value.is_array()) bad_json_field(path, value, "an array");
  if (value.size() > max_size) {
    throw DataError(fmt::format("{} has {} entries; expected at most {}", path, value.size(), max_size));
  }
  return value;
}

// The element paths are formatted only for a message: a level list may hold a million entries.
inline std::vector<std::string> json_names(const nlohmann::json& value, const std::string& path,
                                           bool may_be_empty = false) {
  std::vector<std::string> out;
  out.reserve(json_array(value, path, std::numeric_limits<std::size_t>::max()).size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto* text = value[i].get_ptr<const std::string*>();
    const bool ok = text != nullptr && (may_be_empty || !text->empty()) && text->find('\0') == std::string::npos;
    out.push_back(ok ? *text : json_name(value[i], fmt::format("{}[{}]", path, i), may_be_empty));
  }
  return out;
}

inline std::vector<double> json_finite_numbers(const nlohmann::json& value, const std::string& path) {
  std::vector<double> out;
  out.reserve(json_array(value, path, std::numeric_limits<std::size_t>::max()).size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const bool ok = value[i].is_number() && std::isfinite(value[i].get<double>());
    out.push_back(ok ? value[i].get<double>() : json_finite_number(value[i], fmt::format("{}[{}]", path, i)));
  }
  return out;
}

}  // namespace lrtune::detail
