// Model files: a trained Sequential with its loss, fitted preprocessing and training settings in
// one safetensors file (weights as F32 tensors named "dense/kernel", "dense/bias", ...; everything
// else as JSON strings in "__metadata__"); layout in docs/model-file.md. Training is train's job.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lrtune/core/limits.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/io/error.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune {

inline constexpr std::string_view kModelFormatName = "lrtune.model";  // metadata "format"
inline constexpr int kModelFormatVersion = 1;                         // metadata "format_version"
// Caps applied to the architecture read from a file, before anything is allocated: the model
// limits of core/limits.hpp, which Sequential and the command line enforce too, so every model
// lrtune trains and saves loads back.
inline constexpr std::int64_t kModelMaxLayers = limits::kMaxLayers;
inline constexpr std::int64_t kModelMaxWidth = limits::kMaxWidth;            // input dim and units
inline constexpr std::int64_t kModelMaxParameters = limits::kMaxParameters;  // 8 GiB of float32

struct SavedModel {
  Sequential model;  // weights loaded; dropout RNG seeded with 0
  Loss loss = Loss::binary_crossentropy;
  FittedPreprocessing preprocessing;  // turns a raw table with the training columns into inputs
  nlohmann::json settings;            // what the caller saved (optimizer config, epochs, seeds, ...)
  std::string lrtune_version;         // the version that wrote the file
};

// The architecture as stored in the metadata: {"input_dim": 12, "layers": [{"type": "dense",
// "name": "dense", "units": 128, "activation": "relu", "kernel_initializer": "glorot_uniform"},
// {"type": "dropout", "name": "dropout", "rate": 0.2}, ...], "parameter_count": N}.
nlohmann::json architecture_to_json(const Sequential& model);
// Rebuilds an (initialised, seed 0) model from that JSON, validating types, ranges and caps;
// throws UsageError naming the bad field.
Sequential architecture_from_json(const nlohmann::json& architecture);

// The metadata save_model writes (every value a string; JSON values dumped compactly):
// format, format_version, lrtune_version, architecture, loss, preprocessing, settings.
std::map<std::string, std::string> model_metadata(const Sequential& model, Loss loss,
                                                  const FittedPreprocessing& preprocessing,
                                                  const nlohmann::json& settings);

// The model file's bytes (what save_model writes). Throws UsageError when settings is
// not a JSON object or the parts disagree as load_model would find (the loss vs the output
// activation and the target's kind, the preprocessing's feature count vs the input width, the
// output units vs the target's classes).
std::string encode_model(const Sequential& model, Loss loss, const FittedPreprocessing& preprocessing,
                         const nlohmann::json& settings = nlohmann::json::object());

// Writes the model file atomically, after check_loads_back: a model that would not load back is
// a ModelFileError and no file. settings: a JSON object the caller chooses, e.g.
// {"optimizer": optimizer.config(), "epochs": 100, "batch_size": 32, "seed": 0, "learning_rate": 0.007}.
void save_model(const std::filesystem::path& path, const Sequential& model, Loss loss,
                const FittedPreprocessing& preprocessing, const nlohmann::json& settings = nlohmann::json::object());

// Decodes `bytes` (what encode_model gave for these parts) with decode_model and compares what
// loaded with the parts: loss, layers, every weight bit, the preprocessing's JSON (settings are
// the caller's and not compared). Throws ModelFileError "<path>: ... (the model was not written:
// lrtune could not load it back)" otherwise, e.g. for a NaN that JSON stores as null.
void check_loads_back(std::string_view bytes, const Sequential& model, Loss loss,
                      const FittedPreprocessing& preprocessing, std::string_view path);

// Reads and validates a model file: the safetensors rules (decode_safetensors), format name and
// version, architecture, exactly one tensor per parameter block with the block's name and shape,
// loss vs output activation, the preprocessing (FittedPreprocessing::from_json's rules), that it
// makes exactly the input width's features, that the loss and output units fit its target, and
// the settings JSON. Throws ModelFileError with a
// one-line message naming the file, what is wrong and what was expected; never crashes on a
// truncated or tampered file.
SavedModel load_model(const std::filesystem::path& path);
// The same from bytes; `source` names the file in messages.
SavedModel decode_model(std::string_view bytes, std::string_view source = "<memory>");

}  // namespace lrtune
