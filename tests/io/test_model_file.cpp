// Model files: a saved model reloads with bit-identical predictions and all its metadata; a file
// written by numpy alone loads; truncated, tampered, wrong-shape and foreign files give one-line
// ModelFileErrors naming the file; random mutations never crash the loader.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "io_test_util.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/json_file.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/safetensors.hpp"

#ifndef LRTUNE_TEST_RESOURCES_DIR
#error "LRTUNE_TEST_RESOURCES_DIR must be defined by the build"
#endif

namespace lrtune {
namespace {

using test::IoTempFolder;

Sequential sample_model(std::uint64_t seed = 3) {
  return Sequential(5, {Dense(8, "relu"), Dropout(0.2), Dense(6, "tanh", "he_normal"), Dense(1, "sigmoid")}, seed);
}

nlohmann::json sample_preprocessing_json() {
  nlohmann::json j = {
      {"format", "lrtune.preprocessing"},
      {"version", 1},
      {"source_columns", nlohmann::json::array()},
      {"numeric_features", {"a", "b", "c", "d", "e"}},
      {"target",
       {{"column", "y"}, {"rule", {{"kind", "binary"}, {"op", ">="}, {"threshold", 6.0}}}, {"classes", {"0", "1"}}}},
      {"missing", "drop_rows"},
      {"encoder", {{"columns", nlohmann::json::array()}, {"unknown", "error"}}},
      {"scaler", {{"kind", "standard"}, {"offset", {1, 2, 3, 4, 5}}, {"scale", {1, 1, 2, 2, 3}}}},
      {"feature_names", {"a", "b", "c", "d", "e"}}};
  for (const char* name : {"a", "b", "c", "d", "e"})
    j["source_columns"].push_back({{"name", name}, {"type", "numeric"}});
  return j;
}

FittedPreprocessing sample_preprocessing() { return FittedPreprocessing::from_json(sample_preprocessing_json()); }

const nlohmann::json kSettings = {
    {"optimizer", {{"name", "adam"}, {"learning_rate", 0.007}}}, {"epochs", 100}, {"batch_size", 32}, {"seed", 0}};

Matrix sample_inputs(Index rows = 17) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  Matrix x(rows, 5);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

// Runs `f` and returns the ModelFileError message; fails the test when nothing (or something else) is thrown.
template <typename F>
std::string model_error(F&& f) {
  try {
    f();
  } catch (const ModelFileError& error) {
    return error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "expected ModelFileError, got " << error.what();
    return {};
  }
  ADD_FAILURE() << "expected ModelFileError, nothing thrown";
  return {};
}

TEST(ModelFile, ReloadsWithBitIdenticalPredictions) {
  IoTempFolder dir("model_roundtrip");
  Sequential model = sample_model();
  const auto path = dir.path / "model.safetensors";
  save_model(path, model, Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  EXPECT_EQ(dir.entries(), 1u);

  SavedModel saved = load_model(path);
  EXPECT_EQ(saved.model.input_dim(), 5);
  EXPECT_EQ(saved.model.layers(), model.layers());
  EXPECT_EQ(saved.model.layout(), model.layout());
  ASSERT_EQ(saved.model.parameter_count(), model.parameter_count());
  EXPECT_EQ(std::memcmp(saved.model.parameters().data(), model.parameters().data(), model.parameters().size_bytes()),
            0);
  const Matrix x = sample_inputs();
  const Matrix expected = model.predict(x);
  const Matrix got = saved.model.predict(x);
  ASSERT_EQ(got.rows(), expected.rows());
  EXPECT_EQ(std::memcmp(got.data(), expected.data(), sizeof(float) * static_cast<std::size_t>(got.size())), 0);
  EXPECT_EQ(saved.loss, Loss::binary_crossentropy);
  EXPECT_EQ(saved.settings, kSettings);
  EXPECT_EQ(saved.preprocessing.to_json(), sample_preprocessing().to_json());
  EXPECT_EQ(saved.lrtune_version, LRTUNE_VERSION);
}

TEST(ModelFile, TensorsAndMetadataAreNamedForOtherTools) {
  Sequential model = sample_model();
  const auto file =
      decode_safetensors(encode_model(model, Loss::binary_crossentropy, sample_preprocessing(), kSettings));
  std::vector<std::string> names;
  for (const auto& t : file.tensors) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
                                             "dense_2/kernel", "dense_2/bias"}));
  EXPECT_EQ(file.find("dense/kernel")->shape, (std::vector<std::int64_t>{5, 8}));
  EXPECT_EQ(file.find("dense/bias")->shape, (std::vector<std::int64_t>{8}));
  // Row-major (in, out): element (i, j) of the kernel is values[i * out + j].
  EXPECT_EQ(file.find("dense/kernel")->values[1 * 8 + 2], model.parameter("dense/kernel")(1, 2));
  EXPECT_EQ(file.metadata.at("format"), "lrtune.model");
  EXPECT_EQ(file.metadata.at("format_version"), "1");
  EXPECT_EQ(file.metadata.at("loss"), "binary_crossentropy");
  const auto arch = nlohmann::json::parse(file.metadata.at("architecture"));
  EXPECT_EQ(arch.at("layers")[1], (nlohmann::json{{"type", "dropout"}, {"name", "dropout"}, {"rate", 0.2}}));
  EXPECT_EQ(arch.at("parameter_count"), model.parameter_count());
  EXPECT_EQ(nlohmann::json::parse(file.metadata.at("settings")), kSettings);
}

