// End-to-end: the console's progress (docs/cli.md, "Console output"). Under a pseudo-terminal each
// phase is one line redrawn in place ('\r') that its summary line replaces, so a whole run leaves
// few lines; through a pipe there is no '\r' and one line per phase; --verbose gives Keras' epoch
// lines; --quiet only the results. No line is longer than 100 characters and none is printed
// twice, except table rows.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using namespace lrtune::testing;

namespace {

// `lrtune <args>` in `cwd` with stdout and stderr on a pseudo-terminal 120 columns wide, in raw
// mode (no "\n" -> "\r\n"), so every '\r' in the output is lrtune's own.
CliResult run_on_terminal(const std::string& args, const std::filesystem::path& cwd) {
  termios mode{};
  ::cfmakeraw(&mode);
  winsize size{};
  size.ws_col = 120;
  size.ws_row = 40;
  int terminal = -1;
  const std::string command =
      "cd " + quote(cwd.string()) + " && exec " + quote(LRTUNE_BINARY_DIR "/lrtune") + " " + args;
  const pid_t child = ::forkpty(&terminal, nullptr, &mode, &size);
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  CliResult result;
  if (child < 0) return result;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(terminal, buffer, sizeof buffer);
    if (n > 0)
      result.out.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else
      break;  // EIO: the child closed the terminal
  }
  ::close(terminal);
  int status = 0;
  ::waitpid(child, &status, 0);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// What stays on the screen: each line's text after its last '\r', without clear-to-end codes.
std::vector<std::string> screen_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    const auto cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    for (std::size_t at; (at = line.find("\033[K")) != std::string::npos;) line.erase(at, 3);
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t columns(const std::string& line) {  // UTF-8 code points
  return static_cast<std::size_t>(
      std::count_if(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

// Table rows: the lines of a block (lines between blank ones) that holds an underline of dashes,
// as text_output's tables have under their header, or the x axis of the text chart ("  +----").
std::vector<bool> table_rows(const std::vector<std::string>& lines) {
  std::vector<bool> in_table(lines.size(), false);
  for (std::size_t start = 0; start < lines.size();) {
    std::size_t end = start;
    bool underlined = false;
    while (end < lines.size() && !lines[end].empty()) {
      const std::string& line = lines[end];
      const auto axis = line.find("+---");
      underlined |= (line.size() >= 3 && line.find_first_not_of('-') == std::string::npos) ||
                    (axis != std::string::npos && line.find_first_not_of(' ') == axis);
      ++end;
    }
    for (std::size_t i = start; i < end; ++i) in_table[i] = underlined;
    start = end + 1;
  }
  return in_table;
}

// Lines over 100 columns and lines printed twice, outside tables.
void expect_short_and_unique(const std::vector<std::string>& lines) {
  const std::vector<bool> in_table = table_rows(lines);
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (in_table[i] || lines[i].empty()) continue;
    EXPECT_LE(columns(lines[i]), 100u) << lines[i];
    EXPECT_EQ(++seen[lines[i]], 1) << "printed twice: " << lines[i];
  }
}

int count_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// A whole `run` on the demo data, small: 3 rungs (2, 4, 8 epochs), 12 range-test epochs.
const char* kSmallRun =
    "demo --layers 16,16 --epochs 3 --finder-points 12 --candidates 3 --max-epochs 8 "
    "--first-rung-epochs 2 --out out ";

}  // namespace

TEST(CliConsole, OnATerminalEachPhaseIsRedrawnInPlaceAndARunLeavesFewLines) {
  TempDir dir;
  const CliResult quiet = run_cli(std::string(kSmallRun) + "--quiet", dir.path());
  ASSERT_EQ(quiet.code, 0) << quiet.err << quiet.out;
  const CliResult r = run_on_terminal(kSmallRun, dir.path());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 1/3"), std::string::npos) << "a training's live line" << r.out;
  EXPECT_NE(r.out.find("\rSearch rung 0 (2 epochs, "), std::string::npos) << "a rung's live line" << r.out;
  EXPECT_NE(r.out.find("\rRange test (per-epoch)  ["), std::string::npos) << "the range test's live line" << r.out;
  const std::vector<std::string> lines = screen_lines(r.out);
  // What stays: the results (all --quiet prints), one line per phase, and seven lines of messages
  // (the data and what its missing values became, the task, the search's announcement and the
  // folder written, two with a blank above); the bound for a whole wine run is ~60.
  const int phases =
      count_starting(lines, "Range test ") + count_starting(lines, "Search rung ") + count_starting(lines, "Training ");
  EXPECT_EQ(phases, 1 + 1 + 3 + 2) << joined(lines);  // range tests, rungs (2, 4, 8 epochs), trainings
  EXPECT_LE(lines.size(), lines_of(quiet.out).size() + static_cast<std::size_t>(phases) + 7) << joined(lines);
  EXPECT_LE(lines.size(), 60u) << joined(lines);
  expect_short_and_unique(lines);
  EXPECT_EQ(count_starting(lines, "Range test (per-epoch): 12/12 points"), 1) << joined(lines);
  EXPECT_EQ(count_starting(lines, "Range test of the search (per-step)"), 1) << joined(lines);
  EXPECT_EQ(count_starting(lines, "Training default  lr 0.001 (adam default)"), 1) << joined(lines);
  EXPECT_EQ(count_starting(lines, "Training tuned  lr "), 1) << joined(lines);
  EXPECT_EQ(count_starting(lines, "Epoch "), 0) << joined(lines);
  // The live lines left nothing behind: no bar on the screen once the run is over.
  for (const auto& line : lines) EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
}

TEST(CliConsole, ThroughAPipeThereIsNoCarriageReturnAndOneLinePerPhase) {
  TempDir dir;
  const CliResult r = run_cli(kSmallRun, dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  expect_short_and_unique(lines);
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_EQ(count_starting(lines, "Range test (per-epoch)"), 1) << r.out;
  EXPECT_EQ(count_starting(lines, "Range test of the search (per-step)"), 1) << r.out;
  EXPECT_EQ(count_starting(lines, "Search rung "), static_cast<int>(tuning.at("rungs").size())) << r.out;
  EXPECT_EQ(count_starting(lines, "Training default  "), 1) << r.out;
  EXPECT_EQ(count_starting(lines, "Training tuned  "), 1) << r.out;
  EXPECT_EQ(count_starting(lines, "Range test 1/"), 0) << r.out;  // the points are --verbose's
  EXPECT_EQ(r.out.find("Epoch 1/3"), std::string::npos) << r.out;
  EXPECT_EQ(count_starting(lines, "Search interval:"), 1) << r.out;
  // Every rate says what produced it; run's two range tests are told apart.
  EXPECT_NE(r.out.find("Tuned learning rate: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" (tuner pick, best epoch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Per-epoch range-test suggestions: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(from the search's per-step range test)"), std::string::npos) << r.out;
}

TEST(CliConsole, SeveralTrainingsAtOnceOnATerminalPrintTheirSummariesWhole) {
  TempDir dir;
  const CliResult r = run_on_terminal(std::string(kSmallRun) + "--repeats 2 --threads 2", dir.path());
  ASSERT_EQ(r.code, 0) << r.out;
  // No bar for trainings that run together: only the range test's line is redrawn.
  EXPECT_EQ(r.out.find("Training default seed 42  ["), std::string::npos) << r.out;
  const std::vector<std::string> lines = screen_lines(r.out);
  expect_short_and_unique(lines);
  for (const char* title : {"Training default seed 42  lr 0.001 (adam default)", "Training default seed 43  lr 0.001",
                            "Training tuned seed 42  lr ", "Training tuned seed 43  lr "})
    EXPECT_EQ(count_starting(lines, title), 1) << title << "\n" << joined(lines);
}

TEST(CliConsole, VerboseGivesTheLinePerEpochAndPerRangeTestPoint) {
  TempDir dir;
  const CliResult r = run_cli(
      "train " + wine() + " --target quality --positive '>=6' --layers 16 --epochs 3 --lr 0.002 --verbose --out out",
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  for (const char* line : {"Epoch 1/3 - ", "Epoch 2/3 - ", "Epoch 3/3 - ", "Training  lr 0.002 (--lr)  3/3 epochs"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  const CliResult find = run_cli("find " + wine() +
                                     " --target quality --positive '>=6' --layers 16 --finder-points 5 "
                                     "--verbose --out found",
                                 dir.path());
  ASSERT_EQ(find.code, 0) << find.err << find.out;
  for (const char* line : {"Range test 1/5 - lr: 0.001", "Range test 5/5 - lr: ", "Range test (per-epoch): 5/5 points"})
    EXPECT_NE(find.out.find(line), std::string::npos) << line << "\n" << find.out;
}

// run prints its range test's table and the search's rung and candidate tables with --verbose
// only; by default one line lists the suggestions and the rung lines tell the search.
TEST(CliConsole, RunPrintsTheRangeTestAndSearchTablesOnlyWhenVerbose) {
  TempDir dir;
  const CliResult plain = run_cli(std::string(kSmallRun), dir.path());
  ASSERT_EQ(plain.code, 0) << plain.err << plain.out;
  const CliResult verbose = run_cli(std::string(kSmallRun) + "--verbose", dir.path());
  ASSERT_EQ(verbose.code, 0) << verbose.err << verbose.out;
  for (const char* table : {"Suggestions of the per-epoch range test", "Rungs (successive halving on validation loss)",
                            "Candidates (validation loss at the end of each rung)"}) {
    EXPECT_EQ(plain.out.find(table), std::string::npos) << table << "\n" << plain.out;
    EXPECT_NE(verbose.out.find(table), std::string::npos) << table << "\n" << verbose.out;
  }
  EXPECT_NE(plain.out.find("Per-epoch range-test suggestions: "), std::string::npos) << plain.out;
}

TEST(CliConsole, TrainOnATerminalEndsInOneLineNamingWhereTheRateCameFrom) {
  TempDir dir;
  const CliResult r = run_on_terminal(
      "train " + wine() + " --target quality --positive '>=6' --layers 16 --epochs 2 --lr 0.002 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\rTraining  ["), std::string::npos) << r.out;  // the live line, its bar
  const std::vector<std::string> lines = screen_lines(r.out);
  expect_short_and_unique(lines);
  EXPECT_EQ(count_starting(lines, "Training  lr 0.002 (--lr)  2/2 epochs  loss "), 1) << joined(lines);
}

TEST(CliConsole, QuietPrintsOnlyTheResults) {
  TempDir dir;
  const CliResult quiet = run_cli(std::string(kSmallRun) + "--quiet", dir.path());
  ASSERT_EQ(quiet.code, 0) << quiet.err << quiet.out;
  EXPECT_EQ(quiet.err, "");
  for (const char* progress :
       {"Range test (", "Range test of the search", "Search rung ", "Training ", "Searching ", "written to"})
    EXPECT_EQ(quiet.out.find(progress), std::string::npos) << progress << "\n" << quiet.out;
  // run's range-test suggestions are one line beside the tuned rate; their table is --verbose's.
  for (const char* result : {"Per-epoch range-test suggestions: ", "Search interval:", "Pick: learning rate ",
                             "Tuned learning rate: ", "Default vs tuned learning rate"})
    EXPECT_NE(quiet.out.find(result), std::string::npos) << result << "\n" << quiet.out;
}
