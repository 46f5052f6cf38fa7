// One epoch base in every file a command writes (docs/cli.md, "Epoch numbers"): the `epoch`
// column and every `best_epoch` count from 0, as Keras' CSV logs do, and point at the epoch whose
// validation loss was lowest in the lists beside them; printed lines count from 1.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_text(path)); }

// The run-level values written beside a history file: history_tuned.json -> history_tuned_summary.json.
nlohmann::json summary_of(const fs::path& history_file) {
  fs::path summary = history_file;
  summary.replace_filename(history_file.stem().string() + "_summary.json");
  return read_json(summary);
}

// The 0-based index of the first lowest value.
int argmin(const std::vector<double>& values) {
  return static_cast<int>(std::min_element(values.begin(), values.end()) - values.begin());
}

// history.json: one record per epoch, epochs 0, 1, ...; history_summary.json: best_epoch the
// index of the lowest val_loss.
void expect_history_is_zero_based(const fs::path& file) {
  SCOPED_TRACE(file.string());
  const auto records = read_json(file);
  ASSERT_TRUE(records.is_array());
  ASSERT_FALSE(records.empty());
  std::vector<double> val_loss;
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].at("epoch").get<int>(), static_cast<int>(i));
    val_loss.push_back(records[i].at("val_loss").get<double>());
  }
  EXPECT_EQ(summary_of(file).at("best_epoch").get<int>(), argmin(val_loss));
}

const std::string kSearch =
    " --candidates 3 --max-epochs 6 --first-rung-epochs 2 --patience 2 --schedule step --finder-points 20";

}  // namespace

TEST(CliEpochBase, TrainHistoryCountsFromZero) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(300));
  const CliResult r =
      run_cli("train data.csv" + small_flags({{"--epochs", "8"}}) + " --early-stopping --patience 3", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  expect_history_is_zero_based(dir.path() / "out" / "history.json");
  const std::string csv = read_text(dir.path() / "out" / "history.csv");
  EXPECT_NE(csv.find("\n0,"), std::string::npos) << csv;  // the epoch column's first value
}

TEST(CliEpochBase, TuneJsonCountsFromZeroLikeTheHistories) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(300));
  const CliResult r = run_cli("tune data.csv" + small_flags({{"--lr", ""}, {"--epochs", ""}}) + kSearch, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto t = read_json(dir.path() / "out" / "tuning.json");
  const auto& pick = t.at("candidates").at(t.at("pick").get<std::size_t>());
  const auto best = pick.at("best_epochs").get<std::vector<int>>();  // one per validation split
  ASSERT_EQ(best.size(), pick.at("validation_losses").size());
  for (std::size_t r = 0; r < best.size(); ++r)
    EXPECT_EQ(best[r], argmin(pick.at("validation_losses").at(r).get<std::vector<double>>())) << "repeat " << r;
  const int median = t.at("best_epoch").get<int>();
  EXPECT_GE(median, *std::min_element(best.begin(), best.end()));
  EXPECT_LE(median, *std::max_element(best.begin(), best.end()));
  EXPECT_EQ(t.at("model_epochs").get<int>(), best[0] + 1);  // a count: the epochs the model trained
  // Printed: 1-based.
  EXPECT_NE(r.out.find("at epoch " + std::to_string(median + 1)), std::string::npos) << r.out;
}

TEST(CliEpochBase, RunComparisonAndTuningAgreeOnTheTunedModelsBestEpoch) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(300));
  const CliResult r = run_cli("run data.csv" + small_flags({{"--lr", ""}, {"--epochs", "6"}}) + kSearch, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path out = dir.path() / "out";
  expect_history_is_zero_based(out / "history_default.json");
  expect_history_is_zero_based(out / "history_tuned.json");
  const auto c = read_json(out / "comparison.json");
  for (const char* side : {"default", "tuned"}) {
    const auto& run = c.at(side).at("runs").at(0);
    EXPECT_EQ(run.at("best_epoch").get<int>(),
              summary_of(out / fmt::format("history_{}.json", side)).at("best_epoch").get<int>())
        << side;
    EXPECT_LT(run.at("best_epoch").get<int>(), run.at("epochs_run").get<int>()) << side;
  }
  const auto t = read_json(out / "tuning.json");
  EXPECT_EQ(c.at("tuning").at("best_epoch").get<int>(), t.at("best_epoch").get<int>());
  EXPECT_GE(t.at("best_epoch").get<int>(), 0);
}
