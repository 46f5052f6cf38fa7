// End-to-end: nothing lost when lrtune is stopped during training. SIGINT, SIGTERM, SIGHUP: exit
// 128 + the signal and a folder with the history of exactly the finished epochs, swapped in whole.
// SIGKILL: the earlier folder is intact; only hidden temporary names may be unfinished.
#include <csignal>
#include <map>

#include <lrtune/io/model_file.hpp>

#include "cli_checks.hpp"
#include "cli_signals.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

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
    if (ext == ".json")
      EXPECT_TRUE(complete_json(entry.path()));
    else if (ext == ".csv")
      EXPECT_TRUE(complete_csv(entry.path()));
    else if (ext == ".png") {
      EXPECT_EQ(text.rfind("\x89PNG\r\n\x1a\n", 0), 0u);
      EXPECT_TRUE(ends_with(text, std::string("IEND\xae\x42\x60\x82", 8)));
    } else if (ext == ".svg")
      EXPECT_TRUE(ends_with(text, "</svg>\n") || ends_with(text, "</svg>\n\n"));
    else if (ext == ".html")
      EXPECT_TRUE(ends_with(text, "</html>\n"));
    else if (ext == ".safetensors")
      EXPECT_NO_THROW((void)lrtune::load_model(entry.path()));
    else if (ext == ".txt" || ext == ".toml" || ext == ".gp" || ext == ".dat")
      EXPECT_TRUE(ends_with(text, "\n"));
    else
      ADD_FAILURE() << "unexpected file kind";
    ++checked;
  }
  return checked;
}

TEST(CliKill, SigintWritesTheHistoryOfExactlyTheFinishedEpochsAndExits130) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(2000));
  const SignalRun run = run_and_signal(
      dir.path(), "train data.csv" + small_flags({{"--epochs", "100000"}}) + " --verbose", epochs_finished(3), SIGINT);
  const std::string& log = run.log;
  EXPECT_TRUE(run.reached) << log;
  EXPECT_EQ(run.code, 130) << log;
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

// Every regular file below `folder` (relative name -> bytes).
std::map<std::string, std::string> snapshot(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), folder).string()] = read_text(entry.path());
  return files;
}

// Killed at three moments of `run` into the folder of an earlier run: in the range test; in the
// second training (after the range test's files were written); after the last epoch, while the
// histories, comparison, model, charts and report are being written (the run may also finish
// first: then the new folder must be whole). The earlier run's folder is untouched, or wholly
// replaced by the finished one; beside it at most the hidden folder being built, whose files are
// each complete and which the next run removes.
TEST(CliKill, SigkillLeavesTheEarlierFolderIntactOrTheWholeNewOne) {
  for (const Milestone& moment :
       {range_test_points(3), epochs_finished(2, "[tuned] "), epochs_finished(300, "[tuned] ")}) {
    SCOPED_TRACE(moment.name);
    TempDir dir;
    write_text(dir.path() / "data.csv", small_csv(2000));
    ASSERT_EQ(run_cli("train data.csv" + small_flags(), dir.path()).code, 0);
    const auto earlier = snapshot(dir.path() / "out");
    const SignalRun run = run_and_signal(
        dir.path(),
        "run data.csv" +
            small_flags({{"--epochs", "300"}, {"--lr", ""}, {"--schedule", "epoch"}, {"--finder-points", "60"}}) +
            " --verbose",
        moment, SIGKILL);
    const int code = run.code;
    const bool at_the_end = moment.name.find("300/") != std::string::npos;
    if (!at_the_end) {
      EXPECT_TRUE(run.reached) << run.log;
    }
    if (at_the_end && code == 0) {
      EXPECT_EQ(nlohmann::json::parse(read_text(dir.path() / "out" / "run.json"))["status"], "complete");
      EXPECT_GE(check_every_file(dir.path() / "out"), 10);
    } else {
      EXPECT_EQ(code, 128 + SIGKILL) << run.log;
      EXPECT_EQ(snapshot(dir.path() / "out"), earlier);
    }
    int hidden = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".out.lrtune-tmp-", 0) != 0) continue;
      ++hidden;
      check_every_file(entry.path());
    }
    EXPECT_LE(hidden, 1);
    ASSERT_EQ(run_cli("train data.csv" + small_flags(), dir.path()).code, 0);  // the next run cleans up
    for (const auto& entry : fs::directory_iterator(dir.path()))
      EXPECT_EQ(entry.path().filename().string().rfind(".out.", 0), std::string::npos) << entry.path();
  }
}

// SIGTERM and SIGHUP stop a run as Ctrl-C does: the finished epochs' folder replaces the earlier
// run whole, marked interrupted, exit 128 + the signal, one line saying so.
TEST(CliKill, SigtermAndSighupCompleteTheFolderAsInterrupted) {
  for (const int signal : {SIGTERM, SIGHUP, SIGINT}) {
    SCOPED_TRACE(signal);
    TempDir dir;
    write_text(dir.path() / "data.csv", small_csv(2000));
    ASSERT_EQ(run_cli("train data.csv" + small_flags({{"--seed", "7"}}), dir.path()).code, 0);
    const SignalRun stopped =
        run_and_signal(dir.path(), "train data.csv" + small_flags({{"--epochs", "100000"}}) + " --verbose",
                       epochs_finished(3), signal);
    const std::string& log = stopped.log;
    EXPECT_TRUE(stopped.reached) << log;
    EXPECT_EQ(stopped.code, 128 + signal) << log;
    const std::string name = signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "SIGINT";
    EXPECT_NE(log.find(signal == SIGINT ? "lrtune: interrupted\n" : "lrtune: interrupted by " + name + "\n"),
              std::string::npos)
        << log;
    const auto out = dir.path() / "out";
    const nlohmann::json run = nlohmann::json::parse(read_text(out / "run.json"));
    EXPECT_EQ(run["status"], "interrupted");
    EXPECT_EQ(run["exit_code"], 128 + signal);
    EXPECT_EQ(run["message"], "interrupted by " + name);
    EXPECT_EQ(read_text(out / "config.toml").find("seed = 7"), std::string::npos);  // the new run's, not the earlier
    EXPECT_FALSE(fs::exists(out / "model.safetensors"));                            // the earlier run's model is gone
    const std::string history = read_text(out / "history.csv");
    EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), finished_epoch_lines(log) + 1) << history;
    check_every_file(out);
  }
}

}  // namespace
