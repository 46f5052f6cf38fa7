// Real-world tables through the command (issue 15): a raw passenger list with an id, free-text
// names, ticket codes, a mostly-empty column and missing values trains with no flag beyond
// --target and --positive; its gzip trains to the same numbers; a count line above the header
// takes --skip-rows; a file without a header takes --no-header; every study set trains from its
// raw file with at most --target, --positive/--task and --skip-rows.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "support/gzip_text.hpp"
#include "support/raw_table.hpp"

namespace {

using namespace lrtune::testing;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kTrain = " --target Survived --positive 1 --lr 0.001 --epochs 2";

void write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(RawTables, APassengerListTrainsWithNoOtherFlagAndSaysWhatItLeftOut) {
  TempDir dir;
  RawTableCounts counts;
  write(dir.path() / "raw.csv", raw_passenger_table(300, &counts));
  // --verbose: the table of columns (always in data_summary.txt) says what each column's missing values became.
  const CliResult r = run_cli(std::string("train raw.csv") + kTrain + " --verbose --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::string all = r.out + r.err;
  // One warning naming the three identifier-like columns and the flag that keeps one.
  EXPECT_THAT(r.err, HasSubstr("lrtune: warning: raw.csv: left out 3 identifier-like text columns"));
  EXPECT_THAT(r.err, HasSubstr("\"Name\" (300 distinct of 300 values), \"Ticket\""));
  EXPECT_THAT(r.err, HasSubstr("\"Cabin\""));
  EXPECT_THAT(r.err, HasSubstr("--keep COLUMN"));
  EXPECT_THAT(r.err, Not(HasSubstr("lrtune: error")));
  // The summary counts the used columns only; Cabin (mostly empty, left out) dropped no row.
  EXPECT_THAT(all, HasSubstr("in the 8 columns used"));
  EXPECT_THAT(all, HasSubstr(fmt::format("feature, dropped {} rows", counts.age_missing)));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "model.safetensors"));
}

TEST(RawTables, PerColumnRulesFillWhatTheyNameAndTheSummarySaysSo) {
  TempDir dir;
  RawTableCounts counts;
  write(dir.path() / "raw.csv", raw_passenger_table(300, &counts));
  const CliResult r =
      run_cli(std::string("train raw.csv") + kTrain + " --na Age=median,Embarked=most-frequent --verbose --out out",
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_THAT(r.out + r.err, HasSubstr(fmt::format("feature, median: {} filled", counts.age_missing)));
  EXPECT_THAT(r.out + r.err, HasSubstr(fmt::format("feature, most_frequent: {} filled", counts.embarked_missing)));
  EXPECT_THAT(r.out + r.err, HasSubstr(fmt::format("missing values: 0 rows dropped, {} cells filled",
                                                   counts.age_missing + counts.embarked_missing)));
  const CliResult bad = run_cli(std::string("train raw.csv") + kTrain + " --na Age=sometimes", dir.path());
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--na has the rule 'sometimes'"));
}

TEST(RawTables, ItsGzipTrainsToTheSameNumbers) {
  TempDir dir;
  const std::string text = raw_passenger_table(300);
  write(dir.path() / "raw.csv", text);
  write(dir.path() / "raw-packed.csv", gzip_text(text));  // no .gz in the name: the bytes decide
  ASSERT_EQ(run_cli(std::string("train raw.csv") + kTrain + " --out plain -q", dir.path()).code, 0);
  const CliResult r = run_cli(std::string("train raw-packed.csv") + kTrain + " --out packed -q", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* file : {"history.csv", "test_predictions.csv"}) {
    const std::string plain = read_text(dir.path() / "plain" / file);
    EXPECT_FALSE(plain.empty()) << file;
    EXPECT_EQ(plain, read_text(dir.path() / "packed" / file)) << file;
  }
  const auto metrics = [&](const char* run) {  // every figure but the time it took
    auto j = nlohmann::json::parse(read_text(dir.path() / run / "metrics.json"));
    j.erase("train_seconds");
    return j;
  };
  ASSERT_TRUE(metrics("plain").contains("test_loss"));
  EXPECT_EQ(metrics("plain"), metrics("packed"));
}

TEST(RawTables, ACountLineAboveTheHeaderTakesSkipRows) {
  TempDir dir;
  write(dir.path() / "counted.csv", "300\n" + raw_passenger_table(300));
  const CliResult without = run_cli(std::string("train counted.csv") + kTrain, dir.path());
  EXPECT_EQ(without.code, 1);
  EXPECT_THAT(without.err, HasSubstr("counted.csv:2: column 2: expected 1 fields as in the header"));
  EXPECT_THAT(without.err, HasSubstr("--skip-rows 1 skips it"));
  const CliResult with = run_cli(std::string("train counted.csv") + kTrain + " --skip-rows 1 --out out -q", dir.path());
  EXPECT_EQ(with.code, 0) << with.err;
}

TEST(RawTables, AFileWithoutAHeaderTakesNoHeaderAndColumnNumbers) {
  TempDir dir;
  const std::string text = raw_passenger_table(300);
  write(dir.path() / "bare.csv", text.substr(text.find('\n') + 1));
  // Survived is the second column: 1.
  const CliResult r =
      run_cli("train bare.csv --no-header --target 1 --positive 1 --lr 0.001 --epochs 2 --out out", dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("left out 3 identifier-like text columns (a distinct value in most rows): \"3\""));
  const CliResult config = run_cli("config --no-header --skip-rows 2 --keep 3 --na median,5=drop", dir.path());
  ASSERT_EQ(config.code, 0) << config.err;
  EXPECT_THAT(config.out, HasSubstr("skip_rows = 2"));
  EXPECT_THAT(config.out, HasSubstr("no_header = true"));
  EXPECT_THAT(config.out, HasSubstr("median,5=drop"));
}

// Every set of the study collection from its raw file, one epoch: --target, and --positive for the
// binary ones (the task of the others is inferred, as docs/data.md says).
TEST(RawTables, EveryStudySetTrainsFromItsRawFile) {
  const auto manifest_path = data_file("study/manifest.json");
  std::ifstream in(manifest_path);
  const auto manifest = nlohmann::json::parse(in);
  ASSERT_GE(manifest.size(), 16u);
  TempDir dir;
  for (const auto& set : manifest) {
    const std::string file = set.at("file").get<std::string>();
    std::string args = "train " + quote(data_file("study/" + file).string()) + " --target " +
                       quote(set.at("target").get<std::string>()) + " --epochs 1 --lr 0.001 -q --out out --overwrite";
    if (set.contains("positive")) args += " --positive " + quote(set.at("positive").get<std::string>());
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.code, 0) << file << ": " << r.err;
  }
}

}  // namespace
