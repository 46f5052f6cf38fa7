// plan_csv_shards (csv_shards.hpp): one forward pass over a regular file in 1 MiB chunks. The head
// (skipped lines, delimiter, header) is found by streaming too, then read once with read_csv's own
// head reader, so that its checks and messages are read_csv's; the data region is then scanned by
// the record scanner, which marks the first record start at or after each part's target byte.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/gzip.hpp"
#include "lrtune/data/input_file.hpp"

#include "csv_parser.hpp"
#include "csv_record_scanner.hpp"
#include "regular_file.hpp"

namespace lrtune {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

using detail::RecordScanner;

// The file read forward from an offset, one chunk at a time, in one buffer.
class ChunkReader {
 public:
  ChunkReader(const detail::RegularFile& file, std::uint64_t offset)
      : file_(file), offset_(offset), buffer_(kChunkBytes) {}
  // The next bytes; "" at the end of the file.
  std::string_view next() {
    const std::size_t got = file_.read(offset_, buffer_.data(), buffer_.size());
    offset_ += got;
    return {buffer_.data(), got};
  }

 private:
  const detail::RegularFile& file_;
  std::uint64_t offset_;
  std::vector<char> buffer_;
};

class Planner {
 public:
  Planner(const std::filesystem::path& path, const CsvOptions& options, int parts)
      : file_(path, "CSV file"), source_(path.string()), options_(options), parts_(parts) {}

  CsvShardPlan plan() {
    refuse_unsplittable();
    CsvShardPlan plan;
    plan.file_size = file_.size();
    plan.modified_ns = file_.modified_ns();
    const detail::CsvHead head = read_head(plan.head_bytes);
    plan.delimiter = head.delimiter;
    split_data(head, plan);
    if (plan.rows == 0) throw detail::header_only_error(head, source_);
    file_.check_unchanged(plan.file_size, plan.modified_ns);
    return plan;
  }

 private:
  // What cannot be read at byte offsets, or what read_csv refuses before parsing.
  void refuse_unsplittable() const {
    if (!file_.regular()) {
      throw DataError(fmt::format(
          "{}: not a regular file (a pipe, FIFO or device); reading a CSV file in parts needs a regular file: save "
          "the stream to a file first",
          source_));
    }
    if (file_.size() > options_.max_bytes) {
      throw DataError(fmt::format("{}: {} bytes; the limit for CSV files is {} ({} bytes)", source_, file_.size(),
                                  byte_size_text(options_.max_bytes), options_.max_bytes));
    }
    std::string start(std::min<std::uint64_t>(file_.size(), kInputCheckBytes + 3), '\0');
    start.resize(file_.read(0, start.data(), start.size()));
    if (is_gzip(start)) {
      throw DataError(fmt::format(
          "{}: gzip-compressed; a compressed file cannot be read in parts (its byte ranges are not records): "
          "decompress it first (gunzip -k {}) and give the .csv",
          source_, source_));
    }
    detail::refuse_binary(start, source_);
  }

  // The head as read_csv reads it, from the file's first bytes: through the header record (the
  // first record with header=false) and the first byte after the skipped lines that is not blank
  // (read_csv's emptiness checks look that far). Sets `head_bytes` to how many bytes that took.
  detail::CsvHead read_head(std::uint64_t& head_bytes) const {
    std::string start(3, '\0');
    start.resize(file_.read(0, start.data(), start.size()));
    const std::uint64_t bom = start == "\xEF\xBB\xBF" ? 3 : 0;
    CsvOptions options = options_;
    head_bytes = file_.size();  // when the skipped lines take the whole file: read_csv's error needs it all
    if (const std::optional<std::uint64_t> skip_end = skip_lines(bom)) {
      if (options.delimiter == '\0') options.delimiter = detect_delimiter(*skip_end);
      const std::uint64_t header_end = first_record_end(*skip_end, options.delimiter);
      const std::uint64_t nonblank = first_nonblank(*skip_end);
      head_bytes = std::min(file_.size(), std::max(header_end, nonblank + 1));
    }
    std::string text(head_bytes, '\0');
    if (file_.read(0, text.data(), text.size()) != text.size())
      file_.check_unchanged(file_.size(), file_.modified_ns());
    return detail::read_csv_head(text, options, source_);
  }

