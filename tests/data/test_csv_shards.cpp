// read_csv_shard on 1 to 5 in-process ranks (threads): the shards, concatenated in rank order,
// equal read_csv of the whole file (names, types, values bit for bit, missing flags, row labels)
// and their first-row numbers add up; an error anywhere reaches every rank as the one message
// read_csv gives, with the file's line.
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/error.hpp"
#include "support/csv_tables.hpp"
#include "support/data_dir.hpp"
#include "support/temp_dir.hpp"
#include "support/thread_ranks.hpp"

namespace {

using lrtune::ColumnType;
using lrtune::Communicator;
using lrtune::CsvOptions;
using lrtune::CsvShard;
using lrtune::DataError;
using lrtune::Index;
using lrtune::Table;
using lrtune::testing::expect_same_table;
using lrtune::testing::random_csv;
using lrtune::testing::TempDir;
using ::testing::HasSubstr;

// One rank's outcome: its shard, or the message of what it threw.
struct Outcome {
  CsvShard shard;
  std::string error;
};

std::vector<Outcome> read_on_ranks(const std::filesystem::path& path, const CsvOptions& options, int ranks) {
  return lrtune::testing::on_thread_ranks<Outcome>(ranks, [&](const Communicator& communicator) {
    Outcome outcome;
    try {
      outcome.shard = lrtune::read_csv_shard(path, options, communicator);
    } catch (const DataError& e) {
      outcome.error = e.what();
    } catch (const std::exception& e) {  // a bug (e.g. a planned row count not met): fails the test, not the run
      outcome.error = std::string("not a DataError: ") + e.what();
    }
    return outcome;
  });
}

// The shards' rows one after another, as one table.
Table concatenate(const std::vector<Outcome>& outcomes) {
  Table all;
  all.source = outcomes.front().shard.table.source;
  all.columns = outcomes.front().shard.table.columns;
  for (auto& column : all.columns) {
    column.numbers.clear();
    column.strings.clear();
    column.missing.clear();
  }
  for (const Outcome& outcome : outcomes) {
    const Table& part = outcome.shard.table;
    for (std::size_t c = 0; c < all.columns.size(); ++c) {
      auto& to = all.columns[c];
      const auto& from = part.columns[c];
      to.numbers.insert(to.numbers.end(), from.numbers.begin(), from.numbers.end());
      to.strings.insert(to.strings.end(), from.strings.begin(), from.strings.end());
      to.missing.insert(to.missing.end(), from.missing.begin(), from.missing.end());
    }
    all.row_labels.insert(all.row_labels.end(), part.row_labels.begin(), part.row_labels.end());
  }
  return all;
}

// For 1 to 5 ranks: no rank fails, each shard's first row is the rows before it, the total is the
// file's, and the shards together are read_csv's table.
void expect_shards_make_the_file(const std::filesystem::path& path, const CsvOptions& options = {}, int max_ranks = 5) {
  const Table whole = lrtune::read_csv(path, options);
  for (int ranks = 1; ranks <= max_ranks; ++ranks) {
    SCOPED_TRACE(fmt::format("{} ranks", ranks));
    const std::vector<Outcome> outcomes = read_on_ranks(path, options, ranks);
    Index rows_before = 0;
    for (const Outcome& outcome : outcomes) {
      ASSERT_EQ(outcome.error, "");
      EXPECT_EQ(outcome.shard.first_row, rows_before);
      EXPECT_EQ(outcome.shard.total_rows, whole.rows());
      rows_before += outcome.shard.table.rows();
    }
    EXPECT_EQ(rows_before, whole.rows());
    expect_same_table(concatenate(outcomes), whole);
  }
}

TEST(CsvShards, QuotedLineBreaksDelimitersCrlfAndBlankLines) {
  const TempDir dir("lrtune_shards");
  const std::string text =
      "id,name,note,x\r\n"
      "1,\"Smith, J\",\"line one\r\nline two\",1.5\r\n"
      "\r\n"
      "2,plain,\"say \"\"hi\"\"\",2.5\r\n"
      "3,\"multi\nline\nname\",,3.5\r\n"
      "4,x\"y,\"a,b,c\",NA\r\n"
      "\n"
      "5,\"\",\"\"\"\",-1e3\r\n"
      "6,last,\"ends\r\nhere\",7\r\n";
  expect_shards_make_the_file(dir.write("t.csv", text));
}

TEST(CsvShards, SkipRowsByteOrderMarkAndSemicolons) {
  const TempDir dir("lrtune_shards");
  const std::string text = "\xEF\xBB\xBFReport of 2024\nrows: 5\na;b;c\n1;x;0,5\n2;y;1\n3;\"z\n;z\";2\n4;w;3\n5;v;4\n";
  CsvOptions options;
  options.skip_rows = 2;
  expect_shards_make_the_file(dir.write("t.csv", text), options);
}

TEST(CsvShards, WithoutAHeader) {
  const TempDir dir("lrtune_shards");
  CsvOptions options;
  options.header = false;
  expect_shards_make_the_file(dir.write("t.csv", "1,a\n2,b\n3,\"c\nc\"\n4,d\n5,e\n6,f\n"), options);
}

TEST(CsvShards, NoFinalNewline) {
  const TempDir dir("lrtune_shards");
  expect_shards_make_the_file(dir.write("t.csv", "a,b\n1,2\n3,4\n5,6\n7,\"8\""));
  expect_shards_make_the_file(dir.write("u.csv", "a,b\r\n1,2\r\n3,4\r\n5,6\r"));
}

TEST(CsvShards, AColumnNumericInOneShardAndTextInAnother) {
  // "size" is numbers in the first 30 rows and "XL" in the last 10: text in a quarter of the file,
  // so categorical, though the first ranks alone would read numbers; "code" has a text level in a
  // quarter of its rows, spread over every shard.
  const TempDir dir("lrtune_shards");
  std::string text = "id,size,code,value\n";
  for (int i = 0; i < 40; ++i)
    text += fmt::format("{},{},{},{}.25\n", i, i < 30 ? std::to_string(i % 3) : "XL", i % 4 == 3 ? "A7" : "12", i);
  expect_shards_make_the_file(dir.write("t.csv", text));
  const Table whole = lrtune::read_csv(dir.path() / "t.csv");
  EXPECT_EQ(whole.columns[1].type, ColumnType::categorical);
  EXPECT_EQ(whole.columns[2].type, ColumnType::categorical);
}

TEST(CsvShards, AColumnMissingEverywhereInOneShard) {
  // "t" is empty in the first half and text in the second (categorical); "n" is empty in the first
  // half and numbers in the second (numeric); "e" is empty everywhere (numeric, all NaN, as pandas).
  const TempDir dir("lrtune_shards");
  std::string text = "i,t,n,e\n";
  for (int i = 0; i < 30; ++i)
    text += i < 15 ? fmt::format("{},,NA,\n", i) : fmt::format("{},w{},{},\n", i, i % 2, i * 0.5);
  expect_shards_make_the_file(dir.write("t.csv", text));
}

TEST(CsvShards, MoreRanksThanRows) {
  const TempDir dir("lrtune_shards");
  expect_shards_make_the_file(dir.write("t.csv", "a,b\n1,x\n2,y\n"));
  const auto outcomes = read_on_ranks(dir.path() / "t.csv", {}, 5);
  Index empty = 0;
  for (const Outcome& outcome : outcomes) {
    const Table& table = outcome.shard.table;
    if (table.rows() == 0) ++empty;
    EXPECT_EQ(table.column_names(), (std::vector<std::string>{"a", "b"}));  // an empty shard keeps its columns
    EXPECT_EQ(table.columns[1].type, ColumnType::categorical);              // and the file's types
  }
  EXPECT_EQ(empty, 3);
}

TEST(CsvShards, ForcedAndLenientColumns) {
  const TempDir dir("lrtune_shards");
  std::string text = "a,b,c\n";
  for (int i = 0; i < 20; ++i) text += fmt::format("{},{},{}\n", i, i, i == 19 ? "oops" : "1");
  CsvOptions options;
  options.column_types["a"] = ColumnType::categorical;
  options.lenient_columns = {"c"};  // one text cell in 20: categorical, not the mostly-numeric error
  expect_shards_make_the_file(dir.write("t.csv", text), options);
}

TEST(CsvShards, TheWineTable) { expect_shards_make_the_file(lrtune::testing::data_file("winequalityN.csv")); }

TEST(CsvShards, RandomFilesAgreeWithReadCsv) {
  const TempDir dir("lrtune_shards");
  std::mt19937 rng(20240518);
  for (int file = 0; file < 40; ++file) {
    SCOPED_TRACE(fmt::format("file {}", file));
    const auto path = dir.write(fmt::format("r{}.csv", file), random_csv(rng));
    expect_shards_make_the_file(path, {}, 4);
  }
}

// Errors: every rank throws the message read_csv gives for the whole file.
void expect_every_rank_says_read_csvs_error(const std::filesystem::path& path, int ranks,
                                            const std::string& expected_part, const CsvOptions& options = {}) {
  std::string whole;
  try {
    (void)lrtune::read_csv(path, options);
  } catch (const DataError& e) {
    whole = e.what();
  }
  ASSERT_THAT(whole, HasSubstr(expected_part));
  for (const Outcome& outcome : read_on_ranks(path, options, ranks)) EXPECT_EQ(outcome.error, whole);
}

// 30 rows of "i,x" from line 2 on (row i on line i + 2), with `bad` replacing row `at`.
std::string rows_with(int at, const std::string& bad) {
  std::string text = "i,x\n";
  for (int i = 0; i < 30; ++i) text += i == at ? bad + "\n" : fmt::format("{},{}.5\n", i, i);
  return text;
}

TEST(CsvShards, AnErrorInTheSecondShardReachesEveryRankWithItsLine) {
  const TempDir dir("lrtune_shards");
  // Three ranks of 30 rows: row 14 (line 16) lies in the second shard.
  const auto ragged = dir.write("ragged.csv", rows_with(14, "14,1,2"));
  expect_every_rank_says_read_csvs_error(ragged, 3, "ragged.csv:16: column 3: expected 2 fields");
  const auto quote = dir.write("quote.csv", rows_with(14, "14,\"1\"x"));
  expect_every_rank_says_read_csvs_error(quote, 3, "quote.csv:16: column 2: expected a delimiter");
  // A quote never closed: no record starts after it, so the rank whose part holds its start reads
  // to the end of the file and reports it, as read_csv does.
  const auto unclosed = dir.write("unclosed.csv", rows_with(14, "14,\"1.5"));
  expect_every_rank_says_read_csvs_error(unclosed, 3, "unclosed.csv:16: column 2: unterminated quoted field");
  // Errors in the second and third shards: the first in the file (the second shard's) wins.
  std::string two = rows_with(14, "14");
  two.replace(two.find("25,25.5"), 7, "25,1,1");
  expect_every_rank_says_read_csvs_error(dir.write("two.csv", two), 3, "two.csv:16: expected 2 fields");
}

TEST(CsvShards, TheMostlyNumericErrorCountsTheWholeFile) {
  // One typo in the second shard and one in the third: 28 of 30 numbers, both cells named.
  const TempDir dir("lrtune_shards");
  std::string text = rows_with(14, "14,1..5");
  text.replace(text.find("25,25.5"), 7, "25,abc");
  expect_every_rank_says_read_csvs_error(dir.write("t.csv", text), 3,
                                         "column 2 (\"x\"): 28 of 30 values are numbers but 2 are not: line 16 "
                                         "\"1..5\", line 27 \"abc\"");
}

TEST(CsvShards, ErrorsOfTheSecondReadingAndOfForcedTypes) {
  const TempDir dir("lrtune_shards");
  // "x" is text in the file (a level in half of its rows), so read again as text: the Latin-1 byte
  // in the second shard is then an error, as read_csv's second pass finds it.
  std::string text = "i,x\n";
  for (int i = 0; i < 30; ++i) text += fmt::format("{},{}\n", i, i == 14 ? "caf\xE9" : (i % 2 ? "w" : "1"));
  expect_every_rank_says_read_csvs_error(dir.write("latin1.csv", text), 3,
                                         "latin1.csv:16: column 2 (\"x\"): the value is not UTF-8");
  CsvOptions forced;
  forced.column_types["x"] = ColumnType::numeric;
  expect_every_rank_says_read_csvs_error(
      dir.write("forced.csv", rows_with(20, "20,w")), 4,
      "forced.csv:22: column 2 (\"x\"): expected a number (the column is forced numeric)", forced);
}

TEST(CsvShards, RankZerosPlanningErrorReachesEveryRank) {
  const TempDir dir("lrtune_shards");
  expect_every_rank_says_read_csvs_error(dir.write("t.csv", "a,b\n\n"), 3, "header only");
  expect_every_rank_says_read_csvs_error(dir.path() / "absent.csv", 2, "cannot open the file");
}

TEST(CsvShards, ARaggedFirstRowGivesTheSkipRowsHintOnlyThere) {
  // The hint names the header line when the file's first data row is the wide one, whichever rank reads it.
  const TempDir dir("lrtune_shards");
  expect_every_rank_says_read_csvs_error(dir.write("t.csv", "title\na,b\n1,2\n"), 2, "--skip-rows 1 skips it");
}

}  // namespace
