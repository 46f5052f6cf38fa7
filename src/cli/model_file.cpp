// Interim JSON model files (see model_file.hpp).
#include "model_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

namespace lrtune::cli {
namespace {
constexpr const char* kFormat = "lrtune-model-json/1";
}

std::string model_file_text(const Sequential& model, const FittedPreprocessing& preprocessing,
                            const nlohmann::json& metadata) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerSpec& spec : model.layers()) {
    if (const auto* dense = std::get_if<Dense>(&spec)) {
      layers.push_back({{"type", "dense"}, {"units", dense->units}, {"activation", std::string(activation_name(dense->activation))}});
    } else {
      layers.push_back({{"type", "dropout"}, {"rate", std::get<Dropout>(spec).rate}});
    }
  }
  const auto params = model.parameters();
  nlohmann::json weights = nlohmann::json::array();
  for (float w : params) weights.push_back(w);
  nlohmann::json doc = {{"format", kFormat},
                        {"input_dim", model.input_dim()},
                        {"layers", layers},
                        {"parameters", weights},
                        {"preprocessing", preprocessing.to_json()},
                        {"metadata", metadata}};
  return doc.dump() + "\n";
}

LoadedModel load_model_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open the model file", path.string()));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(fmt::format("{}: not a model file: {}", path.string(), e.what()));
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat)
    throw std::runtime_error(fmt::format("{}: not an lrtune model file (expected format {})", path.string(), kFormat));
  try {
    std::vector<LayerSpec> layers;
    for (const auto& layer : doc.at("layers")) {
      if (layer.at("type") == "dense")
        layers.emplace_back(Dense(layer.at("units").get<Index>(), layer.at("activation").get<std::string>()));
      else
        layers.emplace_back(Dropout(layer.at("rate").get<double>()));
    }
    Sequential model(doc.at("input_dim").get<Index>(), std::move(layers));
    const auto weights = doc.at("parameters").get<std::vector<float>>();
    if (static_cast<Index>(weights.size()) != model.parameter_count())
      throw std::runtime_error(fmt::format("{} weights for {} parameters", weights.size(), model.parameter_count()));
    model.set_parameters(weights);
    return {std::move(model), FittedPreprocessing::from_json(doc.at("preprocessing")), doc.value("metadata", nlohmann::json::object())};
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: damaged model file: {}", path.string(), e.what()));
  }
}

}  // namespace lrtune::cli
