// plan_csv_shards, the boundary finder: byte ranges checked against offsets computed by hand on
// small files (quoted line breaks, CRLF and lone CR, blank lines, a target between CR and LF,
// skip_rows with a byte-order mark, header=false, no final newline, more parts than rows), and
// the errors of files it cannot split or read_csv refuses.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/error.hpp"
#include "support/gzip_text.hpp"
#include "support/temp_dir.hpp"

namespace {

using lrtune::CsvOptions;
using lrtune::CsvPart;
using lrtune::CsvShardPlan;
using lrtune::DataError;
using lrtune::plan_csv_shards;
using lrtune::testing::TempDir;
using ::testing::HasSubstr;

// begin, end, first_row, rows, first_line
struct Expected {
  std::uint64_t begin, end;
  lrtune::Index first_row, rows;
  long first_line;
};

void expect_parts(const CsvShardPlan& plan, const std::vector<Expected>& expected) {
  ASSERT_EQ(plan.parts.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const CsvPart& part = plan.parts[k];
    SCOPED_TRACE("part " + std::to_string(k));
    EXPECT_EQ(part.begin, expected[k].begin);
    EXPECT_EQ(part.end, expected[k].end);
    EXPECT_EQ(part.first_row, expected[k].first_row);
    EXPECT_EQ(part.rows, expected[k].rows);
    EXPECT_EQ(part.first_line, expected[k].first_line);
  }
}

CsvShardPlan plan_of(const std::string& text, int parts, const CsvOptions& options = {}) {
  const TempDir dir("lrtune_shard_plan");
  return plan_csv_shards(dir.write("t.csv", text), options, parts);
}

TEST(CsvShardPlan, SplitsAtTheFirstRecordStartAtOrAfterEachTarget) {
  // Header "a,b\n" is bytes 0-3; records start at 4, 8 and 12; the file ends at 16.
  // Two parts: targets 4 and 4 + 12/2 = 10, so the second part starts at 12.
  const auto plan = plan_of("a,b\n1,2\n3,4\n5,6\n", 2);
  EXPECT_EQ(plan.delimiter, ',');
  EXPECT_EQ(plan.rows, 3);
  EXPECT_EQ(plan.file_size, 16U);
  expect_parts(plan, {{4, 12, 0, 2, 2}, {12, 16, 2, 1, 4}});
}

TEST(CsvShardPlan, NeverSplitsInsideQuotes) {
  // Record 1 is bytes 4-16 ("\"x\ny\nzzzz\",1\n", lines 2-4); record 2 starts at 17 on line 5. The
  // target 4 + 17/2 = 12 falls inside the quotes.
  const auto plan = plan_of("a,b\n\"x\ny\nzzzz\",1\n2,3\n", 2);
  expect_parts(plan, {{4, 17, 0, 1, 2}, {17, 21, 1, 1, 5}});
}

TEST(CsvShardPlan, AQuoteInsideAnUnquotedFieldIsText) {
  // x"y is an unquoted field (its quote is not its first byte): the line break after it ends
  // record 1 (bytes 4-9); record 2 ("\"q\"\"\n\",2\n", bytes 10-18, lines 3-4) holds a quoted line
  // break; record 3 is bytes 19-22. Targets for three parts: 4, 4 + 19/3 = 10, 4 + 38/3 = 16.
  const auto plan = plan_of("a,b\nx\"y,1\n\"q\"\"\n\",2\n3,4\n", 3);
  expect_parts(plan, {{4, 10, 0, 1, 2}, {10, 19, 1, 1, 3}, {19, 23, 2, 1, 5}});
}

TEST(CsvShardPlan, CrlfAndLoneCrEndRecords) {
  // "a\r\n" 0-2; "1\r\n" 3-5 (line 2); "2\r" 6-7 (line 3); "3\r\n" 8-10 (line 4).
  // Targets 3, 3 + 8/3 = 5, 3 + 16/3 = 8.
  const auto plan = plan_of("a\r\n1\r\n2\r3\r\n", 3);
  expect_parts(plan, {{3, 6, 0, 1, 2}, {6, 8, 1, 1, 3}, {8, 11, 2, 1, 4}});
}

TEST(CsvShardPlan, ATargetBetweenCrAndLfMovesPastTheLf) {
  // "h\r\n" 0-2; "ab\r\n" 3-6; "cd\r\n" 7-10. Eight parts: targets 3, 4, ..., 10; byte 6 is the LF
  // of a CRLF, not a record start, so the targets 4-7 all land on 7, and 8-10 on the end (11).
  const auto plan = plan_of("h\r\nab\r\ncd\r\n", 8);
  expect_parts(plan, {{3, 7, 0, 1, 2},
                      {7, 7, 1, 0, 3},
                      {7, 7, 1, 0, 3},
                      {7, 7, 1, 0, 3},
                      {7, 11, 1, 1, 3},
                      {11, 11, 2, 0, 4},
                      {11, 11, 2, 0, 4},
                      {11, 11, 2, 0, 4}});
}

TEST(CsvShardPlan, BlankLinesAreNoRowsButCountAsLines) {
  // "a\n" 0-1; blank 2 (line 2); "1\n" 3-4 (line 3); blank 5 (line 4); blank 6 (line 5); "2\n" 7-8
  // (line 6). Target 2 + 7/2 = 5: the blank line there starts part 1.
  const auto plan = plan_of("a\n\n1\n\n\n2\n", 2);
  EXPECT_EQ(plan.rows, 2);
  expect_parts(plan, {{2, 5, 0, 1, 2}, {5, 9, 1, 1, 4}});
}

TEST(CsvShardPlan, ByteOrderMarkSkippedLinesAndADetectedDelimiter) {
  // BOM 0-2; "title\r\n" 3-9 skipped (line 1); header "a;b\r\n" 10-14 (line 2); data from 15 (line 3).
  CsvOptions options;
  options.skip_rows = 1;
  const auto plan = plan_of("\xEF\xBB\xBFtitle\r\na;b\r\n1;2\r\n", 1, options);
  EXPECT_EQ(plan.delimiter, ';');
  EXPECT_EQ(plan.head_bytes, 15U);
  expect_parts(plan, {{15, 20, 0, 1, 3}});
}

TEST(CsvShardPlan, WithoutAHeaderTheFirstRecordIsData) {
  CsvOptions options;
  options.header = false;
  const auto plan = plan_of("1,2\n3,4\n", 2, options);
  expect_parts(plan, {{0, 4, 0, 1, 1}, {4, 8, 1, 1, 2}});
}

TEST(CsvShardPlan, TheLastRecordNeedsNoFinalNewline) {
  // "a\n" 0-1; "1\n" 2-3; "2" 4. Target 2 + 3/2 = 3: part 1 starts at 4.
  const auto plan = plan_of("a\n1\n2", 2);
  expect_parts(plan, {{2, 4, 0, 1, 2}, {4, 5, 1, 1, 3}});
}

TEST(CsvShardPlan, AnUnclosedQuoteRunsToTheEnd) {
  // "a\n" 0-1; "1\n" 2-3; the quote opened at 4 (line 3) never closes, so no record starts after it:
  // the targets 5 and 8 land on the end (11), on line 6 (the tokenizer counts the quoted LFs).
  const auto plan = plan_of("a\n1\n\"x\n2\n3\n", 3);
  expect_parts(plan, {{2, 11, 0, 2, 2}, {11, 11, 2, 0, 6}, {11, 11, 2, 0, 6}});
}

// Errors: what read_csv says of the same file, word for word.
std::string plan_error(const std::string& text, const CsvOptions& options = {}) {
  const TempDir dir("lrtune_shard_plan");
  const auto path = dir.write("t.csv", text);
  std::string planned, whole;
  try {
    (void)plan_csv_shards(path, options, 2);
  } catch (const DataError& e) {
    planned = e.what();
  }
  try {
    (void)lrtune::read_csv(path, options);
  } catch (const DataError& e) {
    whole = e.what();
  }
  EXPECT_EQ(planned, whole);
  return planned;
}

TEST(CsvShardPlan, HeadErrorsAreReadCsvs) {
  EXPECT_THAT(plan_error("a,b\n"), HasSubstr("header only; expected at least one data row after line 1"));
  EXPECT_THAT(plan_error("a,b\n\n\r\n"), HasSubstr("header only"));
  EXPECT_THAT(plan_error(""), HasSubstr("empty file"));
  EXPECT_THAT(plan_error(" \n\t\n"), HasSubstr("empty file"));
  EXPECT_THAT(plan_error("a,a\n1,2\n"), HasSubstr("duplicate column name"));
  EXPECT_THAT(plan_error("a,\"b\n1,2\n"), HasSubstr("unterminated quoted field"));
  EXPECT_THAT(plan_error(std::string("a\0b\n1\n", 6)), HasSubstr("a NUL byte"));
  CsvOptions skip;
  skip.skip_rows = 3;
  EXPECT_THAT(plan_error("t\na\n1\n", skip), HasSubstr("skip_rows 3 (--skip-rows) leaves nothing to read"));
  EXPECT_THAT(plan_error("t\na\n1\n\n \n", skip), HasSubstr("leaves nothing to read"));
  CsvOptions pipe;
  pipe.delimiter = '|';
  EXPECT_THAT(plan_error("a|b\n1|2\n", pipe), HasSubstr("delimiter '|' not supported"));
  CsvOptions forced;
  forced.column_types["c"] = lrtune::ColumnType::numeric;
  EXPECT_THAT(plan_error("a,b\n1,2\n", forced), HasSubstr("unknown column \"c\""));
  CsvOptions small;
  small.max_bytes = 4;
  EXPECT_THAT(plan_error("a,b\n1,2\n", small), HasSubstr("8 bytes; the limit for CSV files is 4 bytes"));
}

std::string plan_error_of(const std::filesystem::path& path) {
  try {
    (void)plan_csv_shards(path, {}, 2);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(CsvShardPlan, ACompressedFileOrAStreamCannotBeSplit) {
  const TempDir dir("lrtune_shard_plan");
  const auto gz = dir.write("t.csv.gz", lrtune::testing::gzip_text("a,b\n1,2\n"));
  EXPECT_THAT(plan_error_of(gz), HasSubstr("gzip-compressed; a compressed file cannot be read in parts"));
  EXPECT_THAT(plan_error_of(gz), HasSubstr("decompress it first (gunzip -k"));
  const auto fifo = dir.path() / "fifo.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(plan_error_of(fifo), HasSubstr("not a regular file (a pipe, FIFO or device)"));
  EXPECT_THAT(plan_error_of(dir.path()), HasSubstr("is a folder; expected a CSV file"));
  EXPECT_THAT(plan_error_of(dir.path() / "absent.csv"), HasSubstr("cannot open the file"));
}

TEST(CsvShardPlan, PartsMustBePositive) {
  const TempDir dir("lrtune_shard_plan");
  EXPECT_THROW((void)plan_csv_shards(dir.write("t.csv", "a\n1\n"), {}, 0), lrtune::UsageError);
}

}  // namespace
