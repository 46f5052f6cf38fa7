// The whole pipeline on the wine table against SEED.md §1, the shared scikit-learn split
// (wine-split-42/) and golden values from tools/gen_data_golden.py; apply() and JSON.
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "support/data_dir.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

nlohmann::json golden() {
  std::ifstream in(lrtune::testing::resource_file("data/golden.json"));
  return nlohmann::json::parse(in);
}

std::vector<Index> read_rows(const std::string& relative) {
  std::ifstream in(lrtune::testing::data_file(relative));
  std::vector<Index> rows;
  for (Index r; in >> r;) rows.push_back(r);
  return rows;
}

// The recipe, as a user writes it.
PrepareOptions recipe() {
  PrepareOptions o;
  o.target = "quality";
  o.target_rule = TargetRule::parse(">=6");
  o.encoder.positive_level["type"] = "white";
  o.encoder.binary_name["type"] = "is_white_wine";
  o.test_size = 0.2;
  o.split_seed = 42;
  return o;
}

const PreparedData& wine() {
  static const PreparedData data = prepare(lrtune::testing::data_file("winequalityN.csv"), recipe());
  return data;
}

// Number of ones in a 0/1 vector (a plain loop: Eigen's vectorised sum trips a GCC 12 warning).
double ones(const VectorD& y) {
  double n = 0;
  for (Index i = 0; i < y.size(); ++i) n += y[i];
  return n;
}

// The double path: the fitted preprocessing applied to the whole wine file (build the matrix,
// scale it in double), the rows in `labels` (file data-row numbers) picked out. prepare() stores
// these values in float32; before issue 18 it kept them in double, and this is how they read.
MatrixD scaled_in_double(const PreparedData& d, const std::vector<Index>& labels) {
  const Table raw = read_csv(lrtune::testing::data_file("winequalityN.csv"), d.preprocessing.csv_options());
  const AppliedData applied = d.preprocessing.apply(raw);
  std::map<Index, Index> where;
  for (std::size_t r = 0; r < applied.row_labels.size(); ++r) where[applied.row_labels[r]] = static_cast<Index>(r);
  MatrixD out(static_cast<Index>(labels.size()), applied.x.cols());
  for (std::size_t i = 0; i < labels.size(); ++i) out.row(static_cast<Index>(i)) = applied.x.row(where.at(labels[i]));
  return out;
}

const StepRecord& step(const PreparedData& d, const std::string& name) {
  for (const auto& s : d.steps) {
    if (s.step == name) return s;
  }
  throw std::runtime_error("no step " + name);
}

TEST(WineRecipe, CountsOfSeedMd) {
  const auto& d = wine();
  EXPECT_EQ(d.summary.rows, 6497);
  EXPECT_EQ(step(d, "read_csv").details["rows"], 6497);
  EXPECT_EQ(step(d, "drop_missing").details["rows_dropped"], 34);
  EXPECT_EQ(step(d, "drop_missing").details["rows_kept"], 6463);
  EXPECT_EQ(step(d, "drop_missing").details["missing_cells"], 38);
  EXPECT_EQ(step(d, "target").details["counts"][1], 4091);
  EXPECT_EQ(d.x_train.rows(), 5170);
  EXPECT_EQ(d.x_test.rows(), 1293);
  EXPECT_EQ(d.x_train.cols(), 12);
  EXPECT_EQ(d.x_validation.rows(), 0);
  EXPECT_EQ(ones(d.y_test), 811.0);
  EXPECT_EQ(static_cast<double>(d.y_test.size()) - ones(d.y_test), 482.0);
  ASSERT_TRUE(d.summary.target);
  EXPECT_EQ(d.summary.target->test, (std::vector<Index>{482, 811}));
}

TEST(WineRecipe, FeatureNamesInFileOrderEncodedLast) {
  const auto g = golden()["wine"];
  EXPECT_EQ(wine().feature_names, g["features"].get<std::vector<std::string>>());
}

