// The table's column lookups: Table::find (one name) and ColumnIndex (many names, hashed once)
// agree, and both name the option and the columns there are when a name is unknown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/table.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

TEST(ColumnIndex, AgreesWithFind) {
  const Table t = parse_csv("a,b,c\n1,x,2\n", {}, "t.csv");
  const ColumnIndex index(t);
  for (const char* name : {"a", "b", "c", "d", ""}) {
    EXPECT_EQ(index.find(name), t.find(name)) << name;
  }
  EXPECT_EQ(index.index_of("c"), 2);
  EXPECT_EQ(index.column("b").strings[0], "x");
}

TEST(ColumnIndex, UnknownNameSaysWhereAndWhatThereIs) {
  const Table t = parse_csv("a,b\n1,2\n", {}, "t.csv");
  try {
    (void)ColumnIndex(t).index_of("z", "drop_columns");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.csv: unknown column \"z\" named in drop_columns; expected one of: \"a\", \"b\"");
  }
}

TEST(ColumnIndex, FirstOfTwoEqualNamesWinsAsWithFind) {
  Table t = parse_csv("a,b\n1,2\n", {}, "t.csv");
  t.columns[1].name = "a";  // only a hand-made table can have this: read_csv refuses duplicates
  EXPECT_EQ(ColumnIndex(t).find("a"), t.find("a"));
  EXPECT_EQ(ColumnIndex(t).find("a"), 0);
}

// 100,000 columns: select, drop and the lookups stay linear (a linear find per name took minutes).
TEST(ColumnIndex, SelectAndDropOnAWideTable) {
  constexpr int kColumns = 100'000;
  std::string header, row;
  std::vector<std::string> names;
  for (int c = 0; c < kColumns; ++c) {
    names.push_back("c" + std::to_string(c));
    header += (c ? "," : "") + names.back();
    row += c ? ",1" : "1";
  }
  const Table t = parse_csv(header + "\n" + row + "\n", {}, "wide.csv");
  std::vector<std::string> reversed(names.rbegin(), names.rend());
  const Table selected = t.select(reversed);
  ASSERT_EQ(selected.cols(), kColumns);
  EXPECT_EQ(selected.columns.front().name, "c99999");
  const std::vector<std::string> half(names.begin(), names.begin() + kColumns / 2);
  const Table dropped = t.drop(half);
  ASSERT_EQ(dropped.cols(), kColumns / 2);
  EXPECT_EQ(dropped.columns.front().name, "c50000");
}

}  // namespace
