// dropna and the imputer: what is dropped and recorded, SimpleImputer's statistics and
// tie rules, fitting on one table and filling another, JSON round trip, errors.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/missing.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

const Table& table() {
  static const Table t = parse_csv("a,b,c\n1,x,10\n,y,20\n3,,30\n4,x,\n1,y,50\n", {}, "t.csv");
  return t;
}

TEST(DropMissing, DropsRowsAndRecordsPerColumn) {
  StepLog log;
  const Table out = drop_missing_rows(table(), {}, &log);
  EXPECT_EQ(out.rows(), 2);
  EXPECT_EQ(out.row_labels, (std::vector<Index>{0, 4}));  // file numbers kept, as pandas' index
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].details["rows_dropped"], 3);
  EXPECT_EQ(log[0].details["missing_per_column"]["a"], 1);
  EXPECT_EQ(log[0].details["missing_per_column"]["b"], 1);
  EXPECT_EQ(log[0].details["missing_per_column"]["c"], 1);
  EXPECT_THAT(log[0].text, HasSubstr("dropped 3 of 5 rows"));
}

// The rows apply() sets aside instead of dropping: positions and a reason naming the columns.
TEST(UnusableRows, NameTheColumnsOfEachRow) {
  const Table t = parse_csv("a,b,c\n1,x,10\n,,20\n3,y,inf\n,x,-inf\n", {}, "t.csv");
  const auto rows = unusable_rows(t, {"a", "b", "c"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[0].reason, "missing values in columns \"a\", \"b\"");
  EXPECT_EQ(rows[1].position, 2);
  EXPECT_EQ(rows[1].reason, "infinite value in column \"c\"");
  EXPECT_EQ(rows[2].reason, "missing value in column \"a\"; infinite value in column \"c\"");
  EXPECT_EQ(unusable_rows(t, {"b"}).size(), 1u);  // only the columns asked about
  EXPECT_THROW(unusable_rows(t, {"zz"}), DataError);
}

TEST(DropMissing, SubsetOfColumns) {
  const Table out = drop_missing_rows(table(), {"a"});
  EXPECT_EQ(out.row_labels, (std::vector<Index>{0, 2, 3, 4}));
  EXPECT_THROW(drop_missing_rows(table(), {"zz"}), DataError);
}

TEST(Imputer, StatisticsAsSimpleImputer) {
  const Table t = parse_csv("a,b\n1,x\n2,y\n2,y\n,x\n7,\n10,z\n", {}, "t.csv");
  ImputerOptions o;
  o.numeric = ImputeStrategy::mean;
  EXPECT_DOUBLE_EQ(Imputer::fit(t, o).values()[0].number, 22.0 / 5.0);
  o.numeric = ImputeStrategy::median;
  EXPECT_DOUBLE_EQ(Imputer::fit(t, o).values()[0].number, 2.0);
  o.numeric = ImputeStrategy::most_frequent;
  EXPECT_DOUBLE_EQ(Imputer::fit(t, o).values()[0].number, 2.0);
  EXPECT_EQ(Imputer::fit(t, o).values()[1].text, "x");  // x and y tie at 2: the smallest wins
  o.numeric = ImputeStrategy::constant;
  o.fill_number = -1;
  EXPECT_DOUBLE_EQ(Imputer::fit(t, o).values()[0].number, -1.0);
  const Table even = parse_csv("a\n4\n1\n3\n2\n");
  o.numeric = ImputeStrategy::median;
  EXPECT_DOUBLE_EQ(Imputer::fit(even, o).values()[0].number, 2.5);
}

TEST(Imputer, FittedOnOneTableFillsAnother) {
  const Table train = parse_csv("a,b\n1,x\n3,x\n5,y\n");
  const Table other = parse_csv("a,b\n,\n100,z\n");
  StepLog log;
  const Imputer imp = Imputer::fit(train, {}, &log);
  const Table filled = imp.transform(other, &log);
  EXPECT_DOUBLE_EQ(filled.columns[0].numbers[0], 3.0);
  EXPECT_EQ(filled.columns[1].strings[0], "x");
  EXPECT_EQ(filled.columns[1].missing_count(), 0);
  EXPECT_EQ(filled.columns[0].numbers[1], 100.0);
  EXPECT_EQ(log.back().details["cells_filled"], 2);
  const Imputer back = Imputer::from_json(imp.to_json());
  EXPECT_EQ(back.to_json(), imp.to_json());
}

TEST(Imputer, Errors) {
  const Table t = parse_csv("a,b\n1,x\n,y\n", {}, "t.csv");
  ImputerOptions o;
  o.categorical = ImputeStrategy::mean;
  EXPECT_THAT(
      [&] {
        try {
          (void)Imputer::fit(t, o);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("column \"b\" is categorical; impute strategy mean needs a numeric column"));
  const Table empty = parse_csv("a,b\n,x\nNA,y\n", {}, "t.csv");
  EXPECT_THAT(
      [&] {
        try {
          (void)Imputer::fit(empty);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("column \"a\" has no value in the train part"));
  ImputerOptions unknown;
  unknown.per_column = {{"zz", ImputeStrategy::median}};
  EXPECT_THROW((void)Imputer::fit(t, unknown), DataError);
  EXPECT_THROW(impute_strategy_from_name("average"), DataError);
  const Imputer imp = Imputer::fit(parse_csv("a\n1\n"));
  EXPECT_THROW((void)imp.transform(parse_csv("b\n1\n")), DataError);
}

}  // namespace
