// The experiment API: examples/run_experiment.cpp reproduces `lrtune run`'s comparison.json bit for
// bit (same seed, same small settings), and run_experiment's callbacks, cancellation, worker pool
// and result on a small CSV in memory.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "lrtune/experiment/experiment.hpp"
#include "support/synthetic.hpp"

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

lrtune::ExperimentOptions small_options() {
  lrtune::ExperimentOptions o;
  o.data = {.path = "small.csv", .csv_text = lrtune::testing::small_binary_csv(), .target = "label", .positive = "yes"};
  o.model.layers = {8};
  o.range_test = {.schedule = lrtune::CurveMode::per_step, .points = 30};
  o.search.candidates = 3;
  o.search.first_rung_epochs = 2;
  o.search.max_epochs = 4;
  o.comparison.epochs = 3;
  return o;
}

// Counts the events and logs the experiment's steps in order; raises `cancel` at the step named
// by `cancel_at` ("range test", "training").
class CountingCallback : public lrtune::ExperimentCallback {
 public:
  explicit CountingCallback(std::atomic<bool>* cancel = nullptr, std::string cancel_at = "")
      : cancel_(cancel), cancel_at_(std::move(cancel_at)) {}
  void on_range_test_point(std::size_t index, double lr, double loss) override {
    EXPECT_EQ(index, point_lrs.size());
    point_lrs.push_back(lr);
    point_losses.push_back(loss);
  }
  void on_range_test_end(const lrtune::ExperimentResult& so_far) override {
    log("range test end " + std::to_string(so_far.range_test.size()));
    stop_at("range test");
  }
  void on_search_begin(const lrtune::TunerOptions& o) override { log("search begin " + std::to_string(o.candidates)); }
  void on_search_interval(const lrtune::TuningResult&) override { log("interval"); }
  void on_search_rung(const lrtune::TuningRung&, const lrtune::TuningResult&) override { ++rungs; }
  void on_search_end(const lrtune::TuningResult& r) override { log("search end " + std::to_string(r.rungs.size())); }
  void on_rates_chosen(const lrtune::ExperimentResult&) override { log("rates chosen"); }
  void on_training_begin(const lrtune::TrainingSpec& t) override {
    ++trainings;
    log("training " + t.name);
    stop_at("training");
  }
  void on_epoch_end(const lrtune::TrainingSpec&, int, const lrtune::Logs&, lrtune::TrainingContext&) override {
    ++epochs;
  }
  // After the test split's scores, with the finished training (a console's summary line).
  void on_training_end(const lrtune::TrainingSpec& t, const lrtune::Training& result) override {
    log("training end " + t.name + " " + std::to_string(result.epochs_run) +
        (result.test.values.empty() ? "" : " scored"));
  }
  std::vector<double> point_lrs, point_losses;
  std::vector<std::string> steps;
  std::atomic<int> rungs{0}, trainings{0}, epochs{0};

 private:
  void log(const std::string& step) {
    const std::lock_guard lock(mutex_);  // the trainings' hooks come from worker threads
    steps.push_back(step);
  }
  void stop_at(const std::string& step) {
    if (step == cancel_at_) *cancel_ = true;
  }
  std::atomic<bool>* cancel_;
  std::string cancel_at_;
  std::mutex mutex_;
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
  EXPECT_EQ(without_timings(from_cli), without_timings(from_example)) << without_timings(from_cli).dump(1) << "\n---\n"
                                                                      << without_timings(from_example).dump(1);
  EXPECT_EQ(from_example.at("pick"), "tuner");
  EXPECT_EQ(from_example.at("default").at("runs").size(), 1u);
}

