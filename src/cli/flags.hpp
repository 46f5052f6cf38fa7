// The command-line flags of the commands that prepare data and train (find, train, tune, run,
// demo, config): one name per setting, the same on every command. Flags are parsed into a staging
// Settings; effective() layers defaults, then the --config file, then the flags given. Each command
// lists only the flags it reads (flag_scope.hpp); the others are parsed hidden, to be refused by name.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "settings.hpp"

namespace lrtune::cli {

class Flags {
 public:
  // Adds every settings flag to `command`.
  void add_to(CLI::App& command);
  // Only --quiet, --json, --threads, --delimiter, --na-values (evaluate, predict), and --out.
  void add_output_flags_to(CLI::App& command, bool with_out);
  // Defaults, overridden by the --config file, overridden by the flags given on the line.
  Settings effective(const Settings& defaults) const;
  // Whether `flag` was typed on the line or set by the --config file that made `effective`.
  bool given(std::string_view flag, const Settings& effective) const;
  // The flags typed on the line ("--epochs"), in the order --help lists them.
  std::vector<std::string> typed() const;

 private:
  // add_to's groups, in the order --help lists them.
  void add_data_flags_to(CLI::App& command);
  void add_model_flags_to(CLI::App& command);
  void add_range_test_flags_to(CLI::App& command);
  void add_search_flags_to(CLI::App& command);
  // --skip-rows and --no-header: how the CSV is laid out (the data group; evaluate and predict too).
  void add_file_layout_flags_to(CLI::App& command, const std::optional<std::string>& group);
  // Hides from `command`'s --help the flags it does not read (still parsed, so main can refuse
  // them with the reason instead of CLI11's "not expected").
  static void hide_unread(CLI::App& command);
  template <typename T>
  CLI::Option* add(CLI::App& app, const std::string& name, T Settings::*member, const std::string& help);

  struct Bound {
    CLI::Option* option;
    std::string flag;                                      // "--epochs"
    std::function<void(Settings&, const Settings&)> copy;  // may throw UsageError naming the flag
  };
  std::shared_ptr<Settings> staged_ = std::make_shared<Settings>();
  std::shared_ptr<std::vector<std::string>> staged_lr_range_ = std::make_shared<std::vector<std::string>>();
  std::vector<Bound> bound_;
};

}  // namespace lrtune::cli
