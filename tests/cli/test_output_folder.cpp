// End-to-end: the output folder is replaced as a whole. A new or earlier-run folder is swapped
// in with run.json; a failed run leaves the target as it was and removes the folders it made;
// folders that are not lrtune runs, the current folder and folders holding an input are refused;
// predict -o never replaces its inputs.
#include <unistd.h>

#include <map>

#include "cli_checks.hpp"

using namespace lrtune::testing;
namespace fs = std::filesystem;

namespace {

// Every regular file below `folder` (relative name -> bytes).
std::map<std::string, std::string> snapshot(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), folder).string()] = read_text(entry.path());
  return files;
}

// The names in `folder` (not recursive), sorted.
std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json run_json(const fs::path& out) { return nlohmann::json::parse(read_text(out / "run.json")); }

class OutputFolder : public ::testing::Test {
 protected:
  void SetUp() override { write_text(dir.path() / "data.csv", small_csv()); }
  CliResult lrtune(const std::string& args) { return run_cli(args, dir.path()); }
  TempDir dir;
};

TEST_F(OutputFolder, ANewFolderGetsRunJsonAndNoHiddenLeftovers) {
  const CliResult r = lrtune("train data.csv" + small_flags());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json run = run_json(dir.path() / "out");
  EXPECT_EQ(run["tool"], "lrtune");
  EXPECT_EQ(run["command"], "train");
  EXPECT_EQ(run["status"], "complete");
  EXPECT_EQ(run["exit_code"], 0);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"data.csv", "out"}));
  EXPECT_EQ(fs::status(dir.path() / "out").permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST_F(OutputFolder, AnEarlierRunIsReplacedAsAWholeNotMixed) {
  ASSERT_EQ(lrtune("train data.csv" + small_flags({{"--seed", "1"}})).code, 0);
  ASSERT_TRUE(fs::exists(dir.path() / "out" / "model.safetensors"));
  const CliResult r =
      lrtune("find data.csv" +
             small_flags(
                 {{"--seed", "2"}, {"--lr", ""}, {"--epochs", ""}, {"--schedule", "step"}, {"--finder-points", "20"}}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "model.safetensors"));  // train's file, not find's
  EXPECT_NE(read_text(dir.path() / "out" / "config.toml").find("seed = 2"), std::string::npos);
  EXPECT_EQ(run_json(dir.path() / "out")["command"], "find");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"data.csv", "out"}));
}

TEST_F(OutputFolder, AFailedRunLeavesTheEarlierRunUntouched) {
  ASSERT_EQ(lrtune("train data.csv" + small_flags()).code, 0);
  const auto before = snapshot(dir.path() / "out");
  // A data error found after the folder was claimed.
  const CliResult r = lrtune("train data.csv" + small_flags({{"--target", "nope"}}));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(snapshot(dir.path() / "out"), before);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"data.csv", "out"}));
}

TEST_F(OutputFolder, AFailedRunRemovesEveryFolderItCreated) {
  const CliResult r = lrtune("train data.csv" + small_flags({{"--target", "nope"}, {"--out", "n1/n2/n3"}}));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "n1"));
  fs::create_directory(dir.path() / "mine");  // a folder of the user's stays, even when empty
  EXPECT_EQ(lrtune("train data.csv" + small_flags({{"--target", "nope"}, {"--out", "mine/n2/n3"}})).code, 1);
  EXPECT_EQ(names_in(dir.path() / "mine"), std::vector<std::string>{});
}

TEST_F(OutputFolder, TheCurrentFolderAndItsParentsAreRefused) {
  write_text(dir.path() / "config.toml", "# mine\n");
  write_text(dir.path() / "report.html", "mine");
  for (const char* out : {".", "./", "..", "/"}) {
    SCOPED_TRACE(out);
    const CliResult r = lrtune("train data.csv" + small_flags({{"--out", out}, {"--overwrite", " "}}));
    expect_one_error_line(r, 2, {fmt::format("--out {}: this is the folder lrtune runs in", out)});
  }
  EXPECT_EQ(read_text(dir.path() / "config.toml"), "# mine\n");
  EXPECT_EQ(read_text(dir.path() / "report.html"), "mine");
}

TEST_F(OutputFolder, AFolderThatIsNotARunIsRefusedUnlessOverwrite) {
  fs::create_directory(dir.path() / "results");
  write_text(dir.path() / "results" / "notes.txt", "keep me");
  const CliResult refused = lrtune("train data.csv" + small_flags({{"--out", "results"}}));
  expect_one_error_line(refused, 2,
                        {"--out results: holds files that are not an lrtune run ('notes.txt', ...)", "--overwrite"});
  EXPECT_EQ(read_text(dir.path() / "results" / "notes.txt"), "keep me");
  const CliResult replaced = lrtune("train data.csv" + small_flags({{"--out", "results"}, {"--overwrite", " "}}));
  ASSERT_EQ(replaced.code, 0) << replaced.err;
  EXPECT_FALSE(fs::exists(dir.path() / "results" / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "results" / "model.safetensors"));
}

