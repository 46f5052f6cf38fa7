// Model files: Sequential weights as safetensors F32 tensors (one per parameter block, Keras
// names), architecture/loss/preprocessing/settings as JSON strings in "__metadata__". The loader
// validates everything against the architecture before it allocates or copies anything.
#include "lrtune/io/model_file.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "json_depth.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/safetensors.hpp"

#ifndef LRTUNE_VERSION
#define LRTUNE_VERSION "unknown"
#endif

namespace lrtune {
namespace {

// Metadata JSON values are deeper than the safetensors header (the preprocessing holds the
// target rule, encoders, scalers), but nothing of ours comes near this.
constexpr int kMaxMetadataJsonDepth = 64;

// A model's architecture read from JSON, checked but not yet built.
struct ArchitectureSpec {
  Index input_dim = 0;
  std::vector<LayerSpec> layers;
  std::int64_t parameter_count = 0;
};

const nlohmann::json& field(const nlohmann::json& object, std::string_view key, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end()) throw UsageError(fmt::format("{} lacks \"{}\"", where, key));
  return *it;
}

std::int64_t positive_integer(const nlohmann::json& object, std::string_view key, std::string_view where,
                              std::int64_t max) {
  const auto& v = field(object, key, where);
  // Parsed text gives unsigned integers, a json built in memory signed ones: accept both.
  const bool ok =
      (v.is_number_unsigned() && v.get<std::uint64_t>() >= 1 &&
       v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)) ||
      (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() >= 1 && v.get<std::int64_t>() <= max);
  if (!ok) {
    throw UsageError(fmt::format("{} \"{}\" is {}, expected an integer in [1, {}]", where, key, v.dump(), max));
  }
  return v.is_number_unsigned() ? static_cast<std::int64_t>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
}

std::string string_field(const nlohmann::json& object, std::string_view key, std::string_view where) {
  const auto& v = field(object, key, where);
  if (!v.is_string()) throw UsageError(fmt::format("{} \"{}\" is {}, expected a string", where, key, v.dump()));
  return v.get<std::string>();
}

ArchitectureSpec parse_architecture(const nlohmann::json& j) {
  if (!j.is_object()) throw UsageError("architecture is not a JSON object");
  ArchitectureSpec spec;
  spec.input_dim = positive_integer(j, "input_dim", "architecture", kModelMaxWidth);
  const auto& layers = field(j, "layers", "architecture");
  if (!layers.is_array() || layers.empty() || layers.size() > static_cast<std::size_t>(kModelMaxLayers)) {
    throw UsageError(fmt::format("architecture \"layers\" must be an array of 1 to {} layers", kModelMaxLayers));
  }
  std::int64_t width = spec.input_dim;
  std::int64_t count = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& layer = layers[i];
    const std::string where = fmt::format("architecture layer {}", i);
    if (!layer.is_object()) throw UsageError(where + " is not a JSON object");
    const std::string type = string_field(layer, "type", where);
    if (type == "dense") {
      const std::int64_t units = positive_integer(layer, "units", where, kModelMaxWidth);
      Dense dense(units, string_field(layer, "activation", where), string_field(layer, "kernel_initializer", where));
      count += width * units + units;  // at most 2^48 + 2^24 per layer, 1024 layers: no overflow
      if (count > kModelMaxParameters) {
        throw UsageError(fmt::format("architecture has more than {} parameters", kModelMaxParameters));
      }
      width = units;
      spec.layers.emplace_back(dense);
    } else if (type == "dropout") {
      const auto& rate = field(layer, "rate", where);
      if (!rate.is_number()) throw UsageError(where + " \"rate\" is not a number");
      spec.layers.emplace_back(Dropout(rate.get<double>()));
    } else {
      throw UsageError(fmt::format("{} has type \"{}\", expected \"dense\" or \"dropout\"", where, type));
    }
  }
  spec.parameter_count = count;
  if (const auto it = j.find("parameter_count"); it != j.end()) {
    const bool equal = it->is_number_unsigned() ? it->get<std::uint64_t>() == static_cast<std::uint64_t>(count)
                                                : it->is_number_integer() && it->get<std::int64_t>() == count;
    if (!equal) {
      throw UsageError(fmt::format("architecture \"parameter_count\" is {} but its layers have {}", it->dump(), count));
    }
  }
  return spec;
}

