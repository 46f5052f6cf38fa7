// Atomic writes (temp file + fsync + rename + folder fsync) and capped whole-file reads.
// POSIX calls only; the formats written are the callers'.
#include "lrtune/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include <fmt/format.h>

#include "lrtune/io/error.hpp"

namespace lrtune {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

// Closes a descriptor and removes the temp file unless released.
class TempFile {
 public:
  TempFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  // Closes the descriptor; returns errno (0 on success).
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }
  void release() { released_ = true; }

 private:
  int fd_;
  std::filesystem::path path_;
  bool released_ = false;
};

std::string random_suffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}() ^
                                                (static_cast<std::uint64_t>(::getpid()) << 32)};
  return fmt::format("{:012x}", generator() & 0xffffffffffffULL);
}

void fsync_folder(const std::filesystem::path& folder, const std::filesystem::path& target) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(
        fmt::format("wrote {} but cannot open its folder to sync it: {}", target.string(), errno_text(errno)));
  }
  // Some file systems do not support fsync on a folder (EINVAL); the rename has happened anyway.
  if (::fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP) {
    const int error = errno;
    ::close(fd);
    throw IoError(fmt::format("wrote {} but cannot sync its folder: {}", target.string(), errno_text(error)));
  }
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  if (path.empty() || !path.has_filename()) {
    throw IoError(fmt::format("cannot write '{}': expected a file path, not a folder", path.string()));
  }
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const std::filesystem::path temp = folder / fmt::format(".{}.tmp.{}", path.filename().string(), random_suffix());

  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw IoError(fmt::format("cannot write {}: cannot create a temp file in {}: {}", path.string(), folder.string(),
                              errno_text(errno)));
  }
  TempFile file(fd, temp);

  const auto* data = reinterpret_cast<const char*>(bytes.data());
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t written = ::write(file.fd(), data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("cannot write {}: writing the temp file failed: {}", path.string(), errno_text(errno)));
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::fsync(file.fd()) != 0) {
    throw IoError(fmt::format("cannot write {}: fsync of the temp file failed: {}", path.string(), errno_text(errno)));
  }
  if (const int error = file.close(); error != 0) {
    throw IoError(fmt::format("cannot write {}: closing the temp file failed: {}", path.string(), errno_text(error)));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    throw IoError(
        fmt::format("cannot write {}: renaming the temp file over it failed: {}", path.string(), errno_text(errno)));
  }
  file.release();
  fsync_folder(folder, path);
}

std::filesystem::path create_temp_file(const std::filesystem::path& folder, const std::string& name) {
  for (int attempt = 0;; ++attempt) {
    std::filesystem::path temp = folder / fmt::format(".{}.tmp.{}", name, random_suffix());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return temp;
    }
    if (errno != EEXIST || attempt == 8) {
      throw IoError(
          fmt::format("cannot create a temp file for {} in {}: {}", name, folder.string(), errno_text(errno)));
    }
  }
}

void write_text_atomically(const std::filesystem::path& path, std::string_view text) {
  write_file_atomically(path, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

std::string read_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  // O_NONBLOCK: a FIFO given as a model path must fail the regular-file check, not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw IoError(fmt::format("cannot open {}: {}", path.string(), errno_text(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw IoError(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
  if (!S_ISREG(info.st_mode)) throw IoError(fmt::format("cannot read {}: expected a regular file", path.string()));
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > max_bytes) {
    throw IoError(fmt::format("cannot read {}: it has {} bytes, more than the {} expected at most", path.string(), size,
                              max_bytes));
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
    }
    if (got == 0) break;  // the file shrank while we read it
    done += static_cast<std::size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace lrtune
