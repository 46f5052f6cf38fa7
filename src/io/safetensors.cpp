// safetensors for float32 tensors: the encoder writes the header our way (metadata first, tensors
// in the caller's order, packed); the decoder trusts nothing: every length, offset, type and key
// is checked before it is used. Model meaning is model_file's.
#include "lrtune/io/safetensors.hpp"

#include "json_depth.hpp"
#include "lrtune/core/error.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace lrtune {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; add byte swaps");
static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "F32 must be IEEE 754 binary32");

namespace {

constexpr std::string_view kMetadataKey = "__metadata__";

[[noreturn]] void fail(std::string_view source, std::string_view what) {
  throw SafetensorsError(fmt::format("{}: not a valid safetensors file: {}", source, what));
}

// Element count of a shape, or nullopt on overflow past `limit`.
std::optional<std::uint64_t> element_count(const std::vector<std::int64_t>& shape, std::uint64_t limit) {
  std::uint64_t count = 1;
  for (const auto extent : shape) {
    if (extent < 0) return std::nullopt;
    const auto e = static_cast<std::uint64_t>(extent);
    if (e != 0 && count > limit / e) return std::nullopt;
    count *= e;
  }
  return count;
}

std::string shape_text(const std::vector<std::int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

// decode_safetensors' checks, in the order it makes them.

// N, the header's byte count: the first 8 bytes, little-endian; within the cap and the file.
std::uint64_t header_length(std::string_view bytes, std::string_view source) {
  if (bytes.size() < 8) {
    fail(source, fmt::format("it has {} bytes, expected at least 8 (the header length)", bytes.size()));
  }
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  if (n > kSafetensorsMaxHeaderBytes) {
    fail(source, fmt::format("header length {} exceeds the {} byte cap", n, kSafetensorsMaxHeaderBytes));
  }
  if (n > bytes.size() - 8) {
    fail(source, fmt::format("header length {} but only {} bytes follow (truncated file?)", n, bytes.size() - 8));
  }
  if (n < 2) fail(source, fmt::format("header length {} is too short for a JSON object", n));
  return n;
}

// The header as a JSON object, nested no deeper than the cap, with no key twice at any level.
nlohmann::json parse_header(std::string_view header_text, std::string_view source) {
  if (header_text.front() != '{') fail(source, "header does not start with '{'");
  if (detail::json_nesting_depth(header_text) > kSafetensorsMaxJsonDepth) {
    fail(source, fmt::format("header JSON nests deeper than {} levels", kSafetensorsMaxJsonDepth));
  }
  // Parse, rejecting duplicate keys (nlohmann would keep the last one silently).
  std::set<std::string> seen_keys;
  std::string top_key;
  std::string duplicate;
  const nlohmann::json::parser_callback_t on_event = [&](int depth, nlohmann::json::parse_event_t event,
                                                         nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && parsed.is_string() && duplicate.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (depth == 1) top_key = key;
      const std::string scoped = depth == 1 ? key : fmt::format("{}\x1f{}\x1f{}", depth, top_key, key);
      if (!seen_keys.insert(scoped).second) duplicate = depth == 1 ? key : top_key + "." + key;
    }
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_text.begin(), header_text.end(), on_event);
  } catch (const nlohmann::json::exception& error) {
    fail(source, fmt::format("header is not valid JSON ({})", error.what()));
  }
  if (!duplicate.empty()) fail(source, fmt::format("duplicate key '{}' in the header", duplicate));
  if (!header.is_object()) fail(source, "header is not a JSON object");
  return header;
}

// "__metadata__": an object of strings.
void read_metadata(const nlohmann::json& value, std::string_view source, std::map<std::string, std::string>& metadata) {
  if (!value.is_object()) fail(source, "__metadata__ is not an object of strings");
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) fail(source, fmt::format("__metadata__ value '{}' is not a string", key));
    metadata.emplace(key, text.get<std::string>());
  }
}

// A tensor's entry has exactly the keys dtype, shape and data_offsets, and dtype is "F32".
void check_tensor_keys(const std::string& name, const nlohmann::json& value, std::string_view source) {
  if (name.empty()) fail(source, "a tensor has an empty name");
  if (!value.is_object())
    fail(source, fmt::format("tensor '{}': expected an object with dtype, shape, data_offsets", name));
  for (const auto& [key, unused] : value.items()) {
    (void)unused;
    if (key != "dtype" && key != "shape" && key != "data_offsets") {
      fail(source, fmt::format("tensor '{}' has unexpected key '{}' (expected dtype, shape, data_offsets)", name, key));
    }
  }
  if (!value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets")) {
    fail(source, fmt::format("tensor '{}' lacks dtype, shape or data_offsets", name));
  }
  const auto& dtype = value["dtype"];
  if (!dtype.is_string() || dtype.get<std::string>() != "F32") {
    fail(source, fmt::format("tensor '{}' has dtype {}, expected \"F32\"", name, dtype.dump()));
  }
}

// "shape": at most 8 extents, each a non-negative integer that fits int64.
std::vector<std::int64_t> read_shape(const std::string& name, const nlohmann::json& shape_json,
                                     std::string_view source) {
  if (!shape_json.is_array() || shape_json.size() > 8) {
    fail(source, fmt::format("tensor '{}': shape must be an array of at most 8 non-negative integers", name));
  }
  std::vector<std::int64_t> shape;
  for (const auto& extent : shape_json) {
    if (!extent.is_number_unsigned() ||
        extent.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(source,
           fmt::format("tensor '{}': shape {} is not an array of non-negative integers", name, shape_json.dump()));
    }
    shape.push_back(static_cast<std::int64_t>(extent.get<std::uint64_t>()));
  }
  return shape;
}

