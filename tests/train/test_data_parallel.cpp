// Data-parallel fit (train/data_parallel.hpp) on N in-process ranks against fit in one process:
// N = 2, 3 agree within the stated float tolerance (weights and every history value), every rank
// holds the same bits, a rank with no rows in a batch (or none at all) takes part, N = 1 is one
// process bit for bit, sample weights and a one-rank cancel are shared, Dropout is refused; ranks
// that hold only their own rows (SpreadRows) train as one process holding them all.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"
#include "support/synthetic.hpp"
#include "support/thread_ranks.hpp"

namespace {

using lrtune::Communicator;
using lrtune::Dense;
using lrtune::FitOptions;
using lrtune::History;
using lrtune::Loss;
using lrtune::Sequential;
using lrtune::Vector;

// Tolerance against one process. The ranks' gradient is sum_r(m_r * g_r) / m where one process
// computes the batch mean at once: the same terms grouped into N partial sums, each rescaled, so
// a step's gradient differs by a few float roundings (~1e-7 relative each); Adam's steps are
// Lipschitz in the gradient, and over the 3 epochs x 7 steps here the weights drift by far less
// than 1e-5 of their largest magnitude (measured: at most 1.2e-7; the history values 1.2e-8). The history's
// means (loss, metrics, validation) inherit the same relative bound.
constexpr double kRelativeTolerance = 1e-5;

struct Trained {
  Vector weights;  // (parameter_count)
  History history;
};

const lrtune::testing::Dataset& data() {
  static const auto set = [] {
    auto d = lrtune::testing::separable_binary(250, 6, 5);
    for (lrtune::Index i = 0; i < d.y.rows(); i += 7) d.y(i, 0) = 1.0f - d.y(i, 0);  // not separable: loss stays up
    return d;
  }();
  return set;
}

FitOptions options() {
  FitOptions o;
  o.epochs = 3;
  o.batch_size = 32;  // 200 training rows: 6 full batches and a partial one
  o.seed = 11;
  o.validation_split = 0.2;
  o.metrics = {"accuracy", "auc"};  // AUC needs every row's score: the gathered predictions
  return o;
}

Trained train(const FitOptions& o, const Communicator* ranks, const Vector* sample_weights = nullptr) {
  Sequential model(6, {Dense(16, "relu"), Dense(8, "tanh"), Dense(1, "sigmoid")}, 3);
  lrtune::Adam adam(lrtune::AdamOptions{.learning_rate = 0.01});
  FitOptions mine = o;
  mine.data_parallel = ranks;
  mine.sample_weights = sample_weights;
  History history = lrtune::fit(model, adam, Loss::binary_crossentropy, data().X, data().y, mine);
  const auto p = model.parameters();
  return {Eigen::Map<const Vector>(p.data(), static_cast<lrtune::Index>(p.size())), std::move(history)};
}

std::vector<Trained> train_on_ranks(int n, const FitOptions& o, const Vector* sample_weights = nullptr) {
  return lrtune::testing::on_thread_ranks<Trained>(n,
                                                   [&](const Communicator& c) { return train(o, &c, sample_weights); });
}

void expect_close(const Trained& one, const Trained& spread, const std::string& what) {
  const double scale = one.weights.cwiseAbs().maxCoeff();
  EXPECT_LE((one.weights - spread.weights).cwiseAbs().maxCoeff(), kRelativeTolerance * scale) << what;
  ASSERT_EQ(one.history.size(), spread.history.size()) << what;
  for (const std::string& name : one.history.names()) {
    const auto a = one.history.values(name), b = spread.history.values(name);
    for (std::size_t e = 0; e < a.size(); ++e)
      EXPECT_LE(std::abs(a[e] - b[e]), kRelativeTolerance * std::max(1.0, std::abs(a[e])))
          << what << ": " << name << " at epoch " << e;
  }
}

// Every value of every epoch, equal (the histories here hold no NaN).
void expect_same_history(const History& a, const History& b, const std::string& what) {
  ASSERT_EQ(a.names(), b.names()) << what;
  for (const std::string& name : a.names()) EXPECT_EQ(a.values(name), b.values(name)) << what << ": " << name;
}

void expect_same_bits_on_every_rank(const std::vector<Trained>& ranks) {
  for (std::size_t r = 1; r < ranks.size(); ++r) {
    EXPECT_EQ(ranks[r].weights, ranks[0].weights) << "rank " << r;
    expect_same_history(ranks[r].history, ranks[0].history, "rank " + std::to_string(r));
  }
}

TEST(DataParallel, TwoAndThreeRanksTrainAsOneProcess) {
  const Trained one = train(options(), nullptr);
  ASSERT_EQ(one.history.size(), 3u);
  ASSERT_TRUE(one.history.contains("val_auc"));
  for (int n : {2, 3}) {
    const auto spread = train_on_ranks(n, options());
    expect_same_bits_on_every_rank(spread);
    expect_close(one, spread[0], std::to_string(n) + " ranks");
  }
  // The comparison can fail: two more epochs move the weights by far more than the tolerance.
  FitOptions first = options();
  first.epochs = 1;
  EXPECT_GT((one.weights - train(first, nullptr).weights).cwiseAbs().maxCoeff(),
            1e3 * kRelativeTolerance * one.weights.cwiseAbs().maxCoeff());
}

TEST(DataParallel, OneRankIsOneProcessBitForBit) {
  const Trained one = train(options(), nullptr);
  const auto alone = train_on_ranks(1, options());
  EXPECT_EQ(alone[0].weights, one.weights);
  expect_same_history(alone[0].history, one.history, "one rank");
  const Trained single = train(options(), &lrtune::single_process());
  EXPECT_EQ(single.weights, one.weights);
}

// Batches of one row: in every batch two of three ranks own nothing and add zeros.
TEST(DataParallel, RanksWithoutRowsInABatchTakePart) {
  FitOptions o = options();
  o.epochs = 1;
  o.batch_size = 1;
  o.metrics = {"accuracy"};
  const Trained one = train(o, nullptr);
  const auto spread = train_on_ranks(3, o);
  expect_same_bits_on_every_rank(spread);
  expect_close(one, spread[0], "batch size 1, 3 ranks");
}

// More ranks than rows in a batch and shards of a few rows: some ranks own no row of most batches.
TEST(DataParallel, MoreRanksThanBatchRows) {
  FitOptions o = options();
  o.batch_size = 3;
  o.epochs = 1;
  const auto spread = train_on_ranks(5, o);
  expect_same_bits_on_every_rank(spread);
  expect_close(train(o, nullptr), spread[0], "batch size 3, 5 ranks");
}

TEST(DataParallel, SampleWeightsWeighTheSharedBatch) {
  Vector weights(data().X.rows());
  for (lrtune::Index i = 0; i < weights.size(); ++i) weights(i) = 0.5f + static_cast<float>(i % 4);
  const Trained one = train(options(), nullptr, &weights);
  const Trained unweighted = train(options(), nullptr);
  ASSERT_GT((one.weights - unweighted.weights).cwiseAbs().maxCoeff(), 1e-3f);  // the weights matter here
  expect_close(one, train_on_ranks(2, options(), &weights)[0], "sample weights, 2 ranks");
}

// Ctrl-C reaching one rank only: both stop at the same step (no rank waits alone in a collective).
TEST(DataParallel, ACancelOnOneRankStopsEveryRank) {
  const std::atomic<bool> raised{true}, calm{false};
  const auto spread = lrtune::testing::on_thread_ranks<Trained>(2, [&](const Communicator& c) {
    FitOptions o = options();
    o.cancel = c.rank() == 1 ? &raised : &calm;
    return train(o, &c);
  });
  for (const Trained& rank : spread) {
    EXPECT_EQ(rank.history.stop_reason, lrtune::StopReason::cancelled);
    EXPECT_TRUE(rank.history.empty());
  }
}

// Rows spread over the ranks (SpreadRows): each rank holds only its rows, chosen here by a rule
// unlike the contiguous shards (row i on rank (3 i + i / 50) % n, and on a 4th rank none), with
// the validation rows given whole to every rank. The ranks train as one process holding every row.
struct Spread {
  lrtune::Matrix X, y;
  Vector weights;
  std::vector<lrtune::Index> held;
};

Spread spread_part(const lrtune::Matrix& X, const lrtune::Matrix& y, const Vector* weights, int rank, int ranks) {
  Spread part;
  for (lrtune::Index i = 0; i < X.rows(); ++i)
    if (ranks == 1 || (rank < 3 && (3 * i + i / 50) % std::min(ranks, 3) == rank)) part.held.push_back(i);
  const auto n = static_cast<lrtune::Index>(part.held.size());
  part.X.resize(n, X.cols());
  part.y.resize(n, y.cols());
  part.weights.resize(weights != nullptr ? n : 0);
  for (lrtune::Index j = 0; j < n; ++j) {
    part.X.row(j) = X.row(part.held[static_cast<std::size_t>(j)]);
    part.y.row(j) = y.row(part.held[static_cast<std::size_t>(j)]);
    if (weights != nullptr) part.weights(j) = (*weights)(part.held[static_cast<std::size_t>(j)]);
  }
  return part;
}

// Validation on the last 50 rows given whole (x_val), or (`split_here`) options()'s seeded
// validation_split of all 250 rows, drawn over rows that no rank holds all of.
Trained train_spread(const FitOptions& o, const Communicator* ranks, const Vector* sample_weights,
                     bool split_here = false) {
  const auto& d = data();
  const lrtune::Index train_rows = split_here ? 250 : 200;
  const lrtune::Matrix X = d.X.topRows(train_rows), y = d.y.topRows(train_rows);
  const lrtune::Matrix x_val = d.X.bottomRows(50), y_val = d.y.bottomRows(50);
  FitOptions mine = o;
  if (!split_here) {
    mine.validation_split = 0.0;
    mine.x_val = &x_val;
    mine.y_val = &y_val;
  }
  mine.data_parallel = ranks;
  Sequential model(6, {Dense(16, "relu"), Dense(8, "tanh"), Dense(1, "sigmoid")}, 3);
  lrtune::Adam adam(lrtune::AdamOptions{.learning_rate = 0.01});
  History history;
  if (ranks == nullptr) {
    mine.sample_weights = sample_weights;
    history = lrtune::fit(model, adam, Loss::binary_crossentropy, X, y, mine);
  } else {
    const Spread part = spread_part(X, y, sample_weights, ranks->rank(), ranks->size());
    const lrtune::SpreadRows rows{part.held, train_rows};
    mine.spread_rows = &rows;
    mine.sample_weights = sample_weights != nullptr ? &part.weights : nullptr;
    history = lrtune::fit(model, adam, Loss::binary_crossentropy, part.X, part.y, mine);
  }
  const auto p = model.parameters();
  return {Eigen::Map<const Vector>(p.data(), static_cast<lrtune::Index>(p.size())), std::move(history)};
}

TEST(DataParallel, RanksHoldingOnlyTheirRowsTrainAsOneProcess) {
  Vector weights(200);
  for (lrtune::Index i = 0; i < weights.size(); ++i) weights(i) = 0.5f + static_cast<float>(i % 3);
  for (const Vector* w : {static_cast<const Vector*>(nullptr), static_cast<const Vector*>(&weights)}) {
    const Trained one = train_spread(options(), nullptr, w);
    ASSERT_TRUE(one.history.contains("val_auc"));
    for (int n : {1, 2, 4}) {  // 4: the last rank holds no row at all
      const auto spread = lrtune::testing::on_thread_ranks<Trained>(
          n, [&](const Communicator& c) { return train_spread(options(), &c, w); });
      expect_same_bits_on_every_rank(spread);
      expect_close(one, spread[0], std::to_string(n) + " ranks holding their rows" + (w ? ", weighted" : ""));
    }
  }
}

// options()'s validation_split of 20 % over rows spread on the ranks: the rows one process holds out
// are gathered on every rank, each trains its own rows of the rest; validation and early stopping
// then see what one process sees.
TEST(DataParallel, RanksHoldingOnlyTheirRowsHoldOutOneProcesssValidationRows) {
  Vector weights(250);
  for (lrtune::Index i = 0; i < weights.size(); ++i) weights(i) = 0.5f + static_cast<float>(i % 3);
  for (const Vector* w : {static_cast<const Vector*>(nullptr), static_cast<const Vector*>(&weights)}) {
    const Trained one = train_spread(options(), nullptr, w, /*split_here=*/true);
    ASSERT_TRUE(one.history.contains("val_auc"));
    // The same as fit on all 250 rows with the split (train_spread's one process is that fit).
    if (w == nullptr) expect_close(one, train(options(), nullptr), "one process, split here");
    for (int n : {1, 2, 4}) {
      const auto spread = lrtune::testing::on_thread_ranks<Trained>(
          n, [&](const Communicator& c) { return train_spread(options(), &c, w, true); });
      expect_same_bits_on_every_rank(spread);
      expect_close(one, spread[0], std::to_string(n) + " ranks split here" + (w ? ", weighted" : ""));
    }
  }
}

TEST(DataParallel, SpreadRowsRefuseMisnamedRows) {
  const auto& d = data();
  const std::vector<lrtune::Index> held = {0, 2, 1};
  const lrtune::SpreadRows unordered{held, 250};
  const std::vector<lrtune::Index> all_rows = [] {
    std::vector<lrtune::Index> rows(250);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<lrtune::Index>(i);
    return rows;
  }();
  const lrtune::SpreadRows every{all_rows, 250};
  auto message = [&](const lrtune::SpreadRows& rows, double validation_split, lrtune::Index x_rows) {
    Sequential model(6, {Dense(1, "sigmoid")}, 3);
    lrtune::Adam adam;
    FitOptions o = options();
    o.validation_split = validation_split;
    o.data_parallel = &lrtune::single_process();
    o.spread_rows = &rows;
    try {
      const lrtune::Matrix X = d.X.topRows(x_rows), y = d.y.topRows(x_rows);
      lrtune::fit(model, adam, Loss::binary_crossentropy, X, y, o);
    } catch (const lrtune::UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message(every, 0.2, 250), "");  // a validation split over spread rows is drawn as one process draws it
  EXPECT_NE(message(unordered, 0.0, 3).find("ascending"), std::string::npos);
  EXPECT_NE(message(every, 0.0, 3).find("names 250 rows but X has 3"), std::string::npos);
  EXPECT_EQ(message(every, 0.0, 250), "");
}

TEST(DataParallel, DropoutIsRefusedOnSeveralRanks) {
  const auto messages = lrtune::testing::on_thread_ranks<std::string>(2, [](const Communicator& c) -> std::string {
    Sequential model(6, {Dense(8, "relu"), lrtune::Dropout(0.2), Dense(1, "sigmoid")}, 3);
    lrtune::Adam adam;
    FitOptions o = options();
    o.data_parallel = &c;
    try {
      lrtune::fit(model, adam, Loss::binary_crossentropy, data().X, data().y, o);
    } catch (const lrtune::UsageError& e) {
      return e.what();
    }
    return "";
  });
  for (const std::string& message : messages) EXPECT_NE(message.find("Dropout"), std::string::npos) << message;
}

}  // namespace
