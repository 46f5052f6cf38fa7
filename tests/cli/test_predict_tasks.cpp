// End-to-end: `lrtune predict` per task (issue 14). Models are built with the library (untrained
// Sequential + save_model with a preprocessing from prepare()), the binary predicts a CSV, and each
// value is checked against model.predict in this process: binary byte-identical to the format it
// always had; multiclass one probability per class (header cells quoted as RFC 4180 wants) and the
// most probable class's name; regression the value in the target's units (one row by hand).
#include <gtest/gtest.h>

#include <sstream>

#include "cli_checks.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/io/model_file.hpp"
#include "model_edit.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace lrtune {
namespace {

// 40 rows: numeric a, b; categorical colour; a text label of 3 classes whose names hold a comma
// and a quote (low, cheap | mid | "high"); a numeric price and a 0/1 flag.
std::string train_csv() {
  std::string csv = "a,b,colour,label,price,flag\n";
  const char* labels[3] = {"\"low, cheap\"", "mid", "\"\"\"high\"\"\""};
  const char* colours[3] = {"red", "blue", "green"};
  for (int i = 0; i < 40; ++i) {
    csv += fmt::format("{},{},{},{},{},{}\n", (i * 7) % 13 - 4.5, (i * 5) % 11 * 0.25, colours[i % 3], labels[i % 3],
                       100 + 7 * i + (i % 4), i % 2);
  }
  return csv;
}

// New rows to predict: data row 2 lacks b (no imputer: no prediction, with its reason).
const char* kNewCsv =
    "a,b,colour\n"
    "1.5,2,red\n"
    "-3,0.75,green\n"
    "0,,blue\n"
    "7,1.25,blue\n"
    "2.25,-1,red\n";

PreparedData prepared(const std::string& target, const TargetRule& rule) {
  PrepareOptions o;
  o.target = target;
  o.target_rule = rule;
  for (const char* other : {"label", "price", "flag"}) {
    if (target != other) o.drop_columns.emplace_back(other);
  }
  return prepare(parse_csv(train_csv(), {}, "train.csv"), o);
}

// The model's outputs for the rows of `csv` that the preprocessing can score, in model units.
struct Expected {
  AppliedData applied;
  Matrix outputs;
};

Expected expected_outputs(Sequential& model, const FittedPreprocessing& p, const std::string& csv) {
  AppliedData applied = p.apply(parse_csv(csv, p.csv_options(), "new.csv"));
  Matrix outputs = model.predict(to_float(applied.x));
  return {std::move(applied), std::move(outputs)};
}

// predict's CSV read back with lrtune's own reader (quoted header cells included).
Table read_predictions(const fs::path& path) { return parse_csv(read_text(path), {}, path.string()); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliPredictTasks : public ::testing::Test {
 protected:
  TempDir dir;
  void SetUp() override { write_text(dir.path() / "new.csv", kNewCsv); }
  CliResult predict(const std::string& flags) {
    return run_cli("predict model.safetensors new.csv " + flags, dir.path());
  }
};

TEST_F(CliPredictTasks, BinaryIsUnchanged) {
  const PreparedData d = prepared("flag", TargetRule::parse("==1"));
  Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(4, "relu"), Dense(1, "sigmoid")}, 11);
  save_model(dir.path() / "model.safetensors", model, Loss::binary_crossentropy, d.preprocessing);
  const CliResult r = predict("-o p.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err,
            "lrtune: warning: new.csv: 1 of 5 rows have no prediction (missing value in column \"b\": 1 row); "
            "they are written with an empty probability and class and the reason\n");
  // The text predict has written since issue 11, byte for byte.
  const Expected e = expected_outputs(model, d.preprocessing, kNewCsv);
  ASSERT_EQ(e.outputs.rows(), 4);
  std::string want = "row,probability,class,reason\n";
  for (const Index row : {0, 1, 2, 3, 4}) {
    if (row == 2) {
      want += "2,,,\"missing value in column \"\"b\"\"\"\n";
      continue;
    }
    const float p = e.outputs(row < 2 ? row : row - 1, 0);
    want += fmt::format("{},{:.9g},{},\n", row, p, p > 0.5f ? 1 : 0);
  }
  EXPECT_EQ(read_text(dir.path() / "p.csv"), want);

