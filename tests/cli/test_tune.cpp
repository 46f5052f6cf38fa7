// End-to-end: `lrtune tune` writes its files and a JSON summary with the pick, rungs and costs, is
// deterministic for a seed, never lets the test split steer the search, says when the model is a
// refit, stops on Ctrl-C with 130, and refuses bad search flags in one line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "cli_signals.hpp"
#include "lrtune/core/split.hpp"

using namespace lrtune::testing;

namespace {

constexpr int kRows = 500;

// A small tabular CSV (5 numeric features, a binary target from a noisy logistic rule), written
// to `path`. `scramble`: rows whose values are replaced by other numbers and flipped labels.
void write_csv(const std::filesystem::path& path, const std::set<lrtune::Index>& scramble = {}) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::ofstream out(path);
  out << "a,b,c,d,e,label\n";
  for (int i = 0; i < kRows; ++i) {
    double x[5];
    for (double& v : x) v = normal(rng);
    const double noise = normal(rng);
    int label = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[3] + 0.7 * noise > 0 ? 1 : 0;
    if (scramble.count(i)) {
      for (double& v : x) v = 5.0 - 3.0 * v;
      label = 1 - label;
    }
    out << fmt::format("{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", x[0], x[1], x[2], x[3], x[4], label);
  }
}

// Small and fast: a tiny network, three candidates in a fixed interval or from a short range test.
const std::string kTuneFast =
    "--target label --positive '==1' --layers 8 --candidates 3 --max-epochs 4 --first-rung-epochs 2 --patience 2 "
    "--schedule step --finder-points 30 --threads 2 ";

// The JSON without wall-clock times: every key that holds seconds is dropped.
nlohmann::json without_timings(nlohmann::json j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end();) {
      if (it.key().find("seconds") != std::string::npos)
        it = j.erase(it);
      else {
        it.value() = without_timings(it.value());
        ++it;
      }
    }
  } else if (j.is_array()) {
    for (auto& item : j) item = without_timings(item);
  }
  return j;
}

}  // namespace

