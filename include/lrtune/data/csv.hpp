// Reading a CSV file (RFC 4180) into a typed Table, as pandas.read_csv would type it.
// What becomes of the table (missing values, targets, encoding, scaling) is left to the
// other data steps; nothing here prints.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/data/table.hpp"

namespace lrtune {

// Limits, enforced with a DataError naming the line. Header cells must be UTF-8 (column
// names go into JSON files); other bytes are an error naming the line and column.
inline constexpr Index kMaxCsvColumns = 1'000'000;
inline constexpr std::size_t kMaxCsvLineBytes = std::size_t{16} << 20;  // 16 MiB per record
// The whole file, a pipe's or FIFO's stream included (an endless one stops here).
inline constexpr std::uint64_t kMaxCsvBytes = std::uint64_t{4} << 30;  // 4 GiB

// "", NA, N/A, NaN, nan, null, NULL, ? (compared after trimming spaces and tabs).
std::vector<std::string> default_missing_tokens();

struct CsvOptions {
  // ',', ';' or '\t'; '\0' detects it from the header row (the most frequent of the three
  // outside quotes; ',' when none occurs).
  char delimiter = '\0';
  // Lines skipped before the header (a title or a row count above it; pandas' skiprows=N): the
  // first `skip_rows` lines of the text, whatever they hold. Line numbers in messages stay the file's.
  std::size_t skip_rows = 0;
  // false: the first record is data and the columns are named 0, 1, 2, ... (pandas' header=None).
  bool header = true;
  std::vector<std::string> missing_tokens = default_missing_tokens();
  // Overrides of the inferred type, by column name. A column forced numeric that holds
  // a non-number is an error; a name not in the header is an error. Inferred: numeric when
  // every non-missing value is a number, categorical when fewer than 90 % are; in between
  // (a few typos in a numeric column) an error naming the other cells and their lines.
  std::map<std::string, ColumnType> column_types;
  // A column_types name that is not in the header: an error (false), or ignored (true; the
  // fitted preprocessing's apply() then names every missing column at once).
  bool column_types_may_be_absent = false;
  // Columns the caller will not use (e.g. dropped ones): inferred as pandas would, categorical
  // on any non-number, never the mostly-numeric error. Names not in the header are ignored.
  std::set<std::string> lenient_columns;
  // Every column not named in column_types is lenient (reading new data for a fitted
  // preprocessing, which forces the columns it uses and ignores the others).
  bool lenient_unforced = false;
  // read_csv only: the size cap, and a flag that ends a wait on a FIFO or pipe (input_file.hpp).
  std::uint64_t max_bytes = kMaxCsvBytes;
  const std::atomic<bool>* cancel = nullptr;
};

// The whole file (a regular file, or a pipe, FIFO or other stream read to its end); errors name
// the file, line and column and what was expected. A gzip-compressed input (magic bytes 0x1f 0x8b,
// whatever its name) is decompressed in memory first (gzip.hpp); max_bytes caps the text it holds.
Table read_csv(const std::filesystem::path& path, const CsvOptions& options = {});
// The same on text in memory (gzip-compressed bytes too); `source` names it in messages.
Table parse_csv(std::string_view text, const CsvOptions& options = {}, const std::string& source = "<string>");

// The number syntax of the reader: what fast_float accepts in its general format
// (decimal and scientific notation, inf, infinity, nan; case-insensitive words), plus one
// optional leading '+', with surrounding spaces and tabs ignored. No thousands
// separators, no decimal comma, no hex. Round-trip exact (correctly rounded).
std::optional<double> parse_number(std::string_view text);

}  // namespace lrtune