  const CliResult j = predict("--json");
  ASSERT_EQ(j.code, 0) << j.err;
  const auto summary = nlohmann::json::parse(j.out);
  EXPECT_EQ(summary.at("task"), "binary");
  EXPECT_FALSE(summary.contains("classes"));
  EXPECT_EQ(summary.at("predictions")[0],
            (nlohmann::json{{"row", 0}, {"probability", e.outputs(0, 0)}, {"class", e.outputs(0, 0) > 0.5f ? 1 : 0}}));
  EXPECT_EQ(
      summary.at("predictions")[2],
      (nlohmann::json{
          {"row", 2}, {"probability", nullptr}, {"class", nullptr}, {"reason", "missing value in column \"b\""}}));
}

TEST_F(CliPredictTasks, MulticlassWritesAProbabilityPerClassAndTheMostProbableName) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  const std::vector<std::string> classes = {"\"high\"", "low, cheap", "mid"};  // the model's order
  ASSERT_EQ(d.preprocessing.target_classes, classes);
  Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(6, "tanh"), Dense(3, "softmax")}, 5);
  save_model(dir.path() / "model.safetensors", model, Loss::categorical_crossentropy, d.preprocessing);
  const CliResult r = predict("-o p.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err,
            "lrtune: warning: new.csv: 1 of 5 rows have no prediction (missing value in column \"b\": 1 row); "
            "they are written with empty probabilities and class and the reason\n");
  const std::string text = read_text(dir.path() / "p.csv");
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "row,\"p_\"\"high\"\"\",\"p_low, cheap\",p_mid,class,reason");
  EXPECT_EQ(lines[3], "2,,,,,\"missing value in column \"\"b\"\"\"");

  const Expected e = expected_outputs(model, d.preprocessing, kNewCsv);
  const Table got = read_predictions(dir.path() / "p.csv");
  ASSERT_EQ(got.rows(), 5);
  const Column& cls = got.column("class");
  int names_seen = 0;
  for (Index k = 0; k < e.outputs.rows(); ++k) {
    const auto row = static_cast<std::size_t>(e.applied.row_labels[static_cast<std::size_t>(k)]);
    EXPECT_EQ(got.column("row").numbers[row], static_cast<double>(row));
    float sum = 0.0f;
    Index best = 0;
    for (Index j = 0; j < 3; ++j) {
      // 9 significant digits give the float back exactly.
      const double p = got.column("p_" + classes[static_cast<std::size_t>(j)]).numbers[row];
      EXPECT_EQ(static_cast<float>(p), e.outputs(k, j)) << "row " << row << " class " << j;
      sum += e.outputs(k, j);
      if (e.outputs(k, j) > e.outputs(k, best)) best = j;
    }
    EXPECT_NEAR(sum, 1.0f, 1e-6f);
    EXPECT_EQ(cls.strings[row], classes[static_cast<std::size_t>(best)]) << row;
    ++names_seen;
  }
  EXPECT_EQ(names_seen, 4);
  EXPECT_TRUE(cls.is_missing(2));
  EXPECT_TRUE(std::isnan(got.column("p_mid").numbers[2]));

  const CliResult j = predict("--json");
  ASSERT_EQ(j.code, 0) << j.err;
  const auto summary = nlohmann::json::parse(j.out);
  EXPECT_EQ(summary.at("task"), "multiclass");
  EXPECT_EQ(summary.at("classes").get<std::vector<std::string>>(), classes);
  const auto& rows = summary.at("predictions");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].at("row"), 1);
  EXPECT_EQ(rows[1].at("p_low, cheap").get<float>(), e.outputs(1, 1));
  EXPECT_EQ(rows[1].at("class"), cls.strings[1]);
  EXPECT_EQ(rows[2], (nlohmann::json{{"row", 2},
                                     {"p_\"high\"", nullptr},
                                     {"p_low, cheap", nullptr},
                                     {"p_mid", nullptr},
                                     {"class", nullptr},
                                     {"reason", "missing value in column \"b\""}}));
}

// Ties go to the first class: a model whose outputs are all equal (zero weights) names class 0.
TEST_F(CliPredictTasks, MulticlassTiesGoToTheFirstClass) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(3, "softmax", "zeros")}, 5);
  save_model(dir.path() / "model.safetensors", model, Loss::categorical_crossentropy, d.preprocessing);
  const CliResult r = predict("-o p.csv --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(read_text(dir.path() / "p.csv"));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[1], "0,0.333333343,0.333333343,0.333333343,\"\"\"high\"\"\",");
}

