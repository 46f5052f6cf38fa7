// The refit trained data-parallel (TunerOptions::refit_data_parallel) by N in-process ranks, each
// on its own thread running the whole search as mpirun would start N processes: the search's
// result is one process's bit for bit, the refit's weights are one process's within the
// data-parallel tolerance and the same bits on every rank, one rank is the usual refit bit for bit,
// and a model with Dropout is refused before the search.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
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
using lrtune::Vector;

// As tests/train/test_data_parallel.cpp: the ranks' gradient is the batch mean's terms summed in
// N groups, a few float roundings per step apart; over the refit's few epochs the weights drift by
// far less than this share of their largest magnitude.
constexpr double kRelativeTolerance = 1e-5;

struct Outcome {
  nlohmann::json result;  // without wall times
  Vector weights;         // the refit model's
};

nlohmann::json without_timings(const TuningResult& r) {
  nlohmann::json j = r;
  for (const char* key : {"range_test_seconds", "search_seconds", "refit_seconds", "total_seconds"}) j.erase(key);
  for (auto& rung : j["rungs"]) rung.erase("seconds");
  return j;
}

const lrtune::testing::Dataset& data() {
  static const auto set = [] {
    auto d = lrtune::testing::separable_binary(400, 6, 11);
    for (lrtune::Index i = 0; i < d.y.rows(); i += 6) d.y(i, 0) = 1.0f - d.y(i, 0);  // noisy: the loss stays up
    return d;
  }();
  return set;
}

TunerOptions options() {
  TunerOptions o;
  o.small_data_splits = 1;
  o.candidates = 3;
  // Given and low (no range test; the rates still improve at max_epochs): the pick's best epoch,
  // so the refit's length, is several epochs.
  o.low = 1e-4;
  o.high = 1e-3;
  o.max_extensions = 0;
  o.first_rung_epochs = 2;
  o.max_epochs = 6;
  o.patience = 2;
  o.seed = 5;
  o.threads = 1;
  o.refit = true;
  return o;
}

Outcome search(const Sequential& model, TunerOptions o, const Communicator* search_ranks,
               const Communicator* refit_ranks) {
  const lrtune::Adam adam;
  o.communicator = search_ranks;
  o.refit_data_parallel = refit_ranks;
  Tuner tuner(model, adam, lrtune::Loss::binary_crossentropy, data().X, data().y, o);
  const TuningResult r = tuner.run();
  const auto p = tuner.model().parameters();
  return {without_timings(r), Eigen::Map<const Vector>(p.data(), static_cast<lrtune::Index>(p.size()))};
}

Sequential dense_model() { return Sequential(6, {lrtune::Dense(16, "relu"), lrtune::Dense(1, "sigmoid")}, 0); }

TEST(TunerRefitDataParallel, RanksShareTheRefitWithinToleranceAndTheSearchBitForBit) {
  const Outcome one = search(dense_model(), options(), nullptr, nullptr);
  ASSERT_TRUE(one.result.at("refit").get<bool>()) << "the case needs a refit";
  ASSERT_GE(one.result.at("model_epochs").get<int>(), 2)
      << "a refit of one epoch would show little drift: " << one.result.at("explanation");
  for (int n : {2, 3}) {
    const std::vector<Outcome> ranks = lrtune::testing::on_thread_ranks<Outcome>(
        n, [&](const Communicator& c) { return search(dense_model(), options(), &c, &c); });
    const double scale = one.weights.cwiseAbs().maxCoeff();
    bool any_bits_differ = false;
    for (int r = 0; r < n; ++r) {
      const Outcome& got = ranks[static_cast<std::size_t>(r)];
      EXPECT_EQ(got.result, one.result) << n << " ranks, rank " << r << ": the search or its record differ";
      EXPECT_LE((got.weights - one.weights).cwiseAbs().maxCoeff(), kRelativeTolerance * scale)
          << n << " ranks, rank " << r;
      EXPECT_TRUE(got.weights == ranks[0].weights) << n << " ranks: rank " << r << " holds other weights than rank 0";
      any_bits_differ = any_bits_differ || got.weights != one.weights;
    }
    // Equal bits would mean that every rank trained the refit alone on every row.
    EXPECT_TRUE(any_bits_differ) << n << " ranks: the refit is one process's bit for bit; was it shared?";
  }
}

TEST(TunerRefitDataParallel, OneRankIsTheUsualRefitBitForBit) {
  const Outcome plain = search(dense_model(), options(), nullptr, nullptr);
  const Outcome alone = search(dense_model(), options(), nullptr, &lrtune::single_process());
  EXPECT_EQ(alone.result, plain.result);
  EXPECT_TRUE(alone.weights == plain.weights);
}

TEST(TunerRefitDataParallel, DropoutIsRefusedBeforeTheSearch) {
  const Sequential with_dropout(6, {lrtune::Dense(16, "relu"), lrtune::Dropout(0.2), lrtune::Dense(1, "sigmoid")}, 0);
  const std::vector<std::string> messages =
      lrtune::testing::on_thread_ranks<std::string>(2, [&](const Communicator& c) -> std::string {
        try {
          search(with_dropout, options(), &c, &c);
        } catch (const lrtune::UsageError& e) {
          return e.what();
        }
        return "";
      });
  for (const std::string& message : messages)
    EXPECT_NE(message.find("refit_data_parallel"), std::string::npos) << message;
  // Without the refit nothing is trained data-parallel: the same options are fine.
  TunerOptions no_refit = options();
  no_refit.refit = false;
  EXPECT_NO_THROW(lrtune::testing::on_thread_ranks<Outcome>(
      2, [&](const Communicator& c) { return search(with_dropout, no_refit, &c, &c); }));
}

}  // namespace
