// Runs the built lrtune binary for end-to-end tests: arguments in, exit code and the two
// output streams out, inside a fresh temporary folder per test.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/data_dir.hpp"

namespace lrtune::testing {

struct CliResult {
  int code = -1;
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A temporary working folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lrtune-cli-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string quote(const std::string& arg) {
  std::string out = "'";
  for (char ch : arg) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// Runs `<binary> <args>` in `cwd` (run_cli for lrtune; also the examples' programs).
inline CliResult run_program(const std::string& binary, const std::string& args, const std::filesystem::path& cwd) {
  const auto out = cwd / ".stdout", err = cwd / ".stderr";
  const std::string command = "cd " + quote(cwd.string()) + " && " + quote(binary) + " " + args + " >" +
                              quote(out.string()) + " 2>" + quote(err.string());
  const int status = std::system(command.c_str());
  CliResult result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

// Runs `lrtune <args>` in `cwd`.
inline CliResult run_cli(const std::string& args, const std::filesystem::path& cwd) {
  return run_program(LRTUNE_BINARY_DIR "/lrtune", args, cwd);
}

inline std::string wine() { return quote(data_file("winequalityN.csv").string()); }

// Small, fast settings for the wine data: tiny network, 2 epochs, a short per-step range test, and
// (run's default --pick tuner) a search of 3 candidates for at most 4 epochs.
inline const char* kFast =
    "--target quality --positive '>=6' --layers 16,16 --epochs 2 --schedule step --finder-points 30 "
    "--candidates 3 --max-epochs 4 --first-rung-epochs 2 ";
// The parts of kFast each command reads (a command refuses another's flags): train --lr NUMBER
// runs no range test or search, --pick finder no search, find trains no epochs.
inline const char* kFastTrain = "--target quality --positive '>=6' --layers 16,16 --epochs 2 ";
inline const char* kFastFinder =
    "--target quality --positive '>=6' --layers 16,16 --epochs 2 --schedule step --finder-points 30 ";
inline const char* kFastFind = "--target quality --positive '>=6' --layers 16,16 --schedule step --finder-points 30 ";

}  // namespace lrtune::testing
