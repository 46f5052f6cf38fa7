// A command line that guides: each command takes only the flags it reads and says why it refuses
// another's; unknown flags and stray values are answered with the nearest flag, in one line;
// --help describes each flag as that command uses it; --lr-schedule, --momentum and
// --validation-fraction reach the training.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCommands = {"find", "train", "tune", "run", "demo", "config", "evaluate", "predict"};

// A folder with small_csv() as data.csv and a stand-in model file (refusals come before reading it).
struct Workspace {
  TempDir dir;
  Workspace() {
    write_text(dir.path() / "data.csv", small_csv());
    write_text(dir.path() / "m.safetensors", "not read");
  }
  CliResult run(const std::string& args) const { return run_cli(args, dir.path()); }
};

// One column of a CSV file written by lrtune (no quoted fields).
std::vector<double> csv_column(const fs::path& path, const std::string& name) {
  std::istringstream lines(read_text(path));
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> header;
  std::istringstream names(line);
  for (std::string field; std::getline(names, field, ',');) header.push_back(field);
  const auto at = std::find(header.begin(), header.end(), name);
  if (at == header.end()) return {};
  std::vector<double> values;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string field;
    for (auto i = header.begin(); i <= at; ++i) std::getline(fields, field, ',');
    values.push_back(std::stod(field));
  }
  return values;
}

const std::string kData = " --target y --positive '==1' --layers 4";

}  // namespace

TEST(FlagsGuide, TrainRefusesTheSearchAndComparisonFlags) {
  Workspace w;
  const CliResult r = w.run("train data.csv" + small_flags() + " --candidates 3 --refit --rule valley --repeats 4");
  expect_one_error_line(r, 2,
                        {"--repeats is a tune/run/demo flag; train trains one model", "also not taken here", "--refit",
                         "--candidates", "--rule"});
  EXPECT_FALSE(fs::exists(w.dir.path() / "out"));
}

TEST(FlagsGuide, EachRefusalNamesTheCommandsThatTakeTheFlagAndWhyNotThisOne) {
  Workspace w;
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"find data.csv" + kData + " --epochs 3",
       {"--epochs is a train/run/demo flag; find's range test runs --finder-points"}},
      {"find data.csv" + kData + " --candidates 3",
       {"--candidates is a train/tune/run/demo flag; find does not search"}},
      {"tune data.csv" + kData + " --lr 0.01", {"--lr is a train flag; tune searches the rate"}},
      {"tune data.csv" + kData + " --refit --epochs 5", {"--epochs is a train/run/demo flag", "--max-epochs"}},
      {"run data.csv" + kData + " --refit", {"--refit is a tune flag; run trains both rates afresh"}},
      {"tune data.csv" + kData + " --lr-schedule one-cycle",
       {"--lr-schedule is a train/run/demo flag", "constant rate"}},
      {"predict m.safetensors data.csv --threads 2",
       {"--threads is a train/tune/run/demo flag; predict scores one model"}},
      {"evaluate m.safetensors data.csv --threads 2", {"--threads", "evaluate scores one model"}},
      {"find data.csv" + kData + " --data-parallel",
       {"--data-parallel is a train/tune/run/demo flag; find's range test runs whole on every rank"}},
      // Flags whose effect depends on another flag's value.
      {"train data.csv" + small_flags({{"--rule", "valley"}}),
       {"--rule is for train --lr auto; train --lr 0.01", "no range test"}},
      {"train data.csv" + small_flags({{"--candidates", "3"}}), {"--candidates is for train --lr auto", "no search"}},
      {"train data.csv" + small_flags({{"--lr", "auto"}, {"--pick", "finder"}, {"--candidates", "3"}}),
       {"--candidates is for the search; train --lr auto --pick finder"}},
      {"run data.csv" + kData + " --pick finder --max-epochs 3", {"--max-epochs is for the search; run --pick finder"}},
      {"run data.csv" + kData + " --recipe --candidates 3",
       {"--candidates is for the search; run --pick finder (or --recipe)"}},
      {"train data.csv" + small_flags({{"--patience", "3"}}), {"--patience sets early stopping, which is off here"}},
      {"tune data.csv" + kData + " --data-parallel",
       {"--data-parallel makes tune's refit data-parallel", "add --refit, or drop --data-parallel"}},
      {"tune data.csv" + kData + " --finder-points 20",
       {"--finder-points applies to tune's range test with --schedule step"}},
      {"train data.csv" + small_flags({{"--optimizer", "adam"}, {"--momentum", "0.9"}}),
       {"--momentum applies to --optimizer sgd"}},
      {"train data.csv" + small_flags({{"--lr-schedule", "one-cycle"}, {"--early-stopping", ""}}) + " --early-stopping",
       {"--early-stopping cannot go with --lr-schedule one-cycle"}},
  };
  for (const auto& [args, parts] : cases) {
    SCOPED_TRACE(args);
    expect_one_error_line(w.run(args), 2, parts);
    EXPECT_FALSE(fs::exists(w.dir.path() / "out"));
  }
}

