// The table a CSV becomes: named, typed columns (numeric or categorical) and the
// pandas index label of every row. Column selection and row selection live here;
// missing values, encoders and scalers are separate steps (missing.hpp, encoder.hpp, scaler.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrtune/core/types.hpp"

namespace lrtune {

enum class ColumnType { numeric, categorical };

// "numeric" / "categorical"; parse_column_type throws DataError on anything else.
std::string_view column_type_name(ColumnType type);
ColumnType column_type_from_name(std::string_view text);

struct Column {
  std::string name;
  ColumnType type = ColumnType::numeric;
  std::vector<double> numbers;        // numeric: one per row, NaN where missing
  std::vector<std::string> strings;   // categorical: one per row ("" where missing)
  std::vector<std::uint8_t> missing;  // categorical: 1 where missing

  Index size() const;
  bool is_missing(Index row) const;
  Index missing_count() const;
  // Sorted distinct non-missing values of a categorical column.
  std::vector<std::string> levels() const;
  // The values at these positions (0-based, checked by the caller), in this order.
  Column take(const std::vector<Index>& positions) const;
};

struct Table {
  std::string source;             // file name (or "<string>") for messages
  std::vector<Column> columns;    // in file order
  std::vector<Index> row_labels;  // 0-based data-row number in the file (pandas' index label)

  Index rows() const { return static_cast<Index>(row_labels.size()); }
  Index cols() const { return static_cast<Index>(columns.size()); }
  std::vector<std::string> column_names() const;

  // One name: a linear search. Code that looks up many names uses ColumnIndex (below).
  std::optional<Index> find(std::string_view name) const;
  // Throws DataError naming the column, the option it came from and the columns there are.
  Index index_of(std::string_view name, std::string_view option = "column") const;
  const Column& column(std::string_view name) const { return columns[static_cast<std::size_t>(index_of(name))]; }

  // Keep the named columns, in the order given; drop the named columns. Unknown names are errors.
  // On a table about to go (std::move(table).select(...)) the chosen columns are moved, not
  // copied: a table of millions of rows is not held twice.
  Table select(const std::vector<std::string>& names, std::string_view option = "select") const&;
  Table select(const std::vector<std::string>& names, std::string_view option = "select") &&;
  Table drop(const std::vector<std::string>& names, std::string_view option = "drop") const;
  // The rows at these positions (0-based among the current rows), in this order. On a table about
  // to go, increasing positions (rows dropped, order kept) are compacted in place, without a copy.
  Table take(const std::vector<Index>& positions) const&;
  Table take(const std::vector<Index>& positions) &&;
};

// The positions of a table's columns by name, hashed once: a lookup per column through
// Table::find would make a wide table (100,000 columns) quadratic. The first column of a name
// wins, as with find. Valid while the table lives and its columns are not renamed, added or removed.
class ColumnIndex {
 public:
  explicit ColumnIndex(const Table& table);
  std::optional<Index> find(std::string_view name) const;
  // As Table::index_of: a DataError naming the column, the option and the columns there are.
  Index index_of(std::string_view name, std::string_view option = "column") const;
  const Column& column(std::string_view name, std::string_view option = "column") const {
    return table_->columns[static_cast<std::size_t>(index_of(name, option))];
  }

 private:
  const Table* table_;
  std::unordered_map<std::string_view, Index> positions_;  // views of the table's column names
};

}  // namespace lrtune
