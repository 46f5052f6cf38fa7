// Identifier-like text columns (names, tickets, ids) left out with one warning, the threshold's
// edges, --keep, the order after the mostly-numeric check, and the high-cardinality error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/identifier_columns.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "support/raw_table.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

Table passengers() { return lrtune::testing::raw_passengers(); }
PrepareOptions survived() { return lrtune::testing::survived_options(); }

// A table of `rows` rows with one text column of `distinct` values (cycled) and a 0/1 target.
Table column_of(int rows, int distinct, int missing_every = 0) {
  std::string text = "code,x,y\n";
  for (int i = 0; i < rows; ++i) {
    const bool missing = missing_every > 0 && i % missing_every == 0;
    text += fmt::format("{},{},{}\n", missing ? "" : fmt::format("v{}", i % distinct), i % 5, i % 2);
  }
  return parse_csv(text, {}, "t.csv");
}

std::vector<std::string> names(const std::vector<IdentifierColumn>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

TEST(IdentifierColumns, NamesTicketsAndCabinsAreFoundNotCategoriesOrNumbers) {
  const Table t = passengers();
  const auto found = identifier_columns(t, t.column_names());
  // PassengerId is numeric (a number per row is what a measurement has too): not a text identifier.
  EXPECT_EQ(names(found), (std::vector<std::string>{"Name", "Ticket", "Cabin"}));
  EXPECT_EQ(found[0].distinct, 300);
  EXPECT_EQ(found[0].non_missing, 300);
  EXPECT_LT(found[2].non_missing, 100);  // the cabin column is mostly empty: its share is over its values
}

TEST(IdentifierColumns, TheThresholdIsMoreThanHalfDistinctAndMoreThanTwenty) {
  EXPECT_EQ(identifier_columns(column_of(100, 51), {"code"}).size(), 1u);  // 51 of 100
  EXPECT_EQ(identifier_columns(column_of(100, 50), {"code"}).size(), 0u);  // 50 of 100: not more than half
  EXPECT_EQ(identifier_columns(column_of(30, 21), {"code"}).size(), 1u);   // 21 > 20
  EXPECT_EQ(identifier_columns(column_of(24, 20), {"code"}).size(), 0u);   // 20 levels: a small table's category
  // The share is over the non-missing cells: 50 distinct values in 100 rows, half of them empty.
  EXPECT_EQ(identifier_columns(column_of(100, 1000, 2), {"code"}).size(), 1u);
}

TEST(IdentifierColumns, PrepareLeavesThemOutWithOneWarningNamingThemAndTheFlag) {
  const PreparedData d = prepare(passengers(), survived());
  ASSERT_EQ(d.warnings.size(), 1u) << d.warnings[0];
  EXPECT_THAT(d.warnings[0], HasSubstr("raw.csv: left out 3 identifier-like text columns"));
  EXPECT_THAT(d.warnings[0], HasSubstr("\"Name\" (300 distinct of 300 values), \"Ticket\" ("));
  EXPECT_THAT(d.warnings[0], HasSubstr("--keep COLUMN"));
  for (const auto& f : d.feature_names) {
    EXPECT_EQ(f.find("Name"), std::string::npos) << f;
    EXPECT_EQ(f.find("Ticket"), std::string::npos) << f;
    EXPECT_EQ(f.find("Cabin"), std::string::npos) << f;
  }
  for (const auto& c : d.summary.columns) {
    if (c.name == "Name" || c.name == "Ticket" || c.name == "Cabin") EXPECT_EQ(c.use, "identifier") << c.name;
  }
}

TEST(IdentifierColumns, KeepUsesOneAnyway) {
  PrepareOptions o = survived();
  o.keep_columns = {"Ticket"};
  o.missing = MissingPolicy::impute;  // the kept column has no missing value; Cabin would without a rule
  const PreparedData d = prepare(passengers(), o);
  EXPECT_THAT(d.warnings[0], HasSubstr("left out 2 identifier-like text columns"));
  EXPECT_THAT(d.feature_names, ::testing::Contains(HasSubstr("Ticket_")));
  o.keep_columns = {"Nope"};
  EXPECT_THROW(prepare(passengers(), o), DataError);
  o.keep_columns = {"Ticket"};
  o.drop_columns = {"Ticket"};
  try {
    prepare(passengers(), o);
    FAIL() << "keep and drop of one column";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column \"Ticket\" is named both to keep (--keep) and to drop (--drop)"));
  }
}

TEST(IdentifierColumns, AMostlyNumericColumnWithAFewBadCellsIsReportedNotDropped) {
  // 40 numbers and 3 typos: the reader's error, before any identifier check could drop the column.
  std::string text = "score,y\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("{}.{},{}\n", i, i % 10, i % 2);
  text += "12..5,1\nabc,0\n1 000,1\n";
  try {
    (void)parse_csv(text, {}, "t.csv");
    FAIL() << "expected the mostly-numeric error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column 1 (\"score\"): 40 of 43 values are numbers but 3 are not"));
  }
}

TEST(IdentifierColumns, AHighCardinalityCategoryIsAnErrorWithTenExamplesAndTheDropHint) {
  // 3,000 rows of 1,500 levels, each twice: a share of 0.5, so not identifier-like, but too many levels.
  std::string text = "zip,y\n";
  for (int i = 0; i < 3000; ++i) text += fmt::format("z{},{}\n", i % 1500, i % 2);
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse("==1");
  try {
    (void)prepare(parse_csv(text, {}, "t.csv"), o);
    FAIL() << "expected the level-count error";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("t.csv: column \"zip\" has 1500 distinct text values in 3000 rows (e.g. \"z0\", "
                                   "\"z1\", \"z2\", \"z3\", \"z4\", \"z5\", \"z6\", \"z7\", \"z8\", \"z9\", ...); at "
                                   "most 1000 levels"));
    EXPECT_THAT(message, HasSubstr("--drop zip"));
    EXPECT_LT(message.size(), 400u);
  }
}

}  // namespace
