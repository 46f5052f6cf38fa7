// Tampering with a model file's metadata for the bad-input tests: the metadata JSON values are
// edited as JSON, then the file is framed again (header length, padding, tensor offsets), so the
// case reaches the metadata checks instead of failing the safetensors framing. Byte-level edits
// of the same length are test_bad_input.cpp's replace_once.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "lrtune/io/safetensors.hpp"

namespace lrtune::testing {

// The metadata map with its JSON-valued entries parsed, e.g. m["preprocessing"]["scaler"]["scale"][0].
// After the edit every entry that is not a string is dumped; a string is written as it is (set
// one to raw text, such as "1e999", that a json value cannot hold).
inline std::string edit_model_metadata(const std::string& bytes, const std::function<void(nlohmann::json&)>& edit) {
  SafetensorsFile file = decode_safetensors(bytes, "the model to edit");
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [key, value] : file.metadata) {
    const bool is_json = key == "architecture" || key == "preprocessing" || key == "settings";
    m[key] = is_json ? nlohmann::json::parse(value) : nlohmann::json(value);
  }
  edit(m);
  file.metadata.clear();
  for (const auto& [key, value] : m.items())
    file.metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
  return encode_safetensors(file.tensors, file.metadata);
}

// The preprocessing's JSON text with the first `from` replaced by `to` (for numbers JSON values
// cannot hold, such as 1e999).
inline void replace_in_preprocessing(nlohmann::json& m, const std::string& from, const std::string& to) {
  std::string text = m["preprocessing"].is_string() ? m["preprocessing"].get<std::string>() : m["preprocessing"].dump();
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  m["preprocessing"] = text;
}

// The same as a byte edit, for test_bad_input.cpp's tampered().
inline std::function<void(std::string&)> metadata_edit(std::function<void(nlohmann::json&)> edit) {
  return [edit = std::move(edit)](std::string& bytes) { bytes = edit_model_metadata(bytes, edit); };
}

}  // namespace lrtune::testing
