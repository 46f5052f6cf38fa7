// End-to-end: `lrtune find` on the wine CSV prints the suggestion table and text chart and
// writes the range test as CSV and JSON, plus the configuration and data summary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "cli_signals.hpp"

using namespace lrtune::testing;

TEST(CliFind, PerStepRangeTestWritesCurveAndSuggestions) {
  TempDir dir;
  const CliResult r = run_cli(std::string("find ") + wine() + " " + kFastFind + "--out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  for (const char* text :
       {"method", "learning rate", "explanation", "valley", "stable-minimum", "Suggested learning rate:"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  for (const char* file : {"range_test.csv", "range_test.json", "suggestion.json", "config.toml", "data_summary.txt",
                           "data_summary.json", "data_steps.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / file)) << file;
  const auto json = nlohmann::json::parse(read_text(dir.path() / "out" / "range_test.json"));
  const std::size_t points = json.at("learning_rates").size();  // 30, or fewer when the loss diverged
  EXPECT_GE(points, 20u);
  EXPECT_LE(points, 30u);
  const auto suggestion = nlohmann::json::parse(read_text(dir.path() / "out" / "suggestion.json"));
  EXPECT_TRUE(suggestion.at("learning_rate").is_number());
  // The text chart's legend names the suggestion it marks: X on the curve, | off the sweep.
  const std::string rule = suggestion.at("rule").get<std::string>();
  EXPECT_TRUE(r.out.find("X = " + rule + " ") != std::string::npos ||
              r.out.find("| = " + rule + " ") != std::string::npos)
      << r.out;
  const std::string csv = read_text(dir.path() / "out" / "range_test.csv");
  EXPECT_EQ(csv.rfind("index,lr,loss,smoothed_loss", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), points + 1);
}

TEST(CliFind, PerEpochRecipeScheduleAndJsonSummary) {
  TempDir dir;
  const CliResult r =
      run_cli(std::string("find ") + wine() +
                  " --target quality --positive '>=6' --layers 16 --finder-points 6 --json --verbose --out out",
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);  // stdout holds only the JSON summary
  EXPECT_EQ(json.at("command"), "find");
  EXPECT_EQ(json.at("points"), 6);
  EXPECT_NE(r.err.find("Range test 1/6 - lr: 0.001"), std::string::npos) << r.err;
  const auto curve = nlohmann::json::parse(read_text(dir.path() / "out" / "range_test.json"));
  EXPECT_NEAR(curve.at("learning_rates")[3].get<double>(), 1e-3 * std::pow(10.0, 3.0 / 30.0), 1e-12);
  EXPECT_EQ(curve.at("mode"), "per_epoch");
}

TEST(CliFind, CategoricalPositiveClassAndImputation) {
  TempDir dir;
  const CliResult r =
      run_cli(std::string("find ") + wine() +
                  " --target type --positive white --drop quality --na median --layers 8 --schedule step"
                  " --finder-points 20 --quiet --out out",
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string summary = read_text(dir.path() / "out" / "data_summary.txt");
  EXPECT_NE(summary.find("type"), std::string::npos) << summary;
}

TEST(CliFind, CtrlCKeepsThePointsSoFarAndExits130) {
  TempDir dir;
  const SignalRun run = run_and_signal(dir.path(),
                                       "find " + wine() +
                                           " --target quality --positive '>=6' --finder-points 9000 "
                                           "--finder-start 1e-6 --verbose --out out",
                                       range_test_points(1), SIGINT);
  EXPECT_TRUE(run.reached) << run.log;
  EXPECT_EQ(run.code, 130) << run.log;
  const auto curve = nlohmann::json::parse(read_text(dir.path() / "out" / "range_test.json"));
  EXPECT_EQ(curve.at("stop_reason"), "cancelled");
  EXPECT_GE(curve.at("learning_rates").size(), 1u);
}

// issue 12, collapse: a per-epoch sweep on rows the network fits at once collapses (the loss
// vanishes); find says where under its table, records it, and no suggestion reads past it.
TEST(CliFind, PerEpochSuggestionsStopBeforeTheCollapse) {
  TempDir dir;
  std::string csv = "x,y\n";
  for (int i = 0; i < 64; ++i) csv += std::to_string(i - 32) + "," + (i < 32 ? "0" : "1") + "\n";
  write_text(dir.path() / "data.csv", csv);
  const CliResult r =
      run_cli("find data.csv --target y --positive 1 --layers 16 --finder-points 100 --quiet --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("where the curve collapsed: "), std::string::npos) << r.out;
  const auto curve = nlohmann::json::parse(read_text(dir.path() / "out" / "range_test.json"));
  const auto collapse = curve.at("collapse_index").get<std::int64_t>();
  ASSERT_GE(collapse, 0) << curve.at("losses");
  EXPECT_FALSE(curve.at("collapse_reason").get<std::string>().empty());
  EXPECT_EQ(curve.at("learning_rates").size(), 100u);  // the sweep itself runs all its epochs
  for (const auto& s : curve.at("suggestions").at("suggestions"))
    if (s.at("found").get<bool>()) {
      EXPECT_LT(s.at("index").get<std::int64_t>(), collapse) << s;
    }
}