TEST(WineRecipe, SplitEqualsScikitLearnRowForRow) {
  const auto& d = wine();
  EXPECT_EQ(d.train_rows, read_rows("wine-split-42/train_rows.txt"));
  EXPECT_EQ(d.test_rows, read_rows("wine-split-42/test_rows.txt"));
  EXPECT_EQ(std::vector<Index>(d.train_rows.begin(), d.train_rows.begin() + 5),
            (std::vector<Index>{459, 1460, 4403, 3828, 4317}));
}

TEST(WineRecipe, FirstTrainRowsRawAndScaled) {
  const auto& d = wine();
  const auto g = golden()["wine"];
  const MatrixD train = scaled_in_double(d, d.train_rows), test = scaled_in_double(d, d.test_rows);
  // Raw rows: undo the scaling.
  const MatrixD raw = d.preprocessing.scaler.inverse_transform(train.topRows(5));
  for (Index i = 0; i < 5; ++i) {
    for (Index j = 0; j < 12; ++j)
      EXPECT_NEAR(raw(i, j), g["train_raw_head"][i][j].get<double>(), 1e-9) << i << "," << j;
  }
  const double seed_md[12] = {-0.86265684, 0.56588915, 0.22079121, 0.75048207,  0.07674805,  2.9415276,
                              2.35882933,  0.788386,   0.94784355, -0.20357893, -1.66472797, 0.57094748};
  for (Index j = 0; j < 12; ++j) {
    EXPECT_NEAR(train(0, j), seed_md[j], 1e-6) << j;
    // scikit-learn's values to the last bit in double, and their float32 rounding in the matrices.
    EXPECT_EQ(train(0, j), g["x_train_scaled_first"][j].get<double>()) << j;
    EXPECT_EQ(test(test.rows() - 1, j), g["x_test_scaled_last"][j].get<double>()) << j;
    EXPECT_EQ(d.x_train(0, j), static_cast<float>(g["x_train_scaled_first"][j].get<double>())) << j;
    EXPECT_EQ(d.x_test(d.x_test.rows() - 1, j), static_cast<float>(g["x_test_scaled_last"][j].get<double>())) << j;
  }
  for (Index i = 0; i < 20; ++i) EXPECT_EQ(d.y_train[i], g["y_train_head"][i].get<double>()) << i;
}

TEST(WineRecipe, ScalerEqualsSharedScalerJson) {
  std::ifstream in(lrtune::testing::data_file("wine-split-42/scaler.json"));
  const auto s = nlohmann::json::parse(in);
  const auto& scaler = wine().preprocessing.scaler;
  EXPECT_EQ(wine().feature_names, s["features"].get<std::vector<std::string>>());
  for (Index j = 0; j < 12; ++j) {
    // Bit for bit: the same pairwise summation as numpy (see scaler.cpp).
    EXPECT_EQ(scaler.offset()[j], s["mean"][j].get<double>()) << j;
    EXPECT_EQ(scaler.scale()[j], s["scale"][j].get<double>()) << j;
  }
}

TEST(WineRecipe, MinMaxScalerEqualsScikitLearn) {
  auto o = recipe();
  o.scaler = ScalerKind::min_max;
  const auto d = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  const auto g = golden()["wine"];
  for (Index j = 0; j < 12; ++j) {
    EXPECT_DOUBLE_EQ(d.preprocessing.scaler.offset()[j], g["minmax_min"][j].get<double>());
    EXPECT_DOUBLE_EQ(d.preprocessing.scaler.scale()[j], g["minmax_range"][j].get<double>());
    EXPECT_NEAR(d.x_train(0, j), g["minmax_x_train_first"][j].get<double>(), 1e-7);  // float32 of a value in [0, 1]
  }
}