nlohmann::json parse_metadata_json(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) throw UsageError(fmt::format("metadata lacks \"{}\"", key));
  if (detail::json_nesting_depth(it->second) > kMaxMetadataJsonDepth) {
    throw UsageError(fmt::format("metadata \"{}\" nests deeper than {} levels", key, kMaxMetadataJsonDepth));
  }
  try {
    return nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& error) {  // parse_error, or out_of_range for 1e999
    throw UsageError(fmt::format("metadata \"{}\" is not valid JSON ({})", key, error.what()));
  }
}

const std::string& metadata_string(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) throw UsageError(fmt::format("metadata lacks \"{}\"", key));
  return it->second;
}

// What the loss and the target need of each other and of the network: the preprocessing makes
// exactly the features the first layer reads; the loss is the target's (binary: BCE; multiclass:
// CCE; regression: MSE, MAE or huber, which check_loss_output has already tied to a linear
// output); the output layer has one unit per class of a multiclass target, one otherwise.
// Throws UsageError naming both sides.
void check_parts_agree(const Sequential& model, Loss loss, const FittedPreprocessing& preprocessing) {
  check_loss_output(loss, model.output_activation());
  const auto features = static_cast<Index>(preprocessing.feature_names.size());
  if (features != model.input_dim()) {
    throw UsageError(
        fmt::format("the preprocessing makes {} features but the model reads {} "
                    "(architecture \"input_dim\")",
                    features, model.input_dim()));
  }
  const TargetKind kind = preprocessing.target_rule.kind;
  const bool loss_fits =
      kind == TargetKind::binary ? loss == Loss::binary_crossentropy
      : kind == TargetKind::multiclass
          ? loss == Loss::categorical_crossentropy
          : loss == Loss::mean_squared_error || loss == Loss::mean_absolute_error || loss == Loss::huber;
  if (!loss_fits) {
    throw UsageError(fmt::format(
        "loss \"{}\" does not fit the preprocessing's {} target; expected {}", loss_name(loss), target_kind_name(kind),
        kind == TargetKind::binary       ? "binary_crossentropy"
        : kind == TargetKind::multiclass ? "categorical_crossentropy"
                                         : "mean_squared_error, mean_absolute_error or huber"));
  }
  const Index outputs = kind == TargetKind::multiclass ? static_cast<Index>(preprocessing.target_classes.size()) : 1;
  if (model.output_dim() != outputs) {
    throw UsageError(
        fmt::format("the model's last layer has {} units but the preprocessing's {} target "
                    "needs {}",
                    model.output_dim(), target_kind_name(kind), outputs));
  }
}

// A ModelFileError is one line whatever the file holds: control characters in the names and
// values that messages echo (a layer type "dense\n...", an activation) are written as \xNN.
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? fmt::format("\\x{:02x}", byte) : std::string(1, c);
  }
  return out;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// decode_model's checks, in the order it makes them. Each throws the ModelFileError below or a
// UsageError (the helpers above, shared with architecture_from_json and model_metadata, where a
// bad argument is the caller's) that decode_model turns into the same ModelFileError.

ModelFileError unusable(std::string_view source, std::string_view what) {
  return ModelFileError(one_line(fmt::format("{}: not a usable lrtune model file: {}", source, what)));
}

// The metadata says the file is an lrtune model of the format version this lrtune reads.
void check_format(const std::map<std::string, std::string>& md, std::string_view source) {
  if (md.empty()) throw unusable(source, "it has no __metadata__ (a safetensors file from another program?)");
  const auto format = md.find("format");
  if (format == md.end() || format->second != kModelFormatName) {
    throw unusable(source, fmt::format("metadata \"format\" is {}, expected \"{}\"",
                                       format == md.end() ? std::string("absent") : "\"" + format->second + "\"",
                                       kModelFormatName));
  }
  const std::string& version = metadata_string(md, "format_version");
  if (version != std::to_string(kModelFormatVersion)) {
    throw unusable(source,
                   fmt::format("format version \"{}\", this lrtune reads version {}", version, kModelFormatVersion));
  }
}

