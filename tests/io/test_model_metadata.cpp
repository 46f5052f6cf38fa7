// The metadata inside a model file is validated field against field before any use (issue 11,
// item 1): the preprocessing's own rules (FittedPreprocessing::from_json), then what the parts
// need of each other (features = input width, loss and output units vs the target). And a model
// that would not load back is never written (item 10).
#include <gtest/gtest.h>

#include <limits>

#include "io_test_util.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/safetensors.hpp"

namespace lrtune {
namespace {

using nlohmann::json;
using test::IoTempFolder;

// Numeric a, b; categorical kind (one-hot, 3 levels) and flag (binary); target y; imputed.
json preprocessing_json() {
  return json::parse(R"({
    "format": "lrtune.preprocessing", "version": 1,
    "source_columns": [{"name": "a", "type": "numeric"}, {"name": "kind", "type": "categorical"},
                       {"name": "b", "type": "numeric"}, {"name": "flag", "type": "categorical"}],
    "numeric_features": ["a", "b"],
    "target": {"column": "y", "rule": {"kind": "binary", "op": ">=", "threshold": 6.0}, "classes": ["0", "1"]},
    "missing": "impute",
    "imputer": [{"column": "a", "type": "numeric", "strategy": "mean", "value": 1.5},
                {"column": "kind", "type": "categorical", "strategy": "most_frequent", "value": "red"},
                {"column": "b", "type": "numeric", "strategy": "median", "value": 2.0},
                {"column": "flag", "type": "categorical", "strategy": "constant", "value": "no"}],
    "encoder": {"unknown": "error", "columns": [
        {"column": "kind", "levels": ["blue", "green", "red"], "binary": false,
         "outputs": ["kind_blue", "kind_green", "kind_red"]},
        {"column": "flag", "levels": ["no", "yes"], "binary": true, "outputs": ["flag_yes"], "positive_level": "yes"}]},
    "scaler": {"kind": "standard", "offset": [1, 2, 0.3, 0.3, 0.3, 0.5], "scale": [1, 2, 0.5, 0.5, 0.5, 0.5]},
    "feature_names": ["a", "b", "kind_blue", "kind_green", "kind_red", "flag_yes"]
  })");
}

std::string preprocessing_error(const json& j) {
  try {
    (void)FittedPreprocessing::from_json(j);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

template <typename Edit>
std::string error_after(Edit edit) {
  json j = preprocessing_json();
  edit(j);
  return preprocessing_error(j);
}

TEST(ModelMetadata, TheSamplePreprocessingIsValid) { EXPECT_EQ(preprocessing_error(preprocessing_json()), "no error"); }

// Each column in exactly one role: the null dereference of predict (a categorical column named a
// numeric feature) and the column nothing reads.
TEST(ModelMetadata, EachColumnInExactlyOneRole) {
  EXPECT_EQ(error_after([](json& j) { j["numeric_features"][0] = "kind"; }),
            "preprocessing JSON: numeric_features[0] \"kind\" is a categorical source column; expected "
            "numeric_features to name numeric columns only");
  EXPECT_EQ(error_after([](json& j) { j["numeric_features"][1] = "a"; }),
            "preprocessing JSON: numeric_features[1] \"a\" already has a role; expected each column in exactly one");
  EXPECT_EQ(error_after([](json& j) { j["numeric_features"][1] = "zzz"; }),
            "preprocessing JSON: numeric_features[1] \"zzz\" is not among source_columns");
  EXPECT_EQ(error_after([](json& j) { j["encoder"]["columns"][0]["column"] = "a"; }),
            "preprocessing JSON: encoder.columns[0].column \"a\" is a numeric source column; expected the encoder to "
            "encode categorical columns only");
  EXPECT_EQ(error_after([](json& j) {
              j["source_columns"].push_back({{"name", "c"}, {"type", "numeric"}});
            }),
            "preprocessing JSON: source column \"c\" has no role; expected it in numeric_features or the encoder");
  EXPECT_EQ(error_after([](json& j) { j["source_columns"].push_back(j["source_columns"][0]); }),
            "preprocessing JSON: source_columns[4] \"a\" is listed twice; expected each column once");
  EXPECT_EQ(error_after([](json& j) { j["target"]["column"] = "b"; }),
            "preprocessing JSON: target.column \"b\" is also a source column; expected the target apart from the "
            "features");
  EXPECT_EQ(error_after([](json& j) { j["source_columns"] = json::array(); }),
            "preprocessing JSON: source_columns is empty; expected at least one feature column");
  EXPECT_EQ(error_after([](json& j) { j["source_columns"][2]["type"] = "text"; }),
            "preprocessing JSON: source_columns[2].type is \"text\"; expected \"numeric\" or \"categorical\"");
  EXPECT_EQ(error_after([](json& j) { j["source_columns"][2]["name"] = std::string("b\0", 2); }),
            "preprocessing JSON: source_columns[2].name is \"b\\u0000\"; expected a non-empty name without NUL");
}

TEST(ModelMetadata, FeatureNamesAndScalerFollowTheRoles) {
  EXPECT_EQ(error_after([](json& j) { std::swap(j["feature_names"][0], j["feature_names"][1]); }),
            "preprocessing JSON: feature_names[0] is \"b\"; expected \"a\" (the numeric features, then the encoder "
            "outputs, in order)");
  EXPECT_EQ(error_after([](json& j) { j["feature_names"].erase(5); }),
            "preprocessing JSON: feature_names has 5 names; expected 6 (the 2 numeric features, then the 4 encoder "
            "outputs)");
  EXPECT_EQ(error_after([](json& j) {
              j["scaler"]["offset"].erase(5);
              j["scaler"]["scale"].erase(5);
            }),
            "preprocessing JSON: scaler has 5 offsets and scales; expected one per feature (6)");
  EXPECT_EQ(error_after([](json& j) { j["scaler"]["scale"][3] = 0; }),
            "preprocessing JSON: scaler.scale[3] is 0; expected a number > 0 and not subnormal (at least "
            "2.2250738585072014e-308)");
  EXPECT_EQ(error_after([](json& j) { j["encoder"]["columns"][0]["outputs"] = json::array({"kind_blue"}); }),
            "preprocessing JSON: encoder.columns[0] has 3 levels and 1 output; expected 3 outputs (one-hot: one per "
            "level)");
}

TEST(ModelMetadata, ImputerFillsSourceColumnsWithTheirType) {
  EXPECT_EQ(error_after([](json& j) { j.erase("imputer"); }),
            "preprocessing JSON: missing is \"impute\" but there is no imputer; expected one");
  EXPECT_EQ(error_after([](json& j) { j["missing"] = "drop_rows"; }),
            "preprocessing JSON: imputer is present but missing is \"drop_rows\"; expected no imputer");
  // Per-column rules (issue 15) fill some columns; filling none is still wrong.
  EXPECT_EQ(error_after([](json& j) { j["imputer"] = json::array(); }),
            "preprocessing JSON: imputer fills no column; expected at least one source column");
  EXPECT_EQ(error_after([](json& j) {
              j["imputer"][1]["type"] = "numeric";
              j["imputer"][1]["value"] = 0;
            }),
            "preprocessing JSON: imputer[1] (column \"kind\") is numeric; expected categorical as the source column");
  EXPECT_EQ(error_after([](json& j) { j["imputer"][1]["strategy"] = "mean"; }),
            "preprocessing JSON: imputer[1] (column \"kind\") has strategy mean on a categorical column; expected "
            "most_frequent or constant");
  EXPECT_EQ(error_after([](json& j) { j["imputer"][3]["column"] = "zzz"; }),
            "preprocessing JSON: imputer[3] (column \"zzz\") is not a source column");
  EXPECT_EQ(error_after([](json& j) { j["imputer"][0]["value"] = std::numeric_limits<double>::infinity(); }),
            "preprocessing JSON: imputer[0] (column \"a\") fills inf; expected a finite number");
}

TEST(ModelMetadata, TargetRuleAndClasses) {
  EXPECT_EQ(error_after([](json& j) { j["target"]["classes"] = json::array({"0"}); }),
            "preprocessing JSON: target.classes has 1 entries; expected 2 for a binary target");
  EXPECT_EQ(error_after([](json& j) { j["target"]["rule"] = {{"kind", "multiclass"}}; }), "no error");
  EXPECT_EQ(error_after([](json& j) {
              j["target"]["rule"] = {{"kind", "multiclass"}};
              j["target"]["classes"] = {"x", "x"};
            }),
            "preprocessing JSON: target.classes has 2 entries; expected at least 2, distinct, for a multiclass target");
  // TargetRule::from_json parses op + "0": "=~" would leave no operator to dereference.
  EXPECT_EQ(error_after([](json& j) { j["target"]["rule"]["op"] = "=~"; }),
            "preprocessing JSON: target.rule.op is \"=~\"; expected one of >=, >, <=, <, ==, !=");
  EXPECT_EQ(error_after([](json& j) { j["target"]["rule"]["threshold"] = nullptr; }),
            "preprocessing JSON: target.rule.threshold is null; expected a finite number");
  EXPECT_EQ(error_after([](json& j) { j["version"] = 1.5; }),
            "preprocessing JSON: version is 1.5; expected 1 (the version this lrtune reads)");
}

// The parts against each other, through decode_model: a model of 6 inputs and one sigmoid unit.
Sequential six_inputs() { return Sequential(6, {Dense(3, "relu"), Dense(1, "sigmoid")}, 2); }

std::string model_error(const std::string& bytes) {
  try {
    (void)decode_model(bytes, "m.safetensors");
  } catch (const ModelFileError& e) {
    return e.what();
  }
  return "no error";
}

std::string with_metadata(const std::string& bytes, const std::string& key, const std::string& value) {
  SafetensorsFile file = decode_safetensors(bytes);
  file.metadata[key] = value;
  return encode_safetensors(file.tensors, file.metadata);
}

TEST(ModelMetadata, PartsAgreeWithEachOther) {
  const FittedPreprocessing p = FittedPreprocessing::from_json(preprocessing_json());
  const std::string bytes = encode_model(six_inputs(), Loss::binary_crossentropy, p);
  EXPECT_EQ(model_error(bytes), "no error");

  json fewer = preprocessing_json();  // without b: valid, but 5 features for 6 inputs
  fewer["source_columns"].erase(2);
  fewer["numeric_features"].erase(1);
  fewer["imputer"].erase(2);
  fewer["feature_names"].erase(1);
  fewer["scaler"]["offset"].erase(1);
  fewer["scaler"]["scale"].erase(1);
  EXPECT_EQ(model_error(with_metadata(bytes, "preprocessing", fewer.dump())),
            "m.safetensors: not a usable lrtune model file: the preprocessing makes 5 features but the model reads 6 "
            "(architecture \"input_dim\")");
  // JSON text cannot hold infinity: nlohmann refuses 1e999 as a number overflow.
  std::string overflow = preprocessing_json().dump();
  overflow.replace(overflow.find("1.5"), 3, "1e999");
  EXPECT_EQ(model_error(with_metadata(bytes, "preprocessing", overflow)),
            "m.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not valid JSON "
            "([json.exception.out_of_range.406] number overflow parsing '1e999')");
  EXPECT_EQ(model_error(with_metadata(bytes, "loss", "mean_squared_error")),
            "m.safetensors: not a usable lrtune model file: loss \"mean_squared_error\" does not fit the "
            "preprocessing's binary target; expected binary_crossentropy");
  json scale_zero = preprocessing_json();
  scale_zero["scaler"]["scale"][0] = 0;
  EXPECT_EQ(model_error(with_metadata(bytes, "preprocessing", scale_zero.dump())),
            "m.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a fitted preprocessing "
            "(preprocessing JSON: scaler.scale[0] is 0; expected a number > 0 and not subnormal (at least "
            "2.2250738585072014e-308))");

  // Output units: one per class of a multiclass target, one otherwise.
  json three = preprocessing_json();
  three["target"] = {{"column", "y"}, {"rule", {{"kind", "multiclass"}}}, {"classes", {"a", "b", "c"}}};
  const FittedPreprocessing multiclass = FittedPreprocessing::from_json(three);
  Sequential two_units(6, {Dense(2, "softmax")}, 1);
  try {
    (void)encode_model(two_units, Loss::categorical_crossentropy, multiclass);
    ADD_FAILURE() << "no error";
  } catch (const lrtune::UsageError& e) {
    EXPECT_STREQ(e.what(), "the model's last layer has 2 units but the preprocessing's multiclass target needs 3");
  }
  EXPECT_NO_THROW((void)decode_model(
      encode_model(Sequential(6, {Dense(3, "softmax")}, 1), Loss::categorical_crossentropy, multiclass)));
}

// Whatever a hostile file holds, the error is one line: echoed names with line breaks are escaped.
TEST(ModelMetadata, ErrorsStayOneLine) {
  const std::string bytes =
      encode_model(six_inputs(), Loss::binary_crossentropy, FittedPreprocessing::from_json(preprocessing_json()));
  json arch = json::parse(decode_safetensors(bytes).metadata.at("architecture"));
  arch["layers"][0]["type"] = "dense\nlrtune: all good";
  EXPECT_EQ(model_error(with_metadata(bytes, "architecture", arch.dump())),
            "m.safetensors: not a usable lrtune model file: architecture layer 0 has type \"dense\\x0alrtune: all "
            "good\", expected \"dense\" or \"dropout\"");
  json p = preprocessing_json();
  p["numeric_features"][0] = "kind\nx";
  EXPECT_EQ(model_error(with_metadata(bytes, "preprocessing", p.dump())),
            "m.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a fitted preprocessing "
            "(preprocessing JSON: numeric_features[0] \"kind\\nx\" is not among source_columns)");
}

// Item 10: what JSON cannot carry (a NaN threshold becomes null; text that is not UTF-8 becomes
// U+FFFD) would give a file that does not load, or loads as another model: not written.
TEST(ModelMetadata, AModelThatDoesNotLoadBackIsNotWritten) {
  IoTempFolder dir("model_not_loading_back");
  const auto path = dir.path / "model.safetensors";
  FittedPreprocessing nan_threshold = FittedPreprocessing::from_json(preprocessing_json());
  nan_threshold.target_rule.threshold = std::numeric_limits<double>::quiet_NaN();
  try {
    save_model(path, six_inputs(), Loss::binary_crossentropy, nan_threshold);
    ADD_FAILURE() << "no error";
  } catch (const ModelFileError& e) {
    EXPECT_STREQ(e.what(), (path.string() + ": not a usable lrtune model file: metadata \"preprocessing\" is not a "
                                            "fitted preprocessing (preprocessing JSON: target.rule.threshold is null; "
                                            "expected a finite number) (the model was not written: lrtune could not "
                                            "load it back)")
                               .c_str());
  }
  EXPECT_EQ(dir.entries(), 0u);

  // Column "a" renamed to Latin-1 "caf\xe9" everywhere: consistent, but it would load as "caf\uFFFD".
  json latin1 = preprocessing_json();
  latin1["imputer"][0]["column"] = "caf\xe9";
  FittedPreprocessing renamed = FittedPreprocessing::from_json(preprocessing_json());
  for (std::string* name : {&renamed.source_columns[0].name, &renamed.numeric_features[0], &renamed.feature_names[0]}) {
    *name = "caf\xe9";
  }
  renamed.imputer = Imputer::from_json(latin1["imputer"]);
  try {
    save_model(path, six_inputs(), Loss::binary_crossentropy, renamed);
    ADD_FAILURE() << "no error";
  } catch (const ModelFileError& e) {
    EXPECT_STREQ(e.what(), (path.string() + ": not written: the preprocessing would differ once loaded back (a value "
                                            "JSON cannot carry, such as NaN or text that is not UTF-8?)")
                               .c_str());
  }
  EXPECT_EQ(dir.entries(), 0u);

  save_model(path, six_inputs(), Loss::binary_crossentropy, FittedPreprocessing::from_json(preprocessing_json()));
  EXPECT_EQ(dir.entries(), 1u);
}

}  // namespace
}  // namespace lrtune
