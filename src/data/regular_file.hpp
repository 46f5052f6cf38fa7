// A regular file read at byte offsets (pread), for readers that take a file in parts: the CSV
// planner's chunks and each rank's byte range. Whole-input reads of any stream are input_file.hpp's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <sys/stat.h>

namespace lrtune::detail {

class RegularFile {
 public:
  // Throws DataError naming the path when it cannot be opened or is a folder; `what` names the
  // expected content in messages ("CSV file").
  RegularFile(const std::filesystem::path& path, std::string_view what);
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
  ~RegularFile();

  // False for a pipe, FIFO, socket or device (which cannot be read at an offset or twice).
  bool regular() const { return S_ISREG(opened_.st_mode); }
  std::uint64_t size() const { return static_cast<std::uint64_t>(opened_.st_size); }
  std::int64_t modified_ns() const;

  // Up to `size` bytes from `offset` into `into`; fewer only where the file ends. Throws DataError
  // when the read fails.
  std::size_t read(std::uint64_t offset, char* into, std::size_t size) const;
  // Throws DataError when the file's size or modification time now differ from these (a file
  // rewritten while it is read in parts would mix two texts).
  void check_unchanged(std::uint64_t size, std::int64_t modified_ns) const;

 private:
  std::string path_;
  std::string what_;
  int fd_ = -1;
  struct stat opened_ {};
};

}  // namespace lrtune::detail
