// The experiment API: examples/run_experiment.cpp reproduces `lrtune run`'s comparison.json bit for
// bit (same seed, same small settings), and run_experiment's observer, cancellation, worker pool
// and result on a small CSV in memory.
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "lrtune/experiment/experiment.hpp"

using namespace lrtune::testing;

namespace {

// comparison.json without what differs between two runs by design: where it was written, by
// which command, and the wall-clock times.
nlohmann::json without_timings(nlohmann::json j) {
  j.erase("command");
  j.erase("out");
  for (const char* side : {"default", "tuned"})
    for (auto& run : j.at(side).at("runs")) run.erase("train_seconds");
  if (j.contains("tuning")) j["tuning"].erase("total_seconds");
  return j;
}

// 300 rows: label "yes" when x1 + x2 > 0 (with some noise), x3 noise.
std::string small_csv() {
  std::mt19937 random(7);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,x3,label\n";
  for (int i = 0; i < 300; ++i) {
    const double x1 = normal(random), x2 = normal(random), x3 = normal(random);
    csv += fmt::format("{:.4f},{:.4f},{:.4f},{}\n", x1, x2, x3, x1 + x2 + 0.3 * normal(random) > 0 ? "yes" : "no");
  }
  return csv;
}

lrtune::ExperimentOptions small_options() {
  lrtune::ExperimentOptions o;
  o.data = {.path = "small.csv", .csv_text = small_csv(), .target = "label", .positive = "yes"};
  o.model.layers = {8};
  o.range_test = {.schedule = lrtune::CurveMode::per_step, .points = 30};
  o.search.candidates = 3;
  o.search.first_rung_epochs = 2;
  o.search.max_epochs = 4;
  o.comparison.epochs = 3;
  return o;
}

// Counts the events; raises its own cancel flag at the step named by `cancel_at`.
class CountingObserver : public lrtune::ExperimentObserver {
 public:
  explicit CountingObserver(std::string cancel_at = "") : cancel_at_(std::move(cancel_at)) {}
  const std::atomic<bool>* cancel_flag() const override { return &cancel_; }
  void on_range_test_point(std::size_t, double, double) override { ++points; }
  void on_range_test_end(const lrtune::ExperimentResult&) override { stop_at("range test"); }
  void on_search_rung(const lrtune::TuningRung&, const lrtune::TuningResult&) override { ++rungs; }
  void on_rates_chosen(const lrtune::ExperimentResult&) override { ++rates_chosen; }
  void on_training_begin(const lrtune::TrainingSpec&) override { ++trainings; }
  void on_epoch_end(const lrtune::TrainingSpec&, int, const lrtune::Logs&, lrtune::TrainingContext&) override { ++epochs; }
  std::atomic<int> points{0}, rungs{0}, rates_chosen{0}, trainings{0}, epochs{0};

 private:
  void stop_at(const std::string& step) {
    if (step == cancel_at_) cancel_ = true;
  }
  std::string cancel_at_;
  std::atomic<bool> cancel_{false};
};

}  // namespace

TEST(RunExperiment, TheExampleReproducesLrtuneRunsComparisonBitForBit) {
  TempDir dir;
  const std::string wine_csv = data_file("winequalityN.csv").string();
  // The same small settings for both: --epochs, --candidates, --finder-points, --max-epochs.
  const CliResult cli = run_cli("run " + quote(wine_csv) +
                                    " --target quality --positive '>=6' --epochs 2 --candidates 2 --finder-points 10 "
                                    "--max-epochs 4 --quiet --out out",
                                dir.path());
  ASSERT_EQ(cli.code, 0) << cli.err;
  const CliResult example = run_program(LRTUNE_BINARY_DIR "/run_experiment", quote(wine_csv) + " 2 2 10 4", dir.path());
  ASSERT_EQ(example.code, 0) << example.err;
  const auto from_cli = nlohmann::json::parse(read_text(dir.path() / "out" / "comparison.json"));
  const auto from_example = nlohmann::json::parse(example.out);
  EXPECT_EQ(from_cli.at("command"), "run");
  EXPECT_FALSE(from_example.contains("command"));
  // json's == compares the numbers exactly (both printed with round-trip precision).
  EXPECT_EQ(without_timings(from_cli), without_timings(from_example))
      << without_timings(from_cli).dump(1) << "\n---\n" << without_timings(from_example).dump(1);
  EXPECT_EQ(from_example.at("pick"), "tuner");
  EXPECT_EQ(from_example.at("default").at("runs").size(), 1u);
}

