// Atomic writes: the content arrives whole, no temp file is left, and a failure leaves the target
// untouched and names the path. Also the capped reader and the JSON file helpers.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "io_test_util.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/error.hpp"
#include "lrtune/io/json_file.hpp"

namespace lrtune {
namespace {

using test::IoTempFolder;
using test::read_all;

TEST(AtomicFile, WritesTheContentAndLeavesNoTempFile) {
  IoTempFolder dir("atomic_write");
  const auto path = dir.path / "out.txt";
  write_text_atomically(path, "hello\nworld\n");
  EXPECT_EQ(read_all(path), "hello\nworld\n");
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, ReplacesAnExistingFileWhole) {
  IoTempFolder dir("atomic_replace");
  const auto path = dir.path / "out.bin";
  write_text_atomically(path, std::string(100000, 'a'));
  const std::string binary("\0\1\2\xff", 4);
  write_file_atomically(path, std::as_bytes(std::span<const char>(binary.data(), binary.size())));
  EXPECT_EQ(read_all(path), binary);
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, EmptyContentMakesAnEmptyFile) {
  IoTempFolder dir("atomic_empty");
  write_text_atomically(dir.path / "empty", "");
  EXPECT_TRUE(std::filesystem::exists(dir.path / "empty"));
  EXPECT_EQ(std::filesystem::file_size(dir.path / "empty"), 0u);
}

TEST(AtomicFile, MissingFolderFailsNamingThePath) {
  IoTempFolder dir("atomic_missing");
  const auto path = dir.path / "no" / "such" / "out.txt";
  try {
    write_text_atomically(path, "x");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(AtomicFile, ReadOnlyFolderLeavesNothingAndKeepsTheTarget) {
  IoTempFolder dir("atomic_readonly");
  const auto path = dir.path / "out.txt";
  write_text_atomically(path, "old");
  std::filesystem::permissions(dir.path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::access(dir.path.c_str(), W_OK) == 0) {
    std::filesystem::permissions(dir.path, std::filesystem::perms::owner_all);
    GTEST_SKIP() << "running as root: a read-only folder is still writable";
  }
  EXPECT_THROW(write_text_atomically(path, "new"), IoError);
  std::filesystem::permissions(dir.path, std::filesystem::perms::owner_all);
  EXPECT_EQ(read_all(path), "old");
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, RenameFailureRemovesTheTempFileAndKeepsTheTarget) {
  // The target is a non-empty folder: rename(2) over it fails after the temp file was written,
  // which also exercises the failure path when running as root.
  IoTempFolder dir("atomic_rename");
  const auto target = dir.path / "target";
  std::filesystem::create_directories(target / "inside");
  try {
    write_text_atomically(target, "x");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find(target.string()), std::string::npos) << error.what();
  }
  EXPECT_TRUE(std::filesystem::is_directory(target / "inside"));
  EXPECT_EQ(dir.entries(), 1u);  // only the folder: the temp file is gone
}

TEST(AtomicFile, PathWithoutFileNameIsRejected) {
  EXPECT_THROW(write_text_atomically("", "x"), IoError);
  EXPECT_THROW(write_text_atomically("/tmp/", "x"), IoError);
}

TEST(ReadFile, ReadsAndEnforcesTheCap) {
  IoTempFolder dir("read_file");
  write_text_atomically(dir.path / "f", "0123456789");
  EXPECT_EQ(read_file(dir.path / "f"), "0123456789");
  EXPECT_THROW(read_file(dir.path / "f", 9), IoError);
  EXPECT_THROW(read_file(dir.path / "missing"), IoError);
  EXPECT_THROW(read_file(dir.path), IoError);  // a folder
  ASSERT_EQ(::mkfifo((dir.path / "fifo").c_str(), 0600), 0);
  EXPECT_THROW(read_file(dir.path / "fifo"), IoError);  // and does not block
}

TEST(JsonFile, RoundTripsAndEndsWithNewline) {
  IoTempFolder dir("json_file");
  const nlohmann::json j = {{"a", 1}, {"b", {1.5, "x"}}, {"c", nullptr}};
  write_json(dir.path / "x.json", j);
  const std::string text = read_all(dir.path / "x.json");
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(read_json(dir.path / "x.json"), j);
  write_text_atomically(dir.path / "bad.json", "{\"a\": ");
  EXPECT_THROW(read_json(dir.path / "bad.json"), IoError);
}

// json_file.hpp: invalid UTF-8 is written as U+FFFD (bytes EF BF BD), one per invalid byte, the
// valid text around it kept as it was; the file reads back as that string.
TEST(JsonFile, InvalidUtf8IsReplacedNotThrown) {
  IoTempFolder dir("json_utf8");
  const std::string bad = "bad\xff caf\xc3\xa9 \xc3";  // a stray byte, a valid "é", a truncated sequence
  EXPECT_NO_THROW(write_json(dir.path / "x.json", nlohmann::json{{"name", bad}}));
  const std::string replaced = "bad\xef\xbf\xbd caf\xc3\xa9 \xef\xbf\xbd";
  EXPECT_EQ(read_all(dir.path / "x.json"), "{\n  \"name\": \"" + replaced + "\"\n}\n");
  EXPECT_EQ(read_json(dir.path / "x.json").at("name"), replaced);
}

}  // namespace
}  // namespace lrtune
