// What CLI11 could not place on the line, in our words: an unknown command or flag with the
// nearest known name, or a stray value named with the flag before it. CLI11's own line
// ("The following arguments were not expected: 0.2 --dropuot") lists them backwards and suggests nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace lrtune::cli {

// Levenshtein distance (insertions, deletions, substitutions), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The message (without "lrtune: error: ") for the arguments `args` (argv without the program)
// that `app` refused as not expected; "" when no argument explains it.
std::string unexpected_arguments_message(CLI::App& app, const std::vector<std::string>& args);

}  // namespace lrtune::cli
