// End-to-end: data and experiment files that are streams. A pipe (bash's <(...)) or a FIFO is read
// to its end as a file is; an endless one stops at the size cap with one error line; Ctrl-C while
// lrtune waits on a FIFO (for a writer, or for data) exits 130 with "lrtune: interrupted".
#include <csignal>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

using Changes = std::vector<std::pair<std::string, std::string>>;
std::string train(const std::string& file, const Changes& changes = {}) {
  return "train " + file + small_flags(changes);
}

// `script` run by bash in `cwd` ($LRTUNE is the binary): exit code and the two output streams.
CliResult run_bash(const std::string& script, const fs::path& cwd) {
  const std::string binary = LRTUNE_BINARY_DIR "/lrtune";
  const std::string command =
      "cd " + quote(cwd.string()) + " && LRTUNE=" + quote(binary) + " bash -c " + quote(script) + " >.stdout 2>.stderr";
  const int status = std::system(command.c_str());
  CliResult result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(cwd / ".stdout");
  result.err = read_text(cwd / ".stderr");
  fs::remove(cwd / ".stdout");
  fs::remove(cwd / ".stderr");
  return result;
}

TEST(CliStreams, TrainReadsAProcessSubstitution) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  ASSERT_EQ(std::system(("gzip -k " + quote((dir.path() / "data.csv").string())).c_str()), 0);
  const CliResult r = run_bash("\"$LRTUNE\" train <(zcat data.csv.gz)" + small_flags() + " --quiet", dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "model.safetensors")) << r.err;
  // The same rows as from the file itself: the split and the test predictions agree.
  const CliResult again = run_cli(train("data.csv", {{"--out", "out2"}}) + " --quiet", dir.path());
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(read_text(dir.path() / "out" / "test_predictions.csv"),
            read_text(dir.path() / "out2" / "test_predictions.csv"));
}

TEST(CliStreams, FindReadsAFifoWithAWriter) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  const CliResult r = run_bash(
      "mkfifo fifo.csv && { cat data.csv > fifo.csv & } && \"$LRTUNE\" find fifo.csv" +
          small_flags({{"--lr", ""}, {"--epochs", ""}, {"--schedule", "step"}, {"--finder-points", "10"}}) + " --quiet",
      dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "range_test.csv")) << r.err;
}

TEST(CliStreams, ConfigAndPredictDataFromPipes) {
  TempDir dir;
  const CliResult config = run_bash("\"$LRTUNE\" config --config <(printf '[training]\\nepochs = 7\\n')", dir.path());
  EXPECT_EQ(config.code, 0) << config.err;
  EXPECT_NE(config.out.find("epochs = 7\n"), std::string::npos) << config.out;

  write_text(dir.path() / "data.csv", small_csv());
  ASSERT_EQ(run_cli(train("data.csv") + " --quiet", dir.path()).code, 0);
  const CliResult predict = run_bash("\"$LRTUNE\" predict out/model.safetensors <(cat data.csv) --quiet", dir.path());
  EXPECT_EQ(predict.code, 0) << predict.err;
  EXPECT_EQ(std::count(predict.out.begin(), predict.out.end(), '\n'), 61) << predict.out;  // header + 60 rows
}

TEST(CliStreams, AnEndlessConfigPipeStopsAtTheCap) {
  TempDir dir;
  const CliResult r = run_bash("\"$LRTUNE\" config --config <(yes 'a = 1')", dir.path());
  expect_one_error_line(r, 2,
                        {"/dev/fd/",
                         ": more than 1048576 bytes, reading stopped there; the limit for experiment "
                         "files is 1 MiB"});
}

// lrtune started in the background in `dir`; once it waits in the kernel on a FIFO (its wchan
// names a FIFO or pipe wait; after 5 s it is sent anyway) it gets SIGINT. `before` may start a
// writer in the background as $writer; it is ended afterwards. Returns lrtune's exit code.
int interrupt_while_waiting(const fs::path& dir, const std::string& args, const std::string& before = "") {
  const std::string binary = LRTUNE_BINARY_DIR "/lrtune";
  const std::string command =
      "cd " + quote(dir.string()) + " && (writer=; " + before + quote(binary) + " " + args +
      " >log 2>err & pid=$!;"
      " for i in $(seq 250); do grep -qE 'partner|pipe|fifo' /proc/$pid/wchan 2>/dev/null && break; sleep 0.02; done;"
      " kill -INT $pid; wait $pid; echo $? > code; if [ -n \"$writer\" ]; then kill $writer 2>/dev/null; fi; true)";
  if (std::system(command.c_str()) != 0) return -1;
  return std::stoi(read_text(dir / "code"));
}

TEST(CliStreams, CtrlCWhileWaitingOnAFifoExits130) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  ASSERT_EQ(run_cli(train("data.csv") + " --quiet", dir.path()).code, 0);
  ASSERT_EQ(std::system(("mkfifo " + quote((dir.path() / "fifo").string())).c_str()), 0);
  struct Case {
    const char* name;
    std::string args;
    std::string before;  // shell text before lrtune: a writer that opens the FIFO and never writes
  };
  const std::string never_writes = "sleep 30 > fifo & writer=$!; ";
  const std::vector<Case> cases = {
      {"data, no writer (open waits)", train("fifo", {{"--out", "out2"}}), ""},
      {"data, a silent writer (read waits)", train("fifo", {{"--out", "out2"}}), never_writes},
      {"config, no writer", train("data.csv", {{"--config", "fifo"}, {"--out", "out2"}}), ""},
      {"predict data, no writer", "predict out/model.safetensors fifo -o out2.csv", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const int code = interrupt_while_waiting(dir.path(), c.args, c.before);
    EXPECT_EQ(code, 130) << read_text(dir.path() / "err");
    EXPECT_EQ(read_text(dir.path() / "err"), "lrtune: interrupted\n");
    EXPECT_FALSE(fs::exists(dir.path() / "out2"));
    EXPECT_FALSE(fs::exists(dir.path() / "out2.csv"));
  }
}

// The CSV was memory-mapped: truncated while lrtune read it, it died of SIGBUS (exit 135, no
// message). Now the file is read: truncated during the read it is one error line; truncated
// after it, the command works on what it read; truncated before lrtune opened it, the file is a
// 1000-byte CSV whose last row is cut, and that row is the error ("big.csv:74: ..."). Which one
// happens depends on timing (a sanitizer build starts slowly enough for the last).
TEST(CliStreams, ACsvTruncatedWhileReadIsOneErrorLineNotSigbus) {
  TempDir dir;
  std::string text = "a,b,c,y\n";
  for (int i = 0; text.size() < 28'000'000; ++i)
    text += fmt::format("{},{}.125,{},{}\n", i % 99991, i % 977, i % 10, i % 2);
  for (const char* delay : {"0.01", "0.05", "0.2"}) {
    SCOPED_TRACE(delay);
    write_text(dir.path() / "big.csv", text);
    const CliResult r =
        run_bash(std::string("\"$LRTUNE\" find big.csv --target y --positive '==1' --layers 2 --schedule "
                             "step --finder-points 5 --quiet --out out & pid=$!; sleep ") +
                     delay + "; truncate -s 1000 big.csv; wait $pid",
                 dir.path());
    if (r.code != 0) expect_one_error_line(r, 1, {"big.csv:"});
    fs::remove_all(dir.path() / "out");
  }
}

}  // namespace
