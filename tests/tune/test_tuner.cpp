// The Tuner on small generated data (400 rows x 6 features, a 6-16-1 model): epoch bookkeeping,
// determinism across runs and thread counts, lockstep units equal to fit with the same seed,
// best-weight restore, the validation part kept out of training and out of the range test,
// the refit, cancellation, callbacks and option checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/split.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/tune/halving.hpp"
#include "lrtune/tune/tuner.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::Dense;
using lrtune::Loss;
using lrtune::Matrix;
using lrtune::Sequential;
using lrtune::Tuner;
using lrtune::TunerOptions;
using lrtune::TuningResult;

constexpr auto kLoss = Loss::binary_crossentropy;

// Separable data with every 6th label flipped, so validation loss has a floor and early stopping
// has something to do.
lrtune::testing::Dataset noisy_data(lrtune::Index n = 400) {
  auto data = lrtune::testing::separable_binary(n, 6, 11);
  for (lrtune::Index i = 0; i < n; i += 6) data.y(i, 0) = 1.0f - data.y(i, 0);
  return data;
}

Sequential small_model() { return Sequential(6, {Dense(16, "relu"), Dense(1, "sigmoid")}, 0); }

// A quick search over a given interval: 4 candidates (the lowest is Adam's default 1e-3), rungs of
// 2, 4, 8 epochs, one validation split and no extension (the tests of those switch them on).
TunerOptions quick_options() {
  TunerOptions o;
  o.small_data_splits = 1;
  o.max_extensions = 0;
  o.candidates = 4;
  o.low = 1e-3;
  o.high = 3e-1;
  o.first_rung_epochs = 2;
  o.rung_growth = 2.0;
  o.max_epochs = 8;
  o.patience = 2;
  o.seed = 5;
  o.threads = 2;
  return o;
}

// The result's JSON without wall times (and the thread count, when asked).
nlohmann::json without_timings(const TuningResult& r, bool drop_threads = false) {
  nlohmann::json j = r;
  for (const char* key : {"range_test_seconds", "search_seconds", "refit_seconds", "total_seconds"}) j.erase(key);
  if (drop_threads) j.erase("threads");
  for (auto& rung : j["rungs"]) rung.erase("seconds");
  if (j["range_test"].is_object()) {
    j["range_test"].erase("step_seconds");
    j["range_test"].erase("total_seconds");
  }
  return j;
}

// Logs "<name> begin <candidates>", "interval <low>", "rung <epochs> of <rungs so far>" and
// "end <rungs>" into a log shared by several recorders; keeps the final result's JSON.
class Recorder final : public lrtune::TunerCallback {
 public:
  Recorder(std::string name, std::vector<std::string>* log) : name_(std::move(name)), log_(log) {}
  void on_search_begin(const TunerOptions& o) override { add(fmt::format("begin {}", o.candidates)); }
  void on_interval(const TuningResult& so_far) override { add(fmt::format("interval {}", so_far.low)); }
  void on_rung_end(const lrtune::TuningRung& rung, const TuningResult& so_far) override {
    EXPECT_EQ(&rung, &so_far.rungs.back());
    add(fmt::format("rung {} of {}", rung.epochs, so_far.rungs.size()));
  }
  void on_search_end(const TuningResult& result) override {
    add(fmt::format("end {}", result.rungs.size()));
    end_json = without_timings(result);
  }
  nlohmann::json end_json;

 private:
  void add(const std::string& line) { log_->push_back(name_ + " " + line); }
  std::string name_;
  std::vector<std::string>* log_;
};

// Raises the caller's cancel flag once the interval is known.
struct CancelAtInterval final : lrtune::TunerCallback {
  explicit CancelAtInterval(std::atomic<bool>& flag) : flag(flag) {}
  void on_interval(const TuningResult&) override { flag = true; }
  std::atomic<bool>& flag;
};

