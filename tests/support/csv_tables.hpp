// Tables read from CSV compared bit for bit, and random CSV files that exercise the reader's
// quoting, line ends and blank lines: the readers that take a file in parts are checked against
// read_csv of the whole text with them.
#pragma once

#include <bit>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lrtune/data/table.hpp"

namespace lrtune::testing {

inline std::vector<std::uint64_t> bits_of(const std::vector<double>& values) {
  std::vector<std::uint64_t> bits;
  for (const double v : values) bits.push_back(std::bit_cast<std::uint64_t>(v));
  return bits;
}

inline void expect_same_table(const Table& read, const Table& whole) {
  EXPECT_EQ(read.source, whole.source);
  ASSERT_EQ(read.column_names(), whole.column_names());
  for (std::size_t c = 0; c < whole.columns.size(); ++c) {
    SCOPED_TRACE("column " + whole.columns[c].name);
    EXPECT_EQ(read.columns[c].type, whole.columns[c].type);
    EXPECT_EQ(bits_of(read.columns[c].numbers), bits_of(whole.columns[c].numbers));  // NaN too
    EXPECT_EQ(read.columns[c].strings, whole.columns[c].strings);
    EXPECT_EQ(read.columns[c].missing, whole.columns[c].missing);
  }
  EXPECT_EQ(read.row_labels, whole.row_labels);
}

// Random files: quoted fields holding delimiters, quotes, LF, CRLF and CR; blank lines; CRLF or LF
// record ends; numbers, text and missing cells; with and without a final line break.
inline std::string random_csv(std::mt19937& rng) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* const fields[] = {
      "1",        "-2.5",         "3e2",          "",           "NA",       "abc",  "\"q,r\"", "\"a\"\"b\"",
      "\"l\nm\"", "\"x\"\"\ny\"", "\"\"\"\r\n\"", "\"c\r\nd\"", "\"e\rf\"", "\"\"", "x\"y",    " 7 "};
  const int columns = 1 + pick(4);
  const int rows = pick(25);
  const std::string end = pick(2) ? "\r\n" : "\n";
  std::string text;
  for (int c = 0; c < columns; ++c) text += fmt::format("{}c{}", c ? "," : "", c);
  text += end;
  for (int r = 0; r < rows; ++r) {
    if (pick(8) == 0) text += end;  // a blank line
    for (int c = 0; c < columns; ++c) text += fmt::format("{}{}", c ? "," : "", fields[pick(std::size(fields))]);
    text += end;
  }
  text += "9";  // one more row, without or with a final line break
  for (int c = 1; c < columns; ++c) text += ",9";
  if (pick(2)) text += end;
  return text;
}

}  // namespace lrtune::testing
