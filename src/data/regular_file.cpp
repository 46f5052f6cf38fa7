// Reads of a regular file at offsets (regular_file.hpp).
#include "regular_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lrtune/data/error.hpp"

namespace lrtune::detail {

namespace {

std::int64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(time.tv_nsec);
}

}  // namespace

RegularFile::RegularFile(const std::filesystem::path& path, std::string_view what) : path_(path.string()), what_(what) {
  // O_NONBLOCK: a FIFO opens without waiting for a writer (it is refused as not regular anyway).
  do {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) {
    throw DataError(
        fmt::format("{}: cannot open the file ({}); expected a readable {}", path_, std::strerror(errno), what_));
  }
  if (::fstat(fd_, &opened_) != 0) {
    const int error = errno;
    ::close(fd_);
    throw DataError(
        fmt::format("{}: cannot read the file ({}); expected a readable {}", path_, std::strerror(error), what_));
  }
  if (S_ISDIR(opened_.st_mode)) {
    ::close(fd_);
    throw DataError(fmt::format("{}: is a folder; expected a {}", path_, what_));
  }
}

RegularFile::~RegularFile() { ::close(fd_); }

std::int64_t RegularFile::modified_ns() const { return nanoseconds(opened_.st_mtim); }

std::size_t RegularFile::read(std::uint64_t offset, char* into, std::size_t size) const {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(fd_, into + done, size - done, static_cast<off_t>(offset + done));
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw DataError(fmt::format("{}: cannot read the file at byte {} ({}); expected a readable {}", path_,
                                  offset + done, std::strerror(errno), what_));
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void RegularFile::check_unchanged(std::uint64_t size, std::int64_t modified_ns) const {
  struct stat now {};
  if (::fstat(fd_, &now) != 0 || static_cast<std::uint64_t>(now.st_size) != size ||
      nanoseconds(now.st_mtim) != modified_ns) {
    throw DataError(
        fmt::format("{}: the file changed while it was read ({} bytes when first opened, {} bytes now); "
                    "expected a file that nothing writes to while lrtune reads it",
                    path_, size, now.st_size));
  }
}

}  // namespace lrtune::detail
