// Folder swap and folder lock: the target is replaced whole in each of its states (missing,
// empty, full; by exchange and by the two-rename fallback), staging folders are hidden and
// removed as stale, and the lock keeps a second holder out until the first is gone.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "io_test_util.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/atomic_folder.hpp"

namespace lrtune {
namespace {

namespace fs = std::filesystem;
using test::IoTempFolder;
using test::read_all;

fs::path staged_with(const fs::path& target, const std::string& text) {
  const fs::path staging = make_staging_folder(target);
  write_text_atomically(staging / "result.txt", text);
  return staging;
}

TEST(AtomicFolder, StagingFoldersAreHiddenBesideTheTargetAndPrivate) {
  IoTempFolder dir("folder_staging");
  const fs::path staging = make_staging_folder(dir.path / "out");
  EXPECT_EQ(staging.parent_path(), dir.path);
  EXPECT_EQ(staging.filename().string().rfind(".out.lrtune-tmp-", 0), 0u);
  EXPECT_EQ(fs::status(staging).permissions(), fs::perms::owner_all);
}

TEST(AtomicFolder, ReplacesAMissingAnEmptyAndAFullTarget) {
  IoTempFolder dir("folder_replace");
  const fs::path target = dir.path / "out";
  replace_folder(staged_with(target, "first"), target);
  EXPECT_EQ(read_all(target / "result.txt"), "first");
  write_text_atomically(target / "only-in-the-first.txt", "x");
  replace_folder(staged_with(target, "second"), target);
  EXPECT_EQ(read_all(target / "result.txt"), "second");
  EXPECT_FALSE(fs::exists(target / "only-in-the-first.txt"));
  fs::remove_all(target);
  fs::create_directory(target);
  replace_folder(staged_with(target, "third"), target);
  EXPECT_EQ(read_all(target / "result.txt"), "third");
  EXPECT_EQ(dir.entries(), 1u);  // nothing hidden left beside it
}

TEST(AtomicFolder, TheReplacedFolderGetsTheUsualMode) {
  IoTempFolder dir("folder_mode");
  const mode_t mask = ::umask(0022);
  replace_folder(staged_with(dir.path / "out", "x"), dir.path / "out");
  ::umask(mask);
  EXPECT_EQ(fs::status(dir.path / "out").permissions(), fs::perms::owner_all | fs::perms::group_read |
                                                            fs::perms::group_exec | fs::perms::others_read |
                                                            fs::perms::others_exec);
}

TEST(AtomicFolder, TheTwoRenameFallbackReplacesWholeToo) {
  IoTempFolder dir("folder_fallback");
  const fs::path target = dir.path / "out";
  detail::replace_folder_by_two_renames(staged_with(target, "first"), target);
  write_text_atomically(target / "old.txt", "x");
  detail::replace_folder_by_two_renames(staged_with(target, "second"), target);
  EXPECT_EQ(read_all(target / "result.txt"), "second");
  EXPECT_FALSE(fs::exists(target / "old.txt"));
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFolder, StaleStagingFoldersOfThisTargetOnlyAreRemoved) {
  IoTempFolder dir("folder_stale");
  const fs::path target = dir.path / "out";
  make_staging_folder(target);
  make_staging_folder(target);
  const fs::path other = make_staging_folder(dir.path / "other");
  fs::create_directory(dir.path / ".out.lrtune-tmp");  // not a staging name: nothing after the prefix
  remove_stale_staging(target);
  EXPECT_EQ(dir.entries(), 2u);
  EXPECT_TRUE(fs::exists(other));
}

TEST(AtomicFolder, ALockKeepsASecondHolderOutUntilReleased) {
  IoTempFolder dir("folder_lock");
  const fs::path target = dir.path / "out";
  {
    auto first = FolderLock::try_lock(target);
    ASSERT_TRUE(first.has_value());
    EXPECT_FALSE(FolderLock::try_lock(target).has_value());
    EXPECT_TRUE(FolderLock::try_lock(dir.path / "other").has_value());
  }
  EXPECT_EQ(dir.entries(), 0u);  // the lock file goes with the lock
  EXPECT_TRUE(FolderLock::try_lock(target).has_value());
}

TEST(AtomicFile, TempFilesAreNewAndNeverFollowALink) {
  IoTempFolder dir("temp_file");
  write_text_atomically(dir.path / "victim.txt", "keep");
  const fs::path a = create_temp_file(dir.path, "chart.png");
  const fs::path b = create_temp_file(dir.path, "chart.png");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.filename().string().rfind(".chart.png.tmp.", 0), 0u);
  EXPECT_EQ(fs::file_size(a), 0u);
  EXPECT_EQ(fs::status(a).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(read_all(dir.path / "victim.txt"), "keep");
}

}  // namespace
}  // namespace lrtune
