// The search spread over ranks (TunerOptions::communicator) without MPI: N threads, each a rank of
// an in-process communicator, each running the whole search. Every rank's result and model must
// be the single-process ones bit for bit, whatever N, with the given interval and extensions, and
// with the range test, small-data splits and the refit; and the ranks must split the epochs and
// build only their own units (each unit's optimizer is a clone: a rank clones for its units only).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/communicator.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/tune/tuner.hpp"
#include "support/synthetic.hpp"
#include "support/thread_ranks.hpp"

namespace {

using lrtune::Communicator;
using lrtune::Sequential;
using lrtune::Tuner;
using lrtune::TunerOptions;
using lrtune::TuningResult;

// Rung 0's progress on one rank: `done` counts the rank's own epochs as they end, then (with
// several ranks) one last call gives every rank's epochs and the whole rung's total.
class FirstRungEpochs final : public lrtune::TunerCallback {
 public:
  explicit FirstRungEpochs(bool spread) : spread_(spread) {}
  void on_rung_progress(std::size_t done, std::size_t total) override {
    if (rungs_ended_ > 0) return;
    done_.push_back(done);
    total_ = total;
  }
  void on_rung_end(const lrtune::TuningRung& /*rung*/, const TuningResult& /*so_far*/) override { ++rungs_ended_; }
  std::size_t own() const { return done_.size() - (spread_ && !done_.empty() ? 1 : 0); }
  std::size_t last_done() const { return done_.empty() ? 0 : done_.back(); }
  std::size_t total() const { return total_; }

 private:
  bool spread_;
  int rungs_ended_ = 0;
  std::vector<std::size_t> done_;
  std::size_t total_ = 0;
};

// Adam that counts its clones: the Tuner clones the optimizer for each unit it builds, for the
// range test and for the refit, so the count says how many units a rank built.
class CountingAdam final : public lrtune::Adam {
 public:
  explicit CountingAdam(std::atomic<std::size_t>& clones) : clones_(&clones) {}
  std::unique_ptr<lrtune::Optimizer> clone() const override {
    ++*clones_;
    return std::make_unique<CountingAdam>(*this);
  }