Matrix rows_of(const Matrix& m, const std::vector<lrtune::Index>& rows) {
  Matrix out(static_cast<lrtune::Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<lrtune::Index>(i)) = m.row(rows[i]);
  return out;
}

struct Fixture : ::testing::Test {
  lrtune::testing::Dataset data = noisy_data();
  Sequential model = small_model();
  lrtune::Adam adam;
};

using TunerTest = Fixture;

TEST_F(TunerTest, EpochBookkeepingAddsUp) {
  TunerOptions o = quick_options();
  o.keep_improving = false;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_EQ(r.training_rows, 320);
  EXPECT_EQ(r.validation_rows, 80);
  ASSERT_EQ(r.candidates.size(), 4u);
  EXPECT_DOUBLE_EQ(r.candidates.front().learning_rate, 1e-3);
  EXPECT_DOUBLE_EQ(r.candidates.back().learning_rate, 3e-1);
  EXPECT_DOUBLE_EQ(r.grid_epochs_bound, 4.0 * 8.0);

  double epochs = 0.0;
  for (const auto& c : r.candidates) {
    ASSERT_EQ(c.epochs_trained.size(), 1u);
    EXPECT_EQ(c.validation_losses[0].size(), static_cast<std::size_t>(c.epochs_trained[0]));
    EXPECT_LE(c.epochs_trained[0], r.rungs[static_cast<std::size_t>(c.last_rung)].epochs);
    EXPECT_EQ(c.rung_scores.size(), static_cast<std::size_t>(c.last_rung + 1));
    EXPECT_FALSE(c.reason.empty());
    epochs += c.epochs_trained[0];
  }
  EXPECT_DOUBLE_EQ(epochs, r.epochs_cost);
  EXPECT_LT(r.epochs_cost, r.grid_epochs_bound);

  const auto targets = lrtune::rung_epoch_targets(2, 2.0, 8);  // 2, 4, 8
  ASSERT_GE(r.rungs.size(), 2u);
  double rung_epochs = 0.0;
  for (std::size_t k = 0; k < r.rungs.size(); ++k) {
    EXPECT_EQ(r.rungs[k].epochs, targets[k]);
    rung_epochs += r.rungs[k].epochs_cost;
    // keep 0.5, rounded up; the guard is off, so the next rung holds the unfinished promoted ones.
    EXPECT_EQ(r.rungs[k].promoted.size(), (r.rungs[k].candidates.size() + 1) / 2);
    EXPECT_TRUE(r.rungs[k].kept_improving.empty());
    if (k + 1 < r.rungs.size()) {  // the next rung: promoted ones, and the default, which is never cut
      for (std::size_t c : r.rungs[k + 1].candidates) {
        if (c == r.default_candidate) continue;
        EXPECT_NE(std::find(r.rungs[k].promoted.begin(), r.rungs[k].promoted.end(), c), r.rungs[k].promoted.end());
      }
    }
  }
  EXPECT_DOUBLE_EQ(rung_epochs, r.epochs_cost);
  EXPECT_EQ(r.rungs[0].epochs_cost, 4.0 * 2.0);  // every candidate's first two epochs (none can stop sooner)
  // The pick is the smoothed minimum (the challenger) or the default it had to beat.
  EXPECT_TRUE(r.pick == r.challenger || r.pick == r.default_candidate);
  for (const auto& c : r.candidates) EXPECT_LE(r.candidates[r.challenger].smoothed_score, c.smoothed_score);
  EXPECT_EQ(r.learning_rate, r.candidates[r.pick].learning_rate);
  EXPECT_FALSE(r.explanation.empty());
}

TEST_F(TunerTest, SameOptionsSameResultOnAnyThreadCount) {
  TunerOptions o = quick_options();
  o.repeats = 2;
  o.threads = 1;
  const TuningResult one = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  const TuningResult again = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  o.threads = 2;
  const TuningResult two = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_EQ(without_timings(one), without_timings(again));
  EXPECT_EQ(without_timings(one, true), without_timings(two, true));
  EXPECT_EQ(one.threads, 1u);
  EXPECT_EQ(two.threads, 2u);
}

