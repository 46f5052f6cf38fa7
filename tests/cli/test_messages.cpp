// End-to-end: error messages name what the user wrote. A sweep of every flag with bad values
// (the message names the flag, never a conversion routine or a library's field), the strict
// types of the experiment file (file:line:column, the key, the expected type) and user text with
// control characters echoed escaped on the one error line.
#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

using Changes = std::vector<std::pair<std::string, std::string>>;

// Quick settings every command of the sweep can run with on small_csv().
// tune's quick search; small_flags' --lr and --epochs are train's (tune refuses them).
const Changes kQuick = {{"--schedule", "step"}, {"--finder-points", "10"},    {"--candidates", "2"},
                        {"--max-epochs", "2"},  {"--first-rung-epochs", "1"}, {"--lr", ""},
                        {"--epochs", ""}};

// Words of the library or the standard library that must never reach the user: the flag the user
// typed is the name to use.
const std::vector<std::string> kInternals = {
    "stod",     "std::",      "what():",    "schedule.",  "test_size",     "validation_split", "tuner:",
    "LRFinder", "Sequential", "batch_size", "num_points", "EarlyStopping", "bad_alloc",        "invalid_argument"};

void expect_named(const CliResult& r, const std::string& flag, const std::string& context) {
  if (r.code == 0) return;  // the value is valid for this flag
  // A huge --lr is valid and diverges (exit 3, "try a smaller --lr"); everything else is a usage error.
  if (!(flag == "--lr" && r.code == 3)) {
    EXPECT_EQ(r.code, 2) << context << ": " << r.err;
  }
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << context << ": " << r.err;
  EXPECT_EQ(r.err.rfind("lrtune: error: ", 0), 0u) << context << ": " << r.err;
  EXPECT_NE(r.err.find(flag), std::string::npos) << context << ": the message does not name " << flag << ": " << r.err;
  for (const auto& word : kInternals)
    EXPECT_EQ(r.err.find(word), std::string::npos) << context << ": '" << word << "' in: " << r.err;
}

TEST(CliMessages, EveryFlagWithBadValuesNamesTheFlag) {
  TempDir dir;
  // Values that are valid run a short training: without gnuplot on the PATH (charts skipped with
  // a warning) each takes a fraction of a second.
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  write_text(dir.path() / "data.csv", small_csv());
  const std::vector<std::string> flags = {"--test-size",
                                          "--split-seed",
                                          "--layers",
                                          "--epochs",
                                          "--batch-size",
                                          "--seed",
                                          "--validation-fraction",
                                          "--patience",
                                          "--min-delta",
                                          "--finder-points",
                                          "--finder-start",
                                          "--finder-end",
                                          "--repeats",
                                          "--candidates",
                                          "--max-epochs",
                                          "--first-rung-epochs",
                                          "--lr-low",
                                          "--lr-high",
                                          "--threads",
                                          "--lr",
                                          "--na",
                                          "--delimiter",
                                          "--activation",
                                          "--optimizer",
                                          "--update-form",
                                          "--monitor",
                                          "--schedule",
                                          "--rule",
                                          "--pick"};
  // Flags the search reads beyond train's (tune runs them too).
  const std::vector<std::string> search = {"--validation-fraction",
                                           "--patience",
                                           "--min-delta",
                                           "--finder-points",
                                           "--finder-start",
                                           "--finder-end",
                                           "--repeats",
                                           "--candidates",
                                           "--max-epochs",
                                           "--first-rung-epochs",
                                           "--lr-low",
                                           "--lr-high",
                                           "--threads",
                                           "--schedule",
                                           "--rule",
                                           "--batch-size"};
  // (1.5, 1e3 and 0x10 for integers: NumbersAreParsedStrictly.)
  const std::vector<std::string> values = {"0",  "-1",  "inf", "nan", "1e-320", "1e308", "99999999999999999999",
                                           "''", "abc", "2x"};
  for (const std::string command : {"train", "tune"})
    for (const auto& flag : flags) {
      if (command == "tune" && std::find(search.begin(), search.end(), flag) == search.end()) continue;
      for (const auto& value : values) {
        // train --lr 0.01 runs no range test or search and refuses their flags (naming them), so
        // only tune gets the quick search settings.
        Changes changes = command == "tune" ? kQuick : Changes{};
        changes.emplace_back(flag, value);
        // --lr-low alone is its own error ("go together"): give its partner a valid value.
        if (flag == "--lr-low") changes.emplace_back("--lr-high", "1");
        if (flag == "--lr-high") changes.emplace_back("--lr-low", "1e-5");
        fs::remove_all(dir.path() / "out");
        expect_named(run_cli(command + " data.csv --quiet" + small_flags(changes), dir.path()), flag,
                     command + " " + flag + " " + value);
      }
    }
  ::setenv("PATH", path.c_str(), 1);
}