TEST(WineRecipe, ValidationSplitEqualsScikitLearnOnTheTrainPart) {
  auto o = recipe();
  o.validation_size = 0.15;
  o.validation_seed = 7;
  const auto d = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  const auto g = golden()["wine"]["validation_split"];
  EXPECT_EQ(d.train_rows, g["train_labels"].get<std::vector<Index>>());
  EXPECT_EQ(d.validation_rows, g["validation_labels"].get<std::vector<Index>>());
  EXPECT_EQ(d.test_rows, wine().test_rows);  // the test part does not move
  EXPECT_EQ(d.x_validation.rows() + d.x_train.rows(), 5170);
  // The scaler is fitted on the smaller train part only.
  EXPECT_NE(d.preprocessing.scaler.offset()[0], wine().preprocessing.scaler.offset()[0]);
}

TEST(WineRecipe, StepLogReadsAsTheRecipe) {
  const std::string text = to_text(wine().steps);
  EXPECT_THAT(text, HasSubstr("read_csv: 6497 rows, 13 columns"));
  EXPECT_THAT(text, HasSubstr("drop_missing: dropped 34 of 6497 rows"));
  EXPECT_THAT(text, HasSubstr("target: \"quality\" >=6 (binary): 4091 positive, 2372 negative of 6463"));
  EXPECT_THAT(text, HasSubstr("split: 5170 train, 0 validation, 1293 test rows"));
  EXPECT_THAT(text, HasSubstr("\"type\" -> is_white_wine (1 for \"white\")"));
  EXPECT_THAT(text, HasSubstr("standard scaler fitted on 5170 train rows, 12 features"));
  EXPECT_EQ(to_json(wine().steps).size(), wine().steps.size());
}

TEST(WineRecipe, DefaultBinaryEncodingIsWhiteAsGetDummies) {
  PrepareOptions o = recipe();
  o.encoder = {};
  const auto d = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  EXPECT_EQ(d.feature_names.back(), "type_white");
  EXPECT_EQ(d.x_train, wine().x_train);
}

TEST(WineRecipe, StratifiedSplitKeepsTheBalance) {
  auto o = recipe();
  o.stratify = true;
  const auto d = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  EXPECT_EQ(d.x_train.rows(), 5170);
  EXPECT_EQ(d.x_test.rows(), 1293);
  // 1293 * 4091 / 6463 = 818.45 -> 818 positives in test.
  EXPECT_EQ(ones(d.y_test), 818.0);
  EXPECT_EQ(ones(d.y_train), 4091.0 - 818.0);
}

// Issue 18: the features are stored once, in float32, scaled in double first. Every value equals,
// bit for bit, what scaling in double and converting (to_float) gives: the matrices training sees
// are those of before the change.
TEST(WineRecipe, FloatMatricesAreTheDoublePathConverted) {
  const auto& d = wine();
  const MatrixD train = scaled_in_double(d, d.train_rows), test = scaled_in_double(d, d.test_rows);
  ASSERT_EQ(d.x_train.rows(), 5170);
  ASSERT_EQ(d.x_test.rows(), 1293);
  EXPECT_TRUE(d.x_train == to_float(train));
  EXPECT_TRUE(d.x_test == to_float(test));
  // And by an independent computation: (value - mean) / std in double from the raw file, rounded once.
  const Table raw = read_csv(lrtune::testing::data_file("winequalityN.csv"));
  const auto& offset = d.preprocessing.scaler.offset();
  const auto& scale = d.preprocessing.scaler.scale();
  for (std::size_t j = 0; j < d.preprocessing.numeric_features.size(); ++j) {
    const Column& c = raw.column(d.preprocessing.numeric_features[j]);
    const auto jj = static_cast<Index>(j);
    for (std::size_t i = 0; i < d.train_rows.size(); ++i) {
      const double v = c.numbers[static_cast<std::size_t>(d.train_rows[i])];
      ASSERT_EQ(d.x_train(static_cast<Index>(i), jj), static_cast<float>((v - offset[jj]) / scale[jj]))
          << i << "," << j;
    }
  }
  const Vector y = to_float(d.y_train);
  EXPECT_EQ(y.size(), 5170);
}