// y as fit takes it: a (samples,) Vector searches exactly as its (samples, 1) column.
TEST_F(TunerTest, AVectorYSearchesAsItsColumn) {
  const TunerOptions o = quick_options();
  const lrtune::Vector y = data.y.col(0);
  Tuner from_vector(model, adam, kLoss, data.X, y, o);
  Tuner from_column(model, adam, kLoss, data.X, data.y, o);
  EXPECT_EQ(without_timings(from_vector.run()), without_timings(from_column.run()));
  const auto a = from_vector.model().parameters(), b = from_column.model().parameters();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_THROW(Tuner(model, adam, kLoss, data.X, lrtune::Vector(y.head(10)), o), lrtune::UsageError);
}

// Every unit trains exactly as fit does with the same seed: the candidates of a repeat start from
// the same weights and see the same mini-batches, and the validation part is fit's.
TEST_F(TunerTest, EachUnitEqualsFitWithItsSeed) {
  TunerOptions o = quick_options();
  o.repeats = 2;
  o.max_epochs = 4;
  o.first_rung_epochs = 4;  // one rung: every unit trains up to 4 epochs
  o.patience = 100;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  ASSERT_EQ(r.rungs.size(), 1u);
  for (const auto& c : r.candidates) {
    for (int rep = 0; rep < 2; ++rep) {
      Sequential m = model;
      m.initialize(o.seed + static_cast<std::uint64_t>(rep));
      lrtune::Adam a({.learning_rate = c.learning_rate});
      const auto history = lrtune::fit(m, a, kLoss, data.X, data.y,
                                       {.epochs = 4,
                                        .batch_size = o.batch_size,
                                        .seed = o.seed + static_cast<std::uint64_t>(rep),
                                        .validation_split = o.validation_split,
                                        .validation_seed = o.seed});
      EXPECT_EQ(c.validation_losses[static_cast<std::size_t>(rep)], history.values("val_loss"))
          << "rate " << c.learning_rate << " repeat " << rep;
    }
  }
}

TEST_F(TunerTest, CandidatesOfOneRateTrainIdentically) {
  // An interval so narrow that the candidates' rates round to the same float step size: same
  // initial weights and same batches give the same histories, bit for bit.
  TunerOptions o = quick_options();
  o.low = 1e-2;
  o.high = 1e-2 * (1.0 + 1e-15);
  o.candidates = 3;
  o.default_rate = 1e-2;  // the default replaces the nearest candidate: no fourth rate
  o.max_epochs = 4;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  ASSERT_FALSE(r.candidates[0].validation_losses[0].empty());
  EXPECT_EQ(r.candidates[0].validation_losses, r.candidates[1].validation_losses);
  EXPECT_EQ(r.candidates[0].validation_losses, r.candidates[2].validation_losses);
}

TEST_F(TunerTest, ReturnedModelHoldsThePicksBestWeights) {
  TunerOptions o = quick_options();
  o.max_epochs = 16;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  Tuner tuner(model, adam, kLoss, data.X, data.y, o);
  const TuningResult again = tuner.run();
  ASSERT_EQ(without_timings(r), without_timings(again));
  // The validation rows the tuner held out: fit's split for the seed.
  const auto split =
      lrtune::train_test_split_indices(data.X.rows(), o.validation_split, static_cast<std::uint32_t>(o.seed));
  const Matrix x_val = rows_of(data.X, split.test), y_val = rows_of(data.y, split.test);
  Sequential returned = tuner.model();
  const double loss = lrtune::evaluate(returned, kLoss, x_val, y_val, {}).at("loss");
  EXPECT_DOUBLE_EQ(loss, r.validation_loss);
  const auto& pick = r.candidates[r.pick];
  EXPECT_DOUBLE_EQ(loss, pick.best_validation_losses[0]);
  EXPECT_EQ(r.best_epoch, pick.best_epochs[0]);
  EXPECT_DOUBLE_EQ(pick.validation_losses[0][static_cast<std::size_t>(r.best_epoch)], loss);  // 0-based
  EXPECT_EQ(r.model_epochs, r.best_epoch + 1);
}

