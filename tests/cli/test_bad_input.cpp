// End-to-end: the bad-input matrix. Every case must end with a non-zero exit code, one line on
// stderr naming the problem and where (file:line[:column], the column or the flag), and no output
// folder or file left behind. Big inputs are generated at run time in the test's folder.
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

struct BadInput {
  const char* name;
  // Writes what the case needs into the folder and returns the lrtune arguments.
  std::function<std::string(const fs::path&)> setup;
  int code;
  std::vector<std::string> message;  // parts of the one error line
};
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

using Changes = std::vector<std::pair<std::string, std::string>>;

std::string train(const std::string& file, const Changes& changes = {}) { return "train " + file + small_flags(changes); }

// A model trained once on small_csv() for the evaluate/predict cases.
const fs::path& trained_model() {
  static TempDir dir;
  static const fs::path model = [] {
    write_text(dir.path() / "train.csv", small_csv());
    const CliResult r = run_cli(train("train.csv"), dir.path());
    EXPECT_EQ(r.code, 0) << r.err;
    return dir.path() / "out" / "model.safetensors";
  }();
  return model;
}

// The model file with `edit` applied to its bytes, written as bad.safetensors.
std::string tampered(const fs::path& dir, const std::function<void(std::string&)>& edit) {
  std::string bytes = read_text(trained_model());
  edit(bytes);
  write_text(dir / "bad.safetensors", bytes);
  write_text(dir / "data.csv", small_csv());
  return "evaluate bad.safetensors data.csv";
}

// Replaces the first `from` by `to` (same length: the offsets in the file stay right).
void replace_once(std::string& bytes, const std::string& from, const std::string& to) {
  ASSERT_EQ(from.size(), to.size());
  const auto at = bytes.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  bytes.replace(at, from.size(), to);
}

std::string with_csv(const fs::path& dir, const std::string& text, const Changes& changes = {}) {
  write_text(dir / "data.csv", text);
  return train("data.csv", changes);
}