TEST(FittedPreprocessing, JsonRoundTripAndApplyGiveTheSameMatrices) {
  const auto& d = wine();
  const std::string text = d.preprocessing.to_json().dump();
  const auto restored = FittedPreprocessing::from_json(nlohmann::json::parse(text));
  EXPECT_EQ(restored.to_json(), d.preprocessing.to_json());
  const Table raw = read_csv(lrtune::testing::data_file("winequalityN.csv"), restored.csv_options());
  const AppliedData applied = restored.apply(raw);
  ASSERT_EQ(applied.x.rows(), 6463);
  ASSERT_TRUE(applied.y);
  // Row r of the applied matrix is file row applied.row_labels[r]; compare the train rows.
  std::map<Index, Index> where;
  for (std::size_t r = 0; r < applied.row_labels.size(); ++r) where[applied.row_labels[r]] = static_cast<Index>(r);
  for (Index i = 0; i < 50; ++i) {
    const Index r = where.at(d.train_rows[static_cast<std::size_t>(i)]);
    EXPECT_EQ(Eigen::RowVectorXf(applied.x.row(r).cast<float>()), Eigen::RowVectorXf(d.x_train.row(i))) << i;
    EXPECT_EQ((*applied.y)[r], d.y_train[i]);
  }
  // The 34 rows with a missing value are set aside with their reason, not dropped silently.
  EXPECT_EQ(applied.steps[1].details["unscored"], 34);
  ASSERT_EQ(applied.unscored.size(), 34u);
  EXPECT_EQ(applied.unscored.size() + applied.row_labels.size(), 6497u);
}

// apply() on a model fitted with dropna: a row with a missing (or infinite) feature value is
// listed with its reason and left out of x; every other row is in x, in file order.
TEST(FittedPreprocessing, ApplyKeepsRowsItCannotScoreAsideWithTheirReason) {
  const auto& p = wine().preprocessing;
  const std::string header =
      "type,fixed acidity,volatile acidity,citric acid,residual sugar,chlorides,free sulfur dioxide,"
      "total sulfur dioxide,density,pH,sulphates,alcohol\n";
  const std::string row = ",6.1,0.43,0.35,9.1,0.059,83,249,0.9971,3.37,0.5,8.5\n";
  const Table raw = parse_csv(header + "red" + row + "white,6.1,0.43,0.35,9.1,0.059,83,249,0.9971,,0.5,8.5\n" + "red" +
                                  row + ",6.1,0.43,0.35,9.1,0.059,83,249,0.9971,NA,0.5,inf\n" + "white" + row,
                              p.csv_options(), "new.csv");
  const AppliedData a = p.apply(raw);
  EXPECT_EQ(a.row_labels, (std::vector<Index>{0, 2, 4}));
  ASSERT_EQ(a.x.rows(), 3);
  ASSERT_EQ(a.unscored.size(), 2u);
  EXPECT_EQ(a.unscored[0].row_label, 1);
  EXPECT_EQ(a.unscored[0].reason, "missing value in column \"pH\"");
  EXPECT_EQ(a.unscored[1].row_label, 3);
  EXPECT_EQ(a.unscored[1].reason, "missing values in columns \"type\", \"pH\"; infinite value in column \"alcohol\"");
  EXPECT_EQ(describe_unscored(a.unscored),
            "missing value in column \"pH\": 1 row; missing values in columns \"type\", \"pH\"; infinite value in "
            "column \"alcohol\": 1 row");
  // The same rows of a model that imputes are filled (the infinite value still cannot be).
  auto o = recipe();
  o.missing = MissingPolicy::impute;
  const auto imputing = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  const AppliedData b = imputing.preprocessing.apply(raw);
  EXPECT_EQ(b.row_labels, (std::vector<Index>{0, 1, 2, 4}));
  ASSERT_EQ(b.unscored.size(), 1u);
  EXPECT_EQ(b.unscored[0].reason, "infinite value in column \"alcohol\"");
}

