// RFC 4180 reader: one tokenizer over the whole buffer, fields converted to doubles
// with fast_float as they are met. A column inferred numeric that meets a non-number
// turns categorical (the body is then read once more for those columns: at most two
// passes), unless nine in ten of its values are numbers: then the others are an error.
// The steps (head, one body pass, the type rule) are csv_parser.hpp's, for csv_shards.cpp too.
#include "lrtune/data/csv.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <fast_float/fast_float.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <limits>
#include <unordered_map>

#include "lrtune/data/error.hpp"
#include "lrtune/data/gzip.hpp"
#include "lrtune/data/input_file.hpp"

#include "csv_in_parts.hpp"
#include "csv_parser.hpp"

namespace lrtune {

std::vector<std::string> default_missing_tokens() { return {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}; }

namespace {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string quote_for_message(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out;
  for (char c : s.substr(0, kMax)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  if (s.size() > kMax) out += "...";
  return "\"" + out + "\"";
}

// Missing-value tokens, with a first-character filter so numbers skip the comparisons.
class MissingTokens {
 public:
  explicit MissingTokens(const std::vector<std::string>& tokens) {
    for (const auto& t : tokens) {
      const std::string_view trimmed = trim(t);
      if (trimmed.empty()) {
        empty_is_missing_ = true;
      } else {
        first_[static_cast<unsigned char>(trimmed.front())] = true;
        tokens_.emplace_back(trimmed);
      }
    }
  }
  bool contains(std::string_view trimmed) const {
    if (trimmed.empty()) return empty_is_missing_;
    if (!first_[static_cast<unsigned char>(trimmed.front())]) return false;
    return std::find(tokens_.begin(), tokens_.end(), trimmed) != tokens_.end();
  }

 private:
  std::array<bool, 256> first_{};
  std::vector<std::string> tokens_;
  bool empty_is_missing_ = false;
};

// One field as the tokenizer hands it over.
struct Field {
  std::string_view text;  // unescaped content
  bool quoted = false;
};

class Tokenizer {
 public:
  Tokenizer(std::string_view text, char delimiter, const std::string& source, long first_line)
      : p_(text.data()),
        begin_(text.data()),
        end_(text.data() + text.size()),
        delim_(delimiter),
        source_(source),
        line_(first_line) {
    stop_[static_cast<unsigned char>(delimiter)] = true;
#ifdef __SSE2__
    delim_vec_ = _mm_set1_epi8(delimiter);
    lf_vec_ = _mm_set1_epi8('\n');
    cr_vec_ = _mm_set1_epi8('\r');
#endif
    stop_['\n'] = true;
    stop_['\r'] = true;
  }

  bool at_end() const { return p_ >= end_; }
  long line() const { return line_; }
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

  // At a record start: true (and consumes it) when the line is empty.
  bool skip_blank_line() {
    if (p_ < end_ && *p_ == '\n') {
      ++p_;
      ++line_;
      return true;
    }
    if (p_ < end_ && *p_ == '\r') {
      ++p_;
      if (p_ < end_ && *p_ == '\n') ++p_;
      ++line_;
      return true;
    }
    return false;
  }

  // Reads one field; returns true when it ended its record (newline or end of input).
  [[gnu::always_inline]] bool next(Field& field, Index column) {
    if (p_ < end_ && *p_ == '"') return next_quoted(field, column);
    const char* start = p_;
    const char* p = p_;
#ifdef __SSE2__
    // 16 bytes at a time while they are there: the first delimiter, LF or CR.
    while (end_ - p >= 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, delim_vec_), _mm_cmpeq_epi8(chunk, lf_vec_)),
                                        _mm_cmpeq_epi8(chunk, cr_vec_));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
      if (mask != 0) {
        p += __builtin_ctz(mask);
        goto found;
      }
      p += 16;
    }
#endif
    while (p < end_ && !stop_[static_cast<unsigned char>(*p)]) ++p;
#ifdef __SSE2__
  found:
#endif
    field.text = std::string_view(start, static_cast<std::size_t>(p - start));
    field.quoted = false;
    p_ = p;
    return finish_field();
  }