TEST(CliTune, WritesTheFilesAndAJsonSummaryWithPickRungsAndCosts) {
  TempDir dir;
  write_csv(dir.path() / "data.csv");
  const CliResult r = run_cli("tune data.csv " + kTuneFast + "--json --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  for (const char* file : {"tuning.json", "tuning_candidates.csv", "range_test.csv", "range_test.json",
                           "model.safetensors", "report.html", "config.toml", "data_summary.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / file)) << file;
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary.at("command"), "tune");
  EXPECT_GT(summary.at("learning_rate").get<double>(), 0.0);
  EXPECT_GE(summary.at("best_epoch").get<int>(), 0);  // 0-based in every file, as History's
  EXPECT_LE(summary.at("best_epoch").get<int>(), 3);
  // 3 log-spaced, Adam's default 1e-3 (unless it replaced a log-spaced rate close to it), and up to
  // 2 added beyond an end of the interval.
  const auto candidates = summary.at("candidates").size();
  const auto extensions = summary.at("extensions").get<std::size_t>();
  EXPECT_GE(candidates, 3u + extensions);
  EXPECT_LE(candidates, 4u + extensions);
  EXPECT_EQ(summary.at("repeats"), 3);  // under 2,000 training rows: three validation splits
  EXPECT_EQ(summary.at("validation_splits"), 3);
  EXPECT_TRUE(summary.at("candidates").at(summary.at("default_candidate").get<std::size_t>()).at("is_default"));
  EXPECT_FALSE(summary.at("decision").get<std::string>().empty());
  EXPECT_GE(summary.at("rungs").size(), 1u);
  EXPECT_FALSE(summary.at("explanation").get<std::string>().empty());
  EXPECT_EQ(summary.at("final_model"), "best-weights");
  EXPECT_GT(summary.at("cost").at("epochs").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(summary.at("cost").at("grid_epochs_bound").get<double>(), static_cast<double>(candidates) * 3 * 4);
  EXPECT_LE(summary.at("cost").at("epochs").get<double>(), static_cast<double>(candidates) * 3 * 4);
  EXPECT_TRUE(summary.at("suggestions").is_object());
  // The pick in the summary is tuning.json's, and the CSV marks its rows.
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_EQ(tuning.at("learning_rate"), summary.at("learning_rate"));
  EXPECT_EQ(tuning.at("pick"), summary.at("pick"));
  const std::string csv = read_text(dir.path() / "out" / "tuning_candidates.csv");
  EXPECT_EQ(csv.rfind("candidate,lr,rung,rung_epochs,epochs_trained,score,outcome,picked\n", 0), 0u) << csv;
  EXPECT_NE(csv.find(",1\n"), std::string::npos) << csv;
  const std::string report = read_text(dir.path() / "out" / "report.html");
  EXPECT_NE(report.find("Learning-rate tuning"), std::string::npos);
  EXPECT_NE(report.find("restored best weights"), std::string::npos);
  // Text output (without --json): the interval, rungs, candidates, the pick and the costs.
  const CliResult text = run_cli("tune data.csv " + kTuneFast + "--out out2", dir.path());
  ASSERT_EQ(text.code, 0) << text.err;
  for (const char* part :
       {"Search interval:", "Rungs", "Candidates", "Pick: learning rate", "Final model:", "Cost:", "Test split"})
    EXPECT_NE(text.out.find(part), std::string::npos) << part << "\n" << text.out;
}

TEST(CliTune, SameSeedSameResult) {
  TempDir dir;
  write_csv(dir.path() / "data.csv");
  ASSERT_EQ(run_cli("tune data.csv " + kTuneFast + "--quiet --out a", dir.path()).code, 0);
  ASSERT_EQ(run_cli("tune data.csv " + kTuneFast + "--quiet --out b", dir.path()).code, 0);
  const auto a = nlohmann::json::parse(read_text(dir.path() / "a" / "tuning.json"));
  const auto b = nlohmann::json::parse(read_text(dir.path() / "b" / "tuning.json"));
  EXPECT_EQ(without_timings(a), without_timings(b));
  EXPECT_EQ(read_text(dir.path() / "a" / "tuning_candidates.csv"),
            read_text(dir.path() / "b" / "tuning_candidates.csv"));
}

TEST(CliTune, TheTestSplitIsNeverUsedForSelection) {
  TempDir dir;
  // The rows the seeded split (--test-size 0.2, --split-seed 42) puts into the test part: the same
  // function prepare uses. Two files that differ only there must give the same search.
  const auto split = lrtune::train_test_split_indices(kRows, 0.2, 42);
  const std::set<lrtune::Index> test_rows(split.test.begin(), split.test.end());
  write_csv(dir.path() / "clean.csv");
  write_csv(dir.path() / "scrambled.csv", test_rows);
  ASSERT_NE(read_text(dir.path() / "clean.csv"), read_text(dir.path() / "scrambled.csv"));
  const CliResult a = run_cli("tune clean.csv " + kTuneFast + "--json --out a", dir.path());
  const CliResult b = run_cli("tune scrambled.csv " + kTuneFast + "--json --out b", dir.path());
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  const auto ta = nlohmann::json::parse(read_text(dir.path() / "a" / "tuning.json"));
  const auto tb = nlohmann::json::parse(read_text(dir.path() / "b" / "tuning.json"));
  EXPECT_EQ(without_timings(ta), without_timings(tb));
  // ... while the test split itself did change: the final scores on it differ.
  const auto sa = nlohmann::json::parse(a.out), sb = nlohmann::json::parse(b.out);
  EXPECT_NE(sa.at("test").at("loss"), sb.at("test").at("loss"));
}

TEST(CliTune, RefitIsSaidInTheJsonAndTheReport) {
  TempDir dir;
  write_csv(dir.path() / "data.csv");
  const CliResult r =
      run_cli("tune data.csv " + kTuneFast + "--lr-range 1e-3 3e-2 --refit --json --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary.at("final_model"), "refit");
  EXPECT_TRUE(summary.at("refit").get<bool>());
  EXPECT_DOUBLE_EQ(summary.at("interval").at("low").get<double>(), 1e-3);
  EXPECT_DOUBLE_EQ(summary.at("interval").at("high").get<double>(), 3e-2);
  EXPECT_TRUE(summary.at("suggestions").is_null());  // the interval was given: no range test
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "range_test.csv"));
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_TRUE(tuning.at("refit").get<bool>());
  EXPECT_NE(read_text(dir.path() / "out" / "report.html").find("refit: a fresh model"), std::string::npos);
}