TEST(FittedPreprocessing, ApplyToRawRowsWithoutTargetAndExtraColumns) {
  const auto& p = wine().preprocessing;
  const Table raw = parse_csv(
      "id,type,fixed acidity,volatile acidity,citric acid,residual sugar,chlorides,free sulfur dioxide,"
      "total sulfur dioxide,density,pH,sulphates,alcohol\n"
      "a,red,6.1,0.43,0.35,9.1,0.059,83,249,0.9971,3.37,0.5,8.5\n"
      "b,white,6.1,0.43,0.35,9.1,0.059,83,249,0.9971,3.37,0.5,8.5\n",
      p.csv_options(), "new.csv");
  const AppliedData a = p.apply(raw);
  EXPECT_FALSE(a.y);
  ASSERT_EQ(a.x.rows(), 2);
  EXPECT_THAT(a.steps[0].text, HasSubstr("ignored: \"id\""));
  for (Index j = 0; j < 12; ++j) EXPECT_EQ(static_cast<float>(a.x(1, j)), wine().x_train(0, j));
  EXPECT_LT(a.x(0, 11), 0.0);  // red: 0 before scaling
}

TEST(FittedPreprocessing, ApplySaysWhatDiffers) {
  const auto& p = wine().preprocessing;
  try {
    (void)p.apply(parse_csv("type,pH,alcohol,density\n1,3,9,1\n", {}, "new.csv"));
    FAIL();
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_THAT(m, HasSubstr("new.csv: the table does not match the fitted preprocessing"));
    EXPECT_THAT(m, HasSubstr("missing column \"fixed acidity\""));
    EXPECT_THAT(m, HasSubstr("column \"type\" is numeric, expected categorical"));
  }
}

TEST(FittedPreprocessing, ReadWithItsOptionsAFileMissingAColumnNamesItAndTheUnusedOnes) {
  const auto& p = wine().preprocessing;
  try {  // the reader leaves the absent typed columns to apply()
    (void)p.apply(parse_csv("type,pH,alcohol,density,colour\nred,3,9,1,x\n", p.csv_options(), "new.csv"));
    FAIL();
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_THAT(m, HasSubstr("new.csv: the table does not match the fitted preprocessing"));
    EXPECT_THAT(m, HasSubstr("missing column \"fixed acidity\""));
    EXPECT_THAT(m, HasSubstr("columns it does not use: \"colour\""));
  }
}

TEST(FittedPreprocessing, UnseenLevelIsAnErrorOrAllZero) {
  const auto& d = wine();
  const std::string header =
      "type,fixed acidity,volatile acidity,citric acid,residual sugar,chlorides,free sulfur dioxide,"
      "total sulfur dioxide,density,pH,sulphates,alcohol\n";
  const Table raw = parse_csv(header + "rose,6.1,0.43,0.35,9.1,0.059,83,249,0.9971,3.37,0.5,8.5\n", {}, "new.csv");
  auto o = recipe();
  o.encoder.unknown = UnknownLevel::error;
  const auto strict = prepare(lrtune::testing::data_file("winequalityN.csv"), o);
  try {
    (void)strict.preprocessing.apply(raw);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("new.csv: file data row 0, column \"type\": level \"rose\" was not seen at fit time"));
  }
  // The default (scikit-learn's handle_unknown="ignore"): all zeros, i.e. the binary column's 0 level, and a warning.
  const auto& lenient = d;
  const AppliedData a = lenient.preprocessing.apply(raw);
  EXPECT_NEAR(a.x(0, 11), (0.0 - lenient.preprocessing.scaler.offset()[11]) / lenient.preprocessing.scaler.scale()[11],
              1e-12);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_THAT(a.warnings[0], HasSubstr("new.csv: levels not seen in training, encoded as all zeros"));
  EXPECT_THAT(a.warnings[0], HasSubstr("column \"type\" in 1 row (\"rose\")"));
}

