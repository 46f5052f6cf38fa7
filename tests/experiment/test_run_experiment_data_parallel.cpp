// run_experiment with comparison.data_parallel over N in-process ranks (each a thread running the
// whole experiment, as mpirun would start N processes): the search is one process's bit for bit,
// every comparison training is one process's within the data-parallel tolerance and the same bits
// on every rank; one rank is the usual experiment bit for bit, worker threads and all; a cancel
// raised on one rank only stops every rank at the same training instead of leaving one waiting.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lrtune/experiment/experiment.hpp"
#include "support/synthetic.hpp"
#include "support/thread_ranks.hpp"

namespace {

using lrtune::Communicator;
using lrtune::ExperimentResult;

// As tests/train/test_data_parallel.cpp: a few float roundings per step apart, far below this.
constexpr double kRelativeTolerance = 1e-5;

lrtune::ExperimentOptions small_options() {
  lrtune::ExperimentOptions o;
  o.data = {.path = "small.csv", .csv_text = lrtune::testing::small_binary_csv(), .target = "label", .positive = "yes"};
  o.model.layers = {8};
  o.range_test = {.schedule = lrtune::CurveMode::per_step, .points = 30};
  o.search.candidates = 3;
  o.search.first_rung_epochs = 2;
  o.search.max_epochs = 4;
  o.search.threads = 1;
  o.comparison.epochs = 4;
  o.comparison.early_stopping = false;  // every epoch trained: the drift has room to show
  o.comparison.repeats = 2;
  o.comparison.threads = 2;  // read in one process; the ranks train one after another
  return o;
}

const lrtune::ExperimentData& data() {
  static const lrtune::ExperimentData loaded = lrtune::load_data(small_options().data);
  return loaded;
}

ExperimentResult run(lrtune::ExperimentOptions o, const Communicator* ranks) {
  o.search.communicator = ranks;
  o.comparison.data_parallel = ranks;
  return lrtune::run_experiment(data(), o);
}

nlohmann::json search_without_timings(const ExperimentResult& r) {
  nlohmann::json j = *r.search;
  for (const char* key : {"range_test_seconds", "search_seconds", "refit_seconds", "total_seconds"}) j.erase(key);
  for (auto& rung : j["rungs"]) rung.erase("seconds");
  if (j["range_test"].is_object()) {
    j["range_test"].erase("step_seconds");
    j["range_test"].erase("total_seconds");
  }
  return j;
}

std::vector<const lrtune::Training*> trainings(const ExperimentResult& r) {
  std::vector<const lrtune::Training*> all;
  for (const auto* side : {&r.default_side, &r.tuned_side})
    for (const auto& training : side->runs) all.push_back(&training);
  return all;
}

// Every epoch's every logged value.
std::vector<double> history_values(const lrtune::Training& t) {
  std::vector<double> values;
  for (const std::string& name : t.history.names())
    for (double v : t.history.values(name)) values.push_back(v);
  return values;
}

TEST(RunExperimentDataParallel, RanksTrainEachComparisonTrainingWithinToleranceAndSearchBitForBit) {
  const ExperimentResult one = run(small_options(), nullptr);
  ASSERT_EQ(trainings(one).size(), 4U);
  for (int n : {2, 3}) {
    const std::vector<ExperimentResult> ranks = lrtune::testing::on_thread_ranks<ExperimentResult>(
        n, [&](const Communicator& c) { return run(small_options(), &c); });
    bool any_bits_differ = false;
    for (int r = 0; r < n; ++r) {
      const ExperimentResult& got = ranks[static_cast<std::size_t>(r)];
      SCOPED_TRACE(fmt::format("{} ranks, rank {}", n, r));
      EXPECT_FALSE(got.cancelled);
      EXPECT_EQ(search_without_timings(got), search_without_timings(one));
      ASSERT_EQ(trainings(got).size(), trainings(one).size());
      for (std::size_t t = 0; t < trainings(one).size(); ++t) {
        const lrtune::Training& mine = *trainings(got)[t];
        const lrtune::Training& theirs = *trainings(one)[t];
        ASSERT_TRUE(mine.started()) << "training " << t;
        EXPECT_EQ(mine.epochs_run, theirs.epochs_run) << "training " << t;
        const std::vector<double> a = history_values(theirs), b = history_values(mine);
        ASSERT_EQ(a.size(), b.size()) << "training " << t;
        for (std::size_t k = 0; k < a.size(); ++k)
          EXPECT_LE(std::abs(a[k] - b[k]), kRelativeTolerance * std::max(1.0, std::abs(a[k]))) << "training " << t;
        EXPECT_NEAR(mine.test.at("loss"), theirs.test.at("loss"), kRelativeTolerance) << "training " << t;
        // Every rank took the same steps: the same bits as rank 0's.
        EXPECT_EQ(history_values(mine), history_values(*trainings(ranks[0])[t])) << "training " << t;
        any_bits_differ = any_bits_differ || a != b;
      }
    }
    // Equal bits would mean that each rank trained alone on every row.
    EXPECT_TRUE(any_bits_differ) << n << " ranks: the trainings are one process's bit for bit; were they shared?";
  }
}

TEST(RunExperimentDataParallel, OneRankIsTheUsualExperimentBitForBit) {
  const ExperimentResult plain = run(small_options(), nullptr);
  const ExperimentResult alone = run(small_options(), &lrtune::single_process());
  EXPECT_EQ(search_without_timings(alone), search_without_timings(plain));
  ASSERT_EQ(trainings(alone).size(), trainings(plain).size());
  for (std::size_t t = 0; t < trainings(plain).size(); ++t)
    EXPECT_EQ(history_values(*trainings(alone)[t]), history_values(*trainings(plain)[t])) << "training " << t;
}

// Raises this rank's own cancel flag when its first comparison training begins.
class CancelAtFirstTraining final : public lrtune::ExperimentCallback {
 public:
  explicit CancelAtFirstTraining(std::atomic<bool>& cancel) : cancel_(cancel) {}
  void on_training_begin(const lrtune::TrainingSpec& /*spec*/) override { cancel_ = true; }

 private:
  std::atomic<bool>& cancel_;
};

TEST(RunExperimentDataParallel, ACancelOnOneRankStopsEveryRankAlike) {
  struct Stopped {
    bool cancelled = false;
    std::size_t started = 0;
  };
  const std::vector<Stopped> ranks = lrtune::testing::on_thread_ranks<Stopped>(2, [](const Communicator& c) {
    std::atomic<bool> cancel{false};
    CancelAtFirstTraining stopper(cancel);
    lrtune::ExperimentOptions o = small_options();
    o.cancel = &cancel;
    if (c.rank() == 1) o.callbacks = {&stopper};  // rank 0's own flag stays down
    const ExperimentResult r = run(o, &c);
    Stopped s{.cancelled = r.cancelled};
    for (const auto* t : trainings(r)) s.started += t->started() ? 1U : 0U;
    return s;
  });
  for (int r = 0; r < 2; ++r) {
    EXPECT_TRUE(ranks[static_cast<std::size_t>(r)].cancelled) << "rank " << r;
    EXPECT_EQ(ranks[static_cast<std::size_t>(r)].started, 1U) << "rank " << r << ": only the first training started";
  }
}

}  // namespace