 private:
  std::atomic<std::size_t>* clones_;
};

struct Outcome {
  nlohmann::json result;  // without wall times
  lrtune::ModelState<float> model;
  std::size_t first_rung_epochs = 0;  // this rank's own epochs in rung 0
  std::size_t first_rung_shown = 0;   // rung 0's last progress: every rank's epochs
  std::size_t first_rung_total = 0;   // rung 0's last progress: every rank's total
  std::size_t units_built = 0;        // optimizer clones less the range test's and the refit's
};

nlohmann::json without_timings(const TuningResult& r) {
  nlohmann::json j = r;
  for (const char* key : {"range_test_seconds", "search_seconds", "refit_seconds", "total_seconds"}) j.erase(key);
  for (auto& rung : j["rungs"]) rung.erase("seconds");
  if (j["range_test"].is_object()) {
    j["range_test"].erase("step_seconds");
    j["range_test"].erase("total_seconds");
  }
  return j;
}

Outcome search(const lrtune::testing::Dataset& data, TunerOptions o, const Communicator* communicator) {
  const Sequential model(6, {lrtune::Dense(16, "relu"), lrtune::Dense(1, "sigmoid")}, 0);
  std::atomic<std::size_t> clones{0};
  const CountingAdam adam(clones);
  FirstRungEpochs epochs(communicator != nullptr && communicator->size() > 1);
  o.communicator = communicator;
  o.callbacks = {&epochs};
  Tuner tuner(model, adam, lrtune::Loss::binary_crossentropy, data.X, data.y, o);
  const TuningResult r = tuner.run();
  const std::size_t others = (o.low ? 0U : 1U) + (r.refit ? 1U : 0U);
  return {.result = without_timings(r),
          .model = tuner.model().state(),
          .first_rung_epochs = epochs.own(),
          .first_rung_shown = epochs.last_done(),
          .first_rung_total = epochs.total(),
          .units_built = clones.load() - others};
}

// Each of n ranks on its own thread, as mpirun would start n processes.
std::vector<Outcome> search_on_ranks(const lrtune::testing::Dataset& data, const TunerOptions& o, int n) {
  return lrtune::testing::on_thread_ranks<Outcome>(n, [&](const Communicator& c) { return search(data, o, &c); });
}

lrtune::testing::Dataset noisy_data(lrtune::Index n) {
  auto data = lrtune::testing::separable_binary(n, 6, 11);
  for (lrtune::Index i = 0; i < n; i += 6) data.y(i, 0) = 1.0f - data.y(i, 0);
  return data;
}

// Returns the single-process result, for the caller to check that its case was exercised.
nlohmann::json expect_same_on_every_rank(const lrtune::testing::Dataset& data, const TunerOptions& o) {
  const Outcome one = search(data, o, nullptr);
  EXPECT_GE(one.units_built, 8U) << "one process builds every unit (4+ rates x 2+ repeats)";
  for (int n : {2, 3}) {
    const std::vector<Outcome> spread = search_on_ranks(data, o, n);
    std::size_t epochs = 0;
    std::size_t units = 0;
    for (int r = 0; r < n; ++r) {
      const Outcome& got = spread[static_cast<std::size_t>(r)];
      EXPECT_EQ(got.result, one.result) << n << " ranks, rank " << r;
      EXPECT_TRUE(got.model == one.model) << n << " ranks, rank " << r << ": the model's weights differ";
      EXPECT_LT(got.first_rung_epochs, one.first_rung_epochs) << n << " ranks, rank " << r << " trained every unit";
      // Every rank's progress ends where one process's does: all ranks' epochs of the whole rung.
      EXPECT_EQ(got.first_rung_shown, one.first_rung_epochs) << n << " ranks, rank " << r;
      EXPECT_EQ(got.first_rung_total, one.first_rung_total) << n << " ranks, rank " << r;
      // Units are dealt out in turn: a rank builds ceil or floor of units / n, never all of them.
      const auto ranks = static_cast<std::size_t>(n);
      EXPECT_LE(got.units_built, (one.units_built + ranks - 1) / ranks)
          << n << " ranks, rank " << r << " built others' units";
      epochs += got.first_rung_epochs;
      units += got.units_built;
    }
    EXPECT_EQ(epochs, one.first_rung_epochs) << n << " ranks: each unit's epochs are trained once";
    EXPECT_EQ(units, one.units_built) << n << " ranks: each unit is built once, on its owner";
  }
  return one.result;
}

TEST(TunerRanks, GivenIntervalWithExtensionsEqualsOneProcess) {
  TunerOptions o;
  o.small_data_splits = 1;
  o.candidates = 4;
  o.repeats = 2;
  o.low = 1e-5;  // the best rate lies above: extensions beyond the high end
  o.high = 1e-4;
  o.first_rung_epochs = 2;
  o.max_epochs = 8;
  o.patience = 2;
  o.seed = 5;
  o.threads = 1;
  const nlohmann::json one = expect_same_on_every_rank(noisy_data(400), o);
  EXPECT_GT(one.at("extensions").get<int>(), 0);
  EXPECT_GE(one.at("rungs").size(), 2U);
}

TEST(TunerRanks, RangeTestSmallDataSplitsAndRefitEqualOneProcess) {
  TunerOptions o;
  o.candidates = 3;
  o.first_rung_epochs = 2;
  o.max_epochs = 6;
  o.patience = 2;
  o.seed = 9;
  o.threads = 1;
  o.refit = true;
  o.range_test = lrtune::LRFinderOptions::fastai_per_step(30);
  const nlohmann::json one = expect_same_on_every_rank(noisy_data(300), o);  // under small_data_rows: 3 splits
  EXPECT_EQ(one.at("validation_splits").get<int>(), 3);
  EXPECT_TRUE(one.at("refit").get<bool>());
  EXPECT_TRUE(one.at("range_test").is_object());
}

}  // namespace