// A level only the test split has: prepare() goes on (all zeros) and says so in one warning;
// with UnknownLevel::error it stops, naming the row, the column and the level.
TEST(Prepare, ALevelOnlyTheTestSplitHasIsAWarningOrAnError) {
  std::string text = "c,x,y\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("{},{},{}\n", i % 2 ? "a" : "b", i, i % 3 == 0 ? 1 : 0);
  Table raw = parse_csv(text, {}, "t.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse("==1");
  o.split_seed = 0;
  const PreparedData base = prepare(raw, o);
  const Index test_label = base.test_rows.front();
  raw.columns[0].strings[static_cast<std::size_t>(test_label)] = "rose";
  const PreparedData d = prepare(raw, o);
  EXPECT_EQ(d.x_test.rows(), base.x_test.rows());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "t.csv: levels the train split does not have, in the test split, encoded as all zeros "
            "(--unknown-levels error refuses them): column \"c\" in 1 row (\"rose\")");
  o.encoder.unknown = UnknownLevel::error;
  try {
    (void)prepare(raw, o);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("t.csv: file data row {}, column \"c\": level \"rose\" was not seen",
                                                test_label)));
  }
}

TEST(FittedPreprocessing, RejectsBrokenJson) {
  auto j = wine().preprocessing.to_json();
  j["version"] = 99;
  EXPECT_THROW(FittedPreprocessing::from_json(j), DataError);
  auto k = wine().preprocessing.to_json();
  k.erase("scaler");
  EXPECT_THROW(FittedPreprocessing::from_json(k), DataError);
}