TEST(CliMessages, LrRangeValuesAreParsedAsStrictlyAsAnyNumber) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  for (const std::string pair : {"1e-320 1", "0.001 inf", "nan 1", "abc 1", "0.001 1x"}) {
    Changes changes = kQuick;
    changes.emplace_back("--lr-range", pair);
    expect_named(run_cli("tune data.csv --quiet" + small_flags(changes), dir.path()), "--lr-range", pair);
    EXPECT_FALSE(fs::exists(dir.path() / "out")) << pair;
  }
}

TEST(CliMessages, NumbersAreParsedStrictly) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--lr 1e-320", "--lr 1e-320 is too small: a nonzero number must be at least 2.225e-308 in size"},
      {"--min-delta 1e-400", "--min-delta 1e-400 is too small"},
      {"--test-size 1e999", "--test-size 1e999 is too large: the largest number lrtune takes is 1.798e+308"},
      {"--finder-end inf", "--finder-end must be a finite number, got 'inf'"},
      {"--test-size nan", "--test-size must be a finite number, got 'nan'"},
      {"--test-size 0.2x", "--test-size must be a number, got '0.2x'"},
      {"--test-size +-0.2", "--test-size must be a number, got '+-0.2'"},
      {"--epochs 1e3", "--epochs must be an integer, got '1e3'"},
      {"--epochs 10.0", "--epochs must be an integer, got '10.0'"},
      {"--epochs 0x10", "--epochs must be an integer, got '0x10'"},
      {"--epochs ''", "--epochs must be an integer, got ''"},
      {"--epochs 99999999999999999999", "--epochs must be in [1, 1000000], got 99999999999999999999"},
      {"--seed -1", "--seed must be in [0, 9223372036854775807], got -1"},
      {"--lr 0.01abc", "--lr must be a number or 'auto', got '0.01abc'"},
  };
  for (const auto& [flags, message] : cases)
    expect_one_error_line(run_cli("config " + flags, dir.path()), 2, {message});
  // Valid forms stay valid: a leading '+', an exponent, a bare fraction.
  const CliResult r = run_cli("config --test-size +0.25 --min-delta 1e-4 --finder-start .001 --epochs +7", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* line : {"test_size = 0.25\n", "min_delta = 0.0001\n", "start = 0.001\n", "epochs = 7\n"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << r.out;
}

// A value the data cannot satisfy is named by its flag, not by the library's option.
TEST(CliMessages, SplitsTheDataCannotMakeNameTheFlag) {
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  expect_one_error_line(
      run_cli(
          "tune data.csv --quiet" + small_flags({{"--lr", ""}, {"--epochs", ""}, {"--validation-fraction", "0.999"}}),
          dir.path()),
      2,
      {"--validation-fraction 0.999 of the 48 training rows leaves 0 to train on and 48 for validation",
       "use at most 0.9792"});
  expect_one_error_line(
      run_cli("train data.csv --quiet --early-stopping" + small_flags({{"--validation-fraction", "0.999"}}),
              dir.path()),
      2, {"--validation-fraction 0.999 of the 48 training rows"});
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

struct TomlCase {
  std::string text;
  std::string message;
};

TEST(CliMessages, ExperimentFileTypesAreStrict) {
  TempDir dir;
  const std::vector<TomlCase> cases = {
      {"[training]\nearly_stopping = 1\n",
       "exp.toml:2:18: [training] early_stopping (--early-stopping) must be true or false, got an integer (1)"},
      {"[training]\nepochs = 5.0\n", "exp.toml:2:10: [training] epochs (--epochs) must be an integer, got a float (5)"},
      {"[training]\nepochs = '5'\n", "exp.toml:2:10: [training] epochs (--epochs) must be an integer, got a string"},
      {"[data]\ntest_size = '0.2'\n", "exp.toml:2:13: [data] test_size (--test-size) must be a number, got a string"},
      {"[data]\ntarget = 5\n", "exp.toml:2:10: [data] target (--target) must be a string, got an integer (5)"},
      {"[data]\ndrop = 'a'\n", "exp.toml:2:8: [data] drop (--drop) must be an array, got a string"},
      {"[model]\nlayers = [4, '8']\n",
       "exp.toml:2:14: [model] layers item 2 (--layers) must be an integer, got a string"},
      {"[training]\nlr = true\n", "exp.toml:2:6: [training] lr (--lr) must be a number or 'auto', got true"},
      {"[data]\ntest_size = inf\n", "exp.toml:2:13: [data] test_size (--test-size) must be a finite number, got 'inf'"},
      {"[data]\ntest_size = nan\n", "exp.toml:2:13: [data] test_size (--test-size) must be a finite number, got 'nan'"},
      {"[tune]\nlr_low = 1e-320\nlr_high = 1.0\n", "exp.toml:2:10: [tune] lr_low (--lr-low) 1e-320 is too small"},
      {"[finder]\nschedule = 'step'\nend = 1e-9\n",
       "exp.toml:3:7: [finder] end (--finder-end) must be > the first learning rate (1e-07), got 1e-09"},
      {"[data]\ntest_size = 2\n", "exp.toml:2:13: [data] test_size (--test-size) must be in (0, 1), got 2"},
  };
  for (const auto& c : cases) {
    write_text(dir.path() / "exp.toml", c.text);
    expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2, {c.message});
  }
  // An integer is a float's value, and lr takes a number as well as a string.
  write_text(dir.path() / "exp.toml", "[data]\ntest_size = 0\n[training]\nlr = 0.01\nmin_delta = 1\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2,
                        {"exp.toml:2:13: [data] test_size (--test-size) must be in (0, 1), got 0"});
  write_text(dir.path() / "exp.toml", "[training]\nlr = 0.01\nmin_delta = 1\n");
  const CliResult r = run_cli("config --config exp.toml", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("lr = '0.01'\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("min_delta = 1.0\n"), std::string::npos) << r.out;
}

// Checks across settings name each side as the user wrote it: the file's key, or the flag that
// overrode it. (A value the file gets wrong on its own is refused as the file is read.)
TEST(CliMessages, EachSideOfACrossCheckIsNamedAsWritten) {
  TempDir dir;
  write_text(dir.path() / "exp.toml", "[tune]\nmax_epochs = 2\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2,
                        {"exp.toml:2:14: [tune] max_epochs (--max-epochs) must be >= --first-rung-epochs (4), got 2"});
  expect_one_error_line(run_cli("config --config exp.toml --first-rung-epochs 1 --max-epochs 0", dir.path()), 2,
                        {"--max-epochs must be in [1, 1000000], got 0"});
  EXPECT_EQ(run_cli("config --config exp.toml --max-epochs 8", dir.path()).code, 0);
  write_text(dir.path() / "exp.toml", "[tune]\nfirst_rung_epochs = 8\n");
  expect_one_error_line(
      run_cli("config --config exp.toml --max-epochs 4", dir.path()), 2,
      {"--max-epochs must be >= exp.toml:2:21: [tune] first_rung_epochs (--first-rung-epochs) (8), got 4"});
  write_text(dir.path() / "exp.toml", "[finder]\nschedule = 'step'\nstart = 0.5\n");
  expect_one_error_line(run_cli("config --config exp.toml --finder-end 0.1", dir.path()), 2,
                        {"--finder-end must be > exp.toml:3:9: [finder] start (--finder-start) (0.5), got 0.1"});
}

TEST(CliMessages, ControlCharactersInUserTextAreEscaped) {
  TempDir dir;
  // A NUL escape cut the message short; a line break would split the one error line.
  write_text(dir.path() / "exp.toml", "[data]\nna = \"me\\u0000an\"\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2,
                        {"exp.toml:2:6: [data] na (--na) must not contain a NUL character, got 'me\\0an'"});
  // Nor in a text that reaches the data's messages (a column name).
  write_text(dir.path() / "exp.toml", "[data]\ntarget = \"y\\u0000z\"\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2,
                        {"exp.toml:2:10: [data] target (--target) must not contain a NUL character, got 'y\\0z'"});
  write_text(dir.path() / "exp.toml", "[training]\noptimizer = \"ad\\nam\\u0001\"\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2, {"got 'ad\\nam\\x01'"});
  write_text(dir.path() / "exp.toml", "[data]\n\"ta\\u0000rget\" = 'y'\n");
  expect_one_error_line(run_cli("config --config exp.toml", dir.path()), 2, {"unknown setting [data] ta\\0rget"});
  expect_one_error_line(run_cli("config --activation \"$(printf 're\\001lu')\"", dir.path()), 2, {"got 're\\x01lu'"});
}

}  // namespace
