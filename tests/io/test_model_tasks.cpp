// Model files of the three tasks (issue 14): a multiclass model (softmax over K outputs,
// categorical_crossentropy, K class names) and a regression model (one linear output, mse / mae /
// huber, the target scaler) save and load back with their task, classes and scaler intact; files
// whose parts disagree (classes vs output units, a target scaler on a classifier) are refused with
// a message that names the file and the field.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "io_test_util.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/safetensors.hpp"

namespace lrtune {
namespace {

using test::IoTempFolder;

// 30 rows: numeric a, b; categorical colour; a text label with 3 classes (class names with a
// comma and a quote, as a CSV cell may hold them) and a numeric price.
Table three_task_table() {
  std::string csv = "a,b,colour,label,price\n";
  const char* labels[3] = {"\"low, cheap\"", "mid", "\"\"\"high\"\"\""};  // low, cheap | mid | "high"
  const char* colours[2] = {"red", "blue"};
  for (int i = 0; i < 30; ++i) {
    csv += fmt::format("{},{},{},{},{}\n", i % 7, (i * 5) % 11, colours[i % 2], labels[i % 3], 100 + 7 * i);
  }
  return parse_csv(csv, {}, "tasks.csv");
}

PreparedData prepared(const std::string& target, const TargetRule& rule) {
  PrepareOptions o;
  o.target = target;
  o.target_rule = rule;
  o.drop_columns = {target == "label" ? "price" : "label"};
  return prepare(three_task_table(), o);
}

// The saved model reloads with the same layers, weights and predictions, loss and preprocessing.
SavedModel round_trip(Sequential model, Loss loss, const FittedPreprocessing& preprocessing, const std::string& name) {
  IoTempFolder dir(name);
  const auto path = dir.path / "model.safetensors";
  save_model(path, model, loss, preprocessing);
  SavedModel saved = load_model(path);
  EXPECT_EQ(saved.model.layers(), model.layers());
  EXPECT_EQ(saved.loss, loss);
  EXPECT_EQ(saved.preprocessing.to_json(), preprocessing.to_json());
  const Matrix x = Matrix::Random(9, model.input_dim());
  const Matrix want = model.predict(x);
  const Matrix got = saved.model.predict(x);
  EXPECT_EQ(std::memcmp(got.data(), want.data(), sizeof(float) * static_cast<std::size_t>(want.size())), 0);
  return saved;
}

TEST(ModelTasks, MulticlassModelKeepsItsClassesInOrder) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  ASSERT_EQ(d.preprocessing.target_classes.size(), 3u);
  const auto features = static_cast<Index>(d.feature_names.size());
  Sequential model(features, {Dense(4, "relu"), Dense(3, "softmax")}, 7);
  const SavedModel saved = round_trip(model, Loss::categorical_crossentropy, d.preprocessing, "multiclass");
  EXPECT_EQ(saved.preprocessing.target_rule.kind, TargetKind::multiclass);
  EXPECT_EQ(saved.preprocessing.target_classes, (std::vector<std::string>{"\"high\"", "low, cheap", "mid"}));
  EXPECT_FALSE(saved.preprocessing.target_scaler.scaled());
  EXPECT_EQ(saved.model.output_dim(), 3);
  EXPECT_EQ(saved.model.output_activation(), Activation::softmax);
}

TEST(ModelTasks, RegressionModelKeepsItsTargetScalerForEachLoss) {
  const PreparedData d = prepared("price", TargetRule::regression());
  const TargetScaler& scaler = d.preprocessing.target_scaler;
  ASSERT_TRUE(scaler.scaled());
  const auto features = static_cast<Index>(d.feature_names.size());
  for (const Loss loss : {Loss::mean_squared_error, Loss::mean_absolute_error, Loss::huber}) {
    SCOPED_TRACE(std::string(loss_name(loss)));
    Sequential model(features, {Dense(5, "tanh"), Dense(1, "linear")}, 3);
    const SavedModel saved = round_trip(model, loss, d.preprocessing, "regression");
    EXPECT_EQ(saved.preprocessing.target_rule.kind, TargetKind::regression);
    EXPECT_TRUE(saved.preprocessing.target_classes.empty());
    ASSERT_TRUE(saved.preprocessing.target_scaler.scaled());
    // Bit for bit: predict turns model units into the target's with these two numbers.
    EXPECT_EQ(saved.preprocessing.target_scaler.mean(), scaler.mean());
    EXPECT_EQ(saved.preprocessing.target_scaler.scale(), scaler.scale());
  }
}

// The loss must be one of the target's; huber only after a linear output (a regression on the
// standardised target), the other two as check_loss_output allows.
TEST(ModelTasks, LossMustFitTheTask) {
  const PreparedData d = prepared("price", TargetRule::regression());
  const auto features = static_cast<Index>(d.feature_names.size());
  const Sequential linear(features, {Dense(1, "linear")}, 1);
  try {
    (void)encode_model(linear, Loss::binary_crossentropy, d.preprocessing);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "loss \"binary_crossentropy\" does not fit the preprocessing's regression target; expected "
                 "mean_squared_error, mean_absolute_error or huber");
  }
  const Sequential sigmoid(features, {Dense(1, "sigmoid")}, 1);
  try {
    (void)encode_model(sigmoid, Loss::huber, d.preprocessing);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "huber needs a linear output layer (a regression on the standardised target), not sigmoid");
  }
  const PreparedData m = prepared("label", TargetRule::multiclass());
  const Sequential softmax(static_cast<Index>(m.feature_names.size()), {Dense(3, "softmax")}, 1);
  EXPECT_THROW((void)encode_model(softmax, Loss::huber, m.preprocessing), UsageError);
}

