// Text columns that name rows instead of describing them (passenger names, ticket codes, ids), and
// text columns with too many levels to one-hot encode. An identifier-like column is left out of
// the features with a warning; a high-cardinality one that is not identifier-like is an error.
// Which columns are candidates (features, not kept on purpose) is the caller's (preprocessing.cpp).
#pragma once

#include <string>
#include <vector>

#include "lrtune/data/table.hpp"

namespace lrtune {

// Identifier-like: a categorical column whose distinct values number more than half its
// non-missing cells AND more than 20. Why: one-hot encoding gives each distinct value a feature;
// when most values occur once, most of those features are set in a single train row (pure
// memorisation) and the test rows' values are unseen (all zeros), so the column adds width and
// nothing to learn. A real category repeats its levels: even 1,000 rows of a 50-level column
// average 20 rows a level. The floor of 20 levels keeps small tables' genuine categories (a
// column of 8 levels over 12 rows has a high share and is still a category).
inline constexpr double kIdentifierDistinctShare = 0.5;
inline constexpr Index kIdentifierMinDistinct = 20;
// A categorical feature with more levels than this (and not identifier-like) is an error: each
// level is an input of the first layer, as many as kMaxClasses is for the output.
inline constexpr Index kMaxCategoricalLevels = 1000;

struct IdentifierColumn {
  std::string name;
  Index distinct = 0;     // distinct non-missing values
  Index non_missing = 0;  // non-missing cells
};

// The verdict on one column's counts (what identifier_columns applies to each candidate): shared
// with the sharded preparation (prepare_shards.hpp), which counts over all ranks.
bool identifier_like(Index distinct, Index non_missing);

// The identifier-like columns among `candidates` (names of `table`'s columns), in their order.
std::vector<IdentifierColumn> identifier_columns(const Table& table, const std::vector<std::string>& candidates);

// One warning line naming them all with their counts and the way to keep them, e.g.
// `left out 2 identifier-like text columns (a distinct value in most rows): "Name" (891 distinct
// of 891), "Ticket" (681 of 891); --keep COLUMN uses one as a feature`.
std::string describe_identifier_columns(const std::vector<IdentifierColumn>& columns);

// A DataError when a categorical column among `features` has more than kMaxCategoricalLevels
// levels: its level count, at most 10 of them as examples, and the --drop hint.
void check_level_counts(const Table& table, const std::vector<std::string>& features);
// The same check on one column's counts: `first_levels` holds its first distinct values in file
// order (at least the 10 the message shows, when there are that many).
void check_level_count(const std::string& source, const std::string& name, Index distinct, Index non_missing,
                       const std::vector<std::string>& first_levels);

}  // namespace lrtune
