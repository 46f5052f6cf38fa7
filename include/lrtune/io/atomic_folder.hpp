// Replacing a whole folder in one step, and a lock that keeps two writers off one folder.
// A folder is built under a hidden name beside its target and swapped in with one rename, so a
// reader (or a process killed at any moment) sees the old folder or the whole new one.
// What goes into the folder, and which folders may be replaced, is the caller's business.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lrtune {

// An exclusive lock on a folder path, held through the hidden file ".<name>.lrtune-lock" beside
// it (flock). Released, and the file removed, when destroyed. Another process holding it is
// reported at once, not waited for.
class FolderLock {
 public:
  // nullopt when another process holds the lock; throws IoError when the lock file cannot be made.
  static std::optional<FolderLock> try_lock(const std::filesystem::path& target);
  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  ~FolderLock();

 private:
  FolderLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  void release() noexcept;
  int fd_;
  std::filesystem::path path_;
};

// The hidden names a staging folder of `target` gets: ".<name>.lrtune-tmp-<random>".
std::string staging_prefix(const std::filesystem::path& target);
// Creates a fresh, empty staging folder beside `target` (mkdtemp, mode 0700 while it is built).
std::filesystem::path make_staging_folder(const std::filesystem::path& target);
// Removes the staging folders a killed writer left beside `target`. Call it holding the lock.
void remove_stale_staging(const std::filesystem::path& target);

// Puts the folder `staging` at `target` in one rename: `target` missing or an empty folder is
// simply replaced; an existing folder is exchanged with `staging` (renameat2 RENAME_EXCHANGE, or,
// where the file system lacks it, two renames through a hidden name) and then deleted. The
// folder gets the mode a new folder would (0777 minus the umask). Throws IoError on failure,
// leaving `target` as it was.
void replace_folder(const std::filesystem::path& staging, const std::filesystem::path& target);

namespace detail {
// replace_folder without the one-step exchange: the fallback, exposed for its test.
void replace_folder_by_two_renames(const std::filesystem::path& staging, const std::filesystem::path& target);
}  // namespace detail

}  // namespace lrtune
