// The model file the CLI writes after training and evaluate/predict read: architecture,
// weights, the fitted preprocessing and the training settings, as one JSON document.
// Stop-gap until io's save_model/load_model (safetensors + metadata) lands; then this file
// becomes two calls into io.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lrtune/data/preprocessing.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune::cli {

struct LoadedModel {
  Sequential model;
  FittedPreprocessing preprocessing;
  nlohmann::json metadata;  // settings, learning rate, test metrics
};

// The JSON text of a model file (weights as exact float decimal strings of JSON numbers).
std::string model_file_text(const Sequential& model, const FittedPreprocessing& preprocessing,
                            const nlohmann::json& metadata);
// Throws std::runtime_error naming the file and what is wrong with it.
LoadedModel load_model_file(const std::filesystem::path& path);

}  // namespace lrtune::cli
