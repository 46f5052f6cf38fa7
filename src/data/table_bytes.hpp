// A table's rows as bytes for the collectives (row labels and every column's cells; the columns'
// names and types are the same on every rank, so they do not travel), and the bytes appended back
// to a table of the same columns. Also lists of strings. Private to src/data.
#pragma once

#include <string>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune::detail {

void put_strings(ByteWriter& w, const std::vector<std::string>& strings);
std::vector<std::string> get_strings(ByteReader& r);

void put_rows(ByteWriter& w, const Table& table);
// Appends the rows put_rows wrote to `into`, whose columns match the written table's.
void append_rows(ByteReader& r, Table& into);

// A table with `like`'s source and columns (names and types) and no rows.
Table empty_like(const Table& like);

}  // namespace lrtune::detail
