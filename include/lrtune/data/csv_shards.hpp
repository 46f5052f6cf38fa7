// One CSV file read by the ranks of a Communicator, each rank parsing only its byte range: rank 0
// finds record boundaries in one streaming pass (RFC 4180 quotes, so a line break inside quotes
// never splits a record) and broadcasts the plan; the ranks agree every column's type so that each
// holds what read_csv of the whole file would give for its rows. What becomes of the rows
// (preprocessing over ranks) is left to the caller.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

// One byte range of the file's data records.
struct CsvPart {
  std::uint64_t begin = 0;  // where it starts: a record start (a blank line's start counts)
  std::uint64_t end = 0;    // one past its last byte: the next part's begin, or the file's size
  Index first_row = 0;      // the 0-based data-row number of its first row (the rows before it)
  Index rows = 0;           // data rows in it; 0 for an empty part (more parts than rows)
  long first_line = 1;      // the file's line number at `begin` (messages name the file's lines)
};

struct CsvShardPlan {
  char delimiter = ',';          // as read_csv would read it (CsvOptions::delimiter or detected)
  std::uint64_t head_bytes = 0;  // the file's first bytes, which hold everything up to the header's end
  std::uint64_t file_size = 0;   // the file as planned: a file changed since is an error
  std::int64_t modified_ns = 0;
  Index rows = 0;              // data rows in the whole file
  std::vector<CsvPart> parts;  // in file order, back to back from the first data record to the end
};

// The plan for `parts` ranges (>= 1) of a regular file: one pass in fixed-size chunks (memory does
// not grow with the file), honouring the byte-order mark, skip_rows, header and the delimiter as
// read_csv does. Part k starts at the first record start at or after byte k * size / parts of the
// data region (the bytes after the header), so parts are balanced by bytes, not rows. Errors: the
// ones read_csv gives for the file's head (empty file, bad header, ...) and for a file without data
// rows, in the same words; a gzip-compressed file or a pipe, FIFO or device cannot be split (a
// DataError saying so: decompress it, or save the stream to a file). CsvOptions::max_bytes caps
// the whole file as in read_csv; CsvOptions::cancel is not consulted (a regular file never waits).
CsvShardPlan plan_csv_shards(const std::filesystem::path& path, const CsvOptions& options, int parts);

// This rank's part of the file.
struct CsvShard {
  Table table;           // its rows in file order; row_labels are the file's data-row numbers
  Index first_row = 0;   // the file's number of its first row (rows held by lower ranks), empty parts too
  Index total_rows = 0;  // data rows in the whole file
};

// Collective: every rank of `communicator` calls it with the same path and options. Rank 0 plans
// (plan_csv_shards with one part per rank) and broadcasts; rank k reads the head and part k and
// parses it with read_csv's parser; the type of each column is agreed from every rank's counts
// (read_csv's rule over the whole file, its mostly-numeric error naming the file's first cells), and
// a rank whose rows were read as numbers reads them again as text where the file's column is text.
// The shards concatenated in rank order equal read_csv of the file. When any rank fails, every
// rank throws the same error: the one read_csv would give (the first in file order).
CsvShard read_csv_shard(const std::filesystem::path& path, const CsvOptions& options, const Communicator& communicator);

}  // namespace lrtune
