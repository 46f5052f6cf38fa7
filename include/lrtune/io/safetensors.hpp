// A small safetensors encoder/decoder for float32 tensors (https://huggingface.co/docs/safetensors):
// 8-byte little-endian header length N, N bytes of JSON header, then the raw little-endian data.
// Every offset and length is checked before use, so a hostile file gives SafetensorsError, never
// a crash. What the tensors mean (a model) is model_file's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/io/error.hpp"

namespace lrtune {

// Largest header we read (the reference implementation's cap is 100 MB as well).
inline constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;
// Deepest JSON nesting accepted in the header (ours is 3 deep; metadata values are strings).
inline constexpr int kSafetensorsMaxJsonDepth = 16;

// One F32 tensor in row-major (C) order: values.size() == product(shape) (1 for shape {}).
struct SafetensorsTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;
  bool operator==(const SafetensorsTensor&) const = default;
};

struct SafetensorsFile {
  std::vector<SafetensorsTensor> tensors;                      // in data order (ascending data_offsets)
  std::map<std::string, std::string> metadata;                 // "__metadata__"; empty when absent
  const SafetensorsTensor* find(std::string_view name) const;  // nullptr when absent
};

// The file bytes: header {"__metadata__": {...}, name: {"dtype": "F32", "shape": [...],
// "data_offsets": [begin, end]}, ...} with tensors in the given order, packed back to back
// (offsets relative to the data section), the header padded with spaces to a multiple of 8.
// Throws UsageError on an empty or duplicate name, "__metadata__" as a tensor name,
// or values.size() != product(shape).
std::string encode_safetensors(const std::vector<SafetensorsTensor>& tensors,
                               const std::map<std::string, std::string>& metadata);

// Parses and validates file bytes. `source` names the file in messages. Checks: at least 8
// bytes; N <= kSafetensorsMaxHeaderBytes and N <= size - 8; header is UTF-8 JSON starting with
// '{' (trailing spaces allowed), nesting <= kSafetensorsMaxJsonDepth, no duplicate keys; each
// tensor has exactly dtype/shape/data_offsets, dtype "F32", non-negative integer shape whose
// element count times 4 equals end - begin (no overflow); offsets in bounds; tensors sorted by
// offset cover the data section without gap or overlap and with no trailing bytes;
// "__metadata__" maps strings to strings. Throws SafetensorsError (an IoError) on any violation.
class SafetensorsError : public ModelFileError {
 public:
  using ModelFileError::ModelFileError;
};
SafetensorsFile decode_safetensors(std::string_view bytes, std::string_view source = "<memory>");

}  // namespace lrtune
