// Shared by the robustness tests of the command line: a small deterministic CSV written at run
// time, the one-error-line check, and checks that output files are complete and valid.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace lrtune::testing {

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// `rows` rows of a,b,c (numeric), kind (categorical: red/blue/green), y (0/1, depends on a and b),
// from a fixed linear congruential sequence: the same file on every machine.
inline std::string small_csv(int rows = 60) {
  std::string text = "a,b,c,kind,y\n";
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / static_cast<double>(1u << 24);  // [0, 1)
  };
  const char* kinds[3] = {"red", "blue", "green"};
  for (int i = 0; i < rows; ++i) {
    const double a = next() * 10.0, b = next() * 5.0 - 2.0, c = next();
    const int y = a + 2.0 * b + next() * 3.0 > 8.0 ? 1 : 0;
    text += fmt::format("{:.3f},{:.3f},{:.3f},{},{}\n", a, b, c, kinds[i % 3], y);
  }
  return text;
}

// Flags for a quick training on small_csv() (tiny network, one epoch, --out out), each
// replaced or extended by `changes` ({"--lr", "0"}; an empty value drops the flag). lrtune
// refuses a flag given twice, so a case changes the defaults instead of appending.
inline std::string small_flags(const std::vector<std::pair<std::string, std::string>>& changes = {}) {
  std::vector<std::pair<std::string, std::string>> flags = {
      {"--target", "y"},      {"--positive", "'==1'"}, {"--layers", "4"}, {"--epochs", "1"},
      {"--batch-size", "16"}, {"--lr", "0.01"},        {"--out", "out"}};
  for (const auto& [flag, value] : changes) {
    auto it = std::find_if(flags.begin(), flags.end(), [&](const auto& f) { return f.first == flag; });
    if (it == flags.end())
      flags.emplace_back(flag, value);
    else
      it->second = value;
  }
  std::string text;
  for (const auto& [flag, value] : flags)
    if (!value.empty()) text += " " + flag + " " + value;
  return text;
}

// The error contract: exit code `code`, nothing on stdout, exactly one line on stderr that starts
// with "lrtune: error: " and contains every one of `parts`.
inline void expect_one_error_line(const CliResult& r, int code, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.code, code) << r.err << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lrtune: error: ", 0), 0u) << r.err;
  for (const auto& part : parts) EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
}

// A CSV file whose rows all have the header's number of fields (quotes not expected).
inline ::testing::AssertionResult complete_csv(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  if (text.empty() || text.back() != '\n')
    return ::testing::AssertionFailure() << path << ": empty or no final newline";
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const auto fields = std::count(line.begin(), line.end(), ',');
  for (int n = 2; std::getline(lines, line); ++n)
    if (std::count(line.begin(), line.end(), ',') != fields)
      return ::testing::AssertionFailure() << path << ":" << n << ": " << line;
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult complete_json(const std::filesystem::path& path) {
  if (!nlohmann::json::accept(read_text(path))) return ::testing::AssertionFailure() << path << ": not valid JSON";
  return ::testing::AssertionSuccess();
}

}  // namespace lrtune::testing