TEST_F(CliPredictTasks, RegressionWritesTheValueInTheTargetsUnits) {
  const PreparedData d = prepared("price", TargetRule::regression());
  const TargetScaler& scaler = d.preprocessing.target_scaler;
  ASSERT_TRUE(scaler.scaled());
  ASSERT_GT(scaler.mean(), 100.0);  // the values are prices, not model units
  Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(5, "tanh"), Dense(1, "linear")}, 9);
  save_model(dir.path() / "model.safetensors", model, Loss::huber, d.preprocessing);
  const CliResult r = predict("-o p.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err,
            "lrtune: warning: new.csv: 1 of 5 rows have no prediction (missing value in column \"b\": 1 row); "
            "they are written with an empty value and the reason\n");
  const auto lines = lines_of(read_text(dir.path() / "p.csv"));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "row,value,reason");
  EXPECT_EQ(lines[3], "2,,\"missing value in column \"\"b\"\"\"");

  const Expected e = expected_outputs(model, d.preprocessing, kNewCsv);
  const VectorD want = scaler.to_target_units(e.outputs);
  const Table got = read_predictions(dir.path() / "p.csv");
  for (Index k = 0; k < want.size(); ++k) {
    const auto row = static_cast<std::size_t>(e.applied.row_labels[static_cast<std::size_t>(k)]);
    // The shortest text that reads back to the same double: exact.
    EXPECT_EQ(got.column("value").numbers[row], want[k]) << row;
    EXPECT_DOUBLE_EQ(want[k], static_cast<double>(e.outputs(k, 0)) * scaler.scale() + scaler.mean());
  }

  const CliResult j = predict("--json");
  ASSERT_EQ(j.code, 0) << j.err;
  const auto summary = nlohmann::json::parse(j.out);
  EXPECT_EQ(summary.at("task"), "regression");
  EXPECT_FALSE(summary.contains("classes"));
  EXPECT_EQ(summary.at("predictions")[4].at("value").get<double>(), want[3]);
  EXPECT_EQ(summary.at("predictions")[2],
            (nlohmann::json{{"row", 2}, {"value", nullptr}, {"reason", "missing value in column \"b\""}}));
}

// One row by hand: scaler offsets (1, 1) and scales (2, 2) on a and b, a one-hot colour left
// unscaled (offset 0, scale 1), kernel (0.5, -0.25, 0, 0, 0), bias 0.125, target mean 100, std 10.
// Row a = 3, b = 5, red: x = (1, 2, 0, 0, 1); z = 0.5 - 0.5 + 0.125 = 0.125; value = 101.25.
TEST_F(CliPredictTasks, RegressionRowByHand) {
  const PreparedData d = prepared("price", TargetRule::regression());
  nlohmann::json j = d.preprocessing.to_json();
  ASSERT_EQ(j.at("feature_names"), (nlohmann::json{"a", "b", "colour_blue", "colour_green", "colour_red"}));
  j["scaler"] = {{"kind", "standard"}, {"offset", {1, 1, 0, 0, 0}}, {"scale", {2, 2, 1, 1, 1}}};
  j["target"]["scaler"] = {{"mean", 100.0}, {"std", 10.0}};
  const FittedPreprocessing p = FittedPreprocessing::from_json(j);
  Sequential model(5, {Dense(1, "linear")}, 0);
  const std::vector<float> weights = {0.5f, -0.25f, 0.0f, 0.0f, 0.0f, 0.125f};  // kernel (5, 1), then bias
  model.set_parameters(weights);
  save_model(dir.path() / "model.safetensors", model, Loss::mean_squared_error, p);
  write_text(dir.path() / "new.csv", "a,b,colour\n3,5,red\n");
  const CliResult r = predict("-o p.csv --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_text(dir.path() / "p.csv"), "row,value,reason\n0,101.25,\n");
}

// A target scaler on a classifier is refused by the preprocessing's rules: the user reads which
// field and what would be valid, in one line.
TEST_F(CliPredictTasks, ATargetScalerOnAClassifierIsNamed) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(3, "softmax")}, 5);
  const std::string bytes = encode_model(model, Loss::categorical_crossentropy, d.preprocessing);
  write_text(dir.path() / "model.safetensors", edit_model_metadata(bytes, [](nlohmann::json& m) {
               m["preprocessing"]["target"]["scaler"] = {{"mean", 1.0}, {"std", 2.0}};
             }));
  const CliResult r = predict("-o p.csv");
  expect_one_error_line(r, 1,
                        {"model.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a "
                         "fitted preprocessing (preprocessing JSON: target.scaler is present for a multiclass "
                         "target; expected it for a regression target only)"});
  EXPECT_FALSE(fs::exists(dir.path() / "p.csv"));
}

}  // namespace
}  // namespace lrtune