TEST(ModelFile, ArchitectureJsonRoundTrips) {
  const Sequential model = sample_model();
  const Sequential rebuilt = architecture_from_json(architecture_to_json(model));
  EXPECT_EQ(rebuilt.layers(), model.layers());
  EXPECT_EQ(rebuilt.layout(), model.layout());
}

TEST(ModelFile, SaveRejectsBadSettingsAndLoss) {
  Sequential model = sample_model();
  EXPECT_THROW(encode_model(model, Loss::binary_crossentropy, {}, nlohmann::json::array()), lrtune::UsageError);
  Sequential relu_out(3, {Dense(2, "relu")});
  EXPECT_THROW(encode_model(relu_out, Loss::binary_crossentropy, {}), lrtune::UsageError);
  Sequential three_inputs(3, {Dense(1, "sigmoid")});
  EXPECT_THROW(encode_model(three_inputs, Loss::binary_crossentropy, sample_preprocessing()), lrtune::UsageError);
}

// A model file is for predicting from raw tables: without a preprocessing (no features) it is
// refused on saving as on loading (issue 11: empty source_columns were accepted).
TEST(ModelFile, ModelWithoutPreprocessingIsRefused) {
  Sequential model = sample_model();
  try {
    (void)encode_model(model, Loss::binary_crossentropy, FittedPreprocessing{});
    ADD_FAILURE() << "no error";
  } catch (const lrtune::UsageError& e) {
    EXPECT_STREQ(e.what(), "the preprocessing makes 0 features but the model reads 5 (architecture \"input_dim\")");
  }
}

// A regression model: mean squared error, one linear output.
TEST(ModelFile, RegressionModelRoundTrips) {
  nlohmann::json j = sample_preprocessing_json();
  j["target"] = {{"column", "y"}, {"rule", {{"kind", "regression"}}}, {"classes", nlohmann::json::array()}};
  Sequential model(5, {Dense(3, "relu"), Dense(1, "linear")}, 1);
  const SavedModel saved =
      decode_model(encode_model(model, Loss::mean_squared_error, FittedPreprocessing::from_json(j)));
  EXPECT_EQ(saved.loss, Loss::mean_squared_error);
  EXPECT_EQ(saved.preprocessing.target_rule.kind, TargetKind::regression);
}

// A file written by tools/gen_io_fixture.py with numpy only, tensors in Python's (name) order.
TEST(ModelFile, LoadsAFileWrittenByPython) {
  const std::filesystem::path dir = std::filesystem::path(LRTUNE_TEST_RESOURCES_DIR) / "io";
  const SavedModel saved = load_model(dir / "python_model.safetensors");
  const nlohmann::json expected = read_json(dir / "python_model_expected.json");
  EXPECT_EQ(saved.model.input_dim(), 3);
  EXPECT_EQ(saved.model.layer_names(), (std::vector<std::string>{"dense", "dropout", "dense_1"}));
  EXPECT_EQ(saved.lrtune_version, "python-fixture");
  EXPECT_EQ(saved.preprocessing.feature_names, (std::vector<std::string>{"alcohol", "sugar", "acidity"}));
  EXPECT_EQ(saved.settings.at("optimizer").at("learning_rate"), 0.007);
  const auto kernel = expected.at("dense/kernel").get<std::vector<std::vector<double>>>();
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 4; ++j)
      EXPECT_EQ(saved.model.parameter("dense/kernel")(i, j), static_cast<float>(kernel[i][j]));
  }
  EXPECT_EQ(saved.model.parameter("dense_1/bias")(0, 0),
            static_cast<float>(expected.at("dense_1/bias")[0].get<double>()));
  const auto rows = expected.at("x").get<std::vector<std::vector<double>>>();
  Matrix x(static_cast<Index>(rows.size()), 3);
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index j = 0; j < 3; ++j) x(i, j) = static_cast<float>(rows[i][j]);
  }
  SavedModel copy = load_model(dir / "python_model.safetensors");
  const Matrix p = copy.model.predict(x);
  const auto want = expected.at("predictions").get<std::vector<double>>();
  for (Index i = 0; i < x.rows(); ++i) EXPECT_NEAR(p(i, 0), want[i], 2e-7) << i;
}

