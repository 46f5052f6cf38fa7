// Replays every seed (fuzz/corpus/<target>/) and every past finding (fuzz/regressions/<target>/)
// through its fuzz target's body, so the normal and the sanitizer builds of the suite run them.
// Finding new inputs is scripts/fuzz.sh's job.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;
using Body = int (*)(const std::uint8_t*, std::size_t);

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs each file; returns how many there were.
std::size_t replay(const std::string& target, Body body) {
  std::size_t count = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    for (const fs::path& file : files_in(fs::path(LRTUNE_FUZZ_DIR) / kind / target)) {
      SCOPED_TRACE(file.string());
      const std::string bytes = read_bytes(file);
      EXPECT_NO_THROW(body(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      ++count;
    }
  }
  return count;
}

TEST(FuzzCorpus, CsvReader) { EXPECT_GE(replay("csv_reader", lrtune::fuzz::fuzz_csv_reader), 5u); }
TEST(FuzzCorpus, Preprocessing) { EXPECT_GE(replay("preprocessing", lrtune::fuzz::fuzz_preprocessing), 5u); }
TEST(FuzzCorpus, ModelFile) { EXPECT_GE(replay("model_file", lrtune::fuzz::fuzz_model_file), 5u); }
TEST(FuzzCorpus, ExperimentFile) { EXPECT_GE(replay("experiment_file", lrtune::fuzz::fuzz_experiment_file), 5u); }
TEST(FuzzCorpus, ModelMetadata) { EXPECT_GE(replay("model_metadata", lrtune::fuzz::fuzz_model_metadata), 5u); }

// model_metadata's seeds are programs of edits over tables in its body (anchors, numbers,
// strings): a changed table would silently make "scale_zero" edit something else.
TEST(FuzzCorpus, ModelMetadataSeedsEditWhatTheirNamesSay) {
  const auto edited = [](const std::string& seed) {
    const std::string bytes = read_bytes(fs::path(LRTUNE_FUZZ_DIR) / "corpus" / "model_metadata" / seed);
    return lrtune::fuzz::model_metadata_after_edits(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  };
  EXPECT_NE(edited("numeric_feature_is_categorical").find(R"("numeric_features":["kind","b"])"), std::string::npos);
  EXPECT_NE(edited("scale_zero").find(R"("scale":[0,)"), std::string::npos);
  EXPECT_NE(edited("one_hot_one_output").find(R"("outputs":["kind_blue"])"), std::string::npos);
  EXPECT_NE(edited("target_rule_unknown_op").find(R"("op":"=~")"), std::string::npos);
  EXPECT_NE(edited("empty_source_columns").find(R"("source_columns":[])"), std::string::npos);
}

// The properties the bodies check can fail: a broken one is an exception, not a silent pass.
TEST(FuzzCorpus, BodiesReportBrokenProperties) {
  EXPECT_THROW(lrtune::fuzz::expect(false, "x"), lrtune::fuzz::FuzzFinding);
  EXPECT_NO_THROW(lrtune::fuzz::expect(true, "x"));
}

}  // namespace
