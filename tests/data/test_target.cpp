// Target rules: parsing, text/JSON round trips, applying them, and their errors; one_hot.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/target.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

std::string error_of(const Column& c, const TargetRule& r) {
  try {
    (void)make_target(c, r, "t.csv");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

const Table& table() {
  static const Table t = parse_csv("q,kind,score\n3,red,0.5\n6,white,1.5\n7,white,2.5\n5,rose,-1\n6,red,0\n");
  return t;
}

TEST(TargetRule, ParsesEveryOperator) {
  struct Case {
    const char* spec;
    CompareOp op;
    double threshold;
  };
  for (const auto& c : {Case{">=6", CompareOp::greater_equal, 6}, Case{"> 5.5", CompareOp::greater, 5.5},
                        Case{"<3", CompareOp::less, 3}, Case{" <= -1e2 ", CompareOp::less_equal, -100},
                        Case{"==1", CompareOp::equal, 1}, Case{"!=0", CompareOp::not_equal, 0}}) {
    const auto r = TargetRule::parse(c.spec);
    ASSERT_TRUE(r.op) << c.spec;
    EXPECT_EQ(*r.op, c.op) << c.spec;
    EXPECT_EQ(r.threshold, c.threshold) << c.spec;
    EXPECT_EQ(r.kind, TargetKind::binary);
    const auto again = TargetRule::parse(r.to_string());
    EXPECT_EQ(again.op, r.op);
    EXPECT_EQ(again.threshold, r.threshold);
    EXPECT_EQ(TargetRule::from_json(r.to_json()).to_string(), r.to_string());
  }
}

TEST(TargetRule, ClassNamesAndKinds) {
  EXPECT_EQ(TargetRule::parse("white").positive_class, "white");
  EXPECT_EQ(TargetRule::parse("==white").positive_class, "white");
  EXPECT_EQ(TargetRule::parse("multiclass").kind, TargetKind::multiclass);
  EXPECT_EQ(TargetRule::parse("regression").kind, TargetKind::regression);
  EXPECT_EQ(TargetRule::positive("multiclass").kind, TargetKind::binary);
  EXPECT_EQ(TargetRule::from_json(TargetRule::parse("white").to_json()).positive_class, "white");
  EXPECT_THROW(TargetRule::parse(""), DataError);
  EXPECT_THROW(TargetRule::parse(">=abc"), DataError);
  EXPECT_THROW(TargetRule::parse(">="), DataError);
}

TEST(Target, BinaryFromAComparison) {
  const auto t = make_target(table().column("q"), TargetRule::parse(">=6"));
  EXPECT_EQ(t.values, (VectorD(5) << 0, 1, 1, 0, 1).finished());
  EXPECT_EQ(t.class_counts, (std::vector<Index>{2, 3}));
  EXPECT_EQ(t.classes[1], "q >= 6");
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse("<6")).values, (VectorD(5) << 1, 0, 0, 1, 0).finished());
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse("==6")).values,
            (VectorD(5) << 0, 1, 0, 0, 1).finished());
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse("!=6")).values,
            (VectorD(5) << 1, 0, 1, 1, 0).finished());
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse(">6")).values, (VectorD(5) << 0, 0, 1, 0, 0).finished());
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse("<=5")).values,
            (VectorD(5) << 1, 0, 0, 1, 0).finished());
  EXPECT_EQ(make_target(table().column("q"), TargetRule::parse("6")).values, (VectorD(5) << 0, 1, 0, 0, 1).finished());
}

TEST(Target, BinaryFromANamedClass) {
  const auto t = make_target(table().column("kind"), TargetRule::parse("white"));
  EXPECT_EQ(t.values, (VectorD(5) << 0, 1, 1, 0, 0).finished());
  EXPECT_EQ(t.classes[1], "kind == white");
}

