// The CSV reader's steps, one by one (implemented in csv.cpp): the head of a file (skipped lines,
// delimiter, header, each column's plan), one pass over a stretch of data records that may start
// anywhere a record starts, and the rule that types a column from its counts. read_csv runs them
// over the whole text; csv_shards.cpp runs them over one byte range per rank and agrees the types.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune::detail {

struct ColumnPlan {
  ColumnType type = ColumnType::numeric;
  bool forced = false;
  bool lenient = false;  // CsvOptions::lenient_columns
};

// What read_csv learns before the first data record.
struct CsvHead {
  char delimiter = ',';
  std::vector<std::string> names;
  std::vector<ColumnPlan> plan;  // by column: the type the next pass reads it as
  long header_line = 1;          // the first record's line (the header, or the first data row)
  long body_line = 2;            // the line the data records start on
  std::size_t body_offset = 0;   // where they start, in the text given (a byte-order mark included)
};

// The head of `text`, which must reach at least past the header record (the first record with
// header=false) and past the first byte after the skipped lines that is not a space, tab or line
// break (or be the whole input): the checks and errors of read_csv up to there, in its order.
CsvHead read_csv_head(std::string_view text, const CsvOptions& options, const std::string& source);

// The cells of a column read as numeric that do not parse as numbers: how many, and the first
// few with their lines (for the message).
struct TextCells {
  static constexpr std::size_t kKept = 3;
  Index count = 0;
  std::vector<std::pair<long, std::string>> first;
};

// Where a stretch of data records starts in the file: its line and the number of data rows before it.
struct BodyStart {
  long line = 2;
  Index row = 0;
};

// One pass over the data records of `body` (whole records, from a record start to a record start
// or the end), each column read as head.plan says. Errors name the file's lines (from `start`).
struct BodyPass {
  std::vector<Column> columns;
  std::vector<TextCells> text;  // by column: non-numbers met in a column read as numeric
  Index rows = 0;
};
BodyPass read_csv_body(std::string_view body, const CsvHead& head, const CsvOptions& options, const std::string& source,
                       BodyStart start);

// The number of cells of a column read as numeric that parsed as numbers (neither missing nor text).
Index number_count(const Column& column);

// After a pass: a column read as numeric that met text becomes categorical (true: a column
// changed, read the body again), unless most of its cells are numbers: then the mostly-numeric
// error naming the text cells. `numbers` and `text` by column, counted over the whole file.
bool retype_csv_columns(CsvHead& head, const std::vector<Index>& numbers, const std::vector<TextCells>& text,
                        const std::string& source);

// "<source>: header only; ..." (no data record after the head).
DataError header_only_error(const CsvHead& head, const std::string& source);

// A NUL byte in the first 64 KiB (after a byte-order mark): the binary-file error, as read_csv says it.
void refuse_binary(std::string_view text, const std::string& source);

// The delimiter read_csv detects when CsvOptions::delimiter is '\0', fed the text after the skipped
// lines in pieces: the most frequent of ',', ';' and tab on the first line (outside quotes).
class DelimiterVote {
 public:
  // False once the first line has ended (the rest of `text` and later pieces are not needed).
  bool feed(std::string_view text);
  char delimiter() const;

 private:
  std::size_t commas_ = 0, semicolons_ = 0, tabs_ = 0;
  bool in_quotes_ = false;
  bool done_ = false;
};

}  // namespace lrtune::detail
