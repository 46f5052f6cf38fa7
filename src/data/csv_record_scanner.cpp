// The record scanner's state machine (csv_record_scanner.hpp). Each state is a point of csv.cpp's
// Tokenizer: record_start where it calls skip_blank_line, field_start where next() looks for an
// opening quote, after_cr where finish_field has taken a CR and would take one LF after it.
#include "csv_record_scanner.hpp"

#include <algorithm>
#include <cstring>

namespace lrtune::detail {

RecordScanner::RecordScanner(char delimiter, std::uint64_t offset, long line)
    : delimiter_(delimiter), offset_(offset), line_(line) {
  ends_field_[static_cast<unsigned char>(delimiter)] = true;
  ends_field_['\n'] = true;
  ends_field_['\r'] = true;
}

std::size_t RecordScanner::scan(std::string_view bytes, const Stop& stop) {
  const char* const begin = bytes.data();
  const char* const end = begin + bytes.size();
  const char* p = begin;
  const auto here = [&] { return offset_ + static_cast<std::uint64_t>(p - begin); };
  // A record (or line) ends at p (LF or CR): the tokenizer's finish_field.
  const auto end_record = [&] {
    ++line_;
    state_ = *p++ == '\n' ? State::record_start : State::after_cr;
  };
  while (p < end) {
    switch (state_) {
      case State::record_start:
        if (here() >= stop.offset || rows_ >= stop.rows) {
          offset_ = here();
          return static_cast<std::size_t>(p - begin);
        }
        if (*p == '\n' || *p == '\r') {  // an empty line: no record
          end_record();
          break;
        }
        ++rows_;
        state_ = State::field_start;
        break;
      case State::field_start:
        if (*p == '"') {
          ++p;
          state_ = State::quoted;
          break;
        }
        state_ = State::unquoted;
        [[fallthrough]];
      case State::unquoted:
        while (p < end && !ends_field_[static_cast<unsigned char>(*p)]) ++p;
        if (p == end) break;
        if (*p == delimiter_) {
          ++p;
          state_ = State::field_start;
        } else {
          end_record();
        }
        break;
      case State::quoted: {
        const auto* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        const char* stretch_end = quote == nullptr ? end : quote;
        line_ += std::count(p, stretch_end, '\n');
        p = stretch_end;
        if (quote != nullptr) {
          ++p;
          state_ = State::quote_in_quoted;
        }
        break;
      }
      case State::quote_in_quoted:
        if (*p == '"') {  // "" inside quotes: one quote, still quoted
          ++p;
          state_ = State::quoted;
        } else {
          // The closing quote: a delimiter or a line break should follow (anything else is the
          // reader's error to report; the scanner reads on as if unquoted).
          state_ = State::unquoted;
        }
        break;
      case State::after_cr:
        if (*p == '\n') ++p;  // CRLF: one line break
        state_ = State::record_start;
        break;
    }
  }
  offset_ = here();
  return bytes.size();
}

void RecordScanner::finish() { state_ = State::record_start; }

}  // namespace lrtune::detail
