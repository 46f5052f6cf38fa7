// Fuzz target: the CSV reader (parse_csv) on arbitrary text. The first byte picks the
// delimiter (detected, ',', ';', '\t') and whether the default missing tokens apply; the rest
// is the file. A DataError is an expected answer. On success the table must be consistent,
// and reading it again with every column forced to its inferred type (or to categorical)
// must give the same cells.
#include <cmath>

#include "fuzz_targets.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"

namespace lrtune::fuzz {
namespace {

void check_consistent(const Table& table) {
  const auto rows = static_cast<std::size_t>(table.rows());
  for (const Column& c : table.columns) {
    if (c.type == ColumnType::numeric) {
      expect(c.numbers.size() == rows, "numeric column '" + c.name + "' has a wrong row count");
    } else {
      expect(c.strings.size() == rows && c.missing.size() == rows,
             "categorical column '" + c.name + "' has a wrong row count");
      for (std::size_t r = 0; r < rows; ++r)
        expect(!c.missing[r] || c.strings[r].empty(), "a missing categorical cell holds text");
    }
  }
  for (std::size_t r = 1; r < rows; ++r)
    expect(table.row_labels[r] > table.row_labels[r - 1], "row labels not increasing");
}

bool same_number(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

int fuzz_csv_reader(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr char kDelimiters[] = {'\0', ',', ';', '\t'};
  CsvOptions options;
  options.delimiter = kDelimiters[data[0] & 3];
  if (data[0] & 4) options.missing_tokens = {"-"};
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  Table table;
  try {
    table = parse_csv(text, options, "<fuzz>");
  } catch (const DataError&) {
    return 0;
  }
  check_consistent(table);

  // Forcing every column to the type inferred must change nothing.
  CsvOptions forced = options;
  for (const Column& c : table.columns) forced.column_types[c.name] = c.type;
  if (forced.column_types.size() == table.columns.size()) {  // duplicate names cannot be forced one by one
    Table again;
    try {
      again = parse_csv(text, forced, "<fuzz>");
    } catch (const DataError& e) {
      throw FuzzFinding(std::string("forcing the inferred types fails: ") + e.what());
    }
    expect(again.cols() == table.cols() && again.rows() == table.rows(), "forced read changed the shape");
    for (std::size_t j = 0; j < table.columns.size(); ++j) {
      const Column& a = table.columns[j];
      const Column& b = again.columns[j];
      expect(a.name == b.name && a.type == b.type, "forced read changed a column's name or type");
      for (std::size_t r = 0; r < a.numbers.size(); ++r)
        expect(same_number(a.numbers[r], b.numbers[r]), "forced read changed a number");
      expect(a.strings == b.strings && a.missing == b.missing, "forced read changed a category");
    }

    // Every cell reads as text.
    for (auto& [name, type] : forced.column_types) type = ColumnType::categorical;
    try {
      const Table text_table = parse_csv(text, forced, "<fuzz>");
      check_consistent(text_table);
      expect(text_table.rows() == table.rows(), "reading as text changed the row count");
    } catch (const DataError& e) {
      throw FuzzFinding(std::string("forcing every column categorical fails: ") + e.what());
    }
  }
  return 0;
}

}  // namespace lrtune::fuzz

#ifdef LRTUNE_LIBFUZZER
LRTUNE_FUZZ_ENTRY(lrtune::fuzz::fuzz_csv_reader)
#endif