// Explicit validation rows give exactly the search that the split of the union gives: the tuner
// trains on its training rows only, and the range test sees them only.
TEST_F(TunerTest, ExplicitValidationRowsEqualTheSplit) {
  TunerOptions o = quick_options();
  o.low.reset();
  o.high.reset();
  o.candidates = 3;
  o.max_epochs = 4;
  const TuningResult split = Tuner(model, adam, kLoss, data.X, data.y, o).run();

  const auto idx =
      lrtune::train_test_split_indices(data.X.rows(), o.validation_split, static_cast<std::uint32_t>(o.seed));
  const Matrix x_train = rows_of(data.X, idx.train), y_train = rows_of(data.y, idx.train);
  const Matrix x_val = rows_of(data.X, idx.test), y_val = rows_of(data.y, idx.test);
  TunerOptions explicit_rows = o;
  explicit_rows.x_val = &x_val;
  explicit_rows.y_val = &y_val;
  const TuningResult given = Tuner(model, adam, kLoss, x_train, y_train, explicit_rows).run();
  EXPECT_EQ(given.training_rows, 320);
  EXPECT_EQ(given.validation_rows, 80);
  EXPECT_EQ(without_timings(split), without_timings(given));

  // The range test ran on the 320 training rows alone, at the tuner's batch size and seed.
  Sequential probe = model;
  probe.initialize(o.seed);
  lrtune::Adam probe_adam;
  lrtune::LRFinderOptions test = o.range_test;
  test.batch_size = o.batch_size;
  test.seed = o.seed;
  auto curve = lrtune::LRFinder(probe, probe_adam, kLoss, x_train, y_train, test).run();
  EXPECT_EQ(curve.losses, split.range_test.losses);
  EXPECT_TRUE(split.range_test.validation_losses.empty());
  EXPECT_LT(split.low, split.high);
  EXPECT_FALSE(split.low_reason.empty());
  EXPECT_FALSE(split.high_reason.empty());
}

TEST_F(TunerTest, RefitTrainsTheBestEpochCountOnAllRows) {
  TunerOptions o = quick_options();
  o.refit = true;
  Tuner tuner(model, adam, kLoss, data.X, data.y, o);
  const TuningResult r = tuner.run();
  ASSERT_TRUE(r.refit);
  ASSERT_GE(r.best_epoch, 0);
  EXPECT_EQ(r.model_epochs, r.best_epoch + 1);
  Sequential expected = model;
  expected.initialize(o.seed);
  lrtune::Adam a({.learning_rate = r.learning_rate});
  const auto history = lrtune::fit(expected, a, kLoss, data.X, data.y,
                                   {.epochs = r.model_epochs, .batch_size = o.batch_size, .seed = o.seed});
  EXPECT_EQ(history.size(), static_cast<std::size_t>(r.best_epoch + 1));
  const auto got = tuner.model().parameters();
  const auto want = expected.parameters();
  ASSERT_EQ(got.size(), want.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin()));
  EXPECT_NE(r.explanation.find("retrained"), std::string::npos) << r.explanation;
}

TEST_F(TunerTest, CallbacksSeeTheSearchsStepsInOrder) {
  std::vector<std::string> log;
  Recorder first("a", &log), second("b", &log);
  TunerOptions o = quick_options();
  o.callbacks = {&first, &second};
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  ASSERT_EQ(r.rungs.size(), 3u);  // 2, 4, 8 epochs
  EXPECT_EQ(log, (std::vector<std::string>{"a begin 4", "b begin 4", "a interval 0.001", "b interval 0.001",
                                           "a rung 2 of 1", "b rung 2 of 1", "a rung 4 of 2", "b rung 4 of 2",
                                           "a rung 8 of 3", "b rung 8 of 3", "a end 3", "b end 3"}));
  // on_search_end sees the result run() returns.
  EXPECT_EQ(first.end_json, without_timings(r));
}

