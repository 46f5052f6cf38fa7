// Where CSV records start, found in a stream of bytes fed piece by piece without keeping them: the
// tokenizer's view of records (csv.cpp) reduced to a state machine, so that a record boundary is
// never placed inside quotes. It parses no field; malformed records are the reader's to report.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "lrtune/core/types.hpp"

namespace lrtune::detail {

// As csv.cpp's tokenizer reads a text: a record ends at LF, CRLF or a lone CR outside quotes; a
// field is quoted when its first byte is '"' (a '"' elsewhere in an unquoted field is text); ""
// inside quotes is one '"'; an empty line at a record start is no record. Lines are counted as the
// tokenizer counts them for messages: one per record end or empty line, one per LF inside quotes.
class RecordScanner {
 public:
  // Where to stop: the first record start at or after `offset`, or once `rows` records have begun.
  struct Stop {
    std::uint64_t offset = std::numeric_limits<std::uint64_t>::max();
    Index rows = std::numeric_limits<Index>::max();
  };

  // At a record start: the file's byte `offset`, on line `line`.
  RecordScanner(char delimiter, std::uint64_t offset, long line);

  // Reads the next bytes of the file (those from offset() on); returns how many it consumed: all
  // of them, or fewer when it reached a record start that `stop` asks for (then stopped_at(stop)).
  std::size_t scan(std::string_view bytes, const Stop& stop);
  // The end of the input: a last record without a final line break (or a quote never closed) ends there.
  void finish();

  bool stopped_at(const Stop& stop) const {
    return state_ == State::record_start && (offset_ >= stop.offset || rows_ >= stop.rows);
  }
  bool at_record_start() const { return state_ == State::record_start; }
  std::uint64_t offset() const { return offset_; }  // the next byte to read
  long line() const { return line_; }               // the tokenizer's line at offset()
  Index rows() const { return rows_; }              // records begun so far

 private:
  enum class State : std::uint8_t { record_start, field_start, unquoted, quoted, quote_in_quoted, after_cr };
  State state_ = State::record_start;
  char delimiter_;
  std::array<bool, 256> ends_field_{};  // delimiter, LF, CR
  std::uint64_t offset_;
  long line_;
  Index rows_ = 0;
};

}  // namespace lrtune::detail
