// Identifier-like and high-cardinality text columns: counted once per column over the raw table
// (before any row is dropped, so the verdict does not depend on the missing-value rules).
#include "lrtune/data/identifier_columns.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

struct LevelCount {
  Index distinct = 0;
  Index non_missing = 0;
};

LevelCount count_levels(const Column& column) {
  std::unordered_set<std::string_view> seen;
  LevelCount count;
  for (Index r = 0; r < column.size(); ++r) {
    if (column.is_missing(r)) continue;
    ++count.non_missing;
    seen.insert(column.strings[static_cast<std::size_t>(r)]);
  }
  count.distinct = static_cast<Index>(seen.size());
  return count;
}

// A level as a message shows it: quoted, at most 30 bytes, line breaks escaped.
std::string shown_level(std::string_view level) {
  constexpr std::size_t kMax = 30;
  std::string out = "\"";
  for (char c : level.substr(0, kMax))
    out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  return out + (level.size() > kMax ? "...\"" : "\"");
}

}  // namespace

bool identifier_like(Index distinct, Index non_missing) {
  return distinct > kIdentifierMinDistinct &&
         static_cast<double>(distinct) > kIdentifierDistinctShare * static_cast<double>(non_missing);
}

std::vector<IdentifierColumn> identifier_columns(const Table& table, const std::vector<std::string>& candidates) {
  std::vector<IdentifierColumn> out;
  const ColumnIndex index(table);
  for (const auto& name : candidates) {
    const Column& column = index.column(name);
    if (column.type != ColumnType::categorical) continue;
    const LevelCount count = count_levels(column);
    if (identifier_like(count.distinct, count.non_missing)) out.push_back({name, count.distinct, count.non_missing});
  }
  return out;
}

std::string describe_identifier_columns(const std::vector<IdentifierColumn>& columns) {
  std::vector<std::string> named;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    named.push_back(i == 0 ? fmt::format("\"{}\" ({} distinct of {} values)", c.name, c.distinct, c.non_missing)
                           : fmt::format("\"{}\" ({} of {})", c.name, c.distinct, c.non_missing));
  }
  return fmt::format(
      "left out {} identifier-like text column{} (a distinct value in most rows): {}; --keep COLUMN uses {} as a "
      "feature",
      columns.size(), columns.size() == 1 ? "" : "s", fmt::join(named, ", "), columns.size() == 1 ? "it" : "one");
}

void check_level_count(const std::string& source, const std::string& name, Index distinct, Index non_missing,
                       const std::vector<std::string>& first_levels) {
  if (distinct <= kMaxCategoricalLevels) return;
  constexpr std::size_t kExamples = 10;
  std::vector<std::string> examples;
  for (std::size_t i = 0; i < std::min(first_levels.size(), kExamples); ++i)
    examples.push_back(shown_level(first_levels[i]));
  throw DataError(
      fmt::format("{}: column \"{}\" has {} distinct text values in {} rows (e.g. {}, ...); at most {} "
                  "levels can be one-hot encoded; leave it out with --drop {} or recode it into fewer "
                  "levels",
                  source, name, distinct, non_missing, fmt::join(examples, ", "), kMaxCategoricalLevels, name));
}

void check_level_counts(const Table& table, const std::vector<std::string>& features) {
  const ColumnIndex index(table);
  for (const auto& name : features) {
    const Column& column = index.column(name);
    if (column.type != ColumnType::categorical) continue;
    const LevelCount count = count_levels(column);
    if (count.distinct <= kMaxCategoricalLevels) continue;
    std::vector<std::string> first;
    constexpr std::size_t kExamples = 10;
    std::unordered_set<std::string_view> seen;
    for (Index r = 0; r < column.size() && first.size() < kExamples; ++r) {
      if (column.is_missing(r)) continue;
      const std::string& value = column.strings[static_cast<std::size_t>(r)];
      if (seen.insert(value).second) first.push_back(value);
    }
    check_level_count(table.source, name, count.distinct, count.non_missing, first);
  }
}

}  // namespace lrtune