// The tensors hold as many values as the architecture has parameters, a kernel and a bias per
// Dense layer: compared before the model is built (allocated).
void check_tensor_totals(const SafetensorsFile& file, const ArchitectureSpec& spec, std::string_view source) {
  std::uint64_t file_values = 0;
  for (const auto& t : file.tensors) file_values += t.values.size();
  if (file_values != static_cast<std::uint64_t>(spec.parameter_count)) {
    throw unusable(source, fmt::format("the architecture has {} parameters but the tensors hold {}",
                                       spec.parameter_count, file_values));
  }
  const auto dense_layers = std::count_if(spec.layers.begin(), spec.layers.end(),
                                          [](const LayerSpec& l) { return std::holds_alternative<Dense>(l); });
  if (file.tensors.size() != 2 * static_cast<std::size_t>(dense_layers)) {
    throw unusable(source,
                   fmt::format("{} tensors, expected a kernel and a bias per Dense layer", file.tensors.size()));
  }
}

// The model's parameters in its flat layout: one tensor per block, by name, of the block's
// shape, every value finite.
std::vector<float> read_parameters(const SafetensorsFile& file, const Sequential& model, std::string_view source) {
  std::vector<float> params(static_cast<std::size_t>(model.parameter_count()));
  for (const auto& block : model.layout().blocks()) {
    const SafetensorsTensor* t = file.find(block.name);
    if (t == nullptr) throw unusable(source, fmt::format("tensor \"{}\" is missing", block.name));
    const std::vector<std::int64_t> expected(block.shape.begin(), block.shape.end());
    if (t->shape != expected) {
      throw unusable(source, fmt::format("tensor \"{}\" has shape {}, expected {}", block.name, shape_text(t->shape),
                                         shape_text(expected)));
    }
    // A flipped bit in a weight's exponent shows as inf or NaN; such a model predicts nothing useful.
    if (const auto bad = std::find_if(t->values.begin(), t->values.end(), [](float v) { return !std::isfinite(v); });
        bad != t->values.end()) {
      throw unusable(source, fmt::format("tensor \"{}\" holds {} at index {} (a damaged file, or weights saved after "
                                         "the training diverged)",
                                         block.name, *bad, bad - t->values.begin()));
    }
    std::copy(t->values.begin(), t->values.end(), params.begin() + block.offset);
  }
  return params;
}

// Metadata "preprocessing" as a fitted preprocessing.
FittedPreprocessing read_preprocessing(const std::map<std::string, std::string>& md, std::string_view source) {
  const nlohmann::json preprocessing_json = parse_metadata_json(md, "preprocessing");
  try {
    return FittedPreprocessing::from_json(preprocessing_json);
  } catch (const std::exception& error) {
    throw unusable(source, fmt::format("metadata \"preprocessing\" is not a fitted preprocessing ({})", error.what()));
  }
}

}  // namespace

nlohmann::json architecture_to_json(const Sequential& model) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < model.layers().size(); ++i) {
    const auto& name = model.layer_names()[i];
    std::visit(
        [&](const auto& spec) {
          using Spec = std::decay_t<decltype(spec)>;
          if constexpr (std::is_same_v<Spec, Dense>) {
            layers.push_back({{"type", "dense"},
                              {"name", name},
                              {"units", spec.units},
                              {"activation", std::string(activation_name(spec.activation))},
                              {"kernel_initializer", std::string(initializer_name(spec.kernel_initializer))}});
          } else {
            layers.push_back({{"type", "dropout"}, {"name", name}, {"rate", spec.rate}});
          }
        },
        model.layers()[i]);
  }
  return {{"input_dim", model.input_dim()}, {"layers", layers}, {"parameter_count", model.parameter_count()}};
}

Sequential architecture_from_json(const nlohmann::json& architecture) {
  ArchitectureSpec spec = parse_architecture(architecture);
  return Sequential(spec.input_dim, std::move(spec.layers), 0);
}

std::map<std::string, std::string> model_metadata(const Sequential& model, Loss loss,
                                                  const FittedPreprocessing& preprocessing,
                                                  const nlohmann::json& settings) {
  if (!settings.is_object()) {
    throw UsageError(fmt::format("model settings must be a JSON object, got {}", settings.type_name()));
  }
  check_parts_agree(model, loss, preprocessing);
  const auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return {{"format", std::string(kModelFormatName)},
          {"format_version", std::to_string(kModelFormatVersion)},
          {"lrtune_version", LRTUNE_VERSION},
          {"architecture", dump(architecture_to_json(model))},
          {"loss", std::string(loss_name(loss))},
          {"preprocessing", dump(preprocessing.to_json())},
          {"settings", dump(settings)}};
}

