// End-to-end: inputs lrtune accepts with a warning. The run goes on (exit 0) and stderr holds
// one "lrtune: warning:" line saying what was done.
#include "cli_checks.hpp"

using namespace lrtune::testing;

namespace {

// The lines of stderr that contain `part`.
int lines_with(const std::string& err, const std::string& part) {
  int count = 0;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) count += line.find(part) != std::string::npos;
  return count;
}

TEST(CliWarnings, ZeroVarianceFeatureIsLeftUnscaled) {
  TempDir dir;
  std::string text = "a,b,c,kind,y\n";
  std::istringstream rows(small_csv());
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) {  // column c becomes the constant 5
    const auto second = row.find(',', row.find(',') + 1), third = row.find(',', second + 1);
    text += row.substr(0, second + 1) + "5" + row.substr(third) + "\n";
  }
  write_text(dir.path() / "data.csv", text);
  const CliResult r = run_cli("train data.csv" + small_flags() + " --quiet", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.err,
                       "lrtune: warning: 1 feature is constant on the 48 train rows, left unscaled (only "
                       "shifted): \"c\""),
            1)
      << r.err;
  const auto steps = nlohmann::json::parse(read_text(dir.path() / "out" / "data_steps.json"));
  for (const auto& step : steps) {
    if (step.at("step") == "scale") {
      EXPECT_EQ(step.at("details").at("constant_features"), nlohmann::json({"c"}));
    }
  }
}

TEST(CliWarnings, MoreFeaturesThanRows) {
  TempDir dir;
  std::string text;
  for (int j = 0; j < 20; ++j) text += fmt::format("f{},", j);
  text += "y\n";
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 20; ++j) text += fmt::format("{},", (i * 7 + j * 3) % 11);
    text += fmt::format("{}\n", i % 2);
  }
  write_text(dir.path() / "data.csv", text);
  const CliResult r = run_cli("train data.csv" + small_flags({{"--batch-size", "4"}}) + " --quiet", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.err, "lrtune: warning: more features (20) than train rows (8)"), 1) << r.err;
}

TEST(CliWarnings, BatchSizeLargerThanTheDataGivesOneFullBatchPerEpoch) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv(20));  // 16 train rows
  const CliResult r =
      run_cli("train data.csv" + small_flags({{"--batch-size", "64"}, {"--epochs", "2"}}) + " --verbose", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.err,
                       "lrtune: warning: --batch-size 64 is larger than the 16 train rows; each epoch is one "
                       "batch of all 16 rows (as Keras does)"),
            1)
      << r.err;
  EXPECT_NE(r.out.find("Epoch 2/2 - 1/1 -"), std::string::npos) << r.out;  // one step per epoch
}

}  // namespace

TEST(CliWarnings, AClassOnlyInTheTestSplitIsNamed) {
  TempDir dir;
  std::string text = "a,y\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("{},{}\n", i, i == 39 ? "rare" : (i % 2 ? "p" : "q"));
  write_text(dir.path() / "data.csv", text);
  // Split seed 1 puts the one "rare" row in the test split.
  const CliResult r =
      run_cli("train data.csv" + small_flags({{"--positive", ""}, {"--split-seed", "1"}}) + " --quiet", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.err, "lrtune: warning: target \"y\": class \"rare\" (1 row) has no row in the train split"), 1)
      << r.err;
}

TEST(CliWarnings, InfiniteRegressionTargetsAreDroppedAndCounted) {
  TempDir dir;
  std::string text = "a,y\n";
  for (int i = 0; i < 40; ++i)
    text += fmt::format("{},{}\n", i, i == 6 ? "inf" : (i == 9 ? "-inf" : fmt::format("{}.5", i)));
  write_text(dir.path() / "data.csv", text);
  const CliResult r = run_cli("train data.csv" + small_flags({{"--positive", ""}}) + " --quiet", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.err, "lrtune: warning: 2 of 40 rows dropped: target \"y\" is infinite (file data rows 6, 9)"),
            1)
      << r.err;
}