TEST_F(OutputFolder, AnEmptyFolderIsUsed) {
  fs::create_directory(dir.path() / "empty");
  ASSERT_EQ(lrtune("train data.csv" + small_flags({{"--out", "empty"}})).code, 0);
  EXPECT_TRUE(fs::exists(dir.path() / "empty" / "model.safetensors"));
}

TEST_F(OutputFolder, AFileIsNotAFolder) {
  write_text(dir.path() / "out", "a file");
  expect_one_error_line(lrtune("train data.csv" + small_flags()), 2, {"--out out: exists and is not a folder"});
  EXPECT_EQ(read_text(dir.path() / "out"), "a file");
}

TEST_F(OutputFolder, AFolderHoldingAnInputIsRefused) {
  ASSERT_EQ(lrtune("train data.csv" + small_flags()).code, 0);
  fs::copy_file(dir.path() / "data.csv", dir.path() / "out" / "data.csv");
  ASSERT_EQ(lrtune("config" + small_flags() + " > out/settings.toml").code, 0);
  expect_one_error_line(lrtune("train out/data.csv" + small_flags()), 2, {"--out out: holds the input out/data.csv"});
  expect_one_error_line(lrtune("train data.csv --config out/settings.toml" + small_flags()), 2,
                        {"--out out: holds the input out/settings.toml"});
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "data.csv"));
}

TEST_F(OutputFolder, ALockedFolderIsRefused) {
  // The lock file another lrtune would hold: flock it from a child process while lrtune runs.
  const std::string holder = "exec 9>.out.lrtune-lock && flock -n 9 && (" + quote(LRTUNE_BINARY_DIR "/lrtune") +
                             " train data.csv" + small_flags() + "; echo $? > code) 9>&-";
  ASSERT_EQ(std::system(("cd " + quote(dir.path().string()) + " && bash -c " + quote(holder) + " 2>err").c_str()), 0);
  EXPECT_EQ(read_text(dir.path() / "code"), "2\n");
  EXPECT_NE(read_text(dir.path() / "err").find("--out out: another lrtune is writing to this folder"),
            std::string::npos)
      << read_text(dir.path() / "err");
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

TEST_F(OutputFolder, StagingFoldersOfAKilledRunAreRemovedByTheNextRun) {
  fs::create_directories(dir.path() / ".out.lrtune-tmp-abc123" / "charts");
  write_text(dir.path() / ".out.lrtune-tmp-abc123" / "history.csv", "epoch,loss\n0,");
  ASSERT_EQ(lrtune("train data.csv" + small_flags()).code, 0);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"data.csv", "out"}));
}

TEST_F(OutputFolder, DefaultFoldersOfTheSameSecondDoNotCollide) {
  const std::string flags = small_flags({{"--out", ""}});
  ASSERT_EQ(lrtune("train data.csv" + flags).code, 0);
  ASSERT_EQ(lrtune("train data.csv" + flags).code, 0);
  ASSERT_EQ(lrtune("train data.csv" + flags).code, 0);
  int runs = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "lrtune-out"))
    runs += fs::exists(entry.path() / "run.json");
  EXPECT_EQ(runs, 3);
}

TEST_F(OutputFolder, PredictNeverWritesOverItsInputs) {
  ASSERT_EQ(lrtune("train data.csv" + small_flags()).code, 0);
  fs::create_hard_link(dir.path() / "data.csv", dir.path() / "linked.csv");
  const std::string model = read_text(dir.path() / "out" / "model.safetensors");
  const std::string data = read_text(dir.path() / "data.csv");
  for (const char* output :
       {"data.csv", "./data.csv", "linked.csv", "out/model.safetensors", "out/../out/model.safetensors"}) {
    SCOPED_TRACE(output);
    const CliResult r = lrtune(std::string("predict out/model.safetensors data.csv -o ") + output);
    expect_one_error_line(r, 2, {fmt::format("-o {}: is the same file as the input", output)});
  }
  EXPECT_EQ(read_text(dir.path() / "out" / "model.safetensors"), model);
  EXPECT_EQ(read_text(dir.path() / "data.csv"), data);
}

TEST_F(OutputFolder, AFileSizeLimitIsOneLineNotASignal) {
  // ulimit -f 8: 8 KiB per file; the model file is larger. SIGXFSZ would kill lrtune silently.
  const std::string command = "cd " + quote(dir.path().string()) + " && (ulimit -f 8; " +
                              quote(LRTUNE_BINARY_DIR "/lrtune") + " train data.csv" +
                              small_flags({{"--layers", "64,64"}}) + " >stdout 2>stderr; echo $? > code)";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_text(dir.path() / "code"), "1\n") << read_text(dir.path() / "stderr");
  const std::string err = read_text(dir.path() / "stderr");
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("File too large"), std::string::npos) << err;
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"code", "data.csv", "stderr", "stdout"}));
}

}  // namespace
