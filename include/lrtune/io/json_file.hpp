// JSON files: the generic writer every result file goes through (atomic, UTF-8, newline at the
// end) and a reader with a size cap. What goes into the JSON is each result type's to_json.
#pragma once

#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace lrtune {

// Writes json.dump(indent) plus "\n" atomically (write_file_atomically). indent < 0: one line.
// NaN and inf are written as null by nlohmann (result types that need them spell them as strings).
// Strings that are not valid UTF-8 are written with U+FFFD replacements instead of throwing.
void write_json(const std::filesystem::path& path, const nlohmann::json& json, int indent = 2);

// Parses a JSON file; throws IoError naming the path, line and column on a syntax error, or when
// the file exceeds max_bytes (default 256 MiB).
nlohmann::json read_json(const std::filesystem::path& path, std::uint64_t max_bytes = std::uint64_t{256} << 20);

}  // namespace lrtune