// A rung's progress for a console: on_rung_begin before it trains, then one on_rung_progress per
// candidate epoch (from the workers, one at a time: `done` counts 1, 2, ... up to the epochs the
// rung trained, never past `total`), then on_rung_end.
struct RungProgress final : lrtune::TunerCallback {
  void on_rung_begin(const lrtune::TuningRung& rung, const TuningResult& so_far) override {
    EXPECT_EQ(so_far.rungs.size(), begun);  // the rungs before it
    ++begun;
    EXPECT_GT(rung.epochs, 0);
    EXPECT_FALSE(rung.candidates.empty());
    done.clear();
  }
  void on_rung_progress(std::size_t d, std::size_t total) override {
    done.push_back(d);
    totals_ok = totals_ok && d <= total;
  }
  void on_rung_end(const lrtune::TuningRung& rung, const TuningResult&) override {
    EXPECT_EQ(done.size(), static_cast<std::size_t>(rung.epochs_cost));
    for (std::size_t i = 0; i < done.size(); ++i) EXPECT_EQ(done[i], i + 1);
    ended += 1;
  }
  std::size_t begun = 0, ended = 0;
  std::vector<std::size_t> done;
  bool totals_ok = true;
};

TEST_F(TunerTest, RungProgressCountsEachCandidateEpochOnce) {
  TunerOptions o = quick_options();
  o.threads = 2;
  RungProgress progress;
  o.callbacks = {&progress};
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_EQ(progress.begun, r.rungs.size());
  EXPECT_EQ(progress.ended, r.rungs.size());
  EXPECT_TRUE(progress.totals_ok);
}

TEST_F(TunerTest, CancelStopsTheSearch) {
  std::atomic<bool> cancel{false};
  TunerOptions o = quick_options();
  o.cancel = &cancel;
  CancelAtInterval raise(cancel);
  o.callbacks = {&raise};
  Tuner tuner(model, adam, kLoss, data.X, data.y, o);
  const TuningResult r = tuner.run();
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.epochs_cost, 0.0);
  for (const auto& c : r.candidates) EXPECT_EQ(c.status, lrtune::CandidateStatus::cancelled);
  EXPECT_NO_THROW(tuner.model());

  // Raised before the range test: nothing is trained, and there is no model.
  TunerOptions with_test = o;
  with_test.low.reset();
  with_test.high.reset();
  with_test.callbacks.clear();
  Tuner early(model, adam, kLoss, data.X, data.y, with_test);
  const TuningResult none = early.run();
  EXPECT_TRUE(none.cancelled);
  EXPECT_TRUE(none.candidates.empty());
  EXPECT_THROW(early.model(), std::logic_error);
}

TEST_F(TunerTest, DivergedCandidatesScoreInfinityAndAreNotPicked) {
  TunerOptions o = quick_options();
  o.candidates = 3;  // 1e-2, 1e3, 1e8: plain SGD blows up at the upper two
  o.low = 1e-2;
  o.high = 1e8;
  o.max_epochs = 4;
  const lrtune::Sgd sgd;
  const TuningResult r = Tuner(model, sgd, kLoss, data.X, data.y, o).run();
  EXPECT_DOUBLE_EQ(r.learning_rate, 1e-2);
  EXPECT_TRUE(std::isfinite(r.validation_loss));
  ASSERT_EQ(r.candidates.size(), 3u);  // SGD's default 0.01 is the lowest candidate
  EXPECT_TRUE(r.candidates[0].is_default);
  const auto& top = r.candidates.back();
  EXPECT_EQ(top.status, lrtune::CandidateStatus::diverged);
  EXPECT_TRUE(std::isinf(top.score));
  const nlohmann::json j = r;
  EXPECT_EQ(j["candidates"][2]["score"], "inf");
  EXPECT_EQ(j["candidates"][2]["status"], "diverged");
  EXPECT_NE(top.reason.find("diverged"), std::string::npos) << top.reason;
}

