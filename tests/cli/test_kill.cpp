// End-to-end: nothing lost when lrtune is stopped during training. SIGINT: exit 130 and a
// history of exactly the finished epochs. SIGKILL: every file in the output folder is complete
// and valid; only temporary names (".<name>.tmp.<random>", ".<chart>.png.tmp") may be unfinished.
#include <csignal>
#include <thread>

#include <lrtune/io/model_file.hpp>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

// lrtune started in the background with its output in dir/log; killed with kill_signal once the
// log has `wait_for` (polled every 20 ms, up to 2 minutes for a slow or sanitized build).
// Returns the exit status as the shell reports it (128 + signal when killed).
int run_and_kill(const fs::path& dir, const std::string& args, const std::string& wait_for, int kill_signal) {
  const std::string binary = LRTUNE_BINARY_DIR "/lrtune";
  const std::string command = "cd " + quote(dir.string()) + " && (" + quote(binary) + " " + args +
                              " >log 2>&1 & pid=$!;"
                              " for i in $(seq 6000); do grep -qF " + quote(wait_for) + " log && break; sleep 0.02; done;"
                              " kill -" + std::to_string(kill_signal) + " $pid; wait $pid; echo $? > code)";
  if (std::system(command.c_str()) != 0) return -1;
  return std::stoi(read_text(dir / "code"));
}

// Number of finished-epoch lines ("Epoch k/N - s/s - loss: ... - accuracy: ...") in the log.
int finished_epoch_lines(const std::string& log) {
  int count = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    count += line.rfind("Epoch ", 0) == 0 && line.find(" - accuracy: ") != std::string::npos;
  return count;
}

// io's atomic writes use ".<name>.tmp.<random>", charts ".<stem>.png.tmp": hidden, never a result's name.
bool is_temp_name(const std::string& name) {
  return name.front() == '.' && (name.find(".tmp.") != std::string::npos || name.ends_with(".tmp"));
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// Every file under `out` is complete and valid for its kind; returns how many were checked.
int check_every_file(const fs::path& out) {
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(entry.path().string());
    if (is_temp_name(name)) continue;  // an unfinished write, never renamed: not a result
    const std::string ext = entry.path().extension().string();
    const std::string text = read_text(entry.path());
    EXPECT_FALSE(text.empty());
    if (ext == ".json") EXPECT_TRUE(complete_json(entry.path()));
    else if (ext == ".csv") EXPECT_TRUE(complete_csv(entry.path()));
    else if (ext == ".png") {
      EXPECT_EQ(text.rfind("\x89PNG\r\n\x1a\n", 0), 0u);
      EXPECT_TRUE(ends_with(text, std::string("IEND\xae\x42\x60\x82", 8)));
    } else if (ext == ".svg") EXPECT_TRUE(ends_with(text, "</svg>\n") || ends_with(text, "</svg>\n\n"));
    else if (ext == ".html") EXPECT_TRUE(ends_with(text, "</html>\n"));
    else if (ext == ".safetensors") EXPECT_NO_THROW((void)lrtune::load_model(entry.path()));
    else if (ext == ".txt" || ext == ".toml" || ext == ".gp" || ext == ".dat") EXPECT_TRUE(ends_with(text, "\n"));
    else ADD_FAILURE() << "unexpected file kind";
    ++checked;
  }
  return checked;
}

TEST(CliKill, SigintWritesTheHistoryOfExactlyTheFinishedEpochsAndExits130) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(2000));
  const int code = run_and_kill(dir.path(), "train data.csv" + small_flags({{"--epochs", "100000"}}),
                                "Epoch 3/100000 - ", SIGINT);
  const std::string log = read_text(dir.path() / "log");
  EXPECT_EQ(code, 130) << log;
  EXPECT_NE(log.find("lrtune: interrupted"), std::string::npos) << log;
  const int finished = finished_epoch_lines(log);
  EXPECT_GE(finished, 3);
  const auto out = dir.path() / "out";
  ASSERT_TRUE(complete_csv(out / "history.csv"));
  const std::string history = read_text(out / "history.csv");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), finished + 1) << history;  // header + one per epoch
  ASSERT_TRUE(complete_json(out / "history.json"));
  EXPECT_FALSE(fs::exists(out / "model.safetensors"));
  for (const auto& entry : fs::directory_iterator(out)) EXPECT_FALSE(is_temp_name(entry.path().filename().string()));
  check_every_file(out);
}

// Killed at three moments of `run`: in the range test; in the second training (after the range
// test's files were written); after the last epoch, while the histories, comparison, model,
// charts and report are being written (the run may also finish first: then all must be whole).
TEST(CliKill, SigkillLeavesOnlyCompleteFiles) {
  for (const char* moment : {"Range test 3/", "[tuned] Epoch 2/", "[tuned] Epoch 300/300"}) {
    SCOPED_TRACE(moment);
    TempDir dir;
    write_text(dir.path() / "data.csv", small_csv(2000));
    const int code = run_and_kill(dir.path(),
                                  "run data.csv" + small_flags({{"--epochs", "300"}, {"--lr", ""},
                                                                {"--schedule", "epoch"}, {"--finder-points", "60"}}),
                                  moment, SIGKILL);
    const bool at_the_end = std::string(moment).find("300/300") != std::string::npos;
    if (!(at_the_end && code == 0)) {
      EXPECT_EQ(code, 128 + SIGKILL) << read_text(dir.path() / "log");
    }
    ASSERT_TRUE(fs::exists(dir.path() / "out")) << read_text(dir.path() / "log");
    EXPECT_GE(check_every_file(dir.path() / "out"), 4);  // config.toml, data_summary.*, data_steps.json at least
  }
}

}  // namespace
