// Lazy output folder and atomic file writes.
#include "output_dir.hpp"

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/io/atomic_file.hpp"

namespace lrtune::cli {

OutputDir::OutputDir(const std::string& requested, const std::string& command) {
  if (!requested.empty()) {
    path_ = requested;
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
    path_ = std::filesystem::path("lrtune-out") / fmt::format("{}-{}", command, stamp);
  }
  existed_ = std::filesystem::exists(path_);
}

void OutputDir::ensure() {
  if (created_ || existed_) return;
  std::error_code error;
  std::filesystem::create_directories(path_, error);
  if (error) throw std::runtime_error(fmt::format("--out {}: cannot create the folder: {}", path_.string(), error.message()));
  created_ = true;
}

std::filesystem::path OutputDir::write(const std::string& name, std::string_view text) {
  const auto path = file(name);
  write_text_atomically(path, text);
  return path;
}

std::filesystem::path OutputDir::file(const std::string& name) {
  ensure();
  return path_ / name;
}

std::filesystem::path OutputDir::write_json(const std::string& name, const nlohmann::json& json) {
  return write(name, json.dump(2) + "\n");
}

void OutputDir::discard() noexcept {
  if (!created_) return;
  std::error_code error;
  std::filesystem::remove_all(path_, error);
  // Also the default parent if it is now empty.
  if (path_.has_parent_path() && path_.parent_path() == "lrtune-out") std::filesystem::remove(path_.parent_path(), error);
  created_ = false;
}

}  // namespace lrtune::cli