std::string encode_model(const Sequential& model, Loss loss, const FittedPreprocessing& preprocessing,
                         const nlohmann::json& settings) {
  auto metadata = model_metadata(model, loss, preprocessing, settings);
  std::vector<SafetensorsTensor> tensors;
  const auto params = model.parameters();
  for (const auto& block : model.layout().blocks()) {
    SafetensorsTensor t;
    t.name = block.name;
    t.shape.assign(block.shape.begin(), block.shape.end());
    const auto begin = params.begin() + block.offset;
    t.values.assign(begin, begin + block.size());
    tensors.push_back(std::move(t));
  }
  return encode_safetensors(tensors, metadata);
}

void save_model(const std::filesystem::path& path, const Sequential& model, Loss loss,
                const FittedPreprocessing& preprocessing, const nlohmann::json& settings) {
  const std::string bytes = encode_model(model, loss, preprocessing, settings);
  check_loads_back(bytes, model, loss, preprocessing, path.string());
  write_text_atomically(path, bytes);
}

void check_loads_back(std::string_view bytes, const Sequential& model, Loss loss,
                      const FittedPreprocessing& preprocessing, std::string_view path) {
  std::optional<SavedModel> back;  // Sequential has no empty state
  try {
    back.emplace(decode_model(bytes, path));
  } catch (const ModelFileError& error) {
    throw ModelFileError(fmt::format("{} (the model was not written: lrtune could not load it back)", error.what()));
  }
  // Values JSON cannot carry (NaN, text that is not UTF-8) would load as something else.
  const auto differs = [&](std::string_view what) {
    return ModelFileError(
        fmt::format("{}: not written: {} would differ once loaded back (a value JSON cannot carry, "
                    "such as NaN or text that is not UTF-8?)",
                    path, what));
  };
  if (back->loss != loss) throw differs("the loss");
  if (back->model.layers() != model.layers()) throw differs("the architecture");
  const auto params = model.parameters();
  const auto loaded = back->model.parameters();
  if (!std::equal(params.begin(), params.end(), loaded.begin(), loaded.end())) throw differs("a weight");
  if (back->preprocessing.to_json() != preprocessing.to_json()) throw differs("the preprocessing");
}

SavedModel decode_model(std::string_view bytes, std::string_view source) {
  SafetensorsFile file;
  try {
    file = decode_safetensors(bytes, source);
  } catch (const SafetensorsError& error) {  // it names the source; a tensor name may hold a line break
    throw SafetensorsError(one_line(error.what()));
  }
  try {
    const auto& md = file.metadata;
    check_format(md, source);
    const ArchitectureSpec spec = parse_architecture(parse_metadata_json(md, "architecture"));
    check_tensor_totals(file, spec, source);
    Sequential model(spec.input_dim, spec.layers, 0);

    const Loss loss = loss_from_name(metadata_string(md, "loss"));
    check_loss_output(loss, model.output_activation());
    model.set_parameters(read_parameters(file, model, source));

    FittedPreprocessing preprocessing = read_preprocessing(md, source);
    check_parts_agree(model, loss, preprocessing);
    nlohmann::json settings = parse_metadata_json(md, "settings");
    if (!settings.is_object()) throw unusable(source, "metadata \"settings\" is not a JSON object");
    const auto version_it = md.find("lrtune_version");
    return SavedModel{std::move(model), loss, std::move(preprocessing), std::move(settings),
                      version_it == md.end() ? std::string() : version_it->second};
  } catch (const ModelFileError&) {
    throw;
  } catch (const std::exception& error) {
    throw unusable(source, error.what());
  }
}

SavedModel load_model(const std::filesystem::path& path) {
  // The file cap is the parameter cap plus the header cap; read_file checks it before allocating.
  const std::uint64_t cap = static_cast<std::uint64_t>(kModelMaxParameters) * 4 + kSafetensorsMaxHeaderBytes + 8;
  std::string bytes;
  try {
    bytes = read_file(path, cap);
  } catch (const IoError& error) {
    throw ModelFileError(error.what());
  }
  return decode_model(bytes, path.string());
}

}  // namespace lrtune