std::string model_error(const std::string& bytes) {
  try {
    (void)decode_model(bytes, "m.safetensors");
  } catch (const ModelFileError& e) {
    return e.what();
  }
  return "no error";
}

// The preprocessing of a valid file replaced by an edited copy: valid safetensors, disagreeing parts.
std::string with_preprocessing(const std::string& bytes, const std::function<void(nlohmann::json&)>& edit) {
  SafetensorsFile file = decode_safetensors(bytes);
  nlohmann::json p = nlohmann::json::parse(file.metadata.at("preprocessing"));
  edit(p);
  file.metadata["preprocessing"] = p.dump();
  return encode_safetensors(file.tensors, file.metadata);
}

TEST(ModelTasks, MulticlassFileWhoseClassesDifferFromTheOutputsIsRefused) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  const Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(3, "softmax")}, 1);
  const std::string bytes = encode_model(model, Loss::categorical_crossentropy, d.preprocessing);
  EXPECT_EQ(model_error(bytes), "no error");
  EXPECT_EQ(model_error(with_preprocessing(bytes, [](nlohmann::json& p) { p["target"]["classes"].erase(2); })),
            "m.safetensors: not a usable lrtune model file: the model's last layer has 3 units but the preprocessing's "
            "multiclass target needs 2");
  EXPECT_EQ(model_error(with_preprocessing(bytes, [](nlohmann::json& p) { p["target"]["classes"].push_back("top"); })),
            "m.safetensors: not a usable lrtune model file: the model's last layer has 3 units but the preprocessing's "
            "multiclass target needs 4");
}

TEST(ModelTasks, TargetScalerOnAClassifierIsRefused) {
  const PreparedData d = prepared("label", TargetRule::multiclass());
  const Sequential model(static_cast<Index>(d.feature_names.size()), {Dense(3, "softmax")}, 1);
  const std::string bytes = encode_model(model, Loss::categorical_crossentropy, d.preprocessing);
  EXPECT_EQ(model_error(with_preprocessing(bytes,
                                           [](nlohmann::json& p) {
                                             p["target"]["scaler"] = {{"mean", 1.0}, {"std", 2.0}};
                                           })),
            "m.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a fitted preprocessing "
            "(preprocessing JSON: target.scaler is present for a multiclass target; expected it for a regression "
            "target only)");
}

}  // namespace
}  // namespace lrtune
