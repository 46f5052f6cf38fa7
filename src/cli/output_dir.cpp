// The output folder: claim (checks, lock, staging folder), writes into the staging folder,
// commit (run.json, swap) or discard.
#include "output_dir.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "lrtune/core/name_table.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "settings.hpp"

namespace lrtune::cli {
namespace fs = std::filesystem;
namespace {

constexpr NameTable<RunStatus, 4> kRunStatusNames{{{"complete", RunStatus::complete},
                                                   {"interrupted", RunStatus::interrupted},
                                                   {"diverged", RunStatus::diverged},
                                                   {"incomplete", RunStatus::incomplete}}};

std::string utc_stamp(const char* format) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, format, &utc);
  return stamp;
}

// `inner` is `outer` or lies below it (both absolute and normalised).
bool is_within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

fs::path resolved(const fs::path& path) {
  std::error_code error;
  fs::path full = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? fs::absolute(path).lexically_normal() : full;
}

// The first entry of a folder, for the message that refuses it.
std::string first_entry(const fs::path& folder) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) return entry.path().filename().string();
  return "";
}

}  // namespace

std::string_view run_status_name(RunStatus status) { return name_of_value(kRunStatusNames, status, "run status"); }

bool is_lrtune_run_folder(const fs::path& folder) {
  std::error_code error;
  if (fs::is_regular_file(folder / "run.json", error)) {
    try {
      const nlohmann::json run = nlohmann::json::parse(read_file(folder / "run.json", 1 << 20));
      return run.is_object() && run.value("tool", "") == "lrtune";
    } catch (const std::exception&) {
      return false;
    }
  }
  return fs::is_regular_file(folder / "config.toml", error) && fs::is_regular_file(folder / "data_summary.json", error);
}

OutputDir::OutputDir(const std::string& requested, const std::string& command) : command_(command) {
  if (!requested.empty()) {
    path_ = requested;
    return;
  }
  const fs::path base = fs::path("lrtune-out") / fmt::format("{}-{}", command, utc_stamp("%Y%m%d-%H%M%S"));
  path_ = base;
  std::error_code error;
  for (int n = 2; fs::exists(fs::symlink_status(path_, error)); ++n) path_ = base.string() + fmt::format("-{}", n);
}

void OutputDir::claim(bool overwrite, const std::vector<fs::path>& inputs) {
  const std::string shown = path_.string();
  target_ = resolved(path_);
  const fs::path& target = target_;
  std::error_code error;
  if (is_within(resolved(fs::current_path()), target) || target == target.root_path()) {
    throw UsageError(
        fmt::format("--out {}: this is the folder lrtune runs in, or one above it; results replace their "
                    "folder as a whole, so name a new sub-folder (e.g. --out results)",
                    shown));
  }
  const fs::file_status status = fs::status(target, error);
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw UsageError(fmt::format("--out {}: exists and is not a folder; name a folder", shown));
  }
  for (const fs::path& input : inputs) {
    if (!input.empty() && is_within(resolved(input), target)) {
      throw UsageError(
          fmt::format("--out {}: holds the input {}; results replace their folder as a whole, so choose "
                      "another --out",
                      shown, input.string()));
    }
  }
  if (fs::is_directory(status) && !fs::is_empty(target, error) && !is_lrtune_run_folder(target) && !overwrite) {
    throw UsageError(
        fmt::format("--out {}: holds files that are not an lrtune run ('{}', ...); choose a new or empty "
                    "folder, or add --overwrite to replace it (its files are deleted)",
                    shown, first_entry(target)));
  }

  fs::path missing;  // the highest folder above the target that does not exist yet
  for (fs::path up = target.parent_path(); !up.empty() && !fs::exists(up, error); up = up.parent_path()) {
    missing = up;
    if (up == up.parent_path()) break;
  }
  if (!missing.empty()) {
    fs::create_directories(target.parent_path(), error);
    if (error) throw UsageError(fmt::format("--out {}: cannot create its folder: {}", shown, error.message()));
    first_created_parent_ = missing;
  }
  lock_ = FolderLock::try_lock(target);
  if (!lock_) {
    discard();
    throw UsageError(
        fmt::format("--out {}: another lrtune is writing to this folder; wait for it to finish or "
                    "choose another --out",
                    shown));
  }
  remove_stale_staging(target);
  staging_ = make_staging_folder(target);
}

fs::path OutputDir::file(const std::string& name) {
  if (staging_.empty()) throw std::logic_error("OutputDir::file before claim()");
  return staging_ / name;
}

fs::path OutputDir::write(const std::string& name, std::string_view text) {
  auto path = file(name);
  write_text_atomically(path, text);
  return path;
}

fs::path OutputDir::write_json(const std::string& name, const nlohmann::json& json) {
  return write(name, json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void OutputDir::commit(RunStatus status, const std::string& command_line, int exit_code, std::string_view message) {
  if (staging_.empty()) return;
  write_json("run.json", {{"tool", "lrtune"},
                          {"version", LRTUNE_VERSION},
                          {"command", command_},
                          {"command_line", command_line},
                          {"status", run_status_name(status)},
                          {"exit_code", exit_code},
                          {"message", message},
                          {"finished_utc", utc_stamp("%Y-%m-%dT%H:%M:%SZ")}});
  replace_folder(staging_, target_);
  staging_.clear();
  lock_.reset();
}

void OutputDir::discard() noexcept {
  std::error_code error;
  if (!staging_.empty()) fs::remove_all(staging_, error);
  staging_.clear();
  lock_.reset();
  if (first_created_parent_.empty()) return;
  // Only folders this run created, and only while empty (another process may have used them).
  for (fs::path up = target_.parent_path(); !up.empty(); up = up.parent_path()) {
    if (!fs::remove(up, error) || up == first_created_parent_) break;
  }
  first_created_parent_.clear();
}

}  // namespace lrtune::cli