const std::vector<BadInput>& cases() {
  static const std::vector<BadInput> kCases = {
      {"MissingFile", [](const fs::path&) { return train("nope.csv"); }, 2, {"DATA: File does not exist: nope.csv"}},
      {"DirectoryInsteadOfFile",
       [](const fs::path& d) {
         fs::create_directory(d / "folder.csv");
         return train("folder.csv");
       },
       2,
       {"DATA: File is actually a directory: folder.csv"}},
      {"EmptyFile", [](const fs::path& d) { return with_csv(d, ""); }, 1, {"data.csv: empty file"}},
      {"HeaderOnly", [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n"); }, 1,
       {"data.csv: header only; expected at least one data row after line 1"}},
      {"BinaryGarbage",  // the start of a gzip file
       [](const fs::path& d) { return with_csv(d, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd", 12)); },
       1,
       {"data.csv:1: a NUL byte (file offset 3): this looks like a binary or compressed file"}},
      {"RaggedRow",
       [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n1,2,3,red,0\n4,5,blue,1\n6,7,8,red,1\n"); },
       1,
       {"data.csv:3: expected 5 fields as in the header, found 4 (ragged row)"}},
      {"UnterminatedQuote",
       [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n1,2,3,red,0\n4,5,6,\"blue,1\n6,7,8,red,1\n"); },
       1,
       {"data.csv:3: column 4: unterminated quoted field"}},
      {"NonNumericInAColumnForcedNumeric",  // the model read "a" as numeric
       [](const fs::path& d) {
         std::string text = small_csv();
         text.insert(text.find('\n') + 1, "abc");  // line 2 now starts "abc<number>"
         write_text(d / "data.csv", text);
         fs::copy_file(trained_model(), d / "model.safetensors");
         return std::string("predict model.safetensors data.csv -o out/predictions.csv");
       },
       1,
       {"data.csv:2: column 1 (\"a\"): expected a number (the column is forced numeric), found \"abc"}},
      {"UnknownTargetColumn", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--target", "nope"}}); }, 1,
       {"data.csv: unknown column \"nope\" named in target; expected one of: \"a\", \"b\", \"c\", \"kind\", \"y\""}},
      {"TargetWithOneClassAfterTheRule",
       [](const fs::path& d) { return with_csv(d, small_csv(), {{"--positive", "'>=5'"}}); },
       1,
       {"data.csv: target rule \">=5\" on column \"y\" gives a single class (0 of 60 rows positive)", "--positive"}},
      {"AllRowsDroppedByMissingValues",
       [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n1,NA,3,red,0\n,5,6,blue,1\n7,8,?,red,1\n"); },
       1,
       {"data.csv: no rows left after dropping missing values: each of the 3 rows misses a value",
        "\"a\" 1, \"b\" 1, \"c\" 1"}},
      {"NonUtf8HeaderCell",
       [](const fs::path& d) { return with_csv(d, "a,b,caf\xe9,kind,y\n1,2,3,red,0\n"); },
       1,
       {"data.csv:1: column 3: the header cell is not UTF-8 (byte 0xE9 at offset 3 of the cell)"}},
      {"NonUtf8TextValue",  // Latin-1 text, not in the list but as common
       [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n1,2,3,red,0\n4,5,6,r\xe9" "d,1\n"); },
       1,
       {"data.csv:3: column 4 (\"kind\"): the value is not UTF-8 (byte 0xE9 at offset 1 of the cell)"}},
      {"HeaderWiderThanTheColumnLimit",  // 10^6 + 1 columns
       [](const fs::path& d) {
         std::string header;
         header.reserve(8'000'000);
         for (int i = 0; i <= 1'000'000; ++i) header += fmt::format("{}c{}", i ? "," : "", i);
         return with_csv(d, header + "\n");
       },
       1,
       {"data.csv:1: more than 1000000 columns in the header; at most 1000000 are supported"}},
      {"LineOverTheLengthLimit",  // a 16 MiB + 1 byte quoted field on line 3
       [](const fs::path& d) {
         std::string text = "a,b,c,kind,y\n1,2,3,red,0\n4,5,6,\"";
         text.append((std::size_t{16} << 20) + 1, 'x');
         return with_csv(d, text + "\",1\n");
       },
       1,
       {"data.csv:3: record longer than 16777216 bytes; at most 16 MiB per line is supported"}},
      {"NegativeLearningRate", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--lr", "-0.1"}}); }, 2,
       {"--lr must be > 0, got -0.1"}},
      {"ZeroLearningRate", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--lr", "0"}}); }, 2,
       {"--lr must be > 0, got 0"}},
      {"ZeroEpochs", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--epochs", "0"}}); }, 2,
       {"--epochs must be >= 1, got 0"}},
      {"UnknownActivation", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--activation", "relux"}}); }, 2,
       {"--activation: unknown activation 'relux'"}},
      {"UnknownOptimizer", [](const fs::path& d) { return with_csv(d, small_csv(), {{"--optimizer", "adamm"}}); }, 2,
       {"--optimizer must be one of", "got 'adamm'"}},
      {"MalformedToml",
       [](const fs::path& d) {
         write_text(d / "bad.toml", "[training]\nepochs = 5\n[data\ntarget = 'y'\n");
         return with_csv(d, small_csv(), {{"--config", "bad.toml"}});
       },
       2,
       {"bad.toml:3:"}},
      {"TruncatedModelFile",
       [](const fs::path& d) { return tampered(d, [](std::string& b) { b.resize(b.size() / 2); }); },
       1,
       {"bad.safetensors: not a valid safetensors file: header length", "(truncated file?)"}},
      {"ModelFileMissingItsLastBytes",
       [](const fs::path& d) { return tampered(d, [](std::string& b) { b.resize(b.size() - 3); }); },
       1,
       {"bad.safetensors: not a valid safetensors file: tensor", "outside the"}},
      {"TamperedHeaderLength",
       [](const fs::path& d) {
         return tampered(d, [](std::string& b) { b[7] = '\x40'; });  // little-endian u64: now ~4.6e18
       },
       1,
       {"bad.safetensors: not a valid safetensors file: header length", "exceeds"}},
      {"TamperedHeaderJson",
       [](const fs::path& d) { return tampered(d, [](std::string& b) { b[8] = '['; }); },
       1,
       {"bad.safetensors: not a valid safetensors file"}},
      {"TamperedTensorShape",
       [](const fs::path& d) { return tampered(d, [](std::string& b) { replace_once(b, "[6,4]", "[7,4]"); }); },
       1,
       {"bad.safetensors: not a valid safetensors file: tensor 'dense/kernel': shape [7,4] needs 112 bytes"}},
      {"TamperedMetadata",
       [](const fs::path& d) {
         return tampered(d, [](std::string& b) { replace_once(b, "numeric_features", "numeric_featureZ"); });
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a fitted preprocessing"}},
      {"TamperedWeights",  // a weight's bytes set to a NaN pattern
       [](const fs::path& d) {
         return tampered(d, [](std::string& b) {
           std::uint64_t header = 0;
           std::memcpy(&header, b.data(), 8);
           b.replace(8 + header + 4, 4, std::string("\xff\xff\xff\x7f", 4));
         });
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: tensor \"dense/kernel\" holds nan at index 1"}},
      {"ModelFromADifferentFeatureSet",
       [](const fs::path& d) {
         std::string text = small_csv();
         replace_once(text, "a,b,c,kind,y", "a,b,d,kind,y");
         write_text(d / "data.csv", text);
         fs::copy_file(trained_model(), d / "model.safetensors");
         return std::string("evaluate model.safetensors data.csv");
       },
       1,
       {"data.csv: the table does not match the fitted preprocessing: missing column \"c\"",
        "columns it does not use: \"d\""}},
      // issue 11, streams:
      {"ConfigFromDevZero",  // an endless input stops at the experiment file's cap
       [](const fs::path& d) { return with_csv(d, small_csv(), {{"--config", "/dev/zero"}}); },
       2,
       {"/dev/zero: more than 1048576 bytes, reading stopped there; the limit for experiment files is 1 MiB"}},
      {"ConfigOverTheSizeCap",
       [](const fs::path& d) {
         write_text(d / "big.toml", "[training]\nepochs = 2\n" + std::string((std::size_t{1} << 20) - 21, '#'));
         return with_csv(d, small_csv(), {{"--config", "big.toml"}});
       },
       2,
       {"big.toml: 1048577 bytes; the limit for experiment files is 1 MiB (1048576 bytes)"}},
      {"CsvFromDevZero", [](const fs::path&) { return train("/dev/zero"); }, 1,
       {"/dev/zero:1: a NUL byte (file offset 0): this looks like a binary or compressed file"}},
      {"PredictDataFromDevZero",
       [](const fs::path& d) {
         fs::copy_file(trained_model(), d / "model.safetensors");
         return std::string("predict model.safetensors /dev/zero -o out/predictions.csv");
       },
       1,
       {"/dev/zero:1: a NUL byte (file offset 0)"}},
      {"TomlHeaderOf300000DottedParts",  // toml++ recursed once per part: a stack overflow
       [](const fs::path& d) {
         std::string header = "[a";
         for (int i = 1; i < 300'000; ++i) header += ".a";
         write_text(d / "deep.toml", header + "]\n");
         return with_csv(d, small_csv(), {{"--config", "deep.toml"}});
       },
       2,
       {"deep.toml:1:129: a key of more than 64 dotted parts (at most 64 are supported)"}},
      {"TomlKeyOf300000DottedParts",
       [](const fs::path& d) {
         std::string key = "a";
         for (int i = 1; i < 300'000; ++i) key += ".a";
         write_text(d / "deep.toml", "[data]\n" + key + " = 1\n");
         return with_csv(d, small_csv(), {{"--config", "deep.toml"}});
       },
       2,
       {"deep.toml:2:128: a key of more than 64 dotted parts"}},
      {"TomlKeyOf65DottedPartsInAnInlineTable",
       [](const fs::path& d) {
         std::string key = "a";
         for (int i = 1; i < 65; ++i) key += " . a";
         write_text(d / "deep.toml", "[data]\nx = { " + key + " = 1 }\n");
         return with_csv(d, small_csv(), {{"--config", "deep.toml"}});
       },
       2,
       {"deep.toml:2:261: a key of more than 64 dotted parts"}},
      {"TomlArrayOfTablesHeaderOf65Parts",
       [](const fs::path& d) {
         std::string header = "[[\"a.b\"";  // a quoted part's dot is no separator
         for (int i = 1; i < 65; ++i) header += ".a";
         write_text(d / "deep.toml", "# deep\n" + header + "]]\n");
         return with_csv(d, small_csv(), {{"--config", "deep.toml"}});
       },
       2,
       {"deep.toml:2:134: a key of more than 64 dotted parts"}},
      {"ModelFileIsAFifo",  // a model is read only from a regular file: refused without waiting
       [](const fs::path& d) {
         ::mkfifo((d / "model.safetensors").c_str(), 0600);
         write_text(d / "data.csv", small_csv());
         return std::string("predict model.safetensors data.csv -o out/predictions.csv");
       },
       1,
       {"cannot read model.safetensors: expected a regular file"}},
  };
  return kCases;
}

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, OneErrorLineAndNothingLeftBehind) {
  TempDir dir;
  const std::string args = GetParam().setup(dir.path());
  const CliResult r = run_cli(args + " --quiet", dir.path());
  expect_one_error_line(r, GetParam().code, GetParam().message);
  EXPECT_FALSE(fs::exists(dir.path() / "out")) << "output folder left behind";
  EXPECT_FALSE(fs::exists(dir.path() / "lrtune-out")) << "default output folder left behind";
}

INSTANTIATE_TEST_SUITE_P(Matrix, CliBadInput, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

// Root reads files whatever their mode, so the case can only be checked as another user.
TEST(CliBadInputFile, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: a chmod 000 file is still readable";
  TempDir dir;
  write_text(dir.path() / "data.csv", small_csv());
  fs::permissions(dir.path() / "data.csv", fs::perms::none);
  const CliResult r = run_cli(train("data.csv"), dir.path());
  expect_one_error_line(r, 1, {"data.csv: cannot open the file (Permission denied)"});
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

}  // namespace
