// predict's rows per task (io/predictions.hpp) on hand-made outputs: the columns of each task,
// file order with unscored rows, logits of a classifier with a linear output read as
// probabilities, ties, the target scaler, and outputs of the wrong shape refused.
#include <gtest/gtest.h>

#include <cmath>

#include "lrtune/core/error.hpp"
#include "lrtune/io/predictions.hpp"

namespace lrtune {
namespace {

// A preprocessing of the given task over one numeric feature "a" (only the target matters here).
FittedPreprocessing preprocessing_of(const nlohmann::json& target) {
  return FittedPreprocessing::from_json({{"format", "lrtune.preprocessing"},
                                         {"version", 1},
                                         {"source_columns", {{{"name", "a"}, {"type", "numeric"}}}},
                                         {"numeric_features", {"a"}},
                                         {"target", target},
                                         {"missing", "drop_rows"},
                                         {"encoder", {{"columns", nlohmann::json::array()}, {"unknown", "error"}}},
                                         {"scaler", {{"kind", "none"}, {"offset", {0}}, {"scale", {1}}}},
                                         {"feature_names", {"a"}}});
}

const nlohmann::json kBinary = {
    {"column", "y"}, {"rule", {{"kind", "binary"}, {"op", ">="}, {"threshold", 6.0}}}, {"classes", {"0", "1"}}};
const nlohmann::json kMulticlass = {
    {"column", "y"}, {"rule", {{"kind", "multiclass"}}}, {"classes", {"a,b", "c", "d"}}};
const nlohmann::json kRegression = {{"column", "y"},
                                    {"rule", {{"kind", "regression"}}},
                                    {"classes", nlohmann::json::array()},
                                    {"scaler", {{"mean", 100.0}, {"std", 4.0}}}};

// Data rows 0, 1 and 3 scored; row 2 not.
AppliedData three_scored_one_not() {
  AppliedData a;
  a.row_labels = {0, 1, 3};
  a.unscored = {{2, "missing value in column \"a\""}};
  return a;
}

Matrix rows_of(std::initializer_list<std::initializer_list<float>> rows) {
  Matrix m(static_cast<Index>(rows.size()), static_cast<Index>(rows.begin()->size()));
  Index i = 0;
  for (const auto& r : rows) {
    Index j = 0;
    for (const float v : r) m(i, j++) = v;
    ++i;
  }
  return m;
}

TEST(Predictions, BinaryProbabilitiesAndClasses) {
  const FittedPreprocessing p = preprocessing_of(kBinary);
  const AppliedData a = three_scored_one_not();
  const Matrix out = rows_of({{0.25f}, {0.5f}, {0.75f}});
  EXPECT_EQ(
      predictions_csv({p, Activation::sigmoid, a, out}),
      "row,probability,class,reason\n0,0.25,0,\n1,0.5,0,\n2,,,\"missing value in column \"\"a\"\"\"\n3,0.75,1,\n");
  const nlohmann::json j = predictions_json({p, Activation::sigmoid, a, out});
  EXPECT_EQ(j[3], (nlohmann::json{{"row", 3}, {"probability", 0.75}, {"class", 1}}));
  EXPECT_EQ(
      j[2],
      (nlohmann::json{
          {"row", 2}, {"probability", nullptr}, {"class", nullptr}, {"reason", "missing value in column \"a\""}}));
}

// BCE and CCE allow a linear output layer (from_logits): the rows are probabilities all the same.
TEST(Predictions, LogitsAreReadAsProbabilities) {
  const AppliedData a = three_scored_one_not();
  const nlohmann::json binary =
      predictions_json({preprocessing_of(kBinary), Activation::linear, a, rows_of({{0.0f}, {-2.0f}, {2.0f}})});
  EXPECT_EQ(binary[0].at("probability"), 0.5);
  EXPECT_NEAR(binary[1].at("probability").get<double>(), 1.0 / (1.0 + std::exp(2.0)), 1e-7);
  EXPECT_EQ(binary[1].at("class"), 0);
  EXPECT_NEAR(binary[3].at("probability").get<double>(), 1.0 / (1.0 + std::exp(-2.0)), 1e-7);
  EXPECT_EQ(binary[3].at("class"), 1);
  const nlohmann::json multi = predictions_json(
      {preprocessing_of(kMulticlass), Activation::linear, a, rows_of({{0, 0, 0}, {1, 2, 3}, {5, 5, 1}})});
  EXPECT_NEAR(multi[0].at("p_c").get<double>(), 1.0 / 3.0, 1e-7);
  const double e = std::exp(1.0), sum = e + e * e + e * e * e;
  EXPECT_NEAR(multi[1].at("p_d").get<double>(), e * e * e / sum, 1e-6);
  EXPECT_EQ(multi[1].at("class"), "d");
  EXPECT_EQ(multi[3].at("class"), "a,b");  // a tie between the first two: the first
}

TEST(Predictions, MulticlassColumnsAreQuotedAndTiesGoFirst) {
  const FittedPreprocessing p = preprocessing_of(kMulticlass);
  const AppliedData a = three_scored_one_not();
  const Matrix out = rows_of({{0.5f, 0.25f, 0.25f}, {0.25f, 0.375f, 0.375f}, {0.125f, 0.125f, 0.75f}});
  EXPECT_EQ(predictions_csv({p, Activation::softmax, a, out}),
            "row,\"p_a,b\",p_c,p_d,class,reason\n"
            "0,0.5,0.25,0.25,\"a,b\",\n"
            "1,0.25,0.375,0.375,c,\n"
            "2,,,,,\"missing value in column \"\"a\"\"\"\n"
            "3,0.125,0.125,0.75,d,\n");
  EXPECT_EQ(prediction_columns(p), (std::vector<std::string>{"row", "\"p_a,b\"", "p_c", "p_d", "class", "reason"}));
}

TEST(Predictions, RegressionValuesInTargetUnits) {
  const FittedPreprocessing p = preprocessing_of(kRegression);
  const AppliedData a = three_scored_one_not();
  const Matrix out = rows_of({{0.0f}, {-1.5f}, {0.25f}});
  EXPECT_EQ(predictions_csv({p, Activation::linear, a, out}),
            "row,value,reason\n0,100,\n1,94,\n2,,\"missing value in column \"\"a\"\"\"\n3,101,\n");
  EXPECT_EQ(predictions_json({p, Activation::linear, a, out})[1], (nlohmann::json{{"row", 1}, {"value", 94.0}}));
}

TEST(Predictions, OnlyUnscoredRowsNeedNoOutputs) {
  AppliedData a;
  a.unscored = {{0, "x"}, {1, "y"}};
  EXPECT_EQ(predictions_csv({preprocessing_of(kMulticlass), Activation::softmax, a, Matrix(0, 3)}),
            "row,\"p_a,b\",p_c,p_d,class,reason\n0,,,,,x\n1,,,,,y\n");
}

TEST(Predictions, OutputsOfTheWrongShapeAreRefused) {
  const AppliedData a = three_scored_one_not();
  try {
    (void)predictions_csv({preprocessing_of(kMulticlass), Activation::softmax, a, Matrix::Zero(3, 2)});
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "predictions: the outputs are (3, 2); expected (3, 3): one row per scored row and one column "
                 "per class for a multiclass target");
  }
  EXPECT_THROW((void)predictions_json({preprocessing_of(kBinary), Activation::sigmoid, a, Matrix::Zero(2, 1)}),
               UsageError);
}

}  // namespace
}  // namespace lrtune
