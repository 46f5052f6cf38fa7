// End-to-end: learning rates so large that the loss becomes inf/NaN. `train` stops cleanly with
// one error line and exit code 3, keeping the history; `find` ends the sweep there and its
// suggestions are those of the finite part of the curve.
#include <lrtune/finder/suggest_all.hpp>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> csv_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CliNumericFaults, TrainStopsOnANonFiniteLossKeepsTheHistoryAndExits3) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  // Plain SGD at 1e6: the first epoch's weights blow up, the loss overflows during the second.
  const CliResult r =
      run_cli("train data.csv" + small_flags({{"--optimizer", "sgd"}, {"--lr", "1e6"}, {"--epochs", "5"}}) + " --quiet",
              dir.path());
  expect_one_error_line(r, 3,
                        {"lrtune: error: training diverged: batch loss became nan at epoch 2", "out/history.csv",
                         "has the 1 finished epoch and the partial one", "no model saved; try a smaller --lr"});
  const auto out = dir.path() / "out";
  EXPECT_FALSE(fs::exists(out / "model.safetensors"));
  EXPECT_FALSE(fs::exists(out / "metrics.json"));
  ASSERT_TRUE(complete_csv(out / "history.csv"));
  const auto lines = csv_lines(out / "history.csv");
  ASSERT_EQ(lines.size(), 3u);  // header, the finished epoch, the partial one
  EXPECT_EQ(lines[0].rfind("epoch,loss,", 0), 0u);
  EXPECT_EQ(lines[1].rfind("0,", 0), 0u);
  EXPECT_TRUE(std::isfinite(std::stod(lines[1].substr(2))));
  EXPECT_EQ(lines[2].rfind("1,nan,", 0), 0u) << lines[2];
  ASSERT_TRUE(complete_json(out / "history.json"));
  ASSERT_TRUE(complete_json(out / "history_summary.json"));
  EXPECT_NE(read_text(out / "history_summary.json").find("\"stop_reason\": \"non_finite_loss\""), std::string::npos);
  for (const char* file : {"config.toml", "data_summary.json", "data_steps.json"})
    EXPECT_TRUE(fs::exists(out / file)) << file;
}

nlohmann::json find_suggestions(const fs::path& dir, int points, nlohmann::json* curve = nullptr) {
  // Per-epoch schedule: point e is at 1e-3 * 10^(e/30) whatever the number of points, so a
  // shorter sweep is the same sweep truncated.
  const CliResult r = run_cli("find data.csv" +
                                  small_flags({{"--optimizer", "sgd"},
                                               {"--schedule", "epoch"},
                                               {"--lr", ""},
                                               {"--epochs", ""},
                                               {"--finder-points", std::to_string(points)},
                                               {"--out", "out"}}) +
                                  " --quiet",
                              dir);
  EXPECT_EQ(r.code, 0) << r.err;
  if (curve) *curve = nlohmann::json::parse(read_text(dir / "out" / "range_test.json"));
  const auto suggestion = nlohmann::json::parse(read_text(dir / "out" / "suggestion.json"));
  fs::remove_all(dir / "out");
  return {{"learning_rate", suggestion.at("learning_rate")},
          {"suggestions", suggestion.at("suggestions").at("suggestions")}};
}

TEST(CliNumericFaults, FindEndsTheSweepAtANonFiniteLossAndSuggestsFromTheFinitePart) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  nlohmann::json curve;
  const auto full = find_suggestions(dir.path(), 300, &curve);  // would reach 1e7
  const auto& losses = curve.at("losses");
  const auto& rates = curve.at("learning_rates");
  ASSERT_LT(losses.size(), 300u) << "the sweep did not stop early";
  EXPECT_EQ(curve.at("stop_reason"), "non_finite_loss");
  ASSERT_TRUE(losses.back().is_string()) << losses.back();  // the writer spells non-finite values "inf", "nan"
  const double divergence_rate = rates.back().get<double>();
  for (const auto& s : full.at("suggestions")) {
    if (!s.at("found").get<bool>()) continue;
    const double lr = s.at("learning_rate").get<double>();
    EXPECT_TRUE(std::isfinite(lr)) << s;
    EXPECT_LT(lr, divergence_rate) << s;
  }
  EXPECT_TRUE(full.at("learning_rate").is_number());
  // The suggestions are those of the finite part alone: the rules run on the smoothed curve without
  // the non-finite point (fastai's trim still counts the 300 planned points) give the same rates.
  // Where the per-epoch curve collapsed before the fault, the rules read only the points before that.
  std::size_t read = losses.size() - 1;
  if (const auto collapse = curve.value("collapse_index", std::int64_t{-1}); collapse >= 0)
    read = std::min(read, static_cast<std::size_t>(collapse));
  std::vector<double> finite_rates, finite_smoothed;
  for (std::size_t i = 0; i < read; ++i) {
    finite_rates.push_back(rates[i].get<double>());
    finite_smoothed.push_back(curve.at("smoothed_losses")[i].get<double>());
  }
  lrtune::SuggestOptions options;
  options.trim.planned_points = 300;
  const nlohmann::json alone =
      lrtune::suggest_all(finite_rates, finite_smoothed, lrtune::CurveMode::per_epoch, options);
  ASSERT_EQ(alone.at("suggestions").size(), full.at("suggestions").size());
  for (std::size_t i = 0; i < alone.at("suggestions").size(); ++i) {
    const auto& a = full.at("suggestions")[i];
    const auto& b = alone.at("suggestions")[i];
    EXPECT_EQ(a.at("name"), b.at("name"));
    EXPECT_EQ(a.at("found"), b.at("found")) << a << "\n" << b;
    EXPECT_EQ(a.value("learning_rate", nlohmann::json()), b.value("learning_rate", nlohmann::json())) << a << "\n" << b;
  }
  // And the sweep up to the fault is the sweep a shorter run makes: the same points, point by point.
  nlohmann::json shorter;
  (void)find_suggestions(dir.path(), static_cast<int>(losses.size()) - 1, &shorter);
  EXPECT_EQ(shorter.at("stop_reason"), "completed");
  ASSERT_EQ(shorter.at("losses").size(), losses.size() - 1);
  for (std::size_t i = 0; i + 1 < losses.size(); ++i) EXPECT_EQ(shorter.at("losses")[i], losses[i]) << i;
}

}  // namespace
