// Look-ups between the names users type ("relu", "adam", "binary_crossentropy") and enum
// values, over one constexpr table per enum, with error messages that list the valid names.
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "lrtune/core/error.hpp"

namespace lrtune {

template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<std::string_view, Enum>, N>;

// "a, b, c": every name of the table (aliases included), in table order.
template <typename Enum, std::size_t N>
std::string joined_names(const NameTable<Enum, N>& table) {
  std::string names;
  for (const auto& [name, value] : table) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

// The value named `name`; throws UsageError "unknown <what> '<name>'; valid: ...".
template <typename Enum, std::size_t N>
Enum value_from_name(const NameTable<Enum, N>& table, std::string_view name, std::string_view what) {
  for (const auto& [known, value] : table) {
    if (known == name) return value;
  }
  throw UsageError("unknown " + std::string(what) + " '" + std::string(name) + "'; valid: " + joined_names(table));
}

// The value named `name`, if the table has it (callers that throw their own error type).
template <typename Enum, std::size_t N>
std::optional<Enum> find_value(const NameTable<Enum, N>& table, std::string_view name) {
  for (const auto& [known, value] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

// The first name of `value` in the table (the canonical one when aliases follow it).
template <typename Enum, std::size_t N>
std::string_view name_of_value(const NameTable<Enum, N>& table, Enum value, std::string_view what) {
  for (const auto& [name, known] : table) {
    if (known == value) return name;
  }
  throw UsageError("invalid " + std::string(what) + " value");
}

}  // namespace lrtune
