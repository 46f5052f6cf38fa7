// The model limits (core/limits.hpp) hold at train time as at load time: the largest model
// Sequential builds saves and loads back, and one layer more is refused when it is built, so
// lrtune never writes a model file that it refuses to read.
#include <gtest/gtest.h>

#include <stdexcept>

#include "lrtune/core/limits.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/io/model_file.hpp"

namespace {

using namespace lrtune;

std::vector<LayerSpec> dense_layers(std::int64_t count) {
  std::vector<LayerSpec> layers;
  for (std::int64_t i = 0; i + 1 < count; ++i) layers.emplace_back(Dense(1, "relu"));
  layers.emplace_back(Dense(1, "sigmoid"));
  return layers;
}

TEST(ModelLimits, TheLoaderTakesWhatSequentialBuilds) {
  EXPECT_EQ(kModelMaxLayers, limits::kMaxLayers);
  EXPECT_EQ(kModelMaxWidth, limits::kMaxWidth);
  EXPECT_EQ(kModelMaxParameters, limits::kMaxParameters);
}

// A fitted preprocessing of three numeric features, as a model file must hold one.
FittedPreprocessing three_features() {
  nlohmann::json j = {
      {"format", "lrtune.preprocessing"},
      {"version", 1},
      {"source_columns", nlohmann::json::array()},
      {"numeric_features", {"a", "b", "c"}},
      {"target",
       {{"column", "y"}, {"rule", {{"kind", "binary"}, {"op", ">="}, {"threshold", 1.0}}}, {"classes", {"0", "1"}}}},
      {"missing", "drop_rows"},
      {"encoder", {{"columns", nlohmann::json::array()}, {"unknown", "error"}}},
      {"scaler", {{"kind", "standard"}, {"offset", {0, 0, 0}}, {"scale", {1, 1, 1}}}},
      {"feature_names", {"a", "b", "c"}}};
  for (const char* name : {"a", "b", "c"}) j["source_columns"].push_back({{"name", name}, {"type", "numeric"}});
  return FittedPreprocessing::from_json(j);
}

TEST(ModelLimits, AModelWithTheMostLayersSavesAndLoadsBack) {
  const Sequential model(3, dense_layers(limits::kMaxLayers), 7);
  const SavedModel loaded = decode_model(encode_model(model, Loss::binary_crossentropy, three_features()));
  EXPECT_EQ(static_cast<std::int64_t>(loaded.model.layers().size()), limits::kMaxLayers);
  EXPECT_EQ(loaded.model.parameter_count(), model.parameter_count());
}

TEST(ModelLimits, SequentialRefusesOneLayerMore) {
  EXPECT_THROW(Sequential(3, dense_layers(limits::kMaxLayers + 1)), lrtune::UsageError);
}

TEST(ModelLimits, SequentialRefusesWidthsAndParametersPastTheLimits) {
  // Refused before anything is allocated: these would need terabytes.
  EXPECT_THROW(Sequential(limits::kMaxWidth + 1, dense_layers(1)), lrtune::UsageError);
  std::vector<LayerSpec> wide = {Dense(limits::kMaxWidth + 1, "relu"), Dense(1, "sigmoid")};
  EXPECT_THROW(Sequential(3, wide), lrtune::UsageError);
  // 2 x 2^16 x 2^16 weights between two hidden layers: 2^32 + ... > 2^31.
  std::vector<LayerSpec> heavy = {Dense(1 << 16, "relu"), Dense(1 << 16, "relu"), Dense(1, "sigmoid")};
  try {
    Sequential model(3, heavy);
    FAIL() << "built a model of " << model.parameter_count() << " parameters";
  } catch (const lrtune::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 2147483648 parameters"), std::string::npos) << e.what();
  }
}

}  // namespace