TEST(ModelFile, TruncatedFileNamesTheFile) {
  IoTempFolder dir("model_truncated");
  const std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  const auto path = dir.path / "cut.safetensors";
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    write_text_atomically(path, std::string_view(bytes).substr(0, size));
    const std::string message = model_error([&] { load_model(path); });
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_NE(model_error([&] { load_model(dir.path / "missing.safetensors"); }).find("missing.safetensors"),
            std::string::npos);
}

TEST(ModelFile, TamperedHeaderIsAnError) {
  std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  const auto at = bytes.find("\"F32\"");
  ASSERT_NE(at, std::string::npos);
  std::string f16 = bytes;
  f16.replace(at, 5, "\"F16\"");
  EXPECT_NE(model_error([&] { decode_model(f16, "m.safetensors"); }).find("F32"), std::string::npos);
  std::string renamed = bytes;
  renamed.replace(renamed.find("\"dense_1/bias\""), 14, "\"dense_9/bias\"");
  EXPECT_NE(model_error([&] { decode_model(renamed, "m.safetensors"); }).find("dense_1/bias"), std::string::npos);
  std::string appended = bytes + "xxxx";
  EXPECT_NE(model_error([&] { decode_model(appended, "m.safetensors"); }).find("trailing"), std::string::npos);
}

// Re-encode a model's tensors with edited metadata or shapes: valid safetensors, wrong model.
std::string reencode(const std::string& bytes, const std::function<void(SafetensorsFile&)>& edit) {
  SafetensorsFile file = decode_safetensors(bytes);
  edit(file);
  return encode_safetensors(file.tensors, file.metadata);
}

TEST(ModelFile, WrongShapeIsAnError) {
  const std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  const std::string transposed = reencode(bytes, [](SafetensorsFile& f) {
    for (auto& t : f.tensors) {
      if (t.name == "dense/kernel") std::swap(t.shape[0], t.shape[1]);  // (8, 5) instead of (5, 8)
    }
  });
  const std::string message = model_error([&] { decode_model(transposed, "m.safetensors"); });
  EXPECT_NE(message.find("shape [8, 5], expected [5, 8]"), std::string::npos) << message;
}

TEST(ModelFile, NonFiniteWeightsAreAnError) {
  const std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    const std::string damaged = reencode(bytes, [bad](SafetensorsFile& f) {
      for (auto& t : f.tensors) {
        if (t.name == "dense_1/kernel") t.values[7] = bad;
      }
    });
    const std::string message = model_error([&] { decode_model(damaged, "m.safetensors"); });
    EXPECT_NE(message.find(fmt::format("tensor \"dense_1/kernel\" holds {} at index 7", bad)), std::string::npos)
        << message;
  }
}