TEST(RunExperiment, ReturnsEveryPartOfTheResultAndTellsTheCallbacksInOrder) {
  CountingCallback first, second;
  lrtune::ExperimentOptions o = small_options();
  o.callbacks = {&first, &second};
  const lrtune::ExperimentResult r = lrtune::run_experiment(o);
  EXPECT_FALSE(r.cancelled);
  EXPECT_EQ(r.task, lrtune::TargetKind::binary);
  EXPECT_EQ(r.class_names.size(), 2u);
  EXPECT_EQ(r.range_test.size(), 30u);
  ASSERT_TRUE(r.search.has_value());
  const std::vector<std::string> steps = {
      "range test end 30",
      "search begin 3",
      "interval",
      "search end " + std::to_string(r.search->rungs.size()),
      "rates chosen",
      "training default",
      "training end default " + std::to_string(r.default_side.runs[0].epochs_run) + " scored",
      "training tuned",
      "training end tuned " + std::to_string(r.tuned_side.runs[0].epochs_run) + " scored"};
  for (const CountingCallback* c : {&first, &second}) {
    EXPECT_EQ(c->steps, steps);
    EXPECT_EQ(c->point_lrs, r.range_test.learning_rates);
    EXPECT_EQ(c->point_losses, r.range_test.losses);
    EXPECT_EQ(c->rungs, static_cast<int>(r.search->rungs.size()));
    EXPECT_GE(c->rungs, 1);
    EXPECT_EQ(c->trainings, 2);
    EXPECT_EQ(c->epochs, r.default_side.runs[0].epochs_run + r.tuned_side.runs[0].epochs_run);
  }
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

// A rank other than 0 under mpirun: the search (shared with the other ranks) runs, and the
// experiment ends with the rates chosen, the comparison's trainings not run.
TEST(RunExperiment, WithoutTheComparisonItStopsOnceTheRatesAreChosen) {
  CountingCallback counting;
  lrtune::ExperimentOptions o = small_options();
  o.comparison.repeats = 2;
  o.callbacks = {&counting};
  o.train_comparison = false;
  const lrtune::ExperimentResult r = lrtune::run_experiment(o);
  const lrtune::ExperimentResult whole = lrtune::run_experiment(small_options());
  EXPECT_FALSE(r.cancelled);
  ASSERT_TRUE(r.search.has_value());
  EXPECT_EQ(counting.steps.back(), "rates chosen");
  EXPECT_EQ(counting.trainings, 0);
  EXPECT_EQ(counting.epochs, 0);
  EXPECT_TRUE(r.default_side.runs.empty());
  EXPECT_TRUE(r.tuned_side.runs.empty());
  EXPECT_EQ(r.tuned_side.learning_rate, whole.tuned_side.learning_rate);  // the same search, the same pick
  EXPECT_EQ(r.default_side.learning_rate, whole.default_side.learning_rate);
  EXPECT_THROW((void)r.model(), std::logic_error);
}

TEST(RunExperiment, CancelledAfterTheRangeTestItStopsWithNothingTrained) {
  std::atomic<bool> cancel{false};
  CountingCallback counting(&cancel, "range test");
  lrtune::ExperimentOptions o = small_options();
  o.callbacks = {&counting};
  o.cancel = &cancel;
  const lrtune::ExperimentResult r = lrtune::run_experiment(o);
  EXPECT_TRUE(r.cancelled);
  EXPECT_GT(r.range_test.size(), 0u);
  EXPECT_FALSE(r.search.has_value());
  EXPECT_TRUE(r.tuned_side.runs.empty());
  EXPECT_EQ(counting.trainings, 0);
  EXPECT_THROW((void)r.model(), std::logic_error);
}

// Raised as the first training begins (one worker): fit stops after its first step, the other
// training is skipped.
TEST(RunExperiment, CancelledAtTheFirstTrainingItSkipsTheRest) {
  std::atomic<bool> cancel{false};
  CountingCallback counting(&cancel, "training");
  lrtune::ExperimentOptions o = small_options();
  o.comparison.threads = 1;
  o.callbacks = {&counting};
  o.cancel = &cancel;
  const lrtune::ExperimentResult r = lrtune::run_experiment(o);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(counting.trainings, 1);
  ASSERT_EQ(r.default_side.runs.size(), 1u);
  const lrtune::Training& first = r.default_side.runs[0];
  EXPECT_TRUE(first.started());
  EXPECT_EQ(first.history.stop_reason, lrtune::StopReason::cancelled);
  EXPECT_FALSE(r.tuned_side.runs[0].started());
}

TEST(RunExperiment, RefusesATargetRuleThatIsNotBinary) {
  lrtune::ExperimentOptions o = small_options();
  o.data.positive = "multiclass";
  EXPECT_THROW(lrtune::load_data(o.data), lrtune::UsageError);
}
