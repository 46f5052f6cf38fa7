// The output folder of one command, replaced as a whole: the command writes into a fresh hidden
// folder beside the target, and commit() swaps it in with one rename, with run.json saying how
// the run ended. An error discards it, leaving whatever was at the target (an earlier run, or
// nothing) untouched; a killed run leaves at most a hidden folder that the next run removes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/io/atomic_folder.hpp"

namespace lrtune::cli {

// How a run that wrote its folder ended, as run.json's "status" says it.
enum class RunStatus { complete, interrupted, diverged, incomplete };
std::string_view run_status_name(RunStatus status);

class OutputDir {
 public:
  // `requested` empty: lrtune-out/<command>-<UTC timestamp>[-N], a name not yet taken.
  OutputDir(const std::string& requested, const std::string& command);

  // Where the results will be once committed (what the user is told).
  const std::filesystem::path& path() const { return path_; }

  // Takes the target before any work: refuses the current folder or one above it, a file, a
  // folder that holds one of `inputs`, a non-empty folder that is not an lrtune run (unless
  // `overwrite`), and a folder another lrtune is writing (UsageError, naming --out); then locks
  // it, removes what a killed run left beside it and creates the folder to build in.
  void claim(bool overwrite, const std::vector<std::filesystem::path>& inputs);

  // The path to write the file `name` (relative) at: inside the folder being built.
  std::filesystem::path file(const std::string& name);
  // The folder being built, for writers that name their own files in it.
  std::filesystem::path folder() { return file(""); }
  std::filesystem::path write(const std::string& name, std::string_view text);
  std::filesystem::path write_json(const std::string& name, const nlohmann::json& json);

  // Writes run.json (command line, status, exit code, message) and swaps the folder in place.
  void commit(RunStatus status, const std::string& command_line, int exit_code, std::string_view message);
  // After a failure: removes the folder being built and every parent folder claim() created.
  void discard() noexcept;

 private:
  std::filesystem::path path_;
  std::string command_;
  std::filesystem::path target_;  // path_ made absolute, links resolved: what is locked and replaced
  std::filesystem::path staging_;
  std::optional<FolderLock> lock_;
  std::filesystem::path first_created_parent_;  // empty when claim() created none
};

// Whether `folder` holds the results of an lrtune command (run.json, or config.toml and
// data_summary.json as runs wrote them before run.json existed).
bool is_lrtune_run_folder(const std::filesystem::path& folder);

}  // namespace lrtune::cli
