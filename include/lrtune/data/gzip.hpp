// gzip-compressed input (RFC 1952), recognised by its magic bytes 0x1f 0x8b, never by the file's
// name: the CSV reader inflates such a file in memory and reads the text as if it were the file.
// Reading the bytes is input_file.hpp's; what the text means is the CSV reader's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrtune/data/input_file.hpp"

namespace lrtune {

// True when `bytes` start with gzip's magic bytes 0x1f 0x8b.
bool is_gzip(std::string_view bytes);

// The inflated bytes of every gzip member in `compressed` (as gzip -d and zcat read concatenated
// members). Throws DataError, one line naming `source`: a corrupt stream (zlib's reason and the
// compressed offset), a truncated one, data after the last member that is not gzip, or more than
// `max_bytes` inflated (reading stops there, so a decompression bomb costs at most the cap).
InputBytes gunzip(std::string_view compressed, const std::string& source, std::uint64_t max_bytes);

}  // namespace lrtune
