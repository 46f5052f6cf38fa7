// Private to finder: JSON for doubles that may be NaN or infinite (JSON has neither),
// written as the strings "nan", "inf", "-inf" and read back exactly.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune::detail {

inline nlohmann::json number_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

inline double number_from_json(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw UsageError("expected a number or \"nan\"/\"inf\"/\"-inf\", got " + j.dump());
}

// Equality of values in which NaN equals NaN (for the result types' operator==).
inline bool same_number(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

inline bool same_numbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_number(a[i], b[i])) return false;
  return true;
}

inline nlohmann::json numbers_to_json(const std::vector<double>& values) {
  auto out = nlohmann::json::array();
  for (double v : values) out.push_back(number_to_json(v));
  return out;
}

inline std::vector<double> numbers_from_json(const nlohmann::json& j) {
  std::vector<double> out;
  out.reserve(j.size());
  for (const auto& v : j) out.push_back(number_from_json(v));
  return out;
}

}  // namespace lrtune::detail
