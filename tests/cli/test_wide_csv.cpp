// End-to-end: a CSV of 100,000 columns x 3 rows goes through find, train and predict. A lookup
// per column made this quadratic (100,000 columns x 10 rows took 79 s); no timing is asserted,
// the test is in the suite because the whole pipeline is linear now.
#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

constexpr int kColumns = 100'000;

// Column y (0,1,1), then numeric columns f<k>, every 1,000th of them categorical.
std::string wide_csv() {
  std::string lines[4] = {"y", "0", "1", "1"};
  for (int c = 0; c < kColumns; ++c) {
    lines[0] += fmt::format(",f{}", c);
    for (int r = 1; r <= 3; ++r)
      lines[r] += c % 1000 == 0 ? std::string(",a") : fmt::format(",{}", (c * 7 + r * 3) % 10);
  }
  return lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n";
}

TEST(CliWideCsv, FindTrainAndPredictOn100000Columns) {
  TempDir dir;
  write_text(dir.path() / "wide.csv", wide_csv());
  const std::string flags = " --target y --positive '==1' --layers 1 --batch-size 2 --quiet";
  const CliResult find = run_cli("find wide.csv" + flags + " --schedule step --finder-points 5 --out find", dir.path());
  EXPECT_EQ(find.code, 0) << find.err;
  const CliResult train = run_cli("train wide.csv" + flags + " --lr 0.01 --epochs 1 --out train", dir.path());
  ASSERT_EQ(train.code, 0) << train.err;
  const CliResult predict = run_cli("predict train/model.safetensors wide.csv --quiet", dir.path());
  EXPECT_EQ(predict.code, 0) << predict.err;
  EXPECT_EQ(std::count(predict.out.begin(), predict.out.end(), '\n'), 4) << predict.out;  // header + 3 rows
}

}  // namespace