TEST(ModelFile, ForeignFilesAreRejected) {
  const std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  // A safetensors file from another program: no metadata.
  const std::string plain = reencode(bytes, [](SafetensorsFile& f) { f.metadata.clear(); });
  EXPECT_NE(model_error([&] { decode_model(plain, "m"); }).find("no __metadata__"), std::string::npos);
  // Another format name.
  const std::string other = reencode(bytes, [](SafetensorsFile& f) { f.metadata["format"] = "pt"; });
  EXPECT_NE(model_error([&] { decode_model(other, "m"); }).find("expected \"lrtune.model\""), std::string::npos);
  // A newer format version.
  const std::string newer = reencode(bytes, [](SafetensorsFile& f) { f.metadata["format_version"] = "2"; });
  EXPECT_NE(model_error([&] { decode_model(newer, "m"); }).find("version"), std::string::npos);
  // Another architecture's weights: the metadata of a wider model over these tensors.
  const std::string wider = encode_model(Sequential(5, {Dense(9, "relu"), Dense(1, "sigmoid")}),
                                         Loss::binary_crossentropy, sample_preprocessing());
  const std::string mixed =
      reencode(bytes, [&](SafetensorsFile& f) { f.metadata = decode_safetensors(wider).metadata; });
  EXPECT_NE(model_error([&] { decode_model(mixed, "m"); }).find("parameters"), std::string::npos);
  // Same parameter count, different layout: Dense(4)->Dense(1) on 5 inputs vs 4 tensors of other shapes.
  const std::string swapped = reencode(encode_model(Sequential(5, {Dense(4, "relu"), Dense(1, "sigmoid")}),
                                                    Loss::binary_crossentropy, sample_preprocessing()),
                                       [](SafetensorsFile& f) {
                                         auto arch = nlohmann::json::parse(f.metadata["architecture"]);
                                         arch["input_dim"] = 4;
                                         arch["layers"][0]["units"] = 5;
                                         arch["parameter_count"] = 4 * 5 + 5 + 5 + 1;
                                         f.metadata["architecture"] = arch.dump();
                                       });
  EXPECT_NE(model_error([&] { decode_model(swapped, "m"); }).find("parameters"), std::string::npos);
}

TEST(ModelFile, HostileArchitectureIsRejectedBeforeAllocating) {
  const std::string bytes = encode_model(sample_model(), Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  const auto with_arch = [&](const nlohmann::json& arch) {
    return reencode(bytes, [&](SafetensorsFile& f) { f.metadata["architecture"] = arch.dump(); });
  };
  const nlohmann::json huge = {
      {"input_dim", 1 << 24},
      {"layers",
       {{{"type", "dense"}, {"units", 1 << 24}, {"activation", "sigmoid"}, {"kernel_initializer", "zeros"}}}}};
  EXPECT_NE(model_error([&] { decode_model(with_arch(huge), "m"); }).find("more than"), std::string::npos);
  const nlohmann::json negative = {{"input_dim", -5}, {"layers", nlohmann::json::array()}};
  EXPECT_NE(model_error([&] { decode_model(with_arch(negative), "m"); }).find("input_dim"), std::string::npos);
  const nlohmann::json wrong_type = {{"input_dim", "5"}, {"layers", 3}};
  EXPECT_NE(model_error([&] { decode_model(with_arch(wrong_type), "m"); }).find("input_dim"), std::string::npos);
  const nlohmann::json bad_activation = {
      {"input_dim", 5},
      {"layers", {{{"type", "dense"}, {"units", 1}, {"activation", "swish!"}, {"kernel_initializer", "zeros"}}}}};
  EXPECT_NO_FATAL_FAILURE(model_error([&] { decode_model(with_arch(bad_activation), "m"); }));
  const std::string not_json = reencode(bytes, [](SafetensorsFile& f) { f.metadata["settings"] = "{oops"; });
  EXPECT_NE(model_error([&] { decode_model(not_json, "m"); }).find("settings"), std::string::npos);
  const std::string bad_loss = reencode(bytes, [](SafetensorsFile& f) { f.metadata["loss"] = "hinge"; });
  EXPECT_NO_FATAL_FAILURE(model_error([&] { decode_model(bad_loss, "m"); }));
  const std::string bad_pre =
      reencode(bytes, [](SafetensorsFile& f) { f.metadata["preprocessing"] = "{\"format\": 3}"; });
  EXPECT_NE(model_error([&] { decode_model(bad_pre, "m"); }).find("preprocessing"), std::string::npos);
}

TEST(ModelFile, RandomMutationsNeverCrash) {
  const std::string original = encode_model(Sequential(5, {Dense(2, "relu"), Dense(1, "sigmoid")}),
                                            Loss::binary_crossentropy, sample_preprocessing(), kSettings);
  std::mt19937 rng(99);
  int loaded = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bytes = original;
    const auto at = rng() % bytes.size();
    switch (rng() % 3) {
      case 0: bytes[at] = static_cast<char>(rng()); break;
      case 1: bytes.erase(at, 1 + rng() % 4); break;
      default: bytes.insert(at, 1, "{}[]\",:019e-"[rng() % 12]); break;
    }
    try {
      decode_model(bytes, "fuzz");
      ++loaded;  // e.g. a changed weight byte is still a valid model
    } catch (const ModelFileError&) {
    } catch (const std::exception& error) {
      ADD_FAILURE() << "trial " << trial << ": not a ModelFileError: " << error.what();
    }
  }
  EXPECT_GT(loaded, 0);
}

}  // namespace
}  // namespace lrtune