TEST(FlagsGuide, ConfigPrintsEveryFlagOfEveryCommand) {
  Workspace w;
  const CliResult r = w.run(
      "config --candidates 3 --lr 0.01 --repeats 2 --refit --threads 2 --momentum 0.9 "
      "--optimizer sgd --lr-schedule one-cycle");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* line : {"candidates = 3", "lr = '0.01'", "repeats = 2", "refit = true", "threads = 2",
                           "momentum = 0.9", "lr_schedule = 'one-cycle'", "early_stopping = false"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " not in:\n" << r.out;
}

TEST(FlagsGuide, AnExperimentFileMayHoldKeysTheCommandDoesNotUse) {
  Workspace w;
  // One file for the whole experiment: find reads its data and range-test keys, not the others.
  write_text(w.dir.path() / "exp.toml", "[training]\nepochs = 5\nlr = 0.01\n[tune]\ncandidates = 3\nrefit = true\n");
  const CliResult r =
      w.run("find data.csv --config exp.toml --quiet" + kData + " --schedule step --finder-points 10 --out out");
  EXPECT_EQ(r.code, 0) << r.err;
  // The same value typed on the line is refused.
  expect_one_error_line(w.run("find data.csv --config exp.toml" + kData + " --refit --out out2"), 2,
                        {"--refit is a tune flag; find does not search"});
}

TEST(FlagsGuide, FlagsACommandReadsStayAccepted) {
  Workspace w;
  // train --lr auto searches: the search's flags, --threads and the range test's are its own.
  const CliResult r = w.run("train data.csv --quiet" + small_flags({{"--lr", "auto"},
                                                                    {"--candidates", "2"},
                                                                    {"--max-epochs", "2"},
                                                                    {"--first-rung-epochs", "1"},
                                                                    {"--schedule", "step"},
                                                                    {"--finder-points", "10"},
                                                                    {"--threads", "1"},
                                                                    {"--rule", "valley"},
                                                                    {"--patience", "2"}}));
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(FlagsGuide, UnknownFlagsAndCommandsGetTheNearestName) {
  Workspace w;
  expect_one_error_line(w.run("train data.csv" + small_flags() + " --dropuot 0.2"), 2,
                        {"unknown flag --dropuot; did you mean --dropout?"});
  expect_one_error_line(w.run("train data.csv" + small_flags() + " --momentun 0.9"), 2,
                        {"unknown flag --momentun; did you mean --momentum?"});
  expect_one_error_line(w.run("find data.csv" + kData + " --candidatse 3"), 2,
                        {"unknown flag --candidatse; did you mean --candidates (a train/tune/run/demo flag)?"});
  expect_one_error_line(w.run("predict m.safetensors data.csv --layres 3"), 2,
                        {"unknown flag --layres; did you mean --layers (a find/train/tune/run/demo flag)?"});
  expect_one_error_line(w.run("train data.csv" + small_flags() + " --zzzzzzzz"), 2,
                        {"unknown flag --zzzzzzzz; 'lrtune train --help' lists the flags train takes"});
  expect_one_error_line(w.run("trian data.csv"), 2, {"unknown command 'trian'; did you mean train?"});
}

TEST(FlagsGuide, StrayValuesAreNamedInOneLine) {
  Workspace w;
  const CliResult second = w.run("train data.csv other.csv" + small_flags());
  expect_one_error_line(second, 2, {"unexpected argument 'other.csv': train takes one DATA file and flags"});
  EXPECT_EQ(second.err.find("not expected"), std::string::npos) << second.err;
  expect_one_error_line(w.run("train data.csv" + small_flags() + " --json true"), 2,
                        {"unexpected value 'true' after --json: --json takes no value (--json=false turns it off)"});
}

TEST(FlagsGuide, HelpDescribesEachFlagAsThatCommandUsesIt) {
  Workspace w;
  const std::regex other_prefix("(find|train|tune|run|demo|config|evaluate|predict): ");
  for (const std::string& command : kCommands) {
    const CliResult r = w.run(command + " --help");
    ASSERT_EQ(r.code, 0) << command;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);)
      EXPECT_FALSE(std::regex_search(line, other_prefix)) << command << " --help: " << line;
  }
  const auto help = [&](const std::string& command) { return w.run(command + " --help").out; };
  EXPECT_EQ(help("predict").find("--threads"), std::string::npos);
  EXPECT_NE(help("tune").find("Candidates trained at once"), std::string::npos);
  EXPECT_NE(help("run").find("the default and tuned trainings"), std::string::npos);
  const std::string find = help("find");
  for (const char* flag :
       {"--epochs", "--lr ", "--candidates", "--repeats", "--refit", "--early-stopping", "--threads"})
    EXPECT_EQ(find.find(flag), std::string::npos) << "find --help lists " << flag;
  const std::string train = help("train");
  for (const char* flag : {"--repeats", "--refit"}) EXPECT_EQ(train.find(flag), std::string::npos) << flag;
  for (const char* flag : {"--lr-schedule", "--momentum", "--validation-fraction", "--candidates"})
    EXPECT_NE(train.find(flag), std::string::npos) << flag;
  EXPECT_EQ(help("tune").find("--lr-schedule"), std::string::npos);
}