 private:
  bool next_quoted(Field& field, Index column) {
    const long open_line = line_;
    const char* p = p_ + 1;
    const char* start = p;
    bool escaped = false;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end_ - p)));
      if (q == nullptr) {
        line_ += std::count(p, end_, '\n');
        throw DataError(
            fmt::format("{}:{}: column {}: unterminated quoted field; expected a closing '\"' before the "
                        "end of the file",
                        source_, open_line, column + 1));
      }
      line_ += std::count(p, q, '\n');
      if (q + 1 < end_ && q[1] == '"') {
        escaped = true;
        p = q + 2;
        continue;
      }
      p = q;
      break;
    }
    if (escaped) {
      scratch_.clear();
      for (const char* s = start; s < p; ++s) {
        scratch_.push_back(*s);
        if (*s == '"') ++s;  // "" -> "
      }
      field.text = scratch_;
    } else {
      field.text = std::string_view(start, static_cast<std::size_t>(p - start));
    }
    field.quoted = true;
    p_ = p + 1;
    if (p_ < end_ && *p_ != delim_ && *p_ != '\n' && *p_ != '\r') {
      throw DataError(
          fmt::format("{}:{}: column {}: expected a delimiter or the end of the line after the closing "
                      "quote, found '{}'",
                      source_, line_, column + 1, *p_));
    }
    return finish_field();
  }

  [[gnu::always_inline]] bool finish_field() {
    if (p_ >= end_) return true;
    const char c = *p_++;
    if (c == '\n') {
      ++line_;
      return true;
    }
    if (c == '\r') {
      if (p_ < end_ && *p_ == '\n') ++p_;
      ++line_;
      return true;
    }
    return false;  // a delimiter
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  char delim_;
  const std::string& source_;
  long line_;
  std::array<bool, 256> stop_{};  // bytes that end an unquoted field
#ifdef __SSE2__
  __m128i delim_vec_{}, lf_vec_{}, cr_vec_{};
#endif
  std::string scratch_;
};

// The number syntax on an already trimmed field ("" is not a number: it reaches here when the
// missing tokens leave out the empty cell).
[[gnu::always_inline]] inline bool parse_trimmed(std::string_view text, double& value) {
  const char* first = text.data();
  const char* last = first + text.size();
  if (first == last) return false;
  if (*first == '+') {
    ++first;
    if (first == last || *first == '-' || *first == '+') return false;
  }
  const auto result = fast_float::from_chars(first, last, value);
  return result.ec == std::errc{} && result.ptr == last;
}