// The optimizer's default rate joins the log-spaced candidates and is never cut: it trains to its
// own early stop, so the pick compares against a fully trained default.
TEST_F(TunerTest, TheDefaultRateIsACandidateThatHalvingNeverCuts) {
  TunerOptions o = quick_options();
  o.low = 3e-4;
  o.high = 3e-1;  // 3e-4, 3e-3, 3e-2, 3e-1 and Adam's 1e-3
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  ASSERT_EQ(r.candidates.size(), 5u);
  EXPECT_EQ(r.default_candidate, 1u);
  EXPECT_DOUBLE_EQ(r.candidates[1].learning_rate, 1e-3);
  EXPECT_TRUE(r.candidates[1].is_default);
  EXPECT_NE(r.candidates[1].status, lrtune::CandidateStatus::eliminated);
  EXPECT_EQ(r.candidates[1].last_rung + 1, static_cast<int>(r.rungs.size()));
  const nlohmann::json j = r;
  EXPECT_EQ(j["default_candidate"], 1);
  EXPECT_TRUE(j["candidates"][1]["is_default"].get<bool>());
  EXPECT_FALSE(r.decision.empty());
  EXPECT_NE(r.explanation.find(r.decision), std::string::npos);
}

TEST_F(TunerTest, KeepsTheDefaultWhenNoRateBeatsItByMoreThanTheNoise) {
  TunerOptions o = quick_options();
  o.noise_margin = 1e6;  // no difference on 80 rows clears a million standard errors
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_TRUE(r.kept_default);
  EXPECT_EQ(r.pick, r.default_candidate);
  EXPECT_DOUBLE_EQ(r.learning_rate, 1e-3);
  EXPECT_NE(r.explanation.find("was kept: no rate beat it by more than the noise"), std::string::npos) << r.explanation;

  o.noise_margin = 0.0;  // any better challenger wins
  const TuningResult free = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_EQ(free.pick, free.challenger);
}

TEST_F(TunerTest, ABestRateAtAnEndExtendsTheInterval) {
  TunerOptions o = quick_options();
  o.low = 1e-6;
  o.high = 1e-5;  // far too low for 8 epochs: the best candidate is the highest (Adam's 1e-3)
  o.max_extensions = 2;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  ASSERT_GE(r.extensions, 1);
  EXPECT_EQ(r.candidates.size(), 5u + static_cast<std::size_t>(r.extensions));
  const auto& added = r.candidates.back();
  EXPECT_TRUE(added.extension);
  EXPECT_GT(added.learning_rate, 1e-3);
  EXPECT_EQ(added.last_rung, -1);
  EXPECT_GE(added.epochs_trained[0], 1);
  for (std::size_t c = 1; c < r.candidates.size(); ++c)
    EXPECT_LT(r.candidates[c - 1].learning_rate, r.candidates[c].learning_rate);
  EXPECT_DOUBLE_EQ(r.grid_epochs_bound, static_cast<double>(r.candidates.size()) * o.max_epochs);
  EXPECT_NE(r.explanation.find(fmt::format("so {} candidate{} beyond it {} added.", r.extensions,
                                           r.extensions == 1 ? "" : "s", r.extensions == 1 ? "was" : "were")),
            std::string::npos)
      << r.explanation;
}

