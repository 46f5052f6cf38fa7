// End-to-end: `lrtune run` (default vs tuned, repeats, early stopping) and `lrtune demo`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using namespace lrtune::testing;

TEST(CliRun, ComparesDefaultAndTunedAndWritesTheReport) {
  TempDir dir;
  const CliResult r = run_cli(std::string("run ") + wine() + " " + kFast + "--out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  for (const char* text : {"default", "tuned", "test accuracy", "confusion", "0.001"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  for (const char* file : {"range_test.csv", "range_test.json", "history_default.csv", "history_tuned.csv",
                           "history_default.json", "history_tuned.json", "comparison.json", "model.safetensors",
                           "report.html", "config.toml", "data_summary.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / file)) << file;
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  EXPECT_DOUBLE_EQ(comparison.at("default_learning_rate").get<double>(), 0.001);
  const std::string report = read_text(dir.path() / "out" / "report.html");
  EXPECT_NE(report.find("Default vs tuned"), std::string::npos);
  EXPECT_NE(report.find("Range test"), std::string::npos);
}

TEST(CliRun, TheTunedRateIsTheTunersPickByDefaultWithEverySuggestionBesideIt) {
  TempDir dir;
  const CliResult r = run_cli(std::string("run ") + wine() + " " + kFast + "--out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  const auto tuning = nlohmann::json::parse(read_text(dir.path() / "out" / "tuning.json"));
  EXPECT_EQ(comparison.at("pick"), "tuner");
  EXPECT_EQ(comparison.at("tuned_learning_rate"), tuning.at("learning_rate"));
  EXPECT_EQ(comparison.at("tuning").at("learning_rate"), tuning.at("learning_rate"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "tuning_candidates.csv"));
  // Every range-test suggestion is shown beside the pick: text, JSON and report.
  EXPECT_NE(r.out.find("range-test suggestions:"), std::string::npos) << r.out;
  for (const auto& s : comparison.at("suggestions").at("suggestions")) {
    const std::string name = s.at("name");
    EXPECT_NE(r.out.find(name + " "), std::string::npos) << name;
  }
  EXPECT_NE(r.out.find("(tuner)"), std::string::npos) << r.out;
  const std::string report = read_text(dir.path() / "out" / "report.html");
  EXPECT_NE(report.find("Learning-rate tuning"), std::string::npos);
  EXPECT_NE(report.find("tuner pick"), std::string::npos);
  EXPECT_NE(report.find("Suggestions"), std::string::npos);
}

// The recipe's own behaviour: the per-epoch range test's suggestion is the tuned rate; no search runs.
TEST(CliRun, RecipeWithPickFinderTrainsAtTheRangeTestSuggestion) {
  TempDir dir;
  const CliResult r = run_cli(std::string("run ") + wine() +
                                  " --target quality --positive '>=6' --layers 16,16 --epochs 2 --finder-points 20 "
                                  "--pick finder --out out",
                              dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  EXPECT_EQ(comparison.at("pick"), "finder");
  EXPECT_EQ(comparison.at("tuned_learning_rate"), comparison.at("suggested_learning_rate"));
  const auto suggestion = nlohmann::json::parse(read_text(dir.path() / "out" / "suggestion.json"));
  EXPECT_EQ(comparison.at("tuned_learning_rate"), suggestion.at("learning_rate"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "tuning.json"));
  EXPECT_FALSE(comparison.contains("tuning"));
  EXPECT_NE(r.out.find("range-test suggestions:"), std::string::npos) << r.out;
  EXPECT_EQ(read_text(dir.path() / "out" / "report.html").find("Learning-rate tuning"), std::string::npos);
}

TEST(CliRun, RepeatsAndEarlyStoppingReportMeanStdAndEpochs) {
  TempDir dir;
  const CliResult r = run_cli(
      std::string("run ") + wine() + " " + kFast + "--repeats 2 --early-stopping --patience 1 --threads 2 --out out",
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("over 2 seeds (42..43)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("±"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epochs run"), std::string::npos) << r.out;
  for (const char* file : {"history_default_seed42.csv", "history_tuned_seed43.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / file)) << file;
  const std::string history = read_text(dir.path() / "out" / "history_tuned_seed42.csv");
  EXPECT_NE(history.find("val_loss"), std::string::npos) << history;
}

// The model run delivers is trained the careful way, and both rates the same way: a validation
// part of the training rows, early stopping, best weights restored; the table says when each
// stopped and where its best epoch was.
TEST(CliRun, BothRatesTrainWithEarlyStoppingByDefault) {
  TempDir dir;
  const CliResult r = run_cli(std::string("run ") + wine() + " " + kFast + "--json --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = read_text(dir.path() / "out" / "history_default.csv");
  EXPECT_NE(text.find("val_loss"), std::string::npos) << text;
  EXPECT_NE(read_text(dir.path() / "out" / "history_tuned.csv").find("val_loss"), std::string::npos);
  const CliResult table = run_cli(std::string("run ") + wine() + " " + kFast + "--out out2", dir.path());
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("epochs run"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("best epoch"), std::string::npos) << table.out;
  // --early-stopping=false trains every epoch, as before.
  ASSERT_EQ(
      run_cli(std::string("run ") + wine() + " " + kFast + "--early-stopping=false --quiet --out out3", dir.path())
          .code,
      0);
  EXPECT_EQ(read_text(dir.path() / "out3" / "history_tuned.csv").find("val_loss"), std::string::npos);
}

// --recipe is the seed's recipe: the per-epoch range test read by stable-minimum, no search, 100
// epochs for both rates, no validation split; a flag given still wins.
TEST(CliRun, RecipeSetsTheSeedsStepsAndFlagsStillWin) {
  TempDir dir;
  const CliResult config = run_cli("config --recipe", dir.path());
  ASSERT_EQ(config.code, 0) << config.err;
  for (const char* line : {"schedule = 'epoch'", "rule = 'stable-minimum'", "pick = 'finder'", "epochs = 100",
                           "early_stopping = false", "recipe = true"})
    EXPECT_NE(config.out.find(line), std::string::npos) << line << "\n" << config.out;
  const CliResult r = run_cli(std::string("run ") + wine() +
                                  " --target quality --positive '>=6' --layers 16,16 --epochs 2 --finder-points 20 "
                                  "--recipe --out out",
                              dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto comparison = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  EXPECT_EQ(comparison.at("pick"), "finder");
  EXPECT_EQ(comparison.at("rule"), "stable-minimum");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "tuning.json"));
  const std::string history = read_text(dir.path() / "out" / "history_tuned.csv");
  EXPECT_EQ(history.find("val_loss"), std::string::npos) << history;
  EXPECT_EQ(comparison.at("tuned").at("runs").at(0).at("epochs_run"), 2);  // --epochs 2 won over the recipe's 100
}

TEST(CliDemo, RunsOnTheBuiltInDataSet) {
  TempDir dir;
  const CliResult r =
      run_cli("demo --epochs 2 --layers 16,16 --schedule step --finder-points 40 --max-epochs 4 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("churned"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("test accuracy"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "demo_data.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "report.html"));
  // The data set is the same bytes every time.
  TempDir again;
  ASSERT_EQ(run_cli("demo --epochs 1 --layers 4 --schedule step --finder-points 40 --pick finder --quiet --out out",
                    again.path())
                .code,
            0);
  EXPECT_EQ(read_text(dir.path() / "out" / "demo_data.csv"), read_text(again.path() / "out" / "demo_data.csv"));
}

namespace {
bool has_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }
}  // namespace

TEST(CliRun, ChartsArePngAndSvgAndTheReportEmbedsThem) {
  if (!has_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  const CliResult r = run_cli(
      std::string("run ") + wine() +
          " --target quality --positive '>=6' --layers 16,16 --epochs 2 --finder-points 20 --pick finder --out out",
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto charts = dir.path() / "out" / "charts";
  for (const char* stem : {"range_test_epochs", "range_test_lr", "training_comparison", "confusion_matrices"}) {
    const std::string png = read_text(charts / (std::string(stem) + ".png"));
    const std::string svg = read_text(charts / (std::string(stem) + ".svg"));
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << stem;
    EXPECT_NE(svg.find("<svg"), std::string::npos) << stem;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << stem;
  }
  const std::string report = read_text(dir.path() / "out" / "report.html");
  std::size_t embedded = 0;
  for (std::size_t at = report.find("data:image/"); at != std::string::npos; at = report.find("data:image/", at + 1))
    ++embedded;
  EXPECT_GE(embedded, 4u) << "charts embedded in report.html";
}

TEST(CliRun, WithoutGnuplotEverythingElseWorksAndTheToolSaysSoOnce) {
  TempDir dir;
  const std::string binary = LRTUNE_BINARY_DIR "/lrtune";
  const std::string command = "cd " + quote(dir.path().string()) + " && env PATH=/nonexistent " + quote(binary) +
                              " run " + wine() + " " + kFast + "--out nognu >out.txt 2>err.txt; echo $? > code";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_text(dir.path() / "code"), "0\n") << read_text(dir.path() / "err.txt");
  const std::string err = read_text(dir.path() / "err.txt");
  const auto first = err.find("gnuplot");
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("gnuplot", err.find('\n', first)), std::string::npos) << "said more than once: " << err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "nognu" / "report.html"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "nognu" / "model.safetensors"));
}
