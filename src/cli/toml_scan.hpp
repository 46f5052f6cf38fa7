// The check an experiment file passes before toml++ (toml.hpp) parses it: a scan of the text
// for what toml++ 3.3 cannot meet safely. It parses nothing itself; a malformed file that
// passes is toml++'s to report.
//
// toml++ 3.3 reaches __builtin_unreachable (undefined behaviour) on a non-ASCII character
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
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lrtune::cli {

inline constexpr std::size_t kMaxTomlKeyParts = 64;
static_assert(kMaxTomlKeyParts == 64, "TomlScan's message says 64");
struct TomlPosition {
  std::size_t line = 1, column = 1;
  const char* what = "a non-ASCII character outside a string or comment (TOML allows none there)";
};

// One pass over the text, one character at a time, in the state the characters before left
// (code, a comment, or one of TOML's four kinds of string).
class TomlScan {
 public:
  explicit TomlScan(std::string_view text) : text_(text), i_(at(0, "\xEF\xBB\xBF") ? 3 : 0) {}

  // The first thing toml++ must not see, or nothing.
  std::optional<TomlPosition> run() {
    for (; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (c == '\n') {
        end_line();
        continue;
      }
      std::optional<TomlPosition> bad;
      switch (state_) {
        case State::code: bad = code(c); break;
        case State::comment: break;
        case State::basic: basic(c); break;
        case State::literal: literal(c); break;
        case State::multi_basic:
        case State::multi_literal: bad = multi_line(c); break;
      }
      if (bad) return bad;
    }
    return std::nullopt;
  }

 private:
  enum class State { code, comment, basic, literal, multi_basic, multi_literal };

  bool at(std::size_t pos, std::string_view s) const { return text_.substr(pos, s.size()) == s; }
  static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
  TomlPosition position(std::size_t pos) const { return TomlPosition{line_, pos - line_start_ + 1}; }
  TomlPosition position(std::size_t pos, const char* what) const {
    return TomlPosition{line_, pos - line_start_ + 1, what};
  }
  // Where TOML lets a string start: a quote anywhere else is code (malformed, toml++'s to say).
  bool may_open() const {
    return previous_ == '\n' || previous_ == '=' || previous_ == '[' || previous_ == ',' || previous_ == '{' ||
           previous_ == '.';
  }

  // A newline ends comments and single-line strings (an unclosed one is toml++'s error).
  void end_line() {
    ++line_;
    line_start_ = i_ + 1;
    if (state_ == State::code || state_ == State::comment) previous_ = '\n';
    if (state_ == State::comment || state_ == State::basic || state_ == State::literal) state_ = State::code;
  }

  std::optional<TomlPosition> code(char c) {
    if (static_cast<unsigned char>(c) >= 0x80) return position(i_);
    if (c == '.' && ++dots_ >= kMaxTomlKeyParts) {
      return position(i_, "a key of more than 64 dotted parts (at most 64 are supported)");
    }
    if (c == '=' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',') dots_ = 0;
    if (c == '#') {
      state_ = State::comment;
    } else if (c == '"' && may_open()) {
      open_string("\"\"\"", State::multi_basic, State::basic);
    } else if (c == '\'' && may_open()) {
      open_string("'''", State::multi_literal, State::literal);
    } else if (!is_blank(c)) {
      previous_ = c;
    }
    return std::nullopt;
  }

  void open_string(std::string_view triple, State multi, State single) {
    state_ = at(i_, triple) ? multi : single;
    if (state_ == multi) i_ += 2;
  }

  void close_string(char quote) {
    state_ = State::code;
    previous_ = quote;
  }

  void basic(char c) {
    if (c == '\\' && i_ + 1 < text_.size() && text_[i_ + 1] != '\n') {
      ++i_;  // an escaped character
    } else if (c == '"') {
      close_string(c);
    }
  }

  void literal(char c) {
    if (c == '\'') close_string(c);
  }

  std::optional<TomlPosition> multi_line(char c) {
    const char quote = state_ == State::multi_basic ? '"' : '\'';
    if (state_ == State::multi_basic && c == '\\') return backslash();
    if (c == quote && i_ + 2 < text_.size() && text_[i_ + 1] == quote && text_[i_ + 2] == quote) {
      i_ += 2;
      for (int extra = 0; extra < 2 && i_ + 1 < text_.size() && text_[i_ + 1] == quote; ++extra) ++i_;  // """a"""""
      close_string(quote);
    }
    return std::nullopt;
  }

  // A backslash in a multi-line basic string: an escape, or a line-ending backslash, after
  // which toml++ skips the blanks and newlines and looks at the next character as whitespace.
  std::optional<TomlPosition> backslash() {
    std::size_t j = i_ + 1;
    while (j < text_.size() && is_blank(text_[j])) ++j;
    if (j >= text_.size() || text_[j] != '\n') {
      ++i_;  // an escaped character
      return std::nullopt;
    }
    while (j < text_.size() && (is_blank(text_[j]) || text_[j] == '\n')) {
      if (text_[j] == '\n') {
        ++line_;
        line_start_ = j + 1;
      }
      ++j;
    }
    if (j < text_.size() && static_cast<unsigned char>(text_[j]) >= 0x80) {
      return position(j, "a non-ASCII character first after a line-ending backslash (toml++ cannot read it)");
    }
    i_ = j - 1;
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t i_;
  State state_ = State::code;
  std::size_t line_ = 1, line_start_ = 0;
  std::size_t dots_ = 0;  // key separators since the last = [ ] { } or , outside strings
  char previous_ = '\n';  // the last character outside strings and comments that is not a space or tab
};

// The first thing toml++ must not see (1-based line and byte column), or nothing.
inline std::optional<TomlPosition> scan_before_parsing(std::string_view text) { return TomlScan(text).run(); }

}  // namespace lrtune::cli