TEST(Target, MulticlassAndRegressionKeptAsTheyAre) {
  const auto m = make_target(table().column("kind"), TargetRule::multiclass());
  EXPECT_EQ(m.classes, (std::vector<std::string>{"red", "rose", "white"}));
  EXPECT_EQ(m.values, (VectorD(5) << 0, 2, 2, 1, 0).finished());
  EXPECT_EQ(m.class_counts, (std::vector<Index>{2, 1, 2}));
  const auto q = make_target(table().column("q"), TargetRule::multiclass());
  EXPECT_EQ(q.classes, (std::vector<std::string>{"3", "5", "6", "7"}));
  EXPECT_EQ(q.values, (VectorD(5) << 0, 2, 3, 1, 2).finished());
  const auto r = make_target(table().column("score"), TargetRule::regression());
  EXPECT_EQ(r.values, (VectorD(5) << 0.5, 1.5, 2.5, -1, 0).finished());
  EXPECT_TRUE(r.classes.empty());
}

TEST(Target, Errors) {
  EXPECT_THAT(error_of(table().column("q"), TargetRule::parse(">=3")),
              HasSubstr("t.csv: target rule \">=3\" on column \"q\" gives a single class (5 of 5 rows positive)"));
  EXPECT_THAT(error_of(table().column("q"), TargetRule::parse(">100")), HasSubstr("single class (0 of 5"));
  EXPECT_THAT(error_of(table().column("kind"), TargetRule::parse(">=6")),
              HasSubstr("compares numbers, but column \"kind\" is categorical"));
  EXPECT_THAT(error_of(table().column("kind"), TargetRule::parse("green")),
              HasSubstr("target class \"green\" does not occur in column \"kind\""));
  EXPECT_THAT(error_of(table().column("q"), TargetRule::parse("white")), HasSubstr("is not a number"));
  EXPECT_THAT(error_of(table().column("kind"), TargetRule::regression()), HasSubstr("must be numeric"));
  EXPECT_THAT(error_of(table().column("score"), TargetRule::multiclass()), HasSubstr("must be integers or text"));
  const Table m = parse_csv("y\n1\n\n2\nNA\n");
  EXPECT_THAT(error_of(m.column("y"), TargetRule::parse(">1")), HasSubstr("target column \"y\" has 1 missing values"));
}

TEST(Target, AnInfiniteRegressionValueNamesItsFileRow) {
  const Table t = parse_csv("y\n1\n2\n-inf\n4\n", {}, "r.csv");
  try {
    (void)make_target(t.column("y"), TargetRule::regression(), "r.csv", {10, 11, 12, 13});
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "r.csv: file data row 12, target \"y\": -inf; expected a finite number for a regression "
                 "target (--na drop drops such rows)");
    EXPECT_EQ(e.subject(), DataErrorSubject::target);
  }
  // Without row labels the position is named.
  EXPECT_THAT(error_of(t.column("y"), TargetRule::regression()), HasSubstr("t.csv: row 2, target \"y\": -inf"));
}

TEST(OneHot, RowsOfClassNumbers) {
  const Matrix y = one_hot((VectorD(4) << 2, 0, 1, 2).finished(), 3);
  Matrix expected(4, 3);
  expected << 0, 0, 1,  //
      1, 0, 0,          //
      0, 1, 0,          //
      0, 0, 1;
  EXPECT_EQ(y, expected);
  // With make_target: one column per class, the class order of `classes`.
  const auto m = make_target(table().column("kind"), TargetRule::multiclass());
  const Matrix h = one_hot(m.values, static_cast<Index>(m.classes.size()));
  ASSERT_EQ(h.cols(), 3);
  EXPECT_EQ(h.row(1), (RowVector(3) << 0, 0, 1).finished());  // "white", the third class
  EXPECT_EQ(one_hot(VectorD(0), 4).rows(), 0);
  for (const double bad : {3.0, -1.0, 0.5, std::nan("")}) {
    EXPECT_THROW((void)one_hot((VectorD(2) << 0, bad).finished(), 3), UsageError) << bad;
  }
  EXPECT_THROW((void)one_hot(VectorD(0), 0), UsageError);
}

}  // namespace
