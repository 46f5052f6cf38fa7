// Signal tests: lrtune started in the background, and a signal sent once it has reached a named
// moment (a milestone), polled every 20 ms: never a fixed sleep, which sends it too early on a
// loaded machine and wastes time on an idle one. Shared by test_kill, test_find, test_train and
// test_tune.
#pragma once

#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>

#include "cli_runner.hpp"

namespace lrtune::testing {

// A moment in lrtune's run: a shell condition, evaluated in the test's folder with lrtune's
// process id in $pid, that becomes true once the moment is reached.
struct Milestone {
  std::string name;       // for failure messages
  std::string condition;  // POSIX sh
};

// The file `name` in the output folder `out`, or in the hidden folder lrtune builds beside it
// (`.<out>.lrtune-tmp-<random>`, docs/cli.md "The folder is replaced as a whole"). What a command
// writes while it runs: config.toml and the data summaries once the data is prepared; run writes
// the range test's files when the range test ends. Nothing is written per epoch or per point.
inline Milestone file_written(const std::string& out, const std::string& name) {
  return {out + "/" + name + " written", "for f in " + quote(out) + "/" + quote(name) + " ." + quote(out) +
                                             ".lrtune-tmp-*/" + quote(name) +
                                             "; do [ -e \"$f\" ] && break; f=; done; [ -n \"$f\" ]"};
}

// The progress of a training, a range test or a search exists only as console lines while it runs
// (neither --json, which prints one summary at the end, nor any file reports it), so these
// milestones read the log. Off a terminal the console prints one line per phase; the lines per
// epoch and per range-test point that epochs_finished and range_test_points wait for need
// --verbose on the command line (docs/cli.md, "Console output").
inline Milestone log_has(const std::string& text) {
  return {"the log has \"" + text + "\"", "grep -qF -- " + quote(text) + " log"};
}

// Epoch `epoch` (1-based) of the training titled `title` ("[tuned] "; none for train) finished.
inline Milestone epochs_finished(int epoch, const std::string& title = "") {
  return log_has(title + "Epoch " + std::to_string(epoch) + "/");
}

// Point `point` (1-based) of the range test measured. Per-step tests log every tenth point only.
inline Milestone range_test_points(int point) { return log_has("Range test " + std::to_string(point) + "/"); }

// `rungs` rungs of the learning-rate search finished (each prints its line, also without --verbose).
inline Milestone search_rungs_finished(int rungs) { return log_has("Search rung " + std::to_string(rungs - 1) + ":"); }

// Console lines of finished epochs ("Epoch k/N - s/s - ... - accuracy: ..."), any title.
inline int finished_epoch_lines(const std::string& log) {
  int count = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("Epoch ");
    count +=
        at != std::string::npos && (at == 0 || line[at - 1] == ' ') && line.find(" - accuracy: ") != std::string::npos;
  }
  return count;
}

struct SignalRun {
  int code = -1;         // the exit status as the shell reports it: 128 + the signal when killed by it
  bool reached = false;  // the milestone held before the signal (false: the signal went at the timeout)
  std::string log;       // lrtune's stdout and stderr, interleaved
};

// `lrtune <args>` started in the background in `dir`, stdout and stderr into dir/log; once
// `milestone` holds (polled every 20 ms, up to timeout_s for a slow or sanitized build), or
// lrtune has ended, it gets `signal`.
inline SignalRun run_and_signal(const std::filesystem::path& dir, const std::string& args, const Milestone& milestone,
                                int signal, int timeout_s = 120) {
  const std::string binary = LRTUNE_BINARY_DIR "/lrtune";
  const std::string command =
      "cd " + quote(dir.string()) + " && (" + quote(binary) + " " + args + " >log 2>&1 & pid=$!; reached=0;" +
      " end=$(($(date +%s) + " + std::to_string(timeout_s) + "));" + " while [ $(date +%s) -lt $end ]; do" + " if { " +
      milestone.condition + "; } 2>/dev/null; then reached=1; break; fi;" +
      // Ended (reaped by the shell, or a zombie): nothing left to wait for.
      " { ! kill -0 $pid || grep -q '^State:.*Z' /proc/$pid/status; } 2>/dev/null && break;" + " sleep 0.02; done;" +
      " kill -" + std::to_string(signal) + " $pid 2>/dev/null; wait $pid; echo $? $reached > .signal-status)";
  SignalRun run;
  if (std::system(command.c_str()) != 0) return run;
  std::istringstream status(read_text(dir / ".signal-status"));
  status >> run.code >> run.reached;
  std::filesystem::remove(dir / ".signal-status");
  run.log = read_text(dir / "log");
  return run;
}

}  // namespace lrtune::testing
