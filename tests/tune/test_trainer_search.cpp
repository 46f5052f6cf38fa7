// search_trainers over user trainers: an analytic trainer whose rung cuts, early stop and pick are
// computed by hand below; the Sequential model wrapped as an EpochTrainer equals the Tuner bit for
// bit; the noise estimate with and without per-row losses; option checks; a trainer's exception
// reaching the caller unchanged; cancellation.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/optim/adam.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
#include "lrtune/tune/epoch_trainer.hpp"
#include "lrtune/tune/tuner.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::CandidateStatus;
using lrtune::EpochReport;
using lrtune::EpochTrainer;
using lrtune::Matrix;
using lrtune::SearchOptions;
using lrtune::Sequential;
using lrtune::TuningResult;

// Gradient descent on f(w) = (w - 1)^2 from w = 0, one step per epoch: w_e - 1 = -(1 - 2 lr)^e, so
// the validation loss after epoch e (1-based) is floor + q^e with q = (1 - 2 lr)^2.
class QuadraticTrainer final : public EpochTrainer {
 public:
  QuadraticTrainer(double learning_rate, double floor, bool rows)
      : q_(std::pow(1.0 - 2.0 * learning_rate, 2.0)), floor_(floor), rows_(rows) {}
  EpochReport train_epoch() override {
    ++epoch_;
    const double loss = floor_ + std::pow(q_, epoch_);
    if (!rows_) return {.validation_loss = loss};
    return {.validation_loss = loss, .row_losses = {loss - 0.01, loss + 0.01}};  // two rows, mean = loss
  }

 private:
  double q_, floor_;
  bool rows_;
  int epoch_ = 0;
};

double quadratic_loss(double lr, int epoch) { return 0.1 + std::pow(std::pow(1.0 - 2.0 * lr, 2.0), epoch); }

// Rates 0.01, 0.02 (the default, inserted), 0.0632, 0.4; rungs end at 2, 4, 8 epochs; min_delta
// 1e-3 with patience 2; no slow-starter guard and no extension, so every step below is arithmetic.
SearchOptions quadratic_options() {
  SearchOptions o;
  o.candidates = 3;
  o.low = 0.01;
  o.high = 0.4;
  o.default_rate = 0.02;
  o.first_rung_epochs = 2;
  o.rung_growth = 2.0;
  o.max_epochs = 8;
  o.patience = 2;
  o.min_delta = 1e-3;
  o.keep_improving = false;
  o.max_extensions = 0;
  return o;
}

lrtune::TrainerFactory quadratic_factory(bool rows) {
  return [rows](double lr, std::uint64_t, int) { return std::make_unique<QuadraticTrainer>(lr, 0.1, rows); };
}

