// The output folder of one command: created on the first write (so an error before any
// result leaves nothing behind), removed again by discard() when the command fails.
// Files are written atomically with io's writer (temporary file, fsync, rename).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lrtune::cli {

class OutputDir {
 public:
  // `requested` empty: lrtune-out/<command>-<UTC timestamp>.
  OutputDir(const std::string& requested, const std::string& command);

  const std::filesystem::path& path() const { return path_; }
  bool created() const { return created_; }
  // Writes one file (relative name), creating the folder first if needed; returns its path.
  std::filesystem::path write(const std::string& name, std::string_view text);
  std::filesystem::path write_json(const std::string& name, const nlohmann::json& json);
  // The path of a file about to be written by an io writer, creating the folder first.
  std::filesystem::path file(const std::string& name);
  // After a failure: removes the folder if this command created it.
  void discard() noexcept;

 private:
  void ensure();
  std::filesystem::path path_;
  bool existed_ = false;
  bool created_ = false;
};

}  // namespace lrtune::cli
