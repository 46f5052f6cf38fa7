// Atomic file writes: a reader sees either the old file or the whole new one, never a part.
// Temp file in the target's folder, write, fsync, rename over the target, fsync the folder.
// Reading files back (with a size cap) is here too; formats are other units' business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace lrtune {

// Writes `bytes` to `path` atomically: a temp file ".<name>.tmp.<random>" in the same folder,
// written and fsync'ed, renamed over `path`, then the folder fsync'ed. On any failure the temp
// file is removed, `path` is left as it was, and IoError says which path and step failed with
// errno's text (e.g. "cannot create temp file in /x/y: No such file or directory"). The folder
// must exist (it is not created). The new file gets mode 0644 (minus the umask).
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);
// The same for text (written as is, no newline conversion).
void write_text_atomically(const std::filesystem::path& path, std::string_view text);

// Creates a new empty file ".<name>.tmp.<random>" in `folder` with O_CREAT | O_EXCL | O_NOFOLLOW
// (mode 0600) and returns its path: a name nobody could have planted a file or link under, for a
// program that writes its output by path (gnuplot). Throws IoError when it cannot.
std::filesystem::path create_temp_file(const std::filesystem::path& folder, const std::string& name);

// The whole file as bytes in a string. Throws IoError naming the path when it cannot be opened
// or read, or when it is larger than max_bytes (checked before anything is allocated).
inline constexpr std::uint64_t kDefaultMaxReadBytes = std::uint64_t{1} << 32;  // 4 GiB
std::string read_file(const std::filesystem::path& path, std::uint64_t max_bytes = kDefaultMaxReadBytes);

}  // namespace lrtune
