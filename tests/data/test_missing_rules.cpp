// Per-column missing-value rules in prepare(): a default rule for every feature, a column's own
// rule (fill or drop), columns left out before any row is dropped, and a summary whose counts are
// what was done (rows dropped per column, cells filled per column).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "support/raw_table.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

Table passengers() { return lrtune::testing::raw_passengers(); }
PrepareOptions survived() { return lrtune::testing::survived_options(); }

const ColumnSummary& column(const PreparedData& d, const std::string& name) {
  for (const auto& c : d.summary.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name);
}

// Rows of the raw table missing Age, Embarked, either, and Age but not Embarked.
struct Missing {
  Index age = 0, embarked = 0, either = 0, age_only = 0;
};
Missing count_missing(const Table& t) {
  Missing m;
  const Column& age = t.column("Age");
  const Column& embarked = t.column("Embarked");
  for (Index r = 0; r < t.rows(); ++r) {
    m.age += age.is_missing(r);
    m.embarked += embarked.is_missing(r);
    m.either += age.is_missing(r) || embarked.is_missing(r);
    m.age_only += age.is_missing(r) && !embarked.is_missing(r);
  }
  return m;
}

TEST(MissingRules, TheDefaultDropsRowsOnlyForUsedColumns) {
  const Table raw = passengers();
  const Missing m = count_missing(raw);
  ASSERT_GT(m.age, 30);
  ASSERT_GT(m.embarked, 0);
  const PreparedData d = prepare(raw, survived());
  // The mostly-empty Cabin column is left out as identifier-like before rows are dropped: it costs none.
  EXPECT_EQ(d.train_rows.size() + d.test_rows.size(), static_cast<std::size_t>(raw.rows() - m.either));
  EXPECT_EQ(d.summary.rows_dropped, m.either);
  EXPECT_EQ(d.summary.rows_with_missing, m.either);  // over the used columns: Cabin's gaps are not counted
  EXPECT_EQ(d.summary.missing_cells, m.age + m.embarked);
  EXPECT_EQ(d.summary.unused_columns, 3);
  EXPECT_EQ(column(d, "Age").missing_rule, "drop rows");
  EXPECT_EQ(column(d, "Age").rows_dropped, m.age);
  EXPECT_EQ(column(d, "Embarked").rows_dropped, m.embarked);
  EXPECT_EQ(column(d, "Cabin").use, "identifier");
  EXPECT_EQ(column(d, "Cabin").rows_dropped, 0);
  EXPECT_THAT(d.summary.to_text(),
              HasSubstr(fmt::format("{} rows with a missing value ({} cells) in the 8 columns used", m.either,
                                    m.age + m.embarked)));
  EXPECT_THAT(d.summary.to_text(), HasSubstr(fmt::format("feature, dropped {} rows", m.age)));
}

TEST(MissingRules, AColumnsOwnFillBesideTheDefaultDrop) {
  const Table raw = passengers();
  const Missing m = count_missing(raw);
  PrepareOptions o = survived();
  o.impute.per_column["Age"] = ImputeStrategy::median;  // --na Age=median
  const PreparedData d = prepare(raw, o);
  EXPECT_EQ(d.summary.rows_dropped, m.embarked);
  EXPECT_EQ(column(d, "Age").missing_rule, "median");
  EXPECT_EQ(column(d, "Age").imputed, m.age_only);  // rows missing both went with the Embarked drop
  EXPECT_EQ(d.summary.cells_imputed, m.age_only);
  EXPECT_EQ(column(d, "Embarked").rows_dropped, m.embarked);
  ASSERT_TRUE(d.preprocessing.imputer.has_value());
  ASSERT_EQ(d.preprocessing.imputer->values().size(), 1u);  // Age only
  EXPECT_EQ(d.preprocessing.missing, MissingPolicy::impute);
  EXPECT_THAT(d.summary.to_text(), HasSubstr(fmt::format("feature, median: {} filled", m.age_only)));

  // apply(): Age filled, a row missing Embarked set aside with its reason; the JSON form loads back.
  const FittedPreprocessing loaded = FittedPreprocessing::from_json(d.preprocessing.to_json());
  const AppliedData applied = loaded.apply(raw);
  EXPECT_EQ(applied.unscored.size(), static_cast<std::size_t>(m.embarked));
  EXPECT_EQ(applied.x.rows(), raw.rows() - m.embarked);
  EXPECT_EQ(applied.unscored[0].reason, "missing value in column \"Embarked\"");
}

TEST(MissingRules, ADefaultFillBesideAColumnsOwnDrop) {
  const Table raw = passengers();
  const Missing m = count_missing(raw);
  PrepareOptions o = survived();
  o.missing = MissingPolicy::impute;  // --na median,Embarked=drop
  o.impute.numeric = ImputeStrategy::median;
  o.missing_drop_columns = {"Embarked"};
  const PreparedData d = prepare(raw, o);
  EXPECT_EQ(d.summary.rows_dropped, m.embarked);
  EXPECT_EQ(column(d, "Age").imputed, m.age_only);
  EXPECT_EQ(column(d, "Embarked").missing_rule, "drop rows");
  // Every feature but Embarked is filled (those without gaps too, as SimpleImputer would).
  for (const auto& v : d.preprocessing.imputer->values()) EXPECT_NE(v.column, "Embarked");
}

TEST(MissingRules, RulesForColumnsThatAreNotFeaturesSayWhy) {
  const auto error_of = [](const PrepareOptions& o) -> std::string {
    try {
      (void)prepare(passengers(), o);
    } catch (const DataError& e) {
      return e.what();
    }
    return "";
  };
  PrepareOptions o = survived();
  o.impute.per_column["Survived"] = ImputeStrategy::mean;
  EXPECT_THAT(error_of(o), HasSubstr("missing-value rule for the target \"Survived\": rows without a target value are "
                                     "always dropped"));
  o = survived();
  o.impute.per_column["Cabin"] = ImputeStrategy::most_frequent;
  EXPECT_THAT(error_of(o), HasSubstr("missing-value rule for column \"Cabin\", which is not a feature (left out by "
                                     "--drop or as identifier-like; --keep Cabin uses it)"));
  o = survived();
  o.missing_drop_columns = {"Agee"};
  EXPECT_THAT(error_of(o), HasSubstr("Agee"));
  o = survived();
  o.missing_drop_columns = {"Age"};
  o.impute.per_column["Age"] = ImputeStrategy::mean;
  EXPECT_THAT(error_of(o), HasSubstr("column \"Age\" has two missing-value rules (drop and mean)"));
  o = survived();
  o.impute.per_column["Embarked"] = ImputeStrategy::median;
  EXPECT_THAT(error_of(o), HasSubstr("column \"Embarked\" is categorical; impute strategy median needs a numeric"));
}

}  // namespace
