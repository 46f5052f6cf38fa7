// Unknown commands and flags with the nearest known name over every command's flags, and stray
// values named with what precedes them. Walks the line as CLI11 does: a flag's values follow it.
#include "unknown_flags.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "flag_scope.hpp"
#include "settings.hpp"

namespace lrtune::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

// The nearest of `names` to `typed`, when near enough to be a typo: at most 2 edits, or a third
// of the name for long ones ("--first-rung-epoch" -> "--first-rung-epochs").
std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& names) {
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& name : names) {
    const std::size_t d = edit_distance(typed, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  if (best_distance > std::max<std::size_t>(2, typed.size() / 3)) return std::nullopt;
  return best;
}

std::vector<CLI::App*> commands(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

// Every long flag of every command ("--dropout"), once.
std::vector<std::string> every_flag(CLI::App& app) {
  std::vector<std::string> flags;
  for (CLI::App* command : commands(app))
    for (const CLI::Option* option : command->get_options())
      for (const std::string& name : option->get_lnames())
        if (std::find(flags.begin(), flags.end(), "--" + name) == flags.end()) flags.push_back("--" + name);
  return flags;
}

// "tune/run/demo": the commands whose --help lists `flag`.
std::string commands_listing(CLI::App& app, const std::string& flag) {
  std::string text;
  for (CLI::App* command : commands(app))
    if (command->get_name() != "config" && command->get_option_no_throw(flag) &&
        command_reads(command->get_name(), flag))
      text += (text.empty() ? "" : "/") + command->get_name();
  return text;
}

std::string unknown_command(CLI::App& app, const std::string& typed) {
  std::vector<std::string> names;
  for (CLI::App* command : commands(app)) names.push_back(command->get_name());
  if (const auto guess = nearest(typed, names))
    return fmt::format("unknown command {}; did you mean {}? ('lrtune --help' lists the commands)", shown(typed),
                       *guess);
  return fmt::format("unknown command {}; 'lrtune --help' lists the commands", shown(typed));
}

std::string unknown_flag(CLI::App& app, const CLI::App& command, const std::string& typed) {
  const std::string name = typed.substr(0, typed.find('='));
  const auto guess = nearest(name, every_flag(app));
  if (!guess)
    return fmt::format("unknown flag {}; 'lrtune {} --help' lists the flags {} takes", one_line(name),
                       command.get_name(), command.get_name());
  if (command_reads(command.get_name(), *guess) && command.get_option_no_throw(*guess) != nullptr)
    return fmt::format("unknown flag {}; did you mean {}?", one_line(name), *guess);
  return fmt::format("unknown flag {}; did you mean {} (a {} flag)?", one_line(name), *guess,
                     commands_listing(app, *guess));
}

bool is_number(const std::string& token) {
  if (token.size() < 2 || token[0] != '-') return false;
  return token.find_first_not_of("0123456789.eE+-") == std::string::npos;
}

// How many values follow `option` at args[i]: none for a flag (or a value given with '='); a
// list option (--drop a b) takes every value up to the next flag, as CLI11 does.
std::size_t values_after(const CLI::Option& option, const std::vector<std::string>& args, std::size_t i) {
  if (args[i].find('=') != std::string::npos) return 0;
  const auto most = static_cast<std::size_t>(std::max(0, option.get_items_expected_max()));
  std::size_t n = 0;
  while (n < most && i + 1 + n < args.size() && (n == 0 || !args[i + 1 + n].starts_with('-'))) ++n;
  return n;
}

// A value where none was expected: after a flag that takes none, or a second DATA file.
std::string stray_value(const CLI::App& command, const std::string& value, const std::string& before) {
  if (const CLI::Option* option = command.get_option_no_throw(before.substr(0, before.find('=')));
      option && option->get_items_expected_max() == 0)
    return fmt::format("unexpected value {} after {}: {} takes no value ({}=false turns it off)", shown(value), before,
                       before, before);
  return fmt::format("unexpected argument {}: {} takes {} and flags; a flag's value follows the flag (--epochs 10)",
                     shown(value), command.get_name(),
                     command.get_name() == "evaluate" || command.get_name() == "predict" ? "MODEL DATA"
                     : command.get_name() == "demo" || command.get_name() == "config"    ? "no file"
                                                                                         : "one DATA file");
}

}  // namespace

std::string unexpected_arguments_message(CLI::App& app, const std::vector<std::string>& args) {
  std::size_t at = 0;
  while (at < args.size() && args[at].starts_with('-')) ++at;  // --version, --help
  if (at == args.size()) return "";
  CLI::App* command = nullptr;
  for (CLI::App* candidate : commands(app))
    if (candidate->get_name() == args[at]) command = candidate;
  if (!command) return unknown_command(app, args[at]);
  std::size_t positionals = 0;
  for (const CLI::Option* option : command->get_options())
    if (option->get_positional() && option->get_lnames().empty() && option->get_snames().empty()) ++positionals;
  for (std::size_t i = at + 1; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") break;
    if (token.starts_with('-') && token.size() > 1 && !is_number(token)) {
      const CLI::Option* option = command->get_option_no_throw(token.substr(0, token.find('=')));
      if (!option) return unknown_flag(app, *command, token);
      i += values_after(*option, args, i);
    } else if (positionals > 0) {
      --positionals;
    } else {
      return stray_value(*command, token, i > at + 1 ? args[i - 1] : command->get_name());
    }
  }
  return "";
}

}  // namespace lrtune::cli
