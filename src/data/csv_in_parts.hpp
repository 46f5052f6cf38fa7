// read_csv of a big regular file in parts: the data records are taken one part (a byte range that
// starts and ends on record boundaries, found by plan_csv_shards' streaming pass) at a time, each
// part's text freed once its rows are in the table, so the text and the table are not held at once
// (a 5-million-row file of 20 features: about 1 GB of text besides 0.8 GB of doubles). The table,
// the types and every error are read_csv's over the whole text.
#pragma once

#include <cstdint>
#include <filesystem>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune::detail {

// read_csv's part size: large enough that the planning pass and the per-part head read are noise,
// small enough that the text held is a small fraction of a big table.
inline constexpr std::uint64_t kCsvPartBytes = std::uint64_t{64} << 20;

// Whether read_csv reads `path` in parts of `part_bytes`: a regular file larger than one part that
// is not gzip-compressed (a stream, or a gzip file, is read whole as before). False when the file
// cannot be opened or examined: read_csv's whole-input reader then says why.
bool reads_csv_in_parts(const std::filesystem::path& path, std::uint64_t part_bytes);

// The table read_csv(path, options) gives, parsed in parts of about `part_bytes` (> 0). Two passes
// over the parts when a column read as numbers meets text (as read_csv reads the text twice), the
// first pass's columns freed before the second.
Table read_csv_in_parts(const std::filesystem::path& path, const CsvOptions& options, std::uint64_t part_bytes);

}  // namespace lrtune::detail