// Large numeric columns: fault the reserved pages in with one madvise call instead of one
// page fault per 4 KiB while writing. Measured on the 100 MB benchmark: writing fresh
// column memory page by page cost more than parsing the numbers; populating it up front
// is several times cheaper (Linux >= 5.14; older kernels refuse the advice, harmlessly).
void reserve_numbers(std::vector<double>& numbers, std::size_t rows) {
  numbers.reserve(rows);
  constexpr std::size_t kMinBytes = std::size_t{1} << 20;
  if (rows * sizeof(double) < kMinBytes) return;
#ifdef __linux__
  constexpr std::uintptr_t kPage = 4096;
  constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE
  const auto address = reinterpret_cast<std::uintptr_t>(numbers.data());
  const std::uintptr_t begin = (address + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t end = (address + rows * sizeof(double)) & ~(kPage - 1);
  if (end > begin) {
    // The first whole page as the buffer's pointer plus an offset rather than an integer cast back
    // to a pointer, which would hide the pointer's provenance from the optimizer.
    char* const first_page = reinterpret_cast<char*>(numbers.data()) + (begin - address);
    ::madvise(first_page, end - begin, kPopulateWrite);
  }
#endif
}

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
      return i;
    if (i + len > n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string delimiter_name(char d) { return d == '\t' ? "tab" : fmt::format("'{}'", d); }

// When some cells of a column inferred numeric are not numbers: the share of its non-missing
// cells that must be numbers for the column to count as numbers with bad cells (an error that
// names them) rather than as categorical. Number-like codes with real text levels (sizes "1",
// "2", "XL") have the text in a good share of the rows; typos and formatting slips ("abc",
// "1,234", "12..5") are a few cells. At 90 %, up to one bad cell in ten is still reported as
// such, and a text level must be rarer than one row in ten to be taken for a typo (that
// column can be forced categorical with CsvOptions::column_types, or given --na-values).
inline bool mostly_numeric(Index numbers, Index text) { return numbers >= 9 * text; }

std::string_view trim_all(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  return s;
}

[[noreturn]] void line_too_long(const std::string& source, long line) {
  throw DataError(fmt::format("{}:{}: record longer than {} bytes; at most 16 MiB per line is supported", source, line,
                              kMaxCsvLineBytes));
}

}  // namespace

namespace detail {

bool DelimiterVote::feed(std::string_view text) {
  if (done_) return false;
  for (char c : text) {
    if (c == '"') in_quotes_ = !in_quotes_;
    if (in_quotes_) continue;
    if (c == '\n' || c == '\r') {
      done_ = true;
      return false;
    }
    commas_ += c == ',';
    semicolons_ += c == ';';
    tabs_ += c == '\t';
  }
  return true;
}

char DelimiterVote::delimiter() const {
  if (semicolons_ > commas_ && semicolons_ >= tabs_) return ';';
  if (tabs_ > commas_ && tabs_ > semicolons_) return '\t';
  return ',';
}

// Text files hold no NUL bytes; one near the start (the first 64 KiB after a byte-order mark)
// means a binary (or compressed) file.
void refuse_binary(std::string_view text, const std::string& source) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::string_view head = text.substr(0, kInputCheckBytes);
  if (const std::size_t nul = head.find('\0'); nul != std::string_view::npos) {
    const auto line = 1 + std::count(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    throw DataError(
        fmt::format("{}:{}: a NUL byte (file offset {}): this looks like a binary or compressed file; "
                    "expected CSV text",
                    source, line, nul));
  }
}

}  // namespace detail

namespace {

using detail::BodyPass;
using detail::BodyStart;
using detail::ColumnPlan;
using detail::CsvHead;
using detail::TextCells;

// The head of a text: byte-order mark, skipped lines, delimiter, then the header (or, with
// header=false, the first record's width); where the data records start.
class HeadReader {
 public:
  HeadReader(std::string_view text, const CsvOptions& options, const std::string& source)
      : text_(text), options_(options), source_(source) {}

  CsvHead read() {
    if (text_.starts_with("\xEF\xBB\xBF")) {
      text_.remove_prefix(3);
      consumed_ = 3;
    }
    if (trim_all(text_).empty()) {
      throw DataError(fmt::format("{}: empty file; expected a header row and at least one data row", source_));
    }
    detail::refuse_binary(text_, source_);
    skip_lines();
    head_.delimiter = options_.delimiter;
    if (head_.delimiter == '\0') {
      detail::DelimiterVote vote;
      vote.feed(text_);
      head_.delimiter = vote.delimiter();
    }
    if (head_.delimiter != ',' && head_.delimiter != ';' && head_.delimiter != '\t') {
      throw DataError(fmt::format("{}: delimiter {} not supported; expected ',', ';' or tab", source_,
                                  delimiter_name(head_.delimiter)));
    }
    read_header();
    return std::move(head_);
  }

 private:
  // CsvOptions::skip_rows: the first lines go, whatever they hold (LF, CRLF or a lone CR ends one).
  void skip_lines() {
    const std::size_t skip = options_.skip_rows;
    if (skip == 0) return;
    std::size_t at = 0;
    for (std::size_t line = 0; line < skip; ++line) {
      const std::size_t end = text_.find_first_of("\r\n", at);
      if (end == std::string_view::npos) {
        at = std::string_view::npos;
        break;
      }
      at = end + (text_[end] == '\r' && end + 1 < text_.size() && text_[end + 1] == '\n' ? 2 : 1);
    }
    if (at == std::string_view::npos || trim_all(text_.substr(at)).empty()) {
      throw DataError(
          fmt::format("{}: skip_rows {} (--skip-rows) leaves nothing to read; expected {} after the "
                      "skipped lines",
                      source_, skip, options_.header ? "a header row" : "data rows"));
    }
    text_.remove_prefix(at);
    consumed_ += at;
    first_line_ = static_cast<long>(skip) + 1;
  }

  void read_header() {
    Tokenizer tok(text_, head_.delimiter, source_, first_line_);
    while (!tok.at_end() && tok.skip_blank_line()) {}
    head_.header_line = tok.line();
    if (!options_.header) {
      name_columns_by_position(tok);
      return;
    }
    auto& names = head_.names;
    Field field;
    std::unordered_map<std::string, std::size_t> position;  // hashed: 10^6 columns stay linear
    for (bool end = false; !end;) {
      if (static_cast<Index>(names.size()) >= kMaxCsvColumns) {
        throw DataError(fmt::format("{}:{}: more than {} columns in the header; at most {} are supported", source_,
                                    tok.line(), kMaxCsvColumns, kMaxCsvColumns));
      }
      end = tok.next(field, static_cast<Index>(names.size()));
      if (const std::size_t bad = invalid_utf8_at(field.text); bad != std::string_view::npos) {
        throw DataError(fmt::format(
            "{}:{}: column {}: the header cell is not UTF-8 (byte 0x{:02X} at offset {} of "
            "the cell); expected column names in UTF-8",
            source_, head_.header_line, names.size() + 1, static_cast<unsigned char>(field.text[bad]), bad));
      }
      std::string name(field.text);
      if (name.empty()) name = fmt::format("Unnamed: {}", names.size());  // as pandas names it
      if (!position.try_emplace(name, names.size()).second) {
        throw DataError(fmt::format("{}:{}: column {}: duplicate column name \"{}\"; expected unique names", source_,
                                    head_.header_line, names.size() + 1, name));
      }
      names.push_back(std::move(name));
      if (tok.offset() > kMaxCsvLineBytes) line_too_long(source_, head_.header_line);
    }
    head_.body_offset = consumed_ + tok.offset();
    head_.body_line = tok.line();
    plan_columns(position);
  }

  // CsvOptions::header false: the first record's fields are counted (it stays the first data row)
  // and the columns named "0", "1", ... as pandas' header=None names them.
  void name_columns_by_position(Tokenizer& tok) {
    auto& names = head_.names;
    const std::size_t start = tok.offset();
    Field field;
    std::unordered_map<std::string, std::size_t> position;
    for (bool end = false; !end;) {
      if (static_cast<Index>(names.size()) >= kMaxCsvColumns) {
        throw DataError(fmt::format("{}:{}: more than {} fields in the first row; at most {} columns are supported",
                                    source_, head_.header_line, kMaxCsvColumns, kMaxCsvColumns));
      }
      end = tok.next(field, static_cast<Index>(names.size()));
      position.emplace(std::to_string(names.size()), names.size());
      names.push_back(std::to_string(names.size()));
      if (tok.offset() - start > kMaxCsvLineBytes) line_too_long(source_, head_.header_line);
    }
    head_.body_offset = consumed_ + start;
    head_.body_line = head_.header_line;
    plan_columns(position);
  }

  // Each column's plan: lenient (not used by the caller) or forced to a type by name.
  void plan_columns(const std::unordered_map<std::string, std::size_t>& position) {
    const auto& names = head_.names;
    auto& plan = head_.plan;
    plan.assign(names.size(), ColumnPlan{});
    if (!options_.lenient_columns.empty() || options_.lenient_unforced) {
      for (std::size_t c = 0; c < names.size(); ++c)
        plan[c].lenient = options_.lenient_unforced || options_.lenient_columns.contains(names[c]);
    }
    for (const auto& [name, type] : options_.column_types) {
      const auto it = position.find(name);
      if (it == position.end()) {
        if (options_.column_types_may_be_absent) continue;
        throw DataError(
            fmt::format("{}: unknown column \"{}\" named in column_types; it is not in the header", source_, name));
      }
      plan[it->second].type = type;
      plan[it->second].forced = true;
    }
  }

  std::string_view text_;
  const CsvOptions& options_;
  const std::string& source_;
  std::size_t consumed_ = 0;  // bytes of the given text before text_ (byte-order mark, skipped lines)
  long first_line_ = 1;       // the file line text_ starts at (after skip_rows)
  CsvHead head_;
};

// One pass over data records: every field stored as its column's plan says, numbers parsed as
// they are met, the non-numbers of a column read as numeric counted for the type decision.
class BodyReader {
 public:
  BodyReader(std::string_view body, const CsvHead& head, const CsvOptions& options, const std::string& source,
             BodyStart start)
      : body_(body), head_(head), options_(options), source_(source), start_(start), missing_(options.missing_tokens) {}

  BodyPass read() {
    const std::size_t ncols = head_.names.size();
    auto& columns = pass_.columns;
    columns.assign(ncols, Column{});
    pass_.text.assign(ncols, TextCells{});
    for (std::size_t c = 0; c < ncols; ++c) {
      columns[c].name = head_.names[c];
      columns[c].type = head_.plan[c].type;
    }
    reserve(estimate_lines());
    Tokenizer tok(body_, head_.delimiter, source_, start_.line);
    Index& rows = pass_.rows;
    Field field;
    while (!tok.at_end()) {
      if (tok.skip_blank_line()) continue;
      const long line = tok.line();
      const std::size_t record_start = tok.offset();
      std::size_t c = 0;
      for (bool end = false; !end; ++c) {
        if (c >= ncols) {
          throw DataError(fmt::format("{}:{}: column {}: expected {} fields as in the {}, found more (ragged row){}",
                                      source_, line, c + 1, ncols, options_.header ? "header" : "first row",
                                      start_.row + rows == 0 ? title_line_hint() : std::string()));
        }
        end = tok.next(field, static_cast<Index>(c));
        store(columns[c], head_.plan[c], pass_.text[c], field, line, c);
      }
      if (c < ncols) {
        throw DataError(fmt::format("{}:{}: expected {} fields as in the {}, found {} (ragged row)", source_, line,
                                    ncols, options_.header ? "header" : "first row", c));
      }
      if (tok.offset() - record_start > kMaxCsvLineBytes) line_too_long(source_, line);
      ++rows;
    }
    return std::move(pass_);
  }

 private:
  // Reserving the columns saves the reallocation copies (a fifth of the time on large
  // files); one line per row bounds the row count (quoted newlines only over-reserve).
  // Counted exactly on small inputs; estimated from the first MiB (plus 10 %) on large ones.
  std::size_t estimate_lines() const {
    constexpr std::size_t kSample = std::size_t{1} << 20;
    if (body_.size() <= 4 * kSample) return static_cast<std::size_t>(std::count(body_.begin(), body_.end(), '\n')) + 1;
    const auto sampled = static_cast<std::size_t>(std::count(body_.begin(), body_.begin() + kSample, '\n')) + 1;
    return static_cast<std::size_t>(static_cast<double>(sampled) * static_cast<double>(body_.size()) /
                                    static_cast<double>(kSample) * 1.1) +
           16;
  }

  void reserve(std::size_t lines) {
    for (std::size_t c = 0; c < pass_.columns.size(); ++c) {
      Column& column = pass_.columns[c];
      if (head_.plan[c].type == ColumnType::numeric) {
        reserve_numbers(column.numbers, lines);
      } else {
        column.strings.reserve(lines);
        column.missing.reserve(lines);
      }
    }
  }

  // The first data row is wider than the header: most often the header line is a title or a row
  // count above the real header (a file written for another reader), which --skip-rows skips.
  std::string title_line_hint() const {
    if (!options_.header) return {};
    return fmt::format("; if line {} is not the header (a title or a row count above it), --skip-rows {} skips it",
                       head_.header_line, head_.header_line);
  }

  void store(Column& column, const ColumnPlan& plan, TextCells& text, const Field& field, long line, std::size_t c) {
    const std::string_view trimmed = trim(field.text);
    const bool missing = missing_.contains(trimmed);
    if (plan.type == ColumnType::categorical) {
      // Text values become category names in JSON files: UTF-8 only (pandas' default too).
      if (const std::size_t bad = missing ? std::string_view::npos : invalid_utf8_at(field.text);
          bad != std::string_view::npos) {
        throw DataError(
            fmt::format("{}:{}: column {} (\"{}\"): the value is not UTF-8 (byte 0x{:02X} at offset {} "
                        "of the cell); expected UTF-8 text (convert the file, e.g. iconv -f latin1 -t "
                        "utf-8)",
                        source_, line, c + 1, column.name, static_cast<unsigned char>(field.text[bad]), bad));
      }
      column.strings.emplace_back(missing ? std::string_view{} : field.text);
      column.missing.push_back(missing ? 1 : 0);
      return;
    }
    if (missing) {
      column.numbers.push_back(std::numeric_limits<double>::quiet_NaN());
      return;
    }
    if (double value; parse_trimmed(trimmed, value)) {
      column.numbers.push_back(value);
      return;
    }
    if (plan.forced) {
      throw DataError(
          fmt::format("{}:{}: column {} (\"{}\"): expected a number (the column is forced numeric), "
                      "found {}",
                      source_, line, c + 1, column.name, quote_for_message(field.text)));
    }
    // Kept as NaN and counted: the end of the pass decides the column's type from the counts.
    column.numbers.push_back(std::numeric_limits<double>::quiet_NaN());
    if (text.first.size() < TextCells::kKept) text.first.emplace_back(line, std::string(field.text.substr(0, 64)));
    ++text.count;
  }

  std::string_view body_;
  const CsvHead& head_;
  const CsvOptions& options_;
  const std::string& source_;
  BodyStart start_;
  MissingTokens missing_;
  BodyPass pass_;
};

[[noreturn]] void mostly_numeric_error(const std::string& source, std::size_t c, const std::string& name, Index numbers,
                                       const TextCells& text) {
  std::vector<std::string> cells, suggested;
  for (const auto& [line, cell] : text.first) {
    // Text in a numeric column was never checked for UTF-8: show other bytes as \xNN.
    const bool utf8 = invalid_utf8_at(cell) == std::string_view::npos;
    std::string printable;
    for (char ch : cell) {
      const auto byte = static_cast<unsigned char>(ch);
      printable += utf8 || byte < 0x80 ? std::string(1, ch) : fmt::format("\\x{:02X}", byte);
    }
    cells.push_back(fmt::format("line {} {}", line, quote_for_message(printable)));
    // --na-values splits at commas: a cell holding one cannot be named there.
    const std::string trimmed(trim(cell));
    if (utf8 && !trimmed.empty() && trimmed.find(',') == std::string::npos &&
        std::find(suggested.begin(), suggested.end(), trimmed) == suggested.end())
      suggested.push_back(trimmed);
  }
  if (text.count > static_cast<Index>(text.first.size())) cells.push_back("...");
  throw DataError(fmt::format(
      "{}: column {} (\"{}\"): {} of {} values are numbers but {} {} not: {}; expected a number (no thousands "
      "separators, '.' as the decimal point){}",
      source, c + 1, name, numbers, numbers + text.count, text.count, text.count == 1 ? "is" : "are",
      fmt::join(cells, ", "),
      suggested.empty()
          ? std::string()
          : fmt::format(", or read such cells as missing with --na-values {}", fmt::join(suggested, ","))));
}

// The whole text: the head, then at most two passes over the body (the second when a column
// inferred numeric met text and turned categorical).
Table read_text(std::string_view text, const CsvOptions& options, const std::string& source) {
  CsvHead head = detail::read_csv_head(text, options, source);
  const std::string_view body = text.substr(head.body_offset);
  BodyPass pass;
  for (int round = 0; round < 2; ++round) {
    pass = BodyPass{};  // the last pass's columns go before the next pass fills new ones
    pass = detail::read_csv_body(body, head, options, source, BodyStart{head.body_line, 0});
    if (pass.rows == 0) throw detail::header_only_error(head, source);
    std::vector<Index> numbers(pass.columns.size(), 0);
    for (std::size_t c = 0; c < pass.columns.size(); ++c)
      if (pass.text[c].count > 0) numbers[c] = detail::number_count(pass.columns[c]);
    if (!detail::retype_csv_columns(head, numbers, pass.text, source)) break;
  }
  Table table;
  table.source = source;
  table.columns = std::move(pass.columns);
  table.row_labels.resize(static_cast<std::size_t>(pass.rows));
  for (Index i = 0; i < pass.rows; ++i) table.row_labels[static_cast<std::size_t>(i)] = i;
  return table;
}

}  // namespace

namespace detail {

CsvHead read_csv_head(std::string_view text, const CsvOptions& options, const std::string& source) {
  return HeadReader(text, options, source).read();
}

BodyPass read_csv_body(std::string_view body, const CsvHead& head, const CsvOptions& options, const std::string& source,
                       BodyStart start) {
  return BodyReader(body, head, options, source, start).read();
}

Index number_count(const Column& column) {
  // Missing cells and text cells are both NaN in `numbers`; the rest parsed as numbers.
  const auto nan = std::count_if(column.numbers.begin(), column.numbers.end(), [](double v) { return std::isnan(v); });
  return static_cast<Index>(column.numbers.size()) - static_cast<Index>(nan);
}

// A column inferred numeric that met text becomes categorical, unless most of its cells are
// numbers (then the text is most likely a typo or a formatting slip, and typing the whole column
// as text would only move the error elsewhere).
bool retype_csv_columns(CsvHead& head, const std::vector<Index>& numbers, const std::vector<TextCells>& text,
                        const std::string& source) {
  bool any = false;
  for (std::size_t c = 0; c < head.names.size(); ++c) {
    if (text[c].count == 0) continue;
    if (!head.plan[c].lenient && mostly_numeric(numbers[c], text[c].count))
      mostly_numeric_error(source, c, head.names[c], numbers[c], text[c]);
    head.plan[c].type = ColumnType::categorical;
    any = true;
  }
  return any;
}

DataError header_only_error(const CsvHead& head, const std::string& source) {
  return DataError(
      fmt::format("{}: header only; expected at least one data row after line {}", source, head.header_line));
}

}  // namespace detail

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  if (!parse_trimmed(text, value)) return std::nullopt;
  return value;
}

Table parse_csv(std::string_view text, const CsvOptions& options, const std::string& source) {
  if (is_gzip(text)) {
    const InputBytes inflated = gunzip(text, source, options.max_bytes);
    return read_text(inflated.view(), options, source);
  }
  return read_text(text, options, source);
}

Table read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  // A big regular file is parsed in parts: its text is never held whole beside the table.
  if (detail::reads_csv_in_parts(path, detail::kCsvPartBytes))
    return detail::read_csv_in_parts(path, options, detail::kCsvPartBytes);
  const std::string source = path.string();
  // Read, not memory-mapped: a file truncated while mapped kills the process with SIGBUS. The
  // same read serves pipes and FIFOs; a binary stream is refused after its first 64 KiB.
  InputOptions input;
  input.max_bytes = options.max_bytes;
  input.what = "CSV file";
  input.cancel = options.cancel;
  // gzip is binary by design: its magic bytes, not the file's name, say to decompress it first.
  input.check_start = [&source](std::string_view start) {
    if (!is_gzip(start)) detail::refuse_binary(start, source);
  };
  const InputBytes text = read_input(path, input);
  return parse_csv(text.view(), options, source);
}

}  // namespace lrtune
