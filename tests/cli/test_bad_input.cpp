// End-to-end: the bad-input matrix. Every case must end with a non-zero exit code, one line on
// stderr naming the problem and where (file:line[:column], the column or the flag), and no output
// folder or file left behind. Big inputs are generated at run time in the test's folder.
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "cli_checks.hpp"
#include "model_edit.hpp"

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

std::string train(const std::string& file, const Changes& changes = {}) {
  return "train " + file + small_flags(changes);
}

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
      {"HeaderOnly",
       [](const fs::path& d) { return with_csv(d, "a,b,c,kind,y\n"); },
       1,
       {"data.csv: header only; expected at least one data row after line 1"}},
      {"TruncatedGzip",  // the start of a gzip file: read as gzip (issue 15), and it ends early
       [](const fs::path& d) {
         return with_csv(d, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd", 12));
       },
       1,
       {"data.csv: the gzip stream ends early, after 12 compressed bytes"}},
      {"BinaryGarbage",  // a binary file that is not gzip
       [](const fs::path& d) { return with_csv(d, std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10)); },
       1,
       {"data.csv:1: a NUL byte (file offset 5): this looks like a binary or compressed file"}},
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
      {"UnknownTargetColumn",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--target", "nope"}});
       },
       1,
       {"data.csv: unknown column \"nope\" named in target; expected one of: \"a\", \"b\", \"c\", \"kind\", \"y\""}},
      {"TargetWithOneClassAfterTheRule",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--positive", "'>=5'"}});
       },
       1,
       {"data.csv: target rule \">=5\" on column \"y\" gives a single class (0 of 60 rows positive)", "--positive"}},
      // The target's task (issue 14): too few or too many classes, nothing to regress on, inf.
      {"TargetWithOneClass",
       [](const fs::path& d) {
         return with_csv(d, "a,y\n1,x\n2,x\n3,x\n4,x\n", {{"--positive", ""}});
       },
       1,
       {"data.csv: target column \"y\": it holds a single class (\"x\"); expected at least 2 distinct values"}},
      {"TargetWith1001Classes",
       [](const fs::path& d) {
         std::string text = "a,y\n";
         for (int i = 0; i < 1001; ++i) text += fmt::format("{},c{}\n", i, i);
         return with_csv(d, text, {{"--positive", ""}});
       },
       1,
       {"data.csv: target column \"y\" has 1001 distinct text values; at most 1000 classes are supported"}},
      {"CategoricalWith1001LevelsThatIsNotAnIdentifier",  // each level twice: not identifier-like
       [](const fs::path& d) {
         std::string text = "a,code,y\n";
         for (int i = 0; i < 2002; ++i) text += fmt::format("{},L{},{}\n", i % 7, i / 2, i % 2);
         return with_csv(d, text, {{"--positive", "1"}});
       },
       1,
       {"data.csv: column \"code\" has 1001 distinct text values in 2002 rows (e.g. ",
        "at most 1000 levels can be one-hot encoded; leave it out with --drop code"}},
      {"RegressionTargetOfAllEqualNumbers",
       [](const fs::path& d) {
         return with_csv(d, "a,y\n1,5.5\n2,5.5\n3,5.5\n4,5.5\n", {{"--positive", ""}, {"--task", "regression"}});
       },
       1,
       {"data.csv: target column \"y\": all target values are equal (5.5); expected at least 2 distinct values"}},
      {"InfInARegressionTargetWithImputation",
       [](const fs::path& d) {
         std::string text = "a,y\n";
         for (int i = 0; i < 30; ++i) text += fmt::format("{},{}\n", i, i == 6 ? "inf" : fmt::format("{}.5", i));
         return with_csv(d, text, {{"--positive", ""}, {"--na", "mean"}});
       },
       1,
       {"data.csv: file data row 6, target \"y\": inf; expected a finite number for a regression target"}},
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
       [](const fs::path& d) {
         return with_csv(d,
                         "a,b,c,kind,y\n1,2,3,red,0\n4,5,6,r\xe9"
                         "d,1\n");
       },
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
      {"NegativeLearningRate",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--lr", "-0.1"}});
       },
       2,
       {"--lr must be > 0, got -0.1"}},
      {"ZeroLearningRate",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--lr", "0"}});
       },
       2,
       {"--lr must be > 0, got 0"}},
      {"ZeroEpochs",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--epochs", "0"}});
       },
       2,
       {"--epochs must be in [1, 1000000], got 0"}},
      {"UnknownActivation",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--activation", "relux"}});
       },
       2,
       {"--activation must be one of linear, relu,", "got 'relux'"}},
      {"UnknownOptimizer",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--optimizer", "adamm"}});
       },
       2,
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
      // issue 11, datarows:
      {"MostlyNumericColumnWithText",  // "abc" and "1,234" among 60 numbers: named with their lines
       [](const fs::path& d) {
         std::string text = small_csv();
         const auto line = [&](int n) {  // offset of line n (1-based)
           std::size_t at = 0;
           for (int i = 1; i < n; ++i) at = text.find('\n', at) + 1;
           return at;
         };
         text.replace(line(4), text.find(',', line(4)) - line(4), "abc");
         text.replace(line(9), text.find(',', line(9)) - line(9), "\"1,234\"");
         return with_csv(d, text);
       },
       1,
       {"data.csv: column 1 (\"a\"): 58 of 60 values are numbers but 2 are not: line 4 \"abc\", line 9 \"1,234\"",
        "or read such cells as missing with --na-values abc"}},
      {"UnseenLevelWithUnknownLevelsError",  // split seed 0 puts data row 60 in the test split
       [](const fs::path& d) {
         return with_csv(d, small_csv() + "1.000,1.000,0.500,purple,1\n",
                         {{"--split-seed", "0"}, {"--unknown-levels", "error"}});
       },
       1,
       {"data.csv: file data row 60, column \"kind\": level \"purple\" was not seen at fit time; expected one of "
        "\"blue\", \"green\", \"red\""}},
      {"UnknownLevelsValue",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--unknown-levels", "skip"}});
       },
       2,
       {"--unknown-levels must be ignore or error, got 'skip'"}},
      // issue 11, limits:
      {"LearningRateTooSmallToBeNormal",  // was "stod", after config.toml was written
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--lr", "1e-320"}});
       },
       2,
       {"--lr 1e-320 is too small: a nonzero number must be at least 2.225e-308 in size"}},
      {"FinderEndInfinite",  // named the library's "schedule.end"
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--lr", "auto"}, {"--schedule", "step"}, {"--finder-end", "inf"}});
       },
       2,
       {"--finder-end must be a finite number, got 'inf'"}},
      {"ValidationFractionLeavesNoTrainingRows",  // named the library's "test_size"
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--validation-fraction", "0.999"}}) + " --early-stopping";
       },
       2,
       {"--validation-fraction 0.999 of the 48 training rows leaves 0 to train on and 48 for validation"}},
      {"TestSizeLeavesNoTrainingRows",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--test-size", "0.999"}});
       },
       1,
       {"data.csv: --test-size 0.999: a split of 60 rows leaves 0 train and 60 test rows"}},
      {"ExperimentFileIntegerForABoolean",  // was taken as true
       [](const fs::path& d) {
         write_text(d / "exp.toml", "[training]\nearly_stopping = 1\n");
         return with_csv(d, small_csv(), {{"--config", "exp.toml"}});
       },
       2,
       {"exp.toml:2:18: [training] early_stopping (--early-stopping) must be true or false, got an integer (1)"}},
      {"ExperimentFileNulEscape",  // cut the message short
       [](const fs::path& d) {
         write_text(d / "exp.toml", "[training]\noptimizer = \"adam\\u0000x\"\n");
         return with_csv(d, small_csv(), {{"--config", "exp.toml"}});
       },
       2,
       {"[training] optimizer (--optimizer) must not contain a NUL character, got 'adam\\0x'"}},
      {"CandidatesOverTheLimit",  // 3.9 GB, then a bare std::bad_alloc
       [](const fs::path& d) {
         write_text(d / "data.csv", small_csv());
         return "tune data.csv" + small_flags({{"--lr", ""}, {"--epochs", ""}, {"--candidates", "1000000"}});
       },
       2,
       {"--candidates must be in [2, 1000], got 1000000"}},
      {"RepeatsOverTheLimit",
       [](const fs::path& d) {
         write_text(d / "data.csv", small_csv());
         return "tune data.csv" + small_flags({{"--lr", ""}, {"--epochs", ""}, {"--repeats", "1000000"}});
       },
       2,
       {"--repeats must be in [1, 1000], got 1000000"}},
      {"LayerWidthOverTheLimit",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--layers", "1000000000"}});
       },
       2,
       {"--layers width must be in [1, 16777216], got 1000000000"}},
      {"MoreLayersThanAModelFileHolds",  // 1,100 layers trained, then refused by predict
       [](const fs::path& d) {
         std::string layers = "1";
         for (int i = 1; i < 1100; ++i) layers += ",1";
         return with_csv(d, small_csv(), {{"--layers", layers}});
       },
       2,
       {"--layers has 1100 layers; at most 1023 (with the output layer, the 1024 a model file holds)"}},
      {"SearchLargerThanTheMemory",
       [](const fs::path& d) {
         write_text(d / "data.csv", small_csv());
         return "tune data.csv" +
                small_flags({{"--lr", ""}, {"--epochs", ""}, {"--layers", "40000,40000"}, {"--candidates", "100"}});
       },
       2,
       {"tune needs about 2.9 TiB of memory (100 candidates x 1 seed",
        "lower --candidates, --repeats, --layers or --batch-size"}},
      // issue 11, streams:
      {"ConfigFromDevZero",  // an endless input stops at the experiment file's cap
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--config", "/dev/zero"}});
       },
       2,
       {"/dev/zero: more than 1048576 bytes, reading stopped there; the limit for experiment files is 1 MiB"}},
      {"ConfigOverTheSizeCap",
       [](const fs::path& d) {
         write_text(d / "big.toml", "[training]\nepochs = 2\n" + std::string((std::size_t{1} << 20) - 21, '#'));
         return with_csv(d, small_csv(), {{"--config", "big.toml"}});
       },
       2,
       {"big.toml: 1048577 bytes; the limit for experiment files is 1 MiB (1048576 bytes)"}},
      {"CsvFromDevZero",
       [](const fs::path&) { return train("/dev/zero"); },
       1,
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
      // issue 11, modeltrust: the metadata inside a model file, validated field against field.
      {"ModelNumericFeatureThatIsCategorical",  // predict dereferenced a null column
       [](const fs::path& d) {
         return tampered(d,
                         metadata_edit([](nlohmann::json& m) { m["preprocessing"]["numeric_features"][0] = "kind"; }));
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not a fitted preprocessing "
        "(preprocessing JSON: numeric_features[0] \"kind\" is a categorical source column; expected numeric_features "
        "to "
        "name numeric columns only)"}},
      {"ModelEncoderWithOneOutputForThreeLevels",  // wrote past the matrix
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           m["preprocessing"]["encoder"]["columns"][0]["outputs"] =
                               nlohmann::json::array({"kind_blue"});
                         }));
       },
       1,
       {"(preprocessing JSON: encoder.columns[0] has 3 levels and 1 output; expected 3 outputs (one-hot: one per "
        "level))"}},
      {"ModelEncoderWithAMillionLevels",  // wrote megabytes past the matrix
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           auto& levels = m["preprocessing"]["encoder"]["columns"][0]["levels"];
                           levels = nlohmann::json::array();
                           for (int i = 0; i < 1'000'000; ++i) levels.push_back(fmt::format("l{:07}", i));
                         }));
       },
       1,
       {"encoder.columns[0] has 1000000 levels and 3 outputs; expected 1000000 outputs (one-hot: one per level)"}},
      {"ModelBinaryEncodingWithThreeLevels",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           auto& kind = m["preprocessing"]["encoder"]["columns"][0];
                           kind["binary"] = true;
                           kind["outputs"] = nlohmann::json::array({"kind_red"});
                           kind["positive_level"] = "red";
                         }));
       },
       1,
       {"encoder.columns[0] is binary with 3 levels; expected a binary encoding to have exactly 2"}},
      {"ModelLevelsNotSorted",  // transform finds a level's column by its sorted position
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           m["preprocessing"]["encoder"]["columns"][0]["levels"] = {"red", "blue", "green"};
                         }));
       },
       1,
       {"encoder.columns[0].levels[1] is \"blue\" after \"red\"; expected the levels sorted and distinct"}},
      {"ModelScaleZero",  // NaN probabilities, exit 0
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) { m["preprocessing"]["scaler"]["scale"][1] = 0; }));
       },
       1,
       {"(preprocessing JSON: scaler.scale[1] is 0; expected a number > 0 and not subnormal (at least "
        "2.2250738585072014e-308))"}},
      {"ModelScaleNegative",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) { m["preprocessing"]["scaler"]["scale"][0] = -1.5; }));
       },
       1,
       {"scaler.scale[0] is -1.5; expected a number > 0 and not subnormal"}},
      {"ModelScaleSubnormal",
       [](const fs::path& d) {
         return tampered(d,
                         metadata_edit([](nlohmann::json& m) { m["preprocessing"]["scaler"]["scale"][2] = 5e-324; }));
       },
       1,
       {"scaler.scale[2] is 5e-324; expected a number > 0 and not subnormal"}},
      {"ModelScaleNull",  // what a NaN scale was written as
       [](const fs::path& d) {
         return tampered(d,
                         metadata_edit([](nlohmann::json& m) { m["preprocessing"]["scaler"]["scale"][0] = nullptr; }));
       },
       1,
       {"scaler.scale[0] is null; expected a finite number"}},
      {"ModelOffsetBeyondTheLargestDouble",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           m["preprocessing"]["scaler"]["offset"][0] = 123.25;
                           replace_in_preprocessing(m, "123.25", "1e999");
                         }));
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: metadata \"preprocessing\" is not valid JSON "
        "([json.exception.out_of_range.406] number overflow parsing '1e999')"}},
      {"ModelEmptySourceColumns",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           m["preprocessing"]["source_columns"] = nlohmann::json::array();
                         }));
       },
       1,
       {"(preprocessing JSON: source_columns is empty; expected at least one feature column)"}},
      {"ModelSourceColumnTwice",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           auto& sources = m["preprocessing"]["source_columns"];
                           sources.push_back(sources[0]);
                         }));
       },
       1,
       {"source_columns[4] \"a\" is listed twice; expected each column once"}},
      {"ModelTargetAlsoAFeature",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) { m["preprocessing"]["target"]["column"] = "b"; }));
       },
       1,
       {"target.column \"b\" is also a source column; expected the target apart from the features"}},
      {"ModelFeatureNamesOutOfOrder",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           auto& names = m["preprocessing"]["feature_names"];
                           std::swap(names[0], names[1]);
                         }));
       },
       1,
       {"feature_names[0] is \"b\"; expected \"a\" (the numeric features, then the encoder outputs, in order)"}},
      {"ModelFewerFeaturesThanInputs",  // column c removed everywhere: valid, but 5 features for 6 inputs
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) {
                           auto& p = m["preprocessing"];
                           p["source_columns"].erase(2);
                           p["numeric_features"].erase(2);
                           p["feature_names"].erase(2);
                           p["scaler"]["offset"].erase(2);
                           p["scaler"]["scale"].erase(2);
                         }));
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: the preprocessing makes 5 features but the model reads 6 "
        "(architecture \"input_dim\")"}},
      {"ModelImputeWithoutImputer",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) { m["preprocessing"]["missing"] = "impute"; }));
       },
       1,
       {"missing is \"impute\" but there is no imputer; expected one"}},
      {"ModelTargetRuleUnknownOperator",  // TargetRule::from_json dereferenced an empty operator
       [](const fs::path& d) {
         return tampered(d,
                         metadata_edit([](nlohmann::json& m) { m["preprocessing"]["target"]["rule"]["op"] = "=~"; }));
       },
       1,
       {"target.rule.op is \"=~\"; expected one of >=, >, <=, <, ==, !="}},
      {"ModelLossForAnotherTarget",
       [](const fs::path& d) {
         return tampered(d, metadata_edit([](nlohmann::json& m) { m["loss"] = "mean_squared_error"; }));
       },
       1,
       {"bad.safetensors: not a usable lrtune model file: loss \"mean_squared_error\" does not fit the "
        "preprocessing's binary target; expected binary_crossentropy"}},
      // issue 13, errors: an option the library refuses (its UsageError) is a usage error, exit 2 (was 1).
      {"SoftmaxHiddenActivation",
       [](const fs::path& d) {
         return with_csv(d, small_csv(), {{"--activation", "softmax"}});
       },
       2,
       {"softmax is allowed only on the last layer"}},
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
