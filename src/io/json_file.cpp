// The generic JSON file writer and a capped reader; result types bring their own to_json.
#include "lrtune/io/json_file.hpp"

#include <fmt/format.h>

#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/error.hpp"

namespace lrtune {

void write_json(const std::filesystem::path& path, const nlohmann::json& json, int indent) {
  std::string text = json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  write_text_atomically(path, text);
}

nlohmann::json read_json(const std::filesystem::path& path, std::uint64_t max_bytes) {
  const std::string text = read_file(path, max_bytes);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw IoError(fmt::format("cannot read {}: not valid JSON ({})", path.string(), error.what()));
  }
}

}  // namespace lrtune
