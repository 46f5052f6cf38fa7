// prepare() and apply() on the target checks of the three tasks: an infinite regression value
// (dropped and counted with drop_rows, else an error naming its file row), a class the train split
// lacks (a warning naming it), and multiclass y as one-hot rows for training.
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

const StepRecord* find_step(const StepLog& log, const std::string& name) {
  for (const auto& s : log) {
    if (s.step == name) return &s;
  }
  return nullptr;
}

// 12 rows, x = 0..11; price = 3x + 50 except file data rows 4 and 9, which hold inf and -inf.
Table table_with_infinite_targets() {
  std::string csv = "x,price\n";
  for (int i = 0; i < 12; ++i) {
    csv += fmt::format("{},{}\n", i, i == 4 ? "inf" : i == 9 ? "-inf" : std::to_string(3 * i + 50));
  }
  return parse_csv(csv, {}, "p.csv");
}

PrepareOptions price_options() {
  PrepareOptions o;
  o.target = "price";
  o.target_rule = TargetRule::regression();
  o.test_size = 0.25;
  return o;
}

TEST(PrepareTarget, InfiniteRegressionValuesAreDroppedAndCountedWithDropRows) {
  const PreparedData d = prepare(table_with_infinite_targets(), price_options());
  const StepRecord* step = find_step(d.steps, "drop_nonfinite_target");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->text, "2 of 12 rows dropped: target \"price\" is infinite (file data rows 4, 9)");
  EXPECT_EQ(step->details.at("dropped").get<Index>(), 2);
  EXPECT_EQ(step->details.at("row_labels").get<std::vector<Index>>(), (std::vector<Index>{4, 9}));
  EXPECT_EQ(d.y_train.size() + d.y_test.size(), 10);
  EXPECT_TRUE(d.y_train.allFinite() && d.y_test.allFinite());
  for (const auto* rows : {&d.train_rows, &d.test_rows}) {
    for (const Index r : *rows) EXPECT_TRUE(r != 4 && r != 9) << r;
  }
}

TEST(PrepareTarget, AnInfiniteRegressionValueIsAnErrorNamingItsRowOtherwise) {
  PrepareOptions o = price_options();
  o.missing = MissingPolicy::impute;
  try {
    (void)prepare(table_with_infinite_targets(), o);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "p.csv: file data row 4, target \"price\": inf; expected a finite number for a regression "
                 "target (--na drop drops such rows)");
    EXPECT_EQ(e.subject(), DataErrorSubject::target);
  }
}

TEST(PrepareTarget, ApplyScoresRowsWhoseTargetIsInfiniteButComputesNoY) {
  const PreparedData d = prepare(table_with_infinite_targets(), price_options());
  const AppliedData a = d.preprocessing.apply(table_with_infinite_targets());
  EXPECT_EQ(a.x.rows(), 12);
  EXPECT_FALSE(a.y.has_value());
  const StepRecord* step = find_step(a.steps, "target");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->text, "target \"price\" has an infinite value; y not computed");
}

TEST(PrepareTarget, BinaryComparisonOnAnInfiniteValueIsUnchanged) {
  PrepareOptions o = price_options();
  o.target_rule = TargetRule::parse(">=70");
  const PreparedData d = prepare(table_with_infinite_targets(), o);
  EXPECT_EQ(find_step(d.steps, "drop_nonfinite_target"), nullptr);
  EXPECT_EQ(d.y_train.size() + d.y_test.size(), 12);  // inf >= 70 is a positive, as before
}

// 30 rows of classes a, b, c and one row of class "z"; a split seed puts "z" in the test split.
Table table_with_a_rare_class() {
  std::string csv = "x,kind\n";
  for (int i = 0; i < 30; ++i) csv += fmt::format("{},{}\n", i, "abc"[i % 3]);
  csv += "30,z\n";
  return parse_csv(csv, {}, "k.csv");
}

TEST(PrepareTarget, AClassTheTrainSplitLacksIsAWarningNamingIt) {
  PrepareOptions o;
  o.target = "kind";
  o.target_rule = TargetRule::multiclass();
  o.test_size = 0.3;
  bool seen_in_test = false, seen_in_train = false;
  for (std::uint32_t seed = 0; seed < 40 && !(seen_in_test && seen_in_train); ++seed) {
    o.split_seed = seed;
    const PreparedData d = prepare(table_with_a_rare_class(), o);
    const bool in_train = std::find(d.train_rows.begin(), d.train_rows.end(), Index{30}) != d.train_rows.end();
    const std::string all = fmt::format("{}", fmt::join(d.warnings, "\n"));
    if (in_train) {
      seen_in_train = true;
      EXPECT_THAT(all, ::testing::Not(HasSubstr("no row in the train split"))) << "seed " << seed;
    } else {
      seen_in_test = true;
      EXPECT_THAT(all, HasSubstr("target \"kind\": class \"z\" (1 row) has no row in the train split; the model "
                                 "cannot learn it (a stratified split keeps every class in train)"))
          << "seed " << seed;
    }
  }
  EXPECT_TRUE(seen_in_test && seen_in_train);
}

TEST(PrepareTarget, MulticlassYAsOneHotRows) {
  PrepareOptions o;
  o.target = "kind";
  o.target_rule = TargetRule::multiclass();
  const PreparedData d = prepare(table_with_a_rare_class(), o);
  const auto k = static_cast<Index>(d.preprocessing.target_classes.size());
  ASSERT_EQ(k, 4);
  const Matrix y = one_hot(d.y_train, k);  // (rows, 4) for categorical_crossentropy
  ASSERT_EQ(y.rows(), d.y_train.size());
  for (Index i = 0; i < y.rows(); ++i) {
    EXPECT_EQ(y.row(i).sum(), 1.0F);
    EXPECT_EQ(y(i, static_cast<Index>(d.y_train[i])), 1.0F);
  }
}

}  // namespace
