// choose_task: every inference rule and override on hand-made columns, its errors, and the study
// collection's manifest (every set must come out as its manifest says with the target alone).
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/missing.hpp"
#include "lrtune/data/task.hpp"
#include "support/data_dir.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

// One column named y holding `cells` (one per row; "" is missing).
Column column_of(const std::vector<std::string>& cells) {
  std::string csv = "y,x\n";
  for (const auto& c : cells) csv += c + ",0\n";
  return parse_csv(csv).column("y");
}

// Cells "0".."n-1" (or "c0".. when `text`), each once.
Column counting_column(int n, bool text = false) {
  std::vector<std::string> cells;
  for (int i = 0; i < n; ++i) cells.push_back(fmt::format("{}{}", text ? "c" : "", i));
  return column_of(cells);
}

template <class E = DataError>
std::string error_of(const Column& c, std::optional<TargetRule> positive = std::nullopt,
                     std::optional<TargetKind> task = std::nullopt) {
  try {
    (void)choose_task(c, positive, task, "t.csv");
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

TEST(ChooseTask, PositiveKeepsTodaysRule) {
  const Column q = column_of({"3", "6", "7", "5", "6"});
  const auto c = choose_task(q, TargetRule::parse(">=6"));
  EXPECT_EQ(c.rule.to_string(), ">=6");
  EXPECT_EQ(c.explanation, "y: binary, positive when y >= 6 (--positive)");
  EXPECT_EQ(c.distinct_values, 4);
  // The rule is the user's, checked by make_target as before: a class that does not occur is
  // make_target's error, not choose_task's.
  const auto named = choose_task(column_of({"red", "white"}), TargetRule::parse("green"), TargetKind::binary);
  EXPECT_EQ(named.rule.positive_class, "green");
  EXPECT_EQ(named.explanation, "y: binary, positive class \"green\" (--positive)");
}

TEST(ChooseTask, TwoValuesAreBinaryWithTheSecondSortedPositive) {
  const auto zero_one = choose_task(column_of({"1", "0", "0", "", "1"}));
  EXPECT_EQ(zero_one.rule.kind, TargetKind::binary);
  EXPECT_EQ(zero_one.rule.positive_class, "1");
  EXPECT_EQ(zero_one.explanation,
            "y: 2 distinct values (0, 1), treated as binary with positive class 1 (the second in "
            "sorted order); --positive 0 to make 0 the positive class");
  // Numbers sort by value (10 after 9, as LabelEncoder), not as text.
  EXPECT_EQ(choose_task(column_of({"10", "9", "10"})).rule.positive_class, "10");
  EXPECT_EQ(choose_task(column_of({"-1.5", "2.25"})).rule.positive_class, "2.25");
  // Text sorts by bytes: "R" after "M", "b" after "Z".
  EXPECT_EQ(choose_task(column_of({"R", "M", "R"})).rule.positive_class, "R");
  EXPECT_EQ(choose_task(column_of({"b", "Z"})).rule.positive_class, "b");
  const auto spaced = choose_task(column_of({"grey soil", "red soil"}));
  EXPECT_THAT(spaced.explanation, HasSubstr("positive class \"red soil\""));
  EXPECT_THAT(spaced.explanation, HasSubstr("--positive 'grey soil' to make \"grey soil\" the positive class"));
  // The rule works with make_target: 1 where the value is the second class.
  const Column c = column_of({"1", "0", "0", "1"});
  EXPECT_EQ(make_target(c, choose_task(c).rule).values, (VectorD(4) << 1, 0, 0, 1).finished());
}

TEST(ChooseTask, TextWithThreeLevelsIsMulticlass) {
  const auto c = choose_task(column_of({"red", "white", "rose", "", "red"}));
  EXPECT_EQ(c.rule.kind, TargetKind::multiclass);
  EXPECT_EQ(c.distinct_values, 3);  // the missing cell is not a class
  EXPECT_EQ(c.explanation,
            "y: 3 distinct text values, treated as 3 classes; --positive white for one class against the rest");
  EXPECT_EQ(choose_task(counting_column(kMaxClasses, true)).distinct_values, kMaxClasses);
}

TEST(ChooseTask, IntegersWithThreeToTwentyValuesAreClasses) {
  const auto glass = choose_task(column_of({"1", "2", "3", "5", "6", "7", "7"}));
  EXPECT_EQ(glass.rule.kind, TargetKind::multiclass);
  EXPECT_EQ(glass.explanation,
            "y: 6 distinct integer values, treated as 6 classes; --task regression to predict the number");
  EXPECT_EQ(choose_task(counting_column(3)).rule.kind, TargetKind::multiclass);
  EXPECT_EQ(choose_task(counting_column(20)).rule.kind, TargetKind::multiclass);
  EXPECT_EQ(choose_task(column_of({"1.0", "2.0", "3e0"})).rule.kind, TargetKind::multiclass);  // integer-valued
  EXPECT_EQ(choose_task(counting_column(21)).rule.kind, TargetKind::regression);
}

TEST(ChooseTask, OtherNumbersAreRegression) {
  const auto many = choose_task(counting_column(21));
  EXPECT_EQ(many.explanation,
            "y: 21 distinct integer values (more than 20), treated as regression (predicting the "
            "number); --task multiclass to treat them as classes");
  const auto real = choose_task(column_of({"0.5", "1.5", "2.5", "-1"}));
  EXPECT_EQ(real.rule.kind, TargetKind::regression);
  EXPECT_EQ(real.explanation,
            "y: 4 distinct numeric values, treated as regression (predicting the number); "
            "--positive '>=1.5' for a binary target");
  // An infinite value is not an integer: regression, whose own check names the row.
  EXPECT_EQ(choose_task(column_of({"1", "2", "inf"})).rule.kind, TargetKind::regression);
  // More integer values than classes allowed: the hint is not --task multiclass.
  EXPECT_THAT(choose_task(counting_column(kMaxClasses + 1)).explanation, HasSubstr("--positive '>=500'"));
}

TEST(ChooseTask, TaskOverrides) {
  const Column codes = column_of({"1", "2", "3", "2"});
  const auto r = choose_task(codes, std::nullopt, TargetKind::regression);
  EXPECT_EQ(r.rule.kind, TargetKind::regression);
  EXPECT_EQ(r.explanation,
            "y: 3 distinct integer values (--task regression), treated as regression (predicting the "
            "number); --task multiclass to treat them as classes");
  const auto m = choose_task(counting_column(50), std::nullopt, TargetKind::multiclass);
  EXPECT_EQ(m.rule.kind, TargetKind::multiclass);
  EXPECT_EQ(m.explanation,
            "y: 50 distinct integer values, treated as 50 classes (--task multiclass); --task regression to predict "
            "the number");
  // Two values, yet classes (softmax over 2 outputs) or a number when asked.
  EXPECT_EQ(choose_task(column_of({"0", "1"}), std::nullopt, TargetKind::multiclass).rule.kind, TargetKind::multiclass);
  EXPECT_EQ(choose_task(column_of({"0", "1"}), std::nullopt, TargetKind::regression).rule.kind, TargetKind::regression);
  const auto b = choose_task(column_of({"no", "yes"}), std::nullopt, TargetKind::binary);
  EXPECT_EQ(b.rule.positive_class, "yes");
  EXPECT_THAT(b.explanation, HasSubstr("(the second in sorted order, --task binary)"));
  EXPECT_EQ(target_kind_from_name("regression"), TargetKind::regression);
  EXPECT_EQ(target_kind_from_name("classification"), std::nullopt);
}

TEST(ChooseTask, OverridesTheColumnCannotTake) {
  EXPECT_EQ(error_of(column_of({"0.5", "1", "2"}), std::nullopt, TargetKind::multiclass),
            "t.csv: --task multiclass: target column \"y\" holds 0.5; class labels must be integers or text (--task "
            "regression to predict the number)");
  EXPECT_EQ(error_of(column_of({"red", "white", "rose"}), std::nullopt, TargetKind::regression),
            "t.csv: --task regression: target column \"y\" is text (\"red\", \"rose\", ...); a regression target must "
            "be numeric");
  EXPECT_EQ(error_of(column_of({"1", "2", "3"}), std::nullopt, TargetKind::binary),
            "t.csv: --task binary: target column \"y\" has 3 distinct values; expected exactly 2, or --positive to "
            "choose the positive class or a comparison (e.g. --positive '>=2')");
  EXPECT_EQ(error_of<UsageError>(column_of({"1", "2", "3"}), TargetRule::parse(">=2"), TargetKind::regression),
            "--positive '>=2' makes the target binary, but --task is regression; give one of them");
  EXPECT_EQ(error_of<UsageError>(column_of({"1", "2", "3"}), TargetRule::multiclass()),
            "--positive 'multiclass' is not a binary rule; for a multiclass target give --task multiclass without "
            "--positive");
}

TEST(ChooseTask, LimitsOnClasses) {
  EXPECT_EQ(error_of(column_of({"4", "4", "", "4"})),
            "t.csv: target column \"y\": all target values are equal (4); expected at least 2 distinct values (choose "
            "another --target)");
  EXPECT_EQ(error_of(column_of({"4", "4"}), std::nullopt, TargetKind::regression), error_of(column_of({"4", "4"})));
  EXPECT_EQ(error_of(column_of({"red", "red"})),
            "t.csv: target column \"y\": it holds a single class (\"red\"); expected at least 2 distinct values "
            "(choose another --target)");
  EXPECT_EQ(error_of(column_of({"", ""})),
            "t.csv: target column \"y\" has no values (2 rows, all missing); expected at least 2 distinct values");
  EXPECT_EQ(error_of(counting_column(kMaxClasses + 1, true)),
            "t.csv: target column \"y\" has 1001 distinct text values; at most 1000 classes are supported (is it an "
            "identifier? choose another --target)");
  EXPECT_EQ(error_of(counting_column(kMaxClasses + 1), std::nullopt, TargetKind::multiclass),
            "t.csv: target column \"y\" has 1001 distinct integer values; at most 1000 classes are supported (--task "
            "regression to predict the number)");
  // The subject lets the CLI add its hint by type.
  try {
    (void)choose_task(column_of({"a", "a"}));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.subject(), DataErrorSubject::target);
  }
  // make_target enforces the same limit on a multiclass rule given directly.
  try {
    (void)make_target(counting_column(kMaxClasses + 1, true), TargetRule::multiclass());
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 1001 classes; at most 1000 are supported"));
  }
}

// The study collection: each set, read with the project's reader, must come out as its manifest
// says from its target alone (and for multiclass with the manifest's number of classes).
TEST(ChooseTask, StudyManifestTasks) {
  std::ifstream in(lrtune::testing::data_file("study/manifest.json"));
  ASSERT_TRUE(in) << "cannot open the study manifest";
  const nlohmann::json manifest = nlohmann::json::parse(in);
  ASSERT_GE(manifest.size(), 17u);
  std::set<std::string> positive_differs;
  for (const auto& set : manifest) {
    const std::string file = set.at("file").get<std::string>();
    SCOPED_TRACE(file);
    const Table table = read_csv(lrtune::testing::data_file("study/" + file));
    const Column& target = table.column(set.at("target").get<std::string>());
    const TaskChoice choice = choose_task(target);
    EXPECT_EQ(target_kind_name(choice.rule.kind), set.at("task").get<std::string>()) << choice.explanation;
    if (choice.rule.kind == TargetKind::multiclass) {
      EXPECT_EQ(choice.distinct_values, set.value("classes", Index{-1}));
    }
    if (choice.rule.kind == TargetKind::binary && choice.rule.positive_class != set.at("positive")) {
      positive_differs.insert(file);
    }
    // The rule applies to the column once its missing rows are gone (ozone's V4 has 5).
    const Table kept = drop_missing_rows(table, {target.name});
    EXPECT_NO_THROW((void)make_target(kept.column(target.name), choice.rule));
  }
  // The second class in sorted order is the manifest's positive class everywhere but in sonar,
  // where the manifest flags mines ("M") and sorted order makes rocks ("R") positive; --positive
  // M restores it. Known and documented (study README), not a rule to bend.
  EXPECT_EQ(positive_differs, std::set<std::string>{"sonar.csv"});
}

}  // namespace