TEST(FlagsGuide, OneCycleTrainsEveryEpochWithTheRateRisingThenFalling) {
  Workspace w;
  const CliResult r =
      w.run("train data.csv --quiet" + small_flags({{"--epochs", "8"}, {"--lr-schedule", "one-cycle"}}));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<double> lr = csv_column(w.dir.path() / "out" / "history.csv", "lr");
  ASSERT_EQ(lr.size(), 8u);  // every epoch asked
  const auto peak = std::max_element(lr.begin(), lr.end()) - lr.begin();
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, 7);
  EXPECT_LE(lr[static_cast<std::size_t>(peak)], 0.01 * (1 + 1e-9));
  for (auto i = 1; i <= peak; ++i) EXPECT_GT(lr[i], lr[i - 1]);
  for (auto i = peak + 1; i < 8; ++i) EXPECT_LT(lr[i], lr[i - 1]);
  EXPECT_LT(lr.back(), 1e-4);
}

TEST(FlagsGuide, SgdMomentumChangesTheTrainingAndRepeats) {
  Workspace w;
  const auto losses = [&](const std::string& momentum) {
    fs::remove_all(w.dir.path() / "out");
    const CliResult r = w.run("train data.csv --quiet" +
                              small_flags({{"--epochs", "3"}, {"--optimizer", "sgd"}, {"--momentum", momentum}}));
    EXPECT_EQ(r.code, 0) << r.err;
    return csv_column(w.dir.path() / "out" / "history.csv", "loss");
  };
  const std::vector<double> plain = losses("0"), heavy = losses("0.9"), again = losses("0.9");
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_NE(plain, heavy);
  EXPECT_EQ(heavy, again);
}

TEST(FlagsGuide, ValidationFractionAddsValidationColumnsWithoutEarlyStopping) {
  Workspace w;
  const CliResult r =
      w.run("train data.csv --quiet" + small_flags({{"--epochs", "3"}, {"--validation-fraction", "0.25"}}));
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path history = w.dir.path() / "out" / "history.csv";
  EXPECT_EQ(csv_column(history, "val_loss").size(), 3u);
  EXPECT_EQ(csv_column(history, "val_accuracy").size(), 3u);
  fs::remove_all(w.dir.path() / "out");
  ASSERT_EQ(w.run("train data.csv --quiet" + small_flags({{"--epochs", "3"}})).code, 0);
  EXPECT_TRUE(csv_column(history, "val_loss").empty());
}
