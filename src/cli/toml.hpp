// toml++ as lrtune includes it; every file of ours that uses toml++ includes this one instead,
// so all agree on the settings below. toml++ 3.3 checks its parser's internal preconditions
// with assert() (debug) or __builtin_assume (release, NDEBUG), and malformed input can break
// them ("[`a]", "[[[1]]]": marzer/tomlplusplus#294, #301): an abort or undefined behaviour.
// Here a broken check throws TomlInternalError in every build type; callers report the file
// as malformed. Two more toml++ problems need a check before parsing: scan_before_parsing.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lrtune::cli {

class TomlInternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void toml_check_failed(const char* check) {
  throw TomlInternalError(std::string("the TOML parser's check '") + check + "' failed");
}

// toml++ 3.3 also reaches __builtin_unreachable (undefined behaviour) on a non-ASCII character
// where whitespace may stand ("é = 1", "x = é": is_non_ascii_horizontal_whitespace). TOML
// allows non-ASCII only in strings and comments, so such text is malformed anyway: callers
// refuse it before toml++ sees it. The first non-ASCII byte outside strings and comments
// (1-based line and byte column); a UTF-8 byte-order mark at the start is allowed. A quote
// opens a string only where TOML lets one start (line start, after = [ , { or .): toml++'s
// look-ahead after a malformed value ("[+'é']") reads through what looks like a string.
// toml++ asks the same question after a line-ending backslash in a multi-line basic string
// ("""a\<newline>é"""): valid TOML, refused here too, with its own message.
//
// toml++ also parses a dotted key ("a.b.c = 1", "[a.b.c]", "[[a.b]]", "{a.b = 1}") by recursion
// per part, with no depth limit (its limit of 256 covers arrays and inline tables): 300,000
// parts overflow the stack. A key may have at most kMaxTomlKeyParts parts; the scan counts the
// dots outside strings and comments since the last = [ ] { } or , (a quoted part such as
// "a.b" holds no separator; a value such as 1.5 or a time holds one dot at most).
inline constexpr std::size_t kMaxTomlKeyParts = 64;
static_assert(kMaxTomlKeyParts == 64, "scan_before_parsing's message says 64");
struct TomlPosition {
  std::size_t line = 1, column = 1;
  const char* what = "a non-ASCII character outside a string or comment (TOML allows none there)";
};
// The first thing toml++ must not see (1-based line and byte column), or nothing.
inline std::optional<TomlPosition> scan_before_parsing(std::string_view text) {
  enum class State { code, comment, basic, literal, multi_basic, multi_literal };
  State state = State::code;
  std::size_t line = 1, line_start = 0;
  std::size_t dots = 0;  // key separators since the last = [ ] { } or , outside strings
  char previous = '\n';  // the last character outside strings and comments that is not a space or tab
  const auto may_open = [&] {
    return previous == '\n' || previous == '=' || previous == '[' || previous == ',' || previous == '{' ||
           previous == '.';
  };
  const auto at = [&](std::size_t pos, std::string_view s) { return text.substr(pos, s.size()) == s; };
  std::size_t i = at(0, "\xEF\xBB\xBF") ? 3 : 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      if (state == State::code || state == State::comment) previous = '\n';
      if (state == State::comment || state == State::basic || state == State::literal) state = State::code;
      continue;
    }
    switch (state) {
      case State::code:
        if (static_cast<unsigned char>(c) >= 0x80) return TomlPosition{line, i - line_start + 1};
        if (c == '.' && ++dots >= kMaxTomlKeyParts) {
          return TomlPosition{line, i - line_start + 1, "a key of more than 64 dotted parts (at most 64 are supported)"};
        }
        if (c == '=' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',') dots = 0;
        if (c == '#') {
          state = State::comment;
        } else if ((c == '"' || c == '\'') && !may_open()) {
          previous = c;  // not a string: what follows is checked as code
        } else if (c == '"') {
          state = at(i, "\"\"\"") ? State::multi_basic : State::basic;
          if (state == State::multi_basic) i += 2;
        } else if (c == '\'') {
          state = at(i, "'''") ? State::multi_literal : State::literal;
          if (state == State::multi_literal) i += 2;
        } else if (c != ' ' && c != '\t' && c != '\r') {
          previous = c;
        }
        break;
      case State::comment:
        break;
      case State::basic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
        } else if (c == '"') {
          state = State::code;
          previous = c;
        }
        break;
      case State::literal:
        if (c == '\'') {
          state = State::code;
          previous = c;
        }
        break;
      case State::multi_basic:
      case State::multi_literal: {
        const char quote = state == State::multi_basic ? '"' : '\'';
        if (state == State::multi_basic && c == '\\') {
          std::size_t j = i + 1;
          while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
          if (j < text.size() && text[j] == '\n') {  // a line-ending backslash: toml++ skips the blanks after it
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) {
              if (text[j] == '\n') {
                ++line;
                line_start = j + 1;
              }
              ++j;
            }
            if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) {
              return TomlPosition{line, j - line_start + 1,
                                  "a non-ASCII character first after a line-ending backslash (toml++ cannot read it)"};
            }
            i = j - 1;
          } else {
            ++i;  // an escaped character
          }
        } else if (c == quote && i + 2 < text.size() && text[i + 1] == quote && text[i + 2] == quote) {
          i += 2;
          for (int extra = 0; extra < 2 && i + 1 < text.size() && text[i + 1] == quote; ++extra) ++i;  // """a"""""
          state = State::code;
          previous = quote;
        }
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace lrtune::cli

#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::lrtune::cli::toml_check_failed(#expr))
// GCC 12 reports a false -Warray-bounds inside toml++'s table code at -O3.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <toml++/toml.h>
#pragma GCC diagnostic pop
#pragma pop_macro("NDEBUG")
#include <cassert>  // assert() as NDEBUG says again
