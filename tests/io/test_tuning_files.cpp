// Tuning files: the candidates CSV has one row per candidate and rung with the outcome and the
// pick marked, and tuning.json parses back with the pick, rungs and costs.
#include <gtest/gtest.h>

#include "io_test_util.hpp"
#include "lrtune/io/json_file.hpp"
#include "lrtune/io/tuning_files.hpp"
#include "support/tuning_fixture.hpp"

namespace lrtune {
namespace {

TEST(TuningFiles, CandidatesCsvHasOneRowPerCandidateAndRung) {
  const std::string csv = tuning_candidates_to_csv(testing::small_tuning_result());
  EXPECT_EQ(csv,
            "candidate,lr,rung,rung_epochs,epochs_trained,score,outcome,picked\n"
            "0,1e-05,0,4,4,0.66,cut,0\n"
            "1,0.0001,0,4,4,0.51,promoted,0\n"
            "1,0.0001,1,8,8,0.48,max_epochs,0\n"
            "2,0.001,0,4,4,0.45,promoted,1\n"
            "2,0.001,1,8,8,0.44,promoted,1\n"
            "3,0.1,0,4,2,0.9,diverged,0\n");
}

TEST(TuningFiles, JsonHasThePickRungsAndCosts) {
  test::IoTempFolder dir("tuning_json");
  const TuningResult result = testing::small_tuning_result();
  write_tuning_json(dir.path / "tuning.json", result);
  write_tuning_candidates_csv(dir.path / "tuning_candidates.csv", result);
  const nlohmann::json j = read_json(dir.path / "tuning.json");
  EXPECT_EQ(j.at("pick").get<std::size_t>(), 2u);
  EXPECT_DOUBLE_EQ(j.at("learning_rate").get<double>(), 1e-3);
  EXPECT_EQ(j.at("best_epoch").get<int>(), 4);  // 0-based in files
  EXPECT_EQ(j.at("model_epochs").get<int>(), 5);
  EXPECT_EQ(j.at("rungs").size(), 2u);
  EXPECT_EQ(j.at("candidates").size(), 4u);
  EXPECT_DOUBLE_EQ(j.at("epochs_cost").get<double>(), 22.0);
  EXPECT_DOUBLE_EQ(j.at("grid_epochs_bound").get<double>(), 32.0);
  EXPECT_EQ(test::read_all(dir.path / "tuning_candidates.csv"), tuning_candidates_to_csv(result));
  EXPECT_EQ(dir.entries(), 2u);  // no temp files left
}

}  // namespace
}  // namespace lrtune