TEST(RunExperiment, ReturnsEveryPartOfTheResultAndTellsTheObserver) {
  CountingObserver observer;
  const lrtune::ExperimentResult r = lrtune::run_experiment(small_options(), &observer);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.task, lrtune::TargetKind::binary);
  EXPECT_EQ(r.class_names.size(), 2u);
  EXPECT_EQ(r.range_test.size(), 30u);
  EXPECT_EQ(observer.points, 30);
  ASSERT_TRUE(r.search.has_value());
  EXPECT_GE(observer.rungs, 1);
  EXPECT_EQ(observer.rates_chosen, 1);
  EXPECT_EQ(observer.trainings, 2);
  EXPECT_DOUBLE_EQ(r.default_side.learning_rate, 0.001);
  EXPECT_EQ(r.tuned_side.learning_rate, r.search->learning_rate);
  EXPECT_EQ(r.default_side.source, "adam default");
  for (const lrtune::ComparedRate* side : {&r.default_side, &r.tuned_side}) {
    ASSERT_EQ(side->runs.size(), 1u);
    const lrtune::Training& t = side->runs[0];
    EXPECT_TRUE(t.started());
    EXPECT_EQ(t.epochs_run, static_cast<int>(t.history.size()));
    EXPECT_EQ(t.test.rows, r.test_rows);
    ASSERT_EQ(t.test.confusion.rows(), 2);
    ASSERT_EQ(t.test.confusion.cols(), 2);
    EXPECT_EQ(t.test.confusion.sum(), r.test_rows);  // every test row counted once
    EXPECT_GE(t.test.at("accuracy"), 0.0);
    EXPECT_TRUE(std::isfinite(t.test.at("loss")));
  }
  EXPECT_EQ(observer.epochs, r.default_side.runs[0].epochs_run + r.tuned_side.runs[0].epochs_run);
  EXPECT_NO_THROW((void)r.model());
}

// The worker pool changes when the trainings run, not what they compute.
TEST(RunExperiment, SeveralWorkersGiveTheSameTrainingsAsOne) {
  lrtune::ExperimentOptions o = small_options();
  o.comparison.repeats = 2;
  o.comparison.pick = lrtune::RatePick::finder;
  o.comparison.rule = "minimum";
  o.comparison.threads = 1;
  const nlohmann::json one = lrtune::run_experiment(o);
  o.comparison.threads = 4;
  const nlohmann::json four = lrtune::run_experiment(o);
  EXPECT_EQ(without_timings(one), without_timings(four));
  EXPECT_EQ(one.at("default").at("runs").size(), 2u);
  EXPECT_EQ(one.at("tuned_by"), "range test: minimum");
  EXPECT_FALSE(one.contains("tuning"));
}

TEST(RunExperiment, CancelledAfterTheRangeTestItStopsWithNothingTrained) {
  CountingObserver observer("range test");
  const lrtune::ExperimentResult r = lrtune::run_experiment(small_options(), &observer);
  EXPECT_TRUE(r.cancelled);
  EXPECT_GT(r.range_test.size(), 0u);
  EXPECT_FALSE(r.search.has_value());
  EXPECT_TRUE(r.tuned_side.runs.empty());
  EXPECT_EQ(observer.trainings, 0);
  EXPECT_THROW((void)r.model(), std::logic_error);
}

TEST(RunExperiment, RefusesATargetRuleThatIsNotBinary) {
  lrtune::ExperimentOptions o = small_options();
  o.data.positive = "multiclass";
  EXPECT_THROW(lrtune::load_data(o.data), lrtune::UsageError);
}
