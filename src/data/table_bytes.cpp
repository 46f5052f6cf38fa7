// Rows to bytes and back: numbers and labels as arrays, text as counted strings, missing flags
// as bytes.
#include "table_bytes.hpp"

#include <span>

namespace lrtune::detail {

void put_strings(ByteWriter& w, const std::vector<std::string>& strings) {
  w.put<std::uint64_t>(strings.size());
  for (const auto& s : strings) w.put_string(s);
}

std::vector<std::string> get_strings(ByteReader& r) {
  const auto n = r.get<std::uint64_t>();
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(r.get_string());
  return out;
}

void put_rows(ByteWriter& w, const Table& table) {
  w.put_span(std::span<const Index>(table.row_labels));
  for (const Column& c : table.columns) {
    if (c.type == ColumnType::numeric) {
      w.put_span(std::span<const double>(c.numbers));
    } else {
      put_strings(w, c.strings);
      w.put_span(std::span<const std::uint8_t>(c.missing));
    }
  }
}

void append_rows(ByteReader& r, Table& into) {
  const std::vector<Index> labels = r.get_vector<Index>();
  into.row_labels.insert(into.row_labels.end(), labels.begin(), labels.end());
  for (Column& c : into.columns) {
    if (c.type == ColumnType::numeric) {
      const std::vector<double> numbers = r.get_vector<double>();
      c.numbers.insert(c.numbers.end(), numbers.begin(), numbers.end());
    } else {
      std::vector<std::string> strings = get_strings(r);
      c.strings.insert(c.strings.end(), std::make_move_iterator(strings.begin()),
                       std::make_move_iterator(strings.end()));
      const std::vector<std::uint8_t> missing = r.get_vector<std::uint8_t>();
      c.missing.insert(c.missing.end(), missing.begin(), missing.end());
    }
  }
}

Table empty_like(const Table& like) {
  Table out;
  out.source = like.source;
  for (const Column& c : like.columns) out.columns.push_back(Column{c.name, c.type, {}, {}, {}});
  return out;
}

}  // namespace lrtune::detail
