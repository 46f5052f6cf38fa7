// End-to-end (issue 11, item 10): a feature column around 1e300. Its sums of squares overflowed,
// so the scaler called it constant or stored a NaN scale (null in the model file): `train` then
// diverged at any --lr and `run --lr-range` saved a model that did not load. Now it trains, the
// model loads back and predicts finite probabilities.
#include <cmath>
#include <sstream>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

// small_csv() with column a scaled by 10^exponent (a's values are "d.ddd" at the start of a line).
std::string scaled_csv(int exponent) {
  std::istringstream in(small_csv());
  std::string out, line;
  std::getline(in, line);
  out += line + "\n";
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    out += line.substr(0, comma) + "e" + std::to_string(exponent) + line.substr(comma) + "\n";
  }
  return out;
}

// predict's probabilities: one row per data row, each finite in [0, 1].
void expect_finite_predictions(const fs::path& dir, const std::string& model) {
  const CliResult r = run_cli("predict " + model + " data.csv -o predictions.csv --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(read_text(dir / "predictions.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "row,probability,class,reason");
  int rows = 0;
  while (std::getline(in, line)) {
    const auto first = line.find(',');
    const double p = std::stod(line.substr(first + 1, line.rfind(',') - first - 1));
    EXPECT_TRUE(std::isfinite(p) && p >= 0.0 && p <= 1.0) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 60);
}

TEST(CliExtremeValues, TrainOnAColumnAround1e300ThenPredict) {
  for (const int exponent : {300, -300}) {
    TempDir dir;
    write_text(dir.path() / "data.csv", scaled_csv(exponent));
    const CliResult r = run_cli("train data.csv" + small_flags({{"--lr", "1e-9"}}) + " --quiet", dir.path());
    ASSERT_EQ(r.code, 0) << exponent << ": " << r.err;
    EXPECT_EQ(r.err, "") << exponent;  // in particular no "constant feature" warning for a
    expect_finite_predictions(dir.path(), "out/model.safetensors");
  }
}

TEST(CliExtremeValues, RunWithAnLrRangeSavesAModelThatLoads) {
  TempDir dir;
  write_text(dir.path() / "data.csv", scaled_csv(300));
  const CliResult r = run_cli("run data.csv" +
                                  small_flags({{"--lr", ""},
                                               {"--lr-range", "0.001 0.1"},
                                               {"--candidates", "2"},
                                               {"--max-epochs", "2"},
                                               {"--first-rung-epochs", "1"}}) +
                                  " --quiet",
                              dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  expect_finite_predictions(dir.path(), "out/model.safetensors");
}

}  // namespace
