// End-to-end: help, version, `config` (defaults, TOML file, flags over file) and the
// one-line flag errors with exit code 2 that leave no output folder behind.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.hpp"

using namespace lrtune::testing;

TEST(CliConfig, NoArgumentsPrintsHelpAndExitsZero) {
  TempDir dir;
  const CliResult r = run_cli("", dir.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("demo"), std::string::npos);
  EXPECT_NE(r.out.find("find"), std::string::npos);
}

TEST(CliConfig, HelpAndVersionExitZero) {
  TempDir dir;
  for (const char* command : {"--help", "find --help", "train --help", "run --help", "demo --help", "evaluate --help",
                              "predict --help", "config --help"}) {
    const CliResult r = run_cli(command, dir.path());
    EXPECT_EQ(r.code, 0) << command;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command << r.out;
  }
  const CliResult r = run_cli("--version", dir.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("lrtune 0."), std::string::npos) << r.out;
}

TEST(CliConfig, PrintsTheRecipeDefaults) {
  TempDir dir;
  const CliResult r = run_cli("config", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* line : {"epochs = 100", "batch_size = 32", "split_seed = 42", "seed = 42", "optimizer = 'adam'",
                           "layers = [128, 256, 256]", "test_size = 0.2\n", "schedule = 'epoch'", "points = 100"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

TEST(CliConfig, FlagsOverrideTheExperimentFile) {
  TempDir dir;
  {
    std::ofstream file(dir.path() / "exp.toml");
    file << "[training]\nepochs = 7\nbatch_size = 64\n[model]\nlayers = [8, 4]\n";
  }
  const CliResult r = run_cli("config --config exp.toml --epochs 3", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("epochs = 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("batch_size = 64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layers = [8, 4]"), std::string::npos) << r.out;
  // The printed file reads back to the same settings.
  { std::ofstream(dir.path() / "round.toml") << r.out; }
  const CliResult again = run_cli("config --config round.toml", dir.path());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
}

TEST(CliConfig, BadExperimentFileNamesLineAndColumn) {
  TempDir dir;
  { std::ofstream(dir.path() / "bad.toml") << "[training]\nepochs = 7\nfoo = 1\n"; }
  CliResult r = run_cli("config --config bad.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.toml:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown setting [training] foo"), std::string::npos) << r.err;
  { std::ofstream(dir.path() / "syntax.toml") << "[training]\nepochs = = 7\n"; }
  r = run_cli("config --config syntax.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("syntax.toml:2:"), std::string::npos) << r.err;
}

// toml++ 3.3 reaches __builtin_unreachable on non-ASCII where whitespace may stand (found by
// fuzz/fuzz_experiment_file); such text is refused first. Non-ASCII in strings and comments is fine.
TEST(CliConfig, NonAsciiOutsideStringsIsRefusedInsideStringsKept) {
  TempDir dir;
  { std::ofstream(dir.path() / "utf8.toml") << "# r\xc3\xa9glages\n[data]\ntarget = \"qualit\xc3\xa9\"\n"; }
  CliResult r = run_cli("config --config utf8.toml", dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("target = 'qualit\xc3\xa9'"), std::string::npos) << r.out;
  { std::ofstream(dir.path() / "bad.toml") << "[data]\n\xc3\xa9 = 1\n"; }
  r = run_cli("config --config bad.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.toml:2:1: a non-ASCII character outside a string or comment"), std::string::npos) << r.err;
}

// An integer beyond the field's type was wrapped (4294967297 epochs became 1); now refused.
// The dotted-key limit (64 parts, issue 11) counts separators only: a 64-part key, a quoted part
// full of dots and values with dots reach the parser (test_bad_input.cpp has the refused keys).
TEST(CliConfig, DottedKeyLimitCountsOnlyKeySeparators) {
  TempDir dir;
  std::string key = "a";
  for (int i = 1; i < 64; ++i) key += ".a";
  std::ofstream(dir.path() / "sixty_four.toml") << key << " = 1.5\n";
  CliResult r = run_cli("config --config sixty_four.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown setting [a] a"), std::string::npos) << r.err;
  std::ofstream(dir.path() / "quoted.toml") << "[data]\n\"" << std::string(300, '.') << "\".b = 1\n";
  r = run_cli("config --config quoted.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown setting [data]"), std::string::npos) << r.err;
  std::ofstream(dir.path() / "values.toml")
      << "[data]\ntest_size = 0.25\nna_values = ['a.b.c.d.e', \"1.5\"]\n[finder]\nend = 1.5e1 # a.b.c.d\n";
  r = run_cli("config --config values.toml", dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("test_size = 0.25\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("na_values = ['a.b.c.d.e', '1.5']"), std::string::npos) << r.out;
}

TEST(CliConfig, ExperimentFileIntegerOutOfRangeIsRefused) {
  TempDir dir;
  { std::ofstream(dir.path() / "big.toml") << "[training]\nepochs = 4294967297\n"; }
  const CliResult r = run_cli("config --config big.toml", dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("[training] epochs (--epochs) must be in [1, 1000000], got 4294967297"), std::string::npos)
      << r.err;
}

TEST(CliConfig, InvalidFlagsAreOneLineNamingTheFlag) {
  TempDir dir;
  struct Case {
    std::string args, expected;
    std::string command = "find";  // --epochs and --lr are train's (find refuses them)
  };
  const std::vector<Case> cases = {
      {"--epochs 0", "--epochs must be in [1, 1000000], got 0", "train"},
      {"--lr -1", "--lr must be > 0", "train"},
      {"--optimizer adamx", "--optimizer must be one of adagrad, adam, adamw, rmsprop, sgd, got 'adamx'"},
      {"--na sometimes", "--na has the rule 'sometimes', not drop, mean, median or most-frequent"},
      {"--schedule hourly", "--schedule must be epoch or step"},
      {"--test-size 1.5", "--test-size must be in (0, 1), got 1.5"},
      {"--finder-start -1", "--finder-start must be > 0 (or 0 for the schedule's default), got -1"},
  };
  for (const Case& c : cases) {
    const CliResult r =
        run_cli(c.command + " " + wine() + " --target quality --positive '>=6' --out out " + c.args, dir.path());
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_NE(r.err.find("lrtune: error: " + c.expected), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out")) << c.args;
  }
}

TEST(CliConfig, DataErrorsExitOneAndLeaveNoFolder) {
  TempDir dir;
  CliResult r = run_cli("find " + wine() + " --target qualty --positive '>=6' --out out", dir.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("lrtune: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("qualty"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  // A rule that leaves one class says how to make the target binary.
  r = run_cli("find " + wine() + " --target quality --positive '>=0' --out out", dir.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--positive"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  r = run_cli("find missing.csv --target quality --positive '>=6'", dir.path());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "lrtune-out"));
}
