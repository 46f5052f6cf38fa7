// One column of a table read in shards (csv_shards.hpp), whole on every rank: what needs every
// value of a column but not the rest of the table (the task chosen from the target's values).
#pragma once

#include <string_view>

#include "lrtune/core/communicator.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

// Collective: every rank passes its shard (the same columns everywhere, rows in file order by
// rank) and the same name; every rank receives the column's values of all ranks in rank order.
// An unknown name is the DataError Table::index_of gives, on every rank.
Column gathered_column(const Table& shard, std::string_view name, const Communicator& communicator);

}  // namespace lrtune
