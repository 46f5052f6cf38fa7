// Folder swap (renameat2) and folder lock (flock). POSIX/Linux calls only.
#include "lrtune/io/atomic_folder.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "lrtune/io/error.hpp"

namespace lrtune {
namespace {

std::filesystem::path folder_of(const std::filesystem::path& target) {
  return target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
}

std::string errno_text(int error) { return std::strerror(error); }

bool is_empty_folder(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error) && std::filesystem::is_empty(path, error) && !error;
}

void give_default_mode(const std::filesystem::path& folder) {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(folder.c_str(), 0777 & ~mask);
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

std::string random_tag() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

}  // namespace

std::optional<FolderLock> FolderLock::try_lock(const std::filesystem::path& target) {
  const std::filesystem::path path = folder_of(target) / fmt::format(".{}.lrtune-lock", target.filename().string());
  // The holder removes the file when done; a lock taken on a file that was removed meanwhile
  // guards nothing, so it is checked against the name and taken again.
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
      throw IoError(
          fmt::format("cannot lock {}: cannot create {}: {}", target.string(), path.string(), errno_text(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK) return std::nullopt;
      throw IoError(fmt::format("cannot lock {}: {}", target.string(), errno_text(error)));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      return FolderLock(fd, path);
    }
    ::close(fd);
  }
  return std::nullopt;
}

FolderLock::FolderLock(FolderLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

FolderLock::~FolderLock() { release(); }

void FolderLock::release() noexcept {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still holding the lock: see try_lock
  ::close(fd_);
  fd_ = -1;
}

std::string staging_prefix(const std::filesystem::path& target) {
  return fmt::format(".{}.lrtune-tmp-", target.filename().string());
}

std::filesystem::path make_staging_folder(const std::filesystem::path& target) {
  std::string pattern = (folder_of(target) / (staging_prefix(target) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw IoError(
        fmt::format("cannot create a folder beside {} to build it in: {}", target.string(), errno_text(errno)));
  }
  return pattern;
}

void remove_stale_staging(const std::filesystem::path& target) {
  const std::string prefix = staging_prefix(target);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder_of(target), error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0) remove_quietly(entry.path());
  }
}

namespace detail {
void replace_folder_by_two_renames(const std::filesystem::path& staging, const std::filesystem::path& target) {
  const std::filesystem::path old = folder_of(target) / (staging_prefix(target) + "old-" + random_tag());
  std::error_code error;
  const bool had_target = std::filesystem::exists(std::filesystem::symlink_status(target, error));
  if (had_target && ::rename(target.c_str(), old.c_str()) != 0) {
    throw IoError(fmt::format("cannot move the earlier {} aside: {}", target.string(), errno_text(errno)));
  }
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    const int failure = errno;
    if (had_target) ::rename(old.c_str(), target.c_str());
    throw IoError(fmt::format("cannot move the new {} into place: {}", target.string(), errno_text(failure)));
  }
  if (had_target) remove_quietly(old);
}
}  // namespace detail

void replace_folder(const std::filesystem::path& staging, const std::filesystem::path& target) {
  give_default_mode(staging);
  std::error_code error;
  const bool has_target = std::filesystem::exists(std::filesystem::symlink_status(target, error));
  if (!has_target || is_empty_folder(target)) {
    // rename() replaces a missing target or an empty folder in one step.
    if (::rename(staging.c_str(), target.c_str()) == 0) return;
    if (errno != ENOTEMPTY && errno != EEXIST) {
      throw IoError(fmt::format("cannot move the new {} into place: {}", target.string(), errno_text(errno)));
    }
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    remove_quietly(staging);  // now the earlier folder
    return;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    throw IoError(fmt::format("cannot swap the new {} into place: {}", target.string(), errno_text(errno)));
  }
  detail::replace_folder_by_two_renames(staging, target);
}

}  // namespace lrtune
