// Running gnuplot (the program found on PATH) on a script we wrote, and the files a chart
// leaves: data, script, PNG and SVG side by side so a user can restyle and re-run them.
// What each chart shows is in charts.hpp.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/io/error.hpp"

namespace lrtune {

// gnuplot is not on PATH (an IoError: a program lrtune runs, like a file it reads, is missing).
// The CLI says once how to get charts (kGnuplotInstallHint) and goes on.
class GnuplotNotFound : public IoError {
 public:
  GnuplotNotFound();
};
// gnuplot ran and failed (non-zero exit, killed, or an expected output missing); what() holds
// the chart's script path and gnuplot's last stderr line.
class GnuplotError : public IoError {
 public:
  using IoError::IoError;
};

inline constexpr std::string_view kGnuplotInstallHint =
    "charts need gnuplot: install it with `sudo apt-get install gnuplot-nox` (Debian/Ubuntu)";

// The full path of the gnuplot program on PATH, if any (an executable regular file).
std::optional<std::filesystem::path> find_gnuplot();
bool gnuplot_available();

// The files of one chart, all in one folder and named after one stem.
struct ChartFiles {
  std::filesystem::path png;                // "<stem>.png" (pngcairo, or png where cairo is absent)
  std::filesystem::path svg;                // "<stem>.svg"
  std::filesystem::path script;             // "<stem>.gp": `cd <folder> && gnuplot <stem>.gp` redraws both
  std::vector<std::filesystem::path> data;  // "<stem>*.dat": whitespace-separated columns, "#" header
  std::vector<std::string> warnings;        // gnuplot's stderr lines when it succeeded anyway
  std::string title;                        // the chart's title, for captions
};

// Runs `gnuplot -e "<preamble>" <script>` in `folder` with stdin from /dev/null. preamble may set
// variables the script reads (e.g. "out_png='.x.png.tmp'"). Returns gnuplot's stderr. Throws
// GnuplotNotFound when gnuplot is absent, GnuplotError on a non-zero exit or signal (naming the
// script and the last stderr line). Kills gnuplot after timeout_seconds.
std::string run_gnuplot(const std::filesystem::path& folder, const std::filesystem::path& script,
                        std::string_view preamble = {}, double timeout_seconds = 60.0);

// A string as a gnuplot single-quoted literal ('it''s'), for titles and labels taken from data.
std::string gnuplot_quote(std::string_view text);

}  // namespace lrtune