TEST(CliTune, BadSearchFlagsAreOneLineErrors) {
  TempDir dir;
  write_csv(dir.path() / "data.csv");
  struct Case {
    std::string args, expected;
  };
  const std::vector<Case> cases = {
      {"--candidates 1", "--candidates must be in [2, 1000], got 1"},
      {"--max-epochs 0", "--max-epochs must be in [1, 1000000], got 0"},
      {"--max-epochs 3 --first-rung-epochs 4", "--max-epochs must be >= --first-rung-epochs (4), got 3"},
      {"--lr-range 0.1 0.01", "--lr-low must be < --lr-high (--lr-range LOW HIGH: LOW first), got 0.1 >= 0.01"},
      {"--lr-low 0.1 --lr-high 0.1", "--lr-low must be < --lr-high"},
      {"--lr-low 0.001", "--lr-low and --lr-high go together"},
      {"--patience 0", "--patience must be >= 1"},
      // tune's rate is always its search's pick: --pick is another command's flag here.
      {"--pick random", "--pick is a train/run/demo flag; tune's rate is always its search's pick"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli("tune data.csv --target label --positive '==1' --out out " + c.args, dir.path());
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_NE(r.err.find("lrtune: error: " + c.expected), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out")) << c.args;
  }
}

TEST(CliTune, SettingsRoundTripThroughTheExperimentFile) {
  TempDir dir;
  const CliResult r = run_cli(
      "config --candidates 6 --max-epochs 30 --first-rung-epochs 3 --lr-range 1e-4 0.1 --refit "
      "--pick finder",
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* line : {"[tune]", "candidates = 6", "max_epochs = 30", "first_rung_epochs = 3", "lr_low = 0.0001",
                           "lr_high = 0.1", "refit = true", "pick = 'finder'"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  { std::ofstream(dir.path() / "round.toml") << r.out; }
  const CliResult again = run_cli("config --config round.toml", dir.path());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
}

// Interrupted once the first rung is done (it used to sleep 2 s: on a loaded machine that was
// still the data preparation or the range test): the search stops, the pick is among what was
// trained, tuning.json says cancelled.
TEST(CliTune, CtrlCStopsTheSearchAndExits130) {
  TempDir dir;
  const SignalRun run =
      run_and_signal(dir.path(),
                     "tune " + wine() +
                         " --target quality --positive '>=6' --candidates 4 "
                         "--first-rung-epochs 1 --max-epochs 1000 --patience 1000 --threads 1 --out out",
                     search_rungs_finished(1), SIGINT);
  EXPECT_TRUE(run.reached) << run.log;
  EXPECT_EQ(run.code, 130) << run.log;
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_TRUE(tuning.at("cancelled").get<bool>());
  EXPECT_GE(tuning.at("rungs").size(), 2u);  // the first finished, the second was cut short
  const auto& pick = tuning.at("candidates").at(tuning.at("pick").get<std::size_t>());
  EXPECT_GE(pick.at("epochs_trained").at(0).get<int>(), 1) << pick;
  EXPECT_TRUE(tuning.at("validation_loss").is_number()) << tuning.at("validation_loss");  // finite: written as a number
}

// Interrupted as soon as the data files appear in the folder being built, i.e. in the range test
// or at the very start of the search: still exit 130 with tuning.json saying cancelled.
TEST(CliTune, CtrlCBeforeAnyEpochExits130) {
  TempDir dir;
  const SignalRun run =
      run_and_signal(dir.path(), "tune " + wine() + " --target quality --positive '>=6' --threads 1 --out out",
                     file_written("out", "data_summary.json"), SIGINT);
  EXPECT_TRUE(run.reached) << run.log;
  EXPECT_EQ(run.code, 130) << run.log;
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_TRUE(tuning.at("cancelled").get<bool>());
}
