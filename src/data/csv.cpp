// RFC 4180 reader: one tokenizer over the whole buffer, fields converted to doubles
// with fast_float as they are met. A column inferred numeric that meets a non-number
// turns categorical (the body is then read once more for those columns: at most two
// passes), unless nine in ten of its values are numbers: then the others are an error.
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

char detect_delimiter(std::string_view text) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool in_quotes = false;
  for (char c : text) {
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == '\n' || c == '\r') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
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

std::string delimiter_name(char d) { return d == '\t' ? "tab" : fmt::format("'{}'", d); }

struct ColumnPlan {
  ColumnType type = ColumnType::numeric;
  bool forced = false;
  bool lenient = false;  // CsvOptions::lenient_columns
};

// The cells of a column inferred numeric that do not parse as numbers: how many, and the
// first few with their lines (for the message).
struct TextCells {
  static constexpr std::size_t kKept = 3;
  Index count = 0;
  std::vector<std::pair<long, std::string>> first;
};

// When some cells of a column inferred numeric are not numbers: the share of its non-missing
// cells that must be numbers for the column to count as numbers with bad cells (an error that
// names them) rather than as categorical. Number-like codes with real text levels (sizes "1",
// "2", "XL") have the text in a good share of the rows; typos and formatting slips ("abc",
// "1,234", "12..5") are a few cells. At 90 %, up to one bad cell in ten is still reported as
// such, and a text level must be rarer than one row in ten to be taken for a typo (that
// column can be forced categorical with CsvOptions::column_types, or given --na-values).
inline bool mostly_numeric(Index numbers, Index text) { return numbers >= 9 * text; }

class Reader {
 public:
  Reader(std::string_view text, const CsvOptions& options, const std::string& source)
      : text_(text), options_(options), source_(source), missing_(options.missing_tokens) {}

