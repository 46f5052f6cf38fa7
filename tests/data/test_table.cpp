// The table's column lookups: Table::find (one name) and ColumnIndex (many names, hashed once)
// agree, and both name the option and the columns there are when a name is unknown. select, take
// and drop_missing_rows on a table given away (issue 18) give what their copying forms give.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/missing.hpp"
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

// A small table of both column types with missing cells: the copying and the in-place forms of
// select and take must give the same table.
Table mixed() { return parse_csv("n,c,m\n1,x,10\n2,,20\n3,z,\n4,w,40\n5,v,50\n", {}, "t.csv"); }

void expect_same(const Table& a, const Table& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.row_labels, b.row_labels);
  ASSERT_EQ(a.cols(), b.cols());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const Column &x = a.columns[c], &y = b.columns[c];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    ASSERT_EQ(x.numbers.size(), y.numbers.size()) << x.name;
    for (std::size_t i = 0; i < x.numbers.size(); ++i) {  // NaN where missing: compared as missing
      EXPECT_TRUE(x.numbers[i] == y.numbers[i] || (std::isnan(x.numbers[i]) && std::isnan(y.numbers[i])))
          << x.name << " " << i;
    }
    EXPECT_EQ(x.strings, y.strings) << x.name;
    EXPECT_EQ(x.missing, y.missing) << x.name;
  }
}

TEST(TableGivenAway, SelectMovesTheColumnsAndGivesTheCopysResult) {
  const Table copy = mixed().select({"m", "n"});
  Table raw = mixed();
  const Table moved = std::move(raw).select({"m", "n"});
  expect_same(moved, copy);
  EXPECT_TRUE(raw.columns.empty());  // NOLINT(bugprone-use-after-move): what is left is documented
  Table bad = mixed();
  EXPECT_THROW((void)std::move(bad).select({"n", "n"}), DataError);
}

TEST(TableGivenAway, TakeInPlaceEqualsTheCopyForDroppedRowsAndFallsBackOtherwise) {
  for (const std::vector<Index>& positions :
       std::vector<std::vector<Index>>{{0, 1, 2, 3, 4}, {1, 3}, {0, 4}, {}, {4, 0, 2}, {2, 2}, {3}}) {
    const Table copy = mixed().take(positions);
    const Table in_place = mixed().take(positions);  // a temporary: the rvalue overload
    expect_same(in_place, copy);
    for (std::size_t k = 0; k < positions.size(); ++k) EXPECT_EQ(in_place.row_labels[k], positions[k]);
  }
  EXPECT_THROW((void)mixed().take({0, 5}), DataError);
}

TEST(TableGivenAway, DropMissingRowsInPlaceEqualsTheCopy) {
  const Table t = mixed();
  StepLog a, b;
  const Table copy = drop_missing_rows(t, {}, &a);
  const Table in_place = drop_missing_rows(mixed(), {}, &b);
  expect_same(in_place, copy);
  EXPECT_EQ(in_place.row_labels, (std::vector<Index>{0, 3, 4}));
  EXPECT_EQ(to_json(a), to_json(b));
}

}  // namespace