// Where one tensor's bytes lie in the data section; `tensor` is its place in file.tensors.
struct Entry {
  std::uint64_t begin, end;
  std::size_t tensor;
};

// "data_offsets": [begin, end] inside the data section, holding exactly the shape's float32s.
Entry read_data_offsets(const SafetensorsTensor& tensor, const nlohmann::json& value, std::uint64_t data_size,
                        std::string_view source) {
  const std::string& name = tensor.name;
  const auto& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(source, fmt::format("tensor '{}': data_offsets {} is not [begin, end] of non-negative integers", name,
                             offsets.dump()));
  }
  const auto begin = offsets[0].get<std::uint64_t>();
  const auto end = offsets[1].get<std::uint64_t>();
  if (begin > end || end > data_size) {
    fail(source, fmt::format("tensor '{}': data_offsets [{}, {}] outside the {} byte data section", name, begin, end,
                             data_size));
  }
  const auto count = element_count(tensor.shape, data_size / 4 + 1);
  if (!count || *count * 4 != end - begin) {
    fail(source, fmt::format("tensor '{}': shape {} needs {} bytes but data_offsets [{}, {}] hold {}", name,
                             value["shape"].dump(), count ? fmt::format("{}", *count * 4) : std::string("too many"),
                             begin, end, end - begin));
  }
  return {begin, end, 0};
}

// The data section must be covered exactly: sorted by offset (which `entries` is afterwards),
// each tensor starts where the previous ended, the last ends at the end of the file.
void check_coverage(std::vector<Entry>& entries, const std::vector<SafetensorsTensor>& tensors, std::uint64_t data_size,
                    std::string_view source) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::uint64_t expected = 0;
  for (const auto& e : entries) {
    const auto& name = tensors[e.tensor].name;
    if (e.begin < expected) fail(source, fmt::format("tensor '{}' overlaps the previous tensor's data", name));
    if (e.begin > expected) {
      fail(source, fmt::format("gap of {} bytes in the data before tensor '{}'", e.begin - expected, name));
    }
    expected = e.end;
  }
  if (expected != data_size) {
    fail(source, fmt::format("{} trailing bytes after the last tensor (data section {} bytes, tensors cover {})",
                             data_size - expected, data_size, expected));
  }
}

// The tensors in data order (the sorted entries), each with its values copied out of `data`.
std::vector<SafetensorsTensor> copy_values(const std::vector<Entry>& entries, std::vector<SafetensorsTensor>& tensors,
                                           std::string_view data) {
  std::vector<SafetensorsTensor> ordered;
  ordered.reserve(entries.size());
  for (const auto& e : entries) {
    auto& t = tensors[e.tensor];
    t.values.resize(static_cast<std::size_t>((e.end - e.begin) / 4));
    if (!t.values.empty())
      std::memcpy(t.values.data(), data.data() + e.begin, static_cast<std::size_t>(e.end - e.begin));
    ordered.push_back(std::move(t));
  }
  return ordered;
}

}  // namespace

const SafetensorsTensor* SafetensorsFile::find(std::string_view name) const {
  for (const auto& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string encode_safetensors(const std::vector<SafetensorsTensor>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    auto& m = header[std::string(kMetadataKey)];
    m = nlohmann::ordered_json::object();
    for (const auto& [key, value] : metadata) m[key] = value;
  }
  std::set<std::string_view> names;
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (t.name.empty() || t.name == kMetadataKey) {
      throw UsageError(fmt::format("safetensors: invalid tensor name '{}'", t.name));
    }
    if (!names.insert(t.name).second) {
      throw UsageError(fmt::format("safetensors: duplicate tensor name '{}'", t.name));
    }
    const auto count = element_count(t.shape, std::numeric_limits<std::uint64_t>::max() / 4);
    if (!count || *count != t.values.size()) {
      throw UsageError(fmt::format("safetensors: tensor '{}' has {} values but shape {}", t.name, t.values.size(),
                                   shape_text(t.shape)));
    }
    const std::uint64_t bytes = *count * 4;
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const std::uint64_t n = header_text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header_text;
  for (const auto& t : tensors) {
    out.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
  }
  return out;
}

SafetensorsFile decode_safetensors(std::string_view bytes, std::string_view source) {
  const std::uint64_t n = header_length(bytes, source);
  const nlohmann::json header = parse_header(bytes.substr(8, static_cast<std::size_t>(n)), source);
  const std::uint64_t data_size = bytes.size() - 8 - n;
  const std::string_view data = bytes.substr(static_cast<std::size_t>(8 + n));

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      read_metadata(value, source, file.metadata);
      continue;
    }
    check_tensor_keys(name, value, source);
    SafetensorsTensor tensor;
    tensor.name = name;
    tensor.shape = read_shape(name, value["shape"], source);
    Entry entry = read_data_offsets(tensor, value, data_size, source);
    entry.tensor = file.tensors.size();
    entries.push_back(entry);
    file.tensors.push_back(std::move(tensor));
  }
  check_coverage(entries, file.tensors, data_size, source);
  file.tensors = copy_values(entries, file.tensors, data);
  return file;
}

}  // namespace lrtune