  // Where the text after CsvOptions::skip_rows lines starts (LF, CRLF or a lone CR ends a line, as
  // read_csv skips them); nullopt when the file ends first.
  std::optional<std::uint64_t> skip_lines(std::uint64_t from) const {
    std::size_t left = options_.skip_rows;
    if (left == 0) return from;
    ChunkReader chunks(file_, from);
    std::uint64_t at = from;
    bool after_cr = false;
    for (std::string_view chunk = chunks.next(); !chunk.empty(); at += chunk.size(), chunk = chunks.next()) {
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (after_cr) {
          after_cr = false;
          if (chunk[i] == '\n') continue;  // CRLF: one line end
        }
        if (left == 0) return at + i;
        if (chunk[i] == '\n' || chunk[i] == '\r') {
          --left;
          after_cr = chunk[i] == '\r';
        }
      }
    }
    if (left == 0) return at;
    return std::nullopt;
  }

  char detect_delimiter(std::uint64_t from) const {
    detail::DelimiterVote vote;
    ChunkReader chunks(file_, from);
    for (std::string_view chunk = chunks.next(); !chunk.empty() && vote.feed(chunk); chunk = chunks.next()) {}
    return vote.delimiter();
  }

  // Past the first record after `from` (blank lines before it skipped), or the file's end.
  std::uint64_t first_record_end(std::uint64_t from, char delimiter) const {
    RecordScanner scanner(delimiter, from, 1);
    const RecordScanner::Stop after_first{.rows = 1};
    ChunkReader chunks(file_, from);
    while (!scanner.stopped_at(after_first)) {
      std::string_view chunk = chunks.next();
      if (chunk.empty()) return file_.size();
      // A record start may be reached mid-chunk: the rest of the chunk is not needed.
      scanner.scan(chunk, after_first);
    }
    return scanner.offset();
  }

  // The first byte from `from` on that is not a space, tab or line break; the file's size if none.
  std::uint64_t first_nonblank(std::uint64_t from) const {
    ChunkReader chunks(file_, from);
    std::uint64_t at = from;
    for (std::string_view chunk = chunks.next(); !chunk.empty(); at += chunk.size(), chunk = chunks.next()) {
      const std::size_t i = chunk.find_first_not_of(" \t\r\n");
      if (i != std::string_view::npos) return at + i;
    }
    return file_.size();
  }

  // The data region [head.body_offset, size) in parts_ parts balanced by bytes, and the rows.
  void split_data(const detail::CsvHead& head, CsvShardPlan& plan) const {
    const std::uint64_t begin = head.body_offset, size = plan.file_size;
    RecordScanner scanner(head.delimiter, begin, head.body_line);
    ChunkReader chunks(file_, begin);
    std::string_view pending;
    const auto advance = [&](const RecordScanner::Stop& stop) {
      while (!scanner.stopped_at(stop)) {
        if (pending.empty()) pending = chunks.next();
        if (pending.empty()) {
          scanner.finish();
          return;
        }
        pending.remove_prefix(scanner.scan(pending, stop));
      }
    };
    plan.parts.assign(static_cast<std::size_t>(parts_), CsvPart{});
    const std::uint64_t region = size - begin;
    for (std::size_t k = 0; k < plan.parts.size(); ++k) {
      // floor(k * region / parts) without overflow (region = q * parts + r, with k, r < parts < 2^31).
      const std::uint64_t n = plan.parts.size();
      const std::uint64_t share = region / n * k + region % n * k / n;
      advance(RecordScanner::Stop{.offset = begin + share});
      CsvPart& part = plan.parts[k];
      part.begin = scanner.offset();
      part.first_row = scanner.rows();
      part.first_line = scanner.line();
    }
    advance(RecordScanner::Stop{});
    plan.rows = scanner.rows();
    for (std::size_t k = 0; k < plan.parts.size(); ++k) {
      const bool last = k + 1 == plan.parts.size();
      plan.parts[k].end = last ? size : plan.parts[k + 1].begin;
      plan.parts[k].rows = (last ? plan.rows : plan.parts[k + 1].first_row) - plan.parts[k].first_row;
    }
  }

  detail::RegularFile file_;
  std::string source_;
  const CsvOptions& options_;
  int parts_;
};

}  // namespace

CsvShardPlan plan_csv_shards(const std::filesystem::path& path, const CsvOptions& options, int parts) {
  if (parts < 1) throw UsageError(fmt::format("plan_csv_shards: parts {}; expected at least 1", parts));
  return Planner(path, options, parts).plan();
}

}  // namespace lrtune