// Under small_data_rows each repeat holds out its own split: repeat r is fit with validation seed
// seed + r, so the scores average several validation parts.
TEST_F(TunerTest, SmallDataAveragesSeveralValidationSplits) {
  TunerOptions o = quick_options();
  o.small_data_splits = 3;
  o.max_epochs = 4;
  o.first_rung_epochs = 4;
  o.patience = 100;
  const TuningResult r = Tuner(model, adam, kLoss, data.X, data.y, o).run();
  EXPECT_EQ(r.repeats, 3);
  EXPECT_EQ(r.validation_splits, 3);
  const auto& c = r.candidates[r.default_candidate];
  for (int rep = 0; rep < 3; ++rep) {
    const auto s = o.seed + static_cast<std::uint64_t>(rep);
    Sequential m = model;
    m.initialize(s);
    lrtune::Adam a({.learning_rate = c.learning_rate});
    const auto history = lrtune::fit(m, a, kLoss, data.X, data.y,
                                     {.epochs = 4,
                                      .batch_size = o.batch_size,
                                      .seed = s,
                                      .validation_split = o.validation_split,
                                      .validation_seed = s});
    EXPECT_EQ(c.validation_losses[static_cast<std::size_t>(rep)], history.values("val_loss")) << "repeat " << rep;
  }
  o.small_data_rows = 400;  // exactly 400 rows is not small
  EXPECT_EQ(Tuner(model, adam, kLoss, data.X, data.y, o).run().validation_splits, 1);
}

// The message of the lrtune::UsageError that building a Tuner with these options throws.
std::string refusal(const Sequential& model, const lrtune::Adam& adam, const lrtune::testing::Dataset& data,
                    const TunerOptions& o) {
  try {
    Tuner(model, adam, kLoss, data.X, data.y, o);
  } catch (const lrtune::UsageError& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST_F(TunerTest, OptionsAndShapesAreCheckedWithOneLineMessages) {
  auto with = [](auto change) {
    TunerOptions o = quick_options();
    change(o);
    return o;
  };
  const auto msg = [&](const TunerOptions& o) { return refusal(model, adam, data, o); };
  EXPECT_NE(msg(with([](auto& o) { o.candidates = 1; })).find("candidates = 1 must be >= 2"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.keep_fraction = 1.0; })).find("keep_fraction = 1 must be in (0, 1)"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.rung_growth = 1.0; })).find("rung_growth = 1"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.max_epochs = 1; })).find("max_epochs = 1 must be >= first_rung_epochs (2)"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.patience = 0; })).find("patience = 0"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.high.reset(); })).find("low and high"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.low = 1.0; })).find("0 < low < high"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.validation_split = 0.0; })).find("validation_split = 0"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.repeats = 0; })).find("repeats = 0"), std::string::npos);
  // The limits of core/limits.hpp, checked before any unit is allocated.
  EXPECT_NE(msg(with([](auto& o) { o.candidates = 1001; })).find("candidates = 1001 must be at most 1000"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.repeats = 1001; })).find("repeats = 1001 must be at most 1000"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.max_epochs = 1000001; })).find("max_epochs = 1000001 must be at most 1000000"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.threads = 1025; })).find("threads = 1025 must be at most 1024"),
            std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.metrics = {"nope"}; })).find("metrics"), std::string::npos);
  EXPECT_NE(msg(with([](auto& o) { o.decades_below_minimum = 0.5; })).find("decades_below_minimum = 0.5"),
            std::string::npos);
  for (const auto& m : {msg(with([](auto& o) { o.candidates = 1; })), msg(with([](auto& o) { o.patience = 0; }))}) {
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_EQ(m.rfind("tuner: ", 0), 0u) << m;
  }
  // Shapes: features and targets must fit the model.
  const Sequential wide(7, {Dense(1, "sigmoid")}, 0);
  EXPECT_NE(refusal(wide, adam, data, quick_options()).find("tuner training data"), std::string::npos);
  const Matrix bad_val(10, 6);
  const Matrix bad_y(9, 1);
  EXPECT_NE(msg(with([&](auto& o) {
              o.x_val = &bad_val;
              o.y_val = &bad_y;
            })).find("tuner validation data"),
            std::string::npos);
}

}  // namespace