TEST(TrainerSearch, AnalyticTrainerCutsStopsAndPicksAsComputedByHand) {
  const TuningResult r = lrtune::search_trainers(quadratic_factory(false), quadratic_options());
  ASSERT_EQ(r.candidates.size(), 4u);
  EXPECT_DOUBLE_EQ(r.candidates[1].learning_rate, 0.02);
  EXPECT_EQ(r.default_candidate, 1u);
  // Rung 0 (2 epochs), losses 0.1 + q^2: 0.4 -> 0.1016, 0.0632 -> 0.682, 0.02 -> 0.949, 0.01 -> 1.022.
  // ceil(4 / 2) = 2 promoted: 0.4 and 0.0632; 0.01 is cut; the default is never cut.
  ASSERT_EQ(r.rungs.size(), 3u);
  EXPECT_EQ(r.rungs[0].promoted, (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(r.candidates[0].status, CandidateStatus::eliminated);
  EXPECT_EQ(r.candidates[0].epochs_trained[0], 2);
  EXPECT_EQ(r.rungs[1].candidates, (std::vector<std::size_t>{1, 2, 3}));
  // 0.4: epoch 3 improves (0.100064 + 1e-3 < 0.1016), epochs 4 and 5 do not: patience 2 runs out
  // after epoch 5, best epoch 3 (0-based 2).
  EXPECT_EQ(r.candidates[3].status, CandidateStatus::early_stopped);
  EXPECT_EQ(r.candidates[3].epochs_trained[0], 5);
  EXPECT_EQ(r.candidates[3].best_epochs[0], 2);
  EXPECT_DOUBLE_EQ(r.candidates[3].score, quadratic_loss(0.4, 3));
  // 0.0632 and the default improve by more than 1e-3 every epoch up to max_epochs.
  EXPECT_EQ(r.candidates[2].status, CandidateStatus::max_epochs);
  EXPECT_EQ(r.candidates[1].status, CandidateStatus::max_epochs);
  EXPECT_DOUBLE_EQ(r.candidates[1].score, quadratic_loss(0.02, 8));
  for (int e = 0; e < 8; ++e) EXPECT_DOUBLE_EQ(r.candidates[1].validation_losses[0][e], quadratic_loss(0.02, e + 1));
  // Epochs: rung 0 4 x 2, rung 1 3 x 2, rung 2 1 + 4 + 4.
  EXPECT_DOUBLE_EQ(r.epochs_cost, 23.0);
  // 0.4 has the lowest smoothed score; one unit and no rows: no noise estimate, any gain wins.
  EXPECT_EQ(r.challenger, 3u);
  EXPECT_EQ(r.pick, 3u);
  EXPECT_FALSE(r.kept_default);
  EXPECT_TRUE(std::isnan(r.noise_percent));
  EXPECT_NE(r.decision.find("no noise estimate exists"), std::string::npos) << r.decision;
  EXPECT_EQ(r.best_epoch, 2);
  EXPECT_EQ(r.model_epochs, 3);
  EXPECT_NE(r.explanation.find("restoring those weights is the trainer's"), std::string::npos) << r.explanation;
}

TEST(TrainerSearch, PerRowLossesGiveThePairedNoise) {
  const TuningResult r = lrtune::search_trainers(quadratic_factory(true), quadratic_options());
  EXPECT_EQ(r.pick, 3u);
  // Each row is the loss -+ 0.01 for every candidate: the paired differences are all equal, noise 0.
  EXPECT_NEAR(r.noise_percent, 0.0, 1e-9);
  EXPECT_NE(r.decision.find("2 paired validation rows"), std::string::npos) << r.decision;
}

TEST(TrainerSearch, RepeatsAndFoldsGiveUnitsTheirSeedAndFold) {
  SearchOptions o = quadratic_options();
  o.repeats = 2;
  o.folds = 3;
  o.seed = 7;
  std::vector<std::pair<std::uint64_t, int>> made;
  const TuningResult r = lrtune::search_trainers(
      [&](double lr, std::uint64_t seed, int fold) {
        if (lr == 0.01) made.emplace_back(seed, fold);
        // The floor differs by seed and fold alike for every rate: the repeats' differences agree.
        return std::make_unique<QuadraticTrainer>(lr, 0.1 + 0.01 * static_cast<double>(seed) + 0.001 * fold, false);
      },
      o);
  const std::vector<std::pair<std::uint64_t, int>> expected{{7, 0}, {7, 1}, {7, 2}, {8, 0}, {8, 1}, {8, 2}};
  EXPECT_EQ(made, expected);
  EXPECT_EQ(r.repeats, 6);
  EXPECT_EQ(r.validation_splits, 3);
  // Equal differences across the six units: the repeats' standard error is 0 and 0.4 wins.
  EXPECT_EQ(r.pick, 3u);
  EXPECT_NEAR(r.noise_percent, 0.0, 1e-9);
  EXPECT_NE(r.decision.find("6 paired seeds and folds"), std::string::npos) << r.decision;
}

// The Tuner's unit, written against the public API as a user would wrap a model.
class SequentialTrainer final : public EpochTrainer {
 public:
  SequentialTrainer(const Sequential& prototype, double lr, std::uint64_t seed, const Matrix& x, const Matrix& y,
                    const Matrix& x_val, const Matrix& y_val)
      : model_(prototype), optimizer_(lrtune::AdamOptions{}), x_val_(x_val), y_val_(y_val) {
    model_.initialize(seed);
    optimizer_.set_learning_rate(lr);
    trainer_ = std::make_unique<lrtune::MiniBatchTrainer>(
        model_, optimizer_, kLoss, x, y,
        lrtune::MiniBatchOptions{.batch_size = 32, .seed = seed, .x_val = &x_val, .y_val = &y_val});
  }
  EpochReport train_epoch() override {
    trainer_->start_epoch();
    while (!trainer_->epoch_finished())
      if (!std::isfinite(trainer_->train_batch().loss)) return {.validation_loss = std::nan("")};
    const double loss = trainer_->validate().at("loss");
    const auto logits = model_.forward(x_val_, /*training=*/false);
    return {.validation_loss = loss,
            .row_losses = lrtune::row_losses<float>(kLoss, model_.output_activation(), logits, y_val_)};
  }

  static constexpr auto kLoss = lrtune::Loss::binary_crossentropy;

 private:
  Sequential model_;
  lrtune::Adam optimizer_;
  const Matrix& x_val_;
  const Matrix& y_val_;
  std::unique_ptr<lrtune::MiniBatchTrainer> trainer_;
};

// The decisions and records of a result: what both entries must agree on.
nlohmann::json decisions(const TuningResult& r) {
  nlohmann::json j = r;
  for (const char* key : {"range_test_seconds", "search_seconds", "refit_seconds", "total_seconds", "explanation",
                          "training_rows", "validation_rows", "range_test"})
    j.erase(key);
  for (auto& rung : j["rungs"]) rung.erase("seconds");
  return j;
}

TEST(TrainerSearch, SequentialTrainerEqualsTheTunerBitForBit) {
  auto data = lrtune::testing::separable_binary(300, 6, 11);
  for (lrtune::Index i = 0; i < data.X.rows(); i += 6) data.y(i, 0) = 1.0f - data.y(i, 0);
  const Matrix x = data.X.topRows(220), y = data.y.topRows(220);
  const Matrix x_val = data.X.bottomRows(80), y_val = data.y.bottomRows(80);
  const Sequential prototype(6, {lrtune::Dense(16, "relu"), lrtune::Dense(1, "sigmoid")}, 0);

  lrtune::TunerOptions t;
  t.candidates = 4;
  t.low = 1e-3;
  t.high = 3e-1;
  t.default_rate = 3e-3;
  t.first_rung_epochs = 2;
  t.max_epochs = 8;
  t.patience = 2;
  t.repeats = 2;
  t.seed = 5;
  t.threads = 2;
  t.x_val = &x_val;
  t.y_val = &y_val;
  const lrtune::Adam adam;
  lrtune::Tuner tuner(prototype, adam, SequentialTrainer::kLoss, x, y, t);
  const TuningResult expected = tuner.run();

  SearchOptions s;
  s.candidates = 4;
  s.low = 1e-3;
  s.high = 3e-1;
  s.default_rate = 3e-3;
  s.first_rung_epochs = 2;
  s.max_epochs = 8;
  s.patience = 2;
  s.repeats = 2;
  s.seed = 5;
  s.threads = 2;
  const TuningResult got = lrtune::search_trainers(
      [&](double lr, std::uint64_t seed, int) {
        return std::make_unique<SequentialTrainer>(prototype, lr, seed, x, y, x_val, y_val);
      },
      s);
  EXPECT_EQ(decisions(got).dump(), decisions(expected).dump());
  EXPECT_GT(expected.rungs.size(), 1u);  // the comparison covers cuts, not just one rung
}

// Records the hooks in order.
class Recorder final : public lrtune::TunerCallback {
 public:
  void on_search_begin(const lrtune::TunerOptions& o) override {
    events.push_back("begin " + std::to_string(o.candidates));
  }
  void on_interval(const TuningResult& r) override { events.push_back("interval " + r.low_reason); }
  void on_rung_begin(const lrtune::TuningRung& rung, const TuningResult&) override {
    events.push_back("rung " + std::to_string(rung.epochs));
  }
  void on_rung_end(const lrtune::TuningRung& rung, const TuningResult&) override {
    events.push_back("cut " + std::to_string(rung.promoted.size()));
  }
  void on_search_end(const TuningResult& r) override { events.push_back("end " + std::to_string(r.pick)); }
  std::vector<std::string> events;
};

TEST(TrainerSearch, CallbacksSeeTheSearchInOrder) {
  Recorder recorder;
  SearchOptions o = quadratic_options();
  o.callbacks = {&recorder};
  (void)lrtune::search_trainers(quadratic_factory(false), o);
  // The rungs and cuts of AnalyticTrainerCutsStopsAndPicksAsComputedByHand.
  const std::vector<std::string> expected{
      "begin 3", "interval low = 0.01: given", "rung 2", "cut 2", "rung 4", "cut 2", "rung 8", "cut 2", "end 3"};
  EXPECT_EQ(recorder.events, expected);
}

TEST(TrainerSearch, OptionErrorsNameTheOptionAndRange) {
  auto message = [](const SearchOptions& o) {
    try {
      o.validate();
    } catch (const lrtune::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  SearchOptions o = quadratic_options();
  EXPECT_EQ(message(o), "no error");
  o.default_rate.reset();
  EXPECT_NE(message(o).find("search_trainers: default_rate is required"), std::string::npos);
  o = quadratic_options();
  o.low.reset();
  o.high.reset();
  EXPECT_NE(message(o).find("the interval is required"), std::string::npos);
  o = quadratic_options();
  o.range_test = lrtune::RangeTestCurve{};
  EXPECT_NE(message(o).find("not both"), std::string::npos);
  o = quadratic_options();
  o.folds = 0;
  EXPECT_NE(message(o).find("folds = 0 must be in [1, 1000]"), std::string::npos);
  o = quadratic_options();
  o.candidates = 1;
  EXPECT_EQ(message(o), "search_trainers: candidates = 1 must be >= 2");
  o = quadratic_options();
  o.keep_fraction = 1.5;
  EXPECT_EQ(message(o), "search_trainers: keep_fraction = 1.5 must be in (0, 1)");
  o = quadratic_options();
  o.high = 0.001;
  EXPECT_NE(message(o).find("0 < low < high"), std::string::npos);
  EXPECT_THROW(lrtune::search_trainers(quadratic_factory(false), SearchOptions{}), lrtune::UsageError);
}

struct TrainerFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FailingTrainer final : public EpochTrainer {
 public:
  explicit FailingTrainer(bool fails) : fails_(fails) {}
  EpochReport train_epoch() override {
    if (fails_ && ++epoch_ == 2) throw TrainerFailure("out of memory at epoch 2");
    return {.validation_loss = 1.0};
  }

 private:
  bool fails_;
  int epoch_ = 0;
};

TEST(TrainerSearch, TrainerExceptionsPropagateUnchanged) {
  for (std::size_t threads : {1u, 3u}) {
    SearchOptions o = quadratic_options();
    o.threads = threads;
    try {
      (void)lrtune::search_trainers(
          [](double lr, std::uint64_t, int) { return std::make_unique<FailingTrainer>(lr > 0.3); }, o);
      ADD_FAILURE() << "no exception";
    } catch (const TrainerFailure& e) {
      EXPECT_STREQ(e.what(), "out of memory at epoch 2");
    }
  }
  SearchOptions o = quadratic_options();
  EXPECT_THROW(
      (void)lrtune::search_trainers(
          [](double, std::uint64_t, int) -> std::unique_ptr<EpochTrainer> { throw TrainerFailure("no GPU"); }, o),
      TrainerFailure);
}

TEST(TrainerSearch, CancelStopsBeforeTheNextEpochAndPicksAmongWhatTrained) {
  std::atomic<bool> cancel{false};
  int epochs = 0;
  SearchOptions o = quadratic_options();
  o.cancel = &cancel;
  class Counting final : public EpochTrainer {
   public:
    Counting(double lr, int& epochs, std::atomic<bool>& cancel)
        : inner_(lr, 0.1, false), epochs_(epochs), cancel_(cancel) {}
    EpochReport train_epoch() override {
      if (++epochs_ == 5) cancel_ = true;  // in rung 0, after the third candidate's first epoch
      return inner_.train_epoch();
    }

   private:
    QuadraticTrainer inner_;
    int& epochs_;
    std::atomic<bool>& cancel_;
  };
  const TuningResult r = lrtune::search_trainers(
      [&](double lr, std::uint64_t, int) { return std::make_unique<Counting>(lr, epochs, cancel); }, o);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(epochs, 5);  // nothing trained after the flag was raised
  ASSERT_EQ(r.rungs.size(), 1u);
  EXPECT_TRUE(std::isnan(r.rungs[0].cutoff_score));
  for (const auto& c : r.candidates) EXPECT_EQ(c.status, CandidateStatus::cancelled);
  // Candidates 0 and 1 trained 2 epochs, candidate 2 one: the lowest finite smoothed score among them.
  EXPECT_TRUE(std::isfinite(r.validation_loss));
  EXPECT_NE(r.explanation.find("cancelled"), std::string::npos);
}

}  // namespace
