// Typed columns and row/column selection of a parsed table.
#include "lrtune/data/table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_set>

#include "lrtune/core/name_table.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {
constexpr NameTable<ColumnType, 2> kColumnTypes{
    {{"numeric", ColumnType::numeric}, {"categorical", ColumnType::categorical}}};
}  // namespace

std::string_view column_type_name(ColumnType type) { return name_of_value(kColumnTypes, type, "column type"); }

ColumnType column_type_from_name(std::string_view text) {
  if (const auto t = find_value(kColumnTypes, text)) return *t;
  throw DataError(fmt::format("column type \"{}\": expected \"numeric\" or \"categorical\"", text));
}

Index Column::size() const { return static_cast<Index>(type == ColumnType::numeric ? numbers.size() : strings.size()); }

bool Column::is_missing(Index row) const {
  const auto r = static_cast<std::size_t>(row);
  return type == ColumnType::numeric ? std::isnan(numbers[r]) : missing[r] != 0;
}

Index Column::missing_count() const {
  if (type == ColumnType::numeric) {
    return static_cast<Index>(std::count_if(numbers.begin(), numbers.end(), [](double v) { return std::isnan(v); }));
  }
  return static_cast<Index>(std::count(missing.begin(), missing.end(), std::uint8_t{1}));
}

std::vector<std::string> Column::levels() const {
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (missing[i] == 0) distinct.insert(strings[i]);
  }
  return {distinct.begin(), distinct.end()};
}

std::vector<std::string> Table::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) names.push_back(c.name);
  return names;
}

std::optional<Index> Table::find(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<Index>(i);
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void unknown_column(const Table& table, std::string_view name, std::string_view option) {
  throw DataError(fmt::format("{}: unknown column \"{}\" named in {}; expected one of: \"{}\"", table.source, name,
                              option, fmt::join(table.column_names(), "\", \"")));
}

}  // namespace

Index Table::index_of(std::string_view name, std::string_view option) const {
  if (auto i = find(name)) return *i;
  unknown_column(*this, name, option);
}

namespace {

// The positions of the named columns, each named once; an unknown or repeated name is an error.
std::vector<std::size_t> selected_positions(const Table& table, const std::vector<std::string>& names,
                                            std::string_view option) {
  const ColumnIndex index(table);
  std::vector<std::size_t> positions;
  positions.reserve(names.size());
  std::unordered_set<std::string_view> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) {
      throw DataError(fmt::format("{}: column \"{}\" named twice in {}", table.source, name, option));
    }
    positions.push_back(static_cast<std::size_t>(index.index_of(name, option)));
  }
  return positions;
}

}  // namespace

Table Table::select(const std::vector<std::string>& names, std::string_view option) const& {
  const std::vector<std::size_t> positions = selected_positions(*this, names, option);
  Table out;
  out.source = source;
  out.row_labels = row_labels;
  out.columns.reserve(positions.size());
  for (const std::size_t p : positions) out.columns.push_back(columns[p]);
  return out;
}

Table Table::select(const std::vector<std::string>& names, std::string_view option) && {
  const std::vector<std::size_t> positions = selected_positions(*this, names, option);
  Table out;
  out.source = source;
  out.row_labels = std::move(row_labels);
  out.columns.reserve(positions.size());
  for (const std::size_t p : positions) out.columns.push_back(std::move(columns[p]));
  columns.clear();  // what is left of this table goes with it: no half-moved columns to misread
  return out;
}

Table Table::drop(const std::vector<std::string>& names, std::string_view option) const {
  const ColumnIndex index(*this);
  std::set<Index> dropped;
  for (const auto& name : names) dropped.insert(index.index_of(name, option));
  Table out;
  out.source = source;
  out.row_labels = row_labels;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!dropped.contains(static_cast<Index>(i))) out.columns.push_back(columns[i]);
  }
  return out;
}

Column Column::take(const std::vector<Index>& positions) const {
  Column n;
  n.name = name;
  n.type = type;
  if (type == ColumnType::numeric) {
    n.numbers.reserve(positions.size());
    for (Index p : positions) n.numbers.push_back(numbers[static_cast<std::size_t>(p)]);
  } else {
    n.strings.reserve(positions.size());
    n.missing.reserve(positions.size());
    for (Index p : positions) {
      n.strings.push_back(strings[static_cast<std::size_t>(p)]);
      n.missing.push_back(missing[static_cast<std::size_t>(p)]);
    }
  }
  return n;
}

namespace {

void check_positions(const Table& table, const std::vector<Index>& positions) {
  for (Index p : positions) {
    if (p < 0 || p >= table.rows()) {
      throw DataError(fmt::format("{}: row position {} out of range [0, {})", table.source, p, table.rows()));
    }
  }
}

// Keeps the values at `positions` (strictly increasing), in place: the k-th kept value moves to k,
// which is never after where it was, so no value is overwritten before it is read.
template <typename T>
void compact(std::vector<T>& values, const std::vector<Index>& positions) {
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const auto from = static_cast<std::size_t>(positions[k]);
    if (from != k) values[k] = std::move(values[from]);
  }
  values.resize(positions.size());
}

}  // namespace

Table Table::take(const std::vector<Index>& positions) const& {
  check_positions(*this, positions);
  Table out;
  out.source = source;
  out.row_labels.reserve(positions.size());
  for (Index p : positions) out.row_labels.push_back(row_labels[static_cast<std::size_t>(p)]);
  out.columns.reserve(columns.size());
  for (const auto& c : columns) out.columns.push_back(c.take(positions));
  return out;
}

Table Table::take(const std::vector<Index>& positions) && {
  check_positions(*this, positions);
  if (std::adjacent_find(positions.begin(), positions.end(), std::greater_equal<>()) != positions.end()) {
    return static_cast<const Table&>(*this).take(positions);  // reordered or repeated rows: a copy
  }
  compact(row_labels, positions);
  for (auto& c : columns) {
    if (c.type == ColumnType::numeric) {
      compact(c.numbers, positions);
    } else {
      compact(c.strings, positions);
      compact(c.missing, positions);
    }
  }
  return std::move(*this);
}

ColumnIndex::ColumnIndex(const Table& table) : table_(&table) {
  positions_.reserve(table.columns.size());
  for (std::size_t i = 0; i < table.columns.size(); ++i)
    positions_.try_emplace(table.columns[i].name, static_cast<Index>(i));
}

std::optional<Index> ColumnIndex::find(std::string_view name) const {
  if (const auto it = positions_.find(name); it != positions_.end()) return it->second;
  return std::nullopt;
}

Index ColumnIndex::index_of(std::string_view name, std::string_view option) const {
  if (auto i = find(name)) return *i;
  unknown_column(*table_, name, option);
}

}  // namespace lrtune
