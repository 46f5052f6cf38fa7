// Which commands read each flag, and why the others do not: what keeps every command to its own
// flags ("--candidates is a tune/run/demo flag; find does not search") and its --help to them.
// A flag not listed here (data, model and output flags) is read by every command that has it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "settings.hpp"

namespace lrtune::cli {

// Whether `command` reads `flag` for some value of its other settings (its --help lists it).
// config reads every flag: it prints them all.
bool command_reads(std::string_view command, std::string_view flag);

// The one-line reason `command` refuses `flag` whatever the other settings, or nullopt.
std::optional<std::string> static_refusal(std::string_view command, std::string_view flag);

// The reason `command` refuses `flag` with these effective settings, where the flag's effect
// depends on another one (--rule on train --lr 0.01, --candidates on run --pick finder,
// --patience without early stopping), or nullopt.
std::optional<std::string> refusal_for_settings(std::string_view command, std::string_view flag, const Settings& s);

// "tune/run/demo": the commands whose --help lists `flag` (config left out), for messages.
std::string commands_reading(std::string_view flag);

// `flag`'s help text on `command` where it differs per command, else nullopt.
std::optional<std::string> command_help(std::string_view command, std::string_view flag);

// The title of the learning-rate search group in `command`'s --help.
std::string search_group_title(std::string_view command);

}  // namespace lrtune::cli