  Table read() {
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
    if (trim_all(text_).empty()) {
      throw DataError(fmt::format("{}: empty file; expected a header row and at least one data row", source_));
    }
    refuse_binary(text_, source_);
    skip_lines();
    delim_ = options_.delimiter != '\0' ? options_.delimiter : detect_delimiter(text_);
    if (delim_ != ',' && delim_ != ';' && delim_ != '\t') {
      throw DataError(
          fmt::format("{}: delimiter {} not supported; expected ',', ';' or tab", source_, delimiter_name(delim_)));
    }
    read_header();
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<TextCells> text(names_.size());
      read_body(text);
      if (!retype_columns(text)) break;
    }
    Table table;
    table.source = source_;
    table.columns = std::move(columns_);
    table.row_labels.resize(static_cast<std::size_t>(rows_));
    for (Index i = 0; i < rows_; ++i) table.row_labels[static_cast<std::size_t>(i)] = i;
    return table;
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
    first_line_ = static_cast<long>(skip) + 1;
  }

  static std::string_view trim_all(std::string_view s) {
    while (!s.empty() && (is_blank(s.front()) || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    return s;
  }

  void read_header() {
    Tokenizer tok(text_, delim_, source_, first_line_);
    while (!tok.at_end() && tok.skip_blank_line()) {}
    header_line_ = tok.line();
    if (!options_.header) {
      name_columns_by_position(tok);
      return;
    }
    Field field;
    std::unordered_map<std::string, std::size_t> position;  // hashed: 10^6 columns stay linear
    for (bool end = false; !end;) {
      if (static_cast<Index>(names_.size()) >= kMaxCsvColumns) {
        throw DataError(fmt::format("{}:{}: more than {} columns in the header; at most {} are supported", source_,
                                    tok.line(), kMaxCsvColumns, kMaxCsvColumns));
      }
      end = tok.next(field, static_cast<Index>(names_.size()));
      if (const std::size_t bad = invalid_utf8_at(field.text); bad != std::string_view::npos) {
        throw DataError(
            fmt::format("{}:{}: column {}: the header cell is not UTF-8 (byte 0x{:02X} at offset {} of "
                        "the cell); expected column names in UTF-8",
                        source_, header_line_, names_.size() + 1, static_cast<unsigned char>(field.text[bad]), bad));
      }
      std::string name(field.text);
      if (name.empty()) name = fmt::format("Unnamed: {}", names_.size());  // as pandas names it
      if (!position.try_emplace(name, names_.size()).second) {
        throw DataError(fmt::format("{}:{}: column {}: duplicate column name \"{}\"; expected unique names", source_,
                                    header_line_, names_.size() + 1, name));
      }
      names_.push_back(std::move(name));
      if (tok.offset() > kMaxCsvLineBytes) line_too_long(header_line_);
    }
    body_offset_ = tok.offset();
    body_line_ = tok.line();
    plan_columns(position);
  }

  // CsvOptions::header false: the first record's fields are counted (it stays the first data row)
  // and the columns named "0", "1", ... as pandas' header=None names them.
  void name_columns_by_position(Tokenizer& tok) {
    const std::size_t start = tok.offset();
    Field field;
    std::unordered_map<std::string, std::size_t> position;
    for (bool end = false; !end;) {
      if (static_cast<Index>(names_.size()) >= kMaxCsvColumns) {
        throw DataError(fmt::format("{}:{}: more than {} fields in the first row; at most {} columns are supported",
                                    source_, header_line_, kMaxCsvColumns, kMaxCsvColumns));
      }
      end = tok.next(field, static_cast<Index>(names_.size()));
      position.emplace(std::to_string(names_.size()), names_.size());
      names_.push_back(std::to_string(names_.size()));
      if (tok.offset() - start > kMaxCsvLineBytes) line_too_long(header_line_);
    }
    body_offset_ = start;
    body_line_ = header_line_;
    plan_columns(position);
  }

  // Each column's plan: lenient (not used by the caller) or forced to a type by name.
  void plan_columns(const std::unordered_map<std::string, std::size_t>& position) {
    plan_.assign(names_.size(), ColumnPlan{});
    if (!options_.lenient_columns.empty() || options_.lenient_unforced) {
      for (std::size_t c = 0; c < names_.size(); ++c)
        plan_[c].lenient = options_.lenient_unforced || options_.lenient_columns.contains(names_[c]);
    }
    for (const auto& [name, type] : options_.column_types) {
      const auto it = position.find(name);
      if (it == position.end()) {
        if (options_.column_types_may_be_absent) continue;
        throw DataError(
            fmt::format("{}: unknown column \"{}\" named in column_types; it is not in the header", source_, name));
      }
      auto& plan = plan_[it->second];
      plan.type = type;
      plan.forced = true;
    }
  }

  // After a pass: a column inferred numeric that met text becomes categorical, unless most of
  // its cells are numbers (then the text is most likely a typo or a formatting slip, and typing
  // the whole column as text would only move the error elsewhere). True when a column changed.
  bool retype_columns(const std::vector<TextCells>& text) {
    bool any = false;
    for (std::size_t c = 0; c < names_.size(); ++c) {
      if (text[c].count == 0) continue;
      const Column& column = columns_[c];
      // Missing cells and text cells are both NaN in `numbers`; the rest parsed as numbers.
      const auto nan = static_cast<Index>(
          std::count_if(column.numbers.begin(), column.numbers.end(), [](double v) { return std::isnan(v); }));
      const Index numbers = static_cast<Index>(column.numbers.size()) - nan;
      if (!plan_[c].lenient && mostly_numeric(numbers, text[c].count)) mostly_numeric_error(c, numbers, text[c]);
      plan_[c].type = ColumnType::categorical;
      any = true;
    }
    return any;
  }

  [[noreturn]] void mostly_numeric_error(std::size_t c, Index numbers, const TextCells& text) const {
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
        source_, c + 1, names_[c], numbers, numbers + text.count, text.count, text.count == 1 ? "is" : "are",
        fmt::join(cells, ", "),
        suggested.empty()
            ? std::string()
            : fmt::format(", or read such cells as missing with --na-values {}", fmt::join(suggested, ","))));
  }

  // The first data row is wider than the header: most often the header line is a title or a row
  // count above the real header (a file written for another reader), which --skip-rows skips.
  std::string title_line_hint() const {
    if (!options_.header) return {};
    return fmt::format("; if line {} is not the header (a title or a row count above it), --skip-rows {} skips it",
                       header_line_, header_line_);
  }

  [[noreturn]] void line_too_long(long line) const {
    throw DataError(fmt::format("{}:{}: record longer than {} bytes; at most 16 MiB per line is supported", source_,
                                line, kMaxCsvLineBytes));
  }

  void read_body(std::vector<TextCells>& text) {
    const std::size_t ncols = names_.size();
    columns_.assign(ncols, Column{});
    for (std::size_t c = 0; c < ncols; ++c) {
      columns_[c].name = names_[c];
      columns_[c].type = plan_[c].type;
    }
    std::string_view body = text_.substr(body_offset_);
    // Reserving the columns saves the reallocation copies (a fifth of the time on large
    // files); one line per row bounds the row count (quoted newlines only over-reserve).
    // Counted exactly on small inputs; estimated from the first MiB (plus 10 %) on large ones.
    constexpr std::size_t kSample = std::size_t{1} << 20;
    std::size_t lines = 0;
    if (body.size() <= 4 * kSample) {
      lines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')) + 1;
    } else {
      const auto sampled = static_cast<std::size_t>(std::count(body.begin(), body.begin() + kSample, '\n')) + 1;
      lines = static_cast<std::size_t>(static_cast<double>(sampled) * static_cast<double>(body.size()) /
                                       static_cast<double>(kSample) * 1.1) +
              16;
    }
    for (std::size_t c = 0; c < ncols; ++c) {
      if (plan_[c].type == ColumnType::numeric) {
        reserve_numbers(columns_[c].numbers, lines);
      } else {
        columns_[c].strings.reserve(lines);
        columns_[c].missing.reserve(lines);
      }
    }
    Tokenizer tok(body, delim_, source_, body_line_);
    rows_ = 0;
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
                                      rows_ == 0 ? title_line_hint() : std::string()));
        }
        end = tok.next(field, static_cast<Index>(c));
        store(columns_[c], plan_[c], text[c], field, line, c);
      }
      if (c < ncols) {
        throw DataError(fmt::format("{}:{}: expected {} fields as in the {}, found {} (ragged row)", source_, line,
                                    ncols, options_.header ? "header" : "first row", c));
      }
      if (tok.offset() - record_start > kMaxCsvLineBytes) line_too_long(line);
      ++rows_;
    }
    if (rows_ == 0) {
      throw DataError(
          fmt::format("{}: header only; expected at least one data row after line {}", source_, header_line_));
    }
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

  std::string_view text_;
  const CsvOptions& options_;
  const std::string& source_;
  MissingTokens missing_;
  char delim_ = ',';
  std::vector<std::string> names_;
  std::vector<ColumnPlan> plan_;
  std::vector<Column> columns_;
  std::size_t body_offset_ = 0;
  long first_line_ = 1;  // the file line text_ starts at (after skip_rows)
  long header_line_ = 1;
  long body_line_ = 2;
  Index rows_ = 0;
};

}  // namespace

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
    return Reader(inflated.view(), options, source).read();
  }
  return Reader(text, options, source).read();
}

Table read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  const std::string source = path.string();
  // Read, not memory-mapped: a file truncated while mapped kills the process with SIGBUS. The
  // same read serves pipes and FIFOs; a binary stream is refused after its first 64 KiB.
  InputOptions input;
  input.max_bytes = options.max_bytes;
  input.what = "CSV file";
  input.cancel = options.cancel;
  // gzip is binary by design: its magic bytes, not the file's name, say to decompress it first.
  input.check_start = [&source](std::string_view start) {
    if (!is_gzip(start)) refuse_binary(start, source);
  };
  const InputBytes text = read_input(path, input);
  return parse_csv(text.view(), options, source);
}

}  // namespace lrtune