TEST(Prepare, OptionErrorsNameTheOption) {
  const Table t = parse_csv("a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", {}, "t.csv");
  PrepareOptions o;
  o.target = "zz";
  EXPECT_THAT(
      [&] {
        try {
          (void)prepare(t, o);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("unknown column \"zz\" named in target"));
  o.target = "a";
  o.target_rule = TargetRule::parse(">=3");
  o.drop_columns = {"nope"};
  EXPECT_THAT(
      [&] {
        try {
          (void)prepare(t, o);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("named in drop_columns"));
  o.drop_columns = {};
  o.feature_columns = {"a"};
  EXPECT_THROW((void)prepare(t, o), DataError);
  o.feature_columns = {"b"};
  o.test_size = 1.5;
  EXPECT_THAT(
      [&] {
        try {
          (void)prepare(t, o);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("test_size must be in (0, 1)"));
}

TEST(Prepare, OneHotColumnsGoLastInFileOrder) {
  const Table t = parse_csv(
      "c1,n1,c2,n2,y\nx,1,p,10,0\ny,2,q,20,1\nz,3,p,30,0\nx,4,q,40,1\ny,5,p,50,0\n"
      "z,6,q,60,1\nx,7,p,70,0\ny,8,q,80,1\nz,9,p,90,0\nx,10,q,100,1\n",
      {}, "t.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse("1");
  o.test_size = 0.2;
  o.split_seed = 0;
  o.scaler = ScalerKind::none;
  const auto d = prepare(t, o);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"n1", "n2", "c1_x", "c1_y", "c1_z", "c2_q"}));
  // Rows are scaled with "none": raw numbers and 0/1 columns.
  for (Index i = 0; i < d.x_train.rows(); ++i) {
    EXPECT_EQ(d.x_train(i, 2) + d.x_train(i, 3) + d.x_train(i, 4), 1.0);
    EXPECT_EQ(d.x_train(i, 1), 10.0 * d.x_train(i, 0));
  }
}

TEST(Prepare, ImputationIsFittedOnTrainOnly) {
  const auto g = golden()["impute"];
  const Table t = read_csv(lrtune::testing::resource_file("data/impute_small.csv"));
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse("==1");
  o.missing = MissingPolicy::impute;
  o.test_size = g["test_size"].get<double>();
  o.split_seed = g["seed"].get<std::uint32_t>();
  o.scaler = ScalerKind::none;
  for (const std::string strategy : {"mean", "median", "most_frequent"}) {
    o.impute.numeric = impute_strategy_from_name(strategy);
    const auto d = prepare(t, o);
    EXPECT_EQ(d.train_rows, g["train_labels"].get<std::vector<Index>>());
    EXPECT_EQ(d.test_rows, g["test_labels"].get<std::vector<Index>>());
    const auto& values = d.preprocessing.imputer->values();
    ASSERT_EQ(values.size(), 3u);
    EXPECT_DOUBLE_EQ(values[0].number, g[strategy][0].get<double>()) << strategy;
    EXPECT_DOUBLE_EQ(values[1].number, g[strategy][1].get<double>()) << strategy;
    EXPECT_EQ(values[2].text, g["grp_most_frequent"].get<std::string>());
    // Test row with file label 1 has b missing: it gets the train statistic.
    const auto it = std::find(d.test_rows.begin(), d.test_rows.end(), Index{1});
    ASSERT_NE(it, d.test_rows.end());
    EXPECT_FLOAT_EQ(d.x_test(it - d.test_rows.begin(), 1), static_cast<float>(g[strategy][1].get<double>()));
  }
}

TEST(Summary, TextAndJson) {
  const auto& s = wine().summary;
  const std::string text = s.to_text();
  EXPECT_THAT(text, HasSubstr("6497 rows, 13 columns, 34 rows with a missing value (38 cells)"));
  EXPECT_THAT(text, HasSubstr("categorical"));
  EXPECT_THAT(text, HasSubstr("test:  not (quality >= 6): 482"));
  const auto j = s.to_json();
  EXPECT_EQ(j["rows"], 6497);
  EXPECT_EQ(j["target"]["all"][1], 4091);
  EXPECT_EQ(j["column_summaries"][0]["levels"], 2);
}

}  // namespace

namespace {

// 100,000 columns x 3 rows, every 1,000th column categorical (a lookup per column made this
// quadratic: 79 s in issue 11). prepare() and apply() must simply finish, as fast as the rest.
TEST(Prepare, AWideTableIsPreparedAndApplied) {
  constexpr int kColumns = 100'000;
  std::string lines[4] = {"y", "0", "1", "1"};
  for (int c = 0; c < kColumns; ++c) {
    lines[0] += fmt::format(",f{}", c);
    for (int r = 1; r <= 3; ++r) {
      lines[r] += c % 1000 == 0 ? std::string(",a") : fmt::format(",{}", (c * 7 + r * 3) % 10);
    }
  }
  const Table raw = parse_csv(lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n", {}, "wide.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse("==1");
  o.missing = MissingPolicy::impute;  // the imputer's lookups too
  const PreparedData d = prepare(raw, o);
  EXPECT_EQ(d.x_train.rows() + d.x_test.rows(), 3);
  EXPECT_EQ(d.x_train.cols(), kColumns);  // 99,900 numeric, 100 one-hot columns of one level each
  const AppliedData a = d.preprocessing.apply(raw);
  EXPECT_EQ(a.x.rows(), 3);
  EXPECT_EQ(a.x.cols(), d.x_train.cols());
}

}  // namespace

// A split that leaves a part empty carries its numbers, so a caller names its own option.
TEST(PrepareSplit, AnEmptyPartIsADataErrorWithTheSplitsNumbers) {
  PrepareOptions options;
  options.target = "y";
  options.target_rule = TargetRule::parse(">=1");
  options.test_size = 0.99;
  try {
    (void)prepare(parse_csv("x,y\n1,0\n2,1\n3,0\n4,1\n", {}, "tiny.csv"), options);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.subject(), DataErrorSubject::split);
    ASSERT_TRUE(e.split_shortfall().has_value());
    const SplitShortfall& s = *e.split_shortfall();
    EXPECT_EQ(s.source, "tiny.csv");
    EXPECT_EQ(s.rows, 4);
    EXPECT_EQ(s.test_size, 0.99);
    EXPECT_EQ(s.train, 0);  // floor(0.01 * 4)
    EXPECT_EQ(s.test, 4);   // ceil(0.99 * 4)
    EXPECT_STREQ(e.what(),
                 "tiny.csv: split (test_size 0.99): a split of 4 rows with test_size 0.99 leaves 0 train and "
                 "4 test rows; both need at least one");
  }
}
