// read_csv_in_parts, the reader read_csv uses for a big regular file, with parts from one byte up:
// the same table as read_csv of the whole text (names, types, values bit for bit, missing flags,
// row labels) and the same error messages, whichever part a record or an error falls in.
#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <span>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../src/data/csv_in_parts.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "support/csv_tables.hpp"
#include "support/data_dir.hpp"
#include "support/gzip_text.hpp"
#include "support/temp_dir.hpp"

namespace {

using lrtune::ColumnType;
using lrtune::CsvOptions;
using lrtune::DataError;
using lrtune::Table;
using lrtune::detail::read_csv_in_parts;
using lrtune::detail::reads_csv_in_parts;
using lrtune::testing::expect_same_table;
using lrtune::testing::TempDir;
using ::testing::HasSubstr;

// read_csv's whole-text reader, whatever the file's size (read_csv itself takes big files in parts).
Table read_whole(const std::filesystem::path& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return lrtune::parse_csv(text, options, path.string());
}

constexpr std::uint64_t kPartSizes[] = {1, 7, 64, 4096, std::uint64_t{1} << 30};

void expect_parts_make_the_file(const std::filesystem::path& path, const CsvOptions& options = {},
                                std::span<const std::uint64_t> part_sizes = kPartSizes) {
  const Table whole = read_whole(path, options);
  for (const std::uint64_t part_bytes : part_sizes) {
    SCOPED_TRACE(fmt::format("parts of {} bytes", part_bytes));
    expect_same_table(read_csv_in_parts(path, options, part_bytes), whole);
  }
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

// Every part size says the whole-text reader's error.
void expect_read_csvs_error(const std::filesystem::path& path, const std::string& expected_part,
                            const CsvOptions& options = {}) {
  const std::string whole = error_of([&] { (void)read_whole(path, options); });
  ASSERT_THAT(whole, HasSubstr(expected_part));
  for (const std::uint64_t part_bytes : kPartSizes) {
    SCOPED_TRACE(fmt::format("parts of {} bytes", part_bytes));
    EXPECT_EQ(error_of([&] { (void)read_csv_in_parts(path, options, part_bytes); }), whole);
  }
}

// 30 rows of "i,x" from line 2 on (row i on line i + 2), with `bad` replacing row `at`.
std::string rows_with(int at, const std::string& bad) {
  std::string text = "i,x\n";
  for (int i = 0; i < 30; ++i) text += i == at ? bad + "\n" : fmt::format("{},{}.5\n", i, i);
  return text;
}

TEST(CsvInParts, TheWineTable) {
  const std::uint64_t part_sizes[] = {4096, 100'000};  // 94 and 4 parts of its 384 KB
  expect_parts_make_the_file(lrtune::testing::data_file("winequalityN.csv"), {}, part_sizes);
}

TEST(CsvInParts, RandomFilesAgreeWithTheWholeText) {
  const TempDir dir("lrtune_parts");
  std::mt19937 rng(20261203);
  for (int file = 0; file < 40; ++file) {
    SCOPED_TRACE(fmt::format("file {}", file));
    expect_parts_make_the_file(dir.write(fmt::format("r{}.csv", file), lrtune::testing::random_csv(rng)));
  }
}

TEST(CsvInParts, SkipRowsByteOrderMarkSemicolonsAndNoHeader) {
  const TempDir dir("lrtune_parts");
  CsvOptions skip;
  skip.skip_rows = 2;
  expect_parts_make_the_file(dir.write("s.csv",
                                       "note\nnote 2\n\xEF\xBB\xBF"
                                       "a;b\n1;x\n2;\"y;z\"\n3;w\n"),
                             skip);
  expect_parts_make_the_file(dir.write("bom.csv",
                                       "\xEF\xBB\xBF"
                                       "a,b\n1,2\n3,4\n"));
  CsvOptions no_header;
  no_header.header = false;
  expect_parts_make_the_file(dir.write("h.csv", "1,a\n2,b\n3,c\n"), no_header);
}

TEST(CsvInParts, AColumnNumbersInEarlyPartsAndTextInALaterOneIsText) {
  const TempDir dir("lrtune_parts");
  std::string text = "i,x\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("{},{}\n", i, i < 20 ? std::to_string(i) : "w");
  const auto path = dir.write("t.csv", text);
  expect_parts_make_the_file(path);
  EXPECT_EQ(read_csv_in_parts(path, {}, 16).columns[1].type, ColumnType::categorical);
}

TEST(CsvInParts, ForcedAndLenientColumns) {
  const TempDir dir("lrtune_parts");
  CsvOptions options;
  options.column_types["i"] = ColumnType::categorical;
  options.lenient_columns.insert("x");
  expect_parts_make_the_file(dir.write("t.csv", rows_with(20, "20,w")), options);
}

TEST(CsvInParts, ErrorsNameTheFilesLineWhicheverPartHoldsThem) {
  const TempDir dir("lrtune_parts");
  expect_read_csvs_error(dir.write("ragged.csv", rows_with(14, "14,1,2")),
                         "ragged.csv:16: column 3: expected 2 fields");
  expect_read_csvs_error(dir.write("quote.csv", rows_with(14, "14,\"1\"x")),
                         "quote.csv:16: column 2: expected a delimiter");
  expect_read_csvs_error(dir.write("unclosed.csv", rows_with(14, "14,\"1.5")),
                         "unclosed.csv:16: column 2: unterminated quoted field");
  std::string typos = rows_with(3, "3,1..5");
  typos.replace(typos.find("25,25.5"), 7, "25,abc");
  expect_read_csvs_error(dir.write("typos.csv", typos),
                         "column 2 (\"x\"): 28 of 30 values are numbers but 2 are not: line 5 \"1..5\", line 27 "
                         "\"abc\"");
  // Read again as text (a level in half of its rows): the Latin-1 byte is then an error.
  std::string latin1 = "i,x\n";
  for (int i = 0; i < 30; ++i) latin1 += fmt::format("{},{}\n", i, i == 14 ? "caf\xE9" : (i % 2 ? "w" : "1"));
  expect_read_csvs_error(dir.write("latin1.csv", latin1), "latin1.csv:16: column 2 (\"x\"): the value is not UTF-8");
  CsvOptions forced;
  forced.column_types["x"] = ColumnType::numeric;
  expect_read_csvs_error(dir.write("forced.csv", rows_with(20, "20,w")),
                         "forced.csv:22: column 2 (\"x\"): expected a number (the column is forced numeric)", forced);
  expect_read_csvs_error(dir.write("header.csv", "a,b\n"), "header only");
  expect_read_csvs_error(dir.write("binary.csv", std::string("a,b\n1,\0\n", 8)), "binary.csv");
}

TEST(CsvInParts, OnlyABigRegularUncompressedFileIsReadInParts) {
  const TempDir dir("lrtune_parts");
  const auto text = rows_with(-1, "");
  const auto plain = dir.write("plain.csv", text);
  EXPECT_TRUE(reads_csv_in_parts(plain, 64));
  EXPECT_FALSE(reads_csv_in_parts(plain, text.size()));  // one part: read whole
  EXPECT_FALSE(reads_csv_in_parts(dir.write("t.csv.gz", lrtune::testing::gzip_text(text)), 64));
  EXPECT_FALSE(reads_csv_in_parts(dir.path() / "missing.csv", 64));
  EXPECT_FALSE(reads_csv_in_parts(dir.path(), 64));
  const auto fifo = dir.path() / "fifo.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Looked at without being opened: with no writer, opening it would block this test.
  EXPECT_FALSE(reads_csv_in_parts(fifo, 64));
}

}  // namespace
