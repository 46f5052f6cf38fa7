// fit and evaluate: agreement with a hand-written loop, determinism, Keras' epoch means, validation
// split, stop rules, cancellation and convergence on XOR and the recipe's architecture. Each
// callback, the batching and History have their own files beside this one.
#include <atomic>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/random.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/validation_split.hpp"
#include "support/malloc_counter.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::Dense;
using lrtune::Index;
using lrtune::Loss;
using lrtune::Matrix;
using lrtune::Sequential;

Sequential small_model(std::uint64_t seed) { return Sequential(5, {Dense(8, "relu"), Dense(1, "sigmoid")}, seed); }

// Records every batch's loss and size.
struct BatchRecorder final : lrtune::Callback {
  std::vector<double> losses, sizes;
  void on_batch_end(std::int64_t, const lrtune::Logs& logs, lrtune::TrainingContext&) override {
    losses.push_back(logs.at("loss"));
    sizes.push_back(logs.at("size"));
  }
};

TEST(Fit, AgreesWithAHandWrittenLoop) {
  const auto data = lrtune::testing::separable_binary(70, 5, 1);
  Sequential fitted = small_model(3);
  Sequential manual = fitted;
  lrtune::Adam fit_adam, manual_adam;
  const auto history = lrtune::fit(fitted, fit_adam, Loss::binary_crossentropy, data.X, data.y,
                                   {.epochs = 3, .batch_size = 32, .seed = 9});

  // The same computation spelled out: numpy's shuffle each epoch, batches of 32, the last partial.
  lrtune::Mt19937 rng(9u);
  std::vector<Index> order(70);
  std::iota(order.begin(), order.end(), Index{0});
  for (int epoch = 0; epoch < 3; ++epoch) {
    lrtune::numpy_shuffle(order, rng);
    double loss_sum = 0.0;
    for (Index start = 0; start < 70; start += 32) {
      const Index size = std::min<Index>(32, 70 - start);
      Matrix xb(size, 5), yb(size, 1);
      for (Index i = 0; i < size; ++i) {
        xb.row(i) = data.X.row(order[start + i]);
        yb.row(i) = data.y.row(order[start + i]);
      }
      loss_sum += manual.forward_backward(xb, yb, Loss::binary_crossentropy) * static_cast<double>(size);
      manual_adam.step(manual.parameters(), manual.gradients());
    }
    EXPECT_DOUBLE_EQ(history.values("loss")[epoch], loss_sum / 70.0) << "epoch " << epoch;
  }
  EXPECT_EQ(fitted.state(), manual.state());
  EXPECT_EQ(fit_adam.state(), manual_adam.state());
}

TEST(Fit, SameSeedGivesIdenticalHistoriesAndWeights) {
  const auto data = lrtune::testing::separable_binary(100, 5, 2);
  Sequential a = small_model(1), b = small_model(1);
  lrtune::Adam adam_a, adam_b;
  const lrtune::FitOptions options{.epochs = 4, .batch_size = 16, .seed = 5, .validation_split = 0.2};
  const auto history_a = lrtune::fit(a, adam_a, Loss::binary_crossentropy, data.X, data.y, options);
  const auto history_b = lrtune::fit(b, adam_b, Loss::binary_crossentropy, data.X, data.y, options);
  ASSERT_EQ(history_a.names(), history_b.names());
  for (const auto& name : history_a.names()) EXPECT_EQ(history_a.values(name), history_b.values(name)) << name;
  EXPECT_EQ(a.state(), b.state());

  Sequential c = small_model(1);
  lrtune::Adam adam_c;
  auto other = options;
  other.seed = 6;
  lrtune::fit(c, adam_c, Loss::binary_crossentropy, data.X, data.y, other);
  EXPECT_NE(a.state(), c.state()) << "another seed must change the batch order";
}

TEST(Fit, EpochLossIsTheBatchSizeWeightedMean) {
  const auto data = lrtune::testing::separable_binary(50, 5, 4);  // batches of 32 and 18
  Sequential model = small_model(2);
  lrtune::Adam adam;
  BatchRecorder recorder;
  const auto history = lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y,
                                   {.epochs = 1, .batch_size = 32, .callbacks = {&recorder}});
  ASSERT_EQ(recorder.sizes, (std::vector<double>{32, 18}));
  EXPECT_NEAR(history.values("loss")[0], (recorder.losses[0] * 32 + recorder.losses[1] * 18) / 50, 1e-12);
}

TEST(Fit, ValidationSplitIsSeededAndReported) {
  const auto data = lrtune::testing::separable_binary(100, 5, 3);
  Sequential model = small_model(2);
  lrtune::Adam adam;
  BatchRecorder recorder;
  const auto history = lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y,
                                   {.epochs = 2, .batch_size = 100, .validation_split = 0.2, .callbacks = {&recorder}});
  EXPECT_EQ(recorder.sizes[0], 80.0);  // ceil(0.2 * 100) rows held out
  for (const char* name : {"loss", "accuracy", "val_loss", "val_accuracy", "lr"})
    EXPECT_TRUE(history.contains(name)) << name;
  EXPECT_EQ(history.names().front(), "loss");
}

// ---- sample weights (FitOptions::sample_weights) ----

TEST(Fit, SampleWeightsOfOneReproduceFitBitForBit) {
  const auto data = lrtune::testing::separable_binary(100, 5, 2);
  const lrtune::Vector ones = lrtune::Vector::Ones(100);
  Sequential a = small_model(1), b = small_model(1);
  lrtune::Adam adam_a, adam_b;
  lrtune::FitOptions options{.epochs = 3, .batch_size = 16, .seed = 5, .validation_split = 0.2};
  const auto plain = lrtune::fit(a, adam_a, Loss::binary_crossentropy, data.X, data.y, options);
  options.sample_weights = &ones;
  const auto weighted = lrtune::fit(b, adam_b, Loss::binary_crossentropy, data.X, data.y, options);
  ASSERT_EQ(plain.names(), weighted.names());
  for (const auto& name : plain.names())
    if (name != "lr") EXPECT_EQ(plain.values(name), weighted.values(name)) << name;
  EXPECT_EQ(a.state(), b.state());
}

TEST(Fit, WeightTwoDoublesTheLossAndTheStepButNotTheValidationLoss) {
  const auto data = lrtune::testing::separable_binary(60, 5, 3);
  const lrtune::Vector twos = lrtune::Vector::Constant(60, 2.0f);
  Sequential plain = small_model(4), weighted = small_model(4), double_rate = small_model(4);
  lrtune::Sgd sgd({.learning_rate = 0.1}), sgd_weighted({.learning_rate = 0.1}), sgd_double({.learning_rate = 0.2});
  BatchRecorder plain_batches, weighted_batches;
  lrtune::FitOptions options{.epochs = 1, .batch_size = 60, .seed = 1, .validation_split = 0.25};
  options.callbacks = {&plain_batches};
  const auto plain_history = lrtune::fit(plain, sgd, Loss::binary_crossentropy, data.X, data.y, options);
  lrtune::fit(double_rate, sgd_double, Loss::binary_crossentropy, data.X, data.y, options);
  options.callbacks = {&weighted_batches};
  options.sample_weights = &twos;
  const auto weighted_history = lrtune::fit(weighted, sgd_weighted, Loss::binary_crossentropy, data.X, data.y, options);
  // One batch: its loss is exactly doubled, and the step equals plain SGD's at twice the rate.
  ASSERT_EQ(weighted_batches.losses.size(), 1u);
  EXPECT_EQ(weighted_batches.losses[0], 2.0 * plain_batches.losses[0]);
  EXPECT_EQ(weighted.state(), double_rate.state());
  EXPECT_EQ(weighted_history.values("loss")[0], 2.0 * plain_history.values("loss")[0]);
  // Validation is unweighted: the model that stepped twice as far, scored without weights.
  Sequential reference = small_model(4);
  lrtune::Sgd sgd_reference({.learning_rate = 0.2});
  options.sample_weights = nullptr;
  options.callbacks = {};
  const auto reference_history =
      lrtune::fit(reference, sgd_reference, Loss::binary_crossentropy, data.X, data.y, options);
  EXPECT_EQ(weighted_history.values("val_loss"), reference_history.values("val_loss"));
}

TEST(Fit, SampleWeightsFollowTheirRowsThroughTheValidationSplitAndShuffles) {
  // Two paths that must agree: fit's own split of X and the weights, and the same split done
  // beforehand and given as explicit validation data.
  const auto data = lrtune::testing::separable_binary(90, 5, 6);
  lrtune::Vector weights(90);
  for (Index i = 0; i < 90; ++i) weights(i) = 0.25f + static_cast<float>(i % 7) * 0.5f;
  const lrtune::ValidationSplit split = lrtune::split_for_validation(data.X, data.y, 0.2, 9, &weights);
  ASSERT_EQ(split.w_train.size(), split.x_train.rows());
  Sequential a = small_model(2), b = small_model(2);
  lrtune::Adam adam_a, adam_b;
  lrtune::FitOptions options{.epochs = 3, .batch_size = 8, .seed = 9, .validation_split = 0.2};
  options.sample_weights = &weights;
  const auto inside = lrtune::fit(a, adam_a, Loss::binary_crossentropy, data.X, data.y, options);
  lrtune::FitOptions explicit_options{.epochs = 3, .batch_size = 8, .seed = 9};
  explicit_options.x_val = &split.x_val;
  explicit_options.y_val = &split.y_val;
  explicit_options.sample_weights = &split.w_train;
  const auto outside =
      lrtune::fit(b, adam_b, Loss::binary_crossentropy, split.x_train, split.y_train, explicit_options);
  EXPECT_EQ(inside.values("loss"), outside.values("loss"));
  EXPECT_EQ(inside.values("val_loss"), outside.values("val_loss"));
  EXPECT_EQ(a.state(), b.state());
}

TEST(Fit, RejectsSampleWeightsOfTheWrongSizeOrValue) {
  const auto data = lrtune::testing::separable_binary(10, 5, 8);
  Sequential model = small_model(1);
  lrtune::Adam adam;
  lrtune::FitOptions options;
  const lrtune::Vector short_weights = lrtune::Vector::Ones(9);
  options.sample_weights = &short_weights;
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, options), lrtune::UsageError);
  lrtune::Vector bad = lrtune::Vector::Ones(10);
  bad(3) = -1.0f;
  options.sample_weights = &bad;
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, options), lrtune::UsageError);
  bad(3) = std::nanf("");
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, options), lrtune::UsageError);
}

TEST(Fit, NonFiniteLossStopsWithoutApplyingTheUpdate) {
  const auto data = lrtune::testing::separable_binary(64, 5, 6);
  Sequential model = small_model(2);
  model.parameters()[0] = std::numeric_limits<float>::infinity();  // poisons the first forward
  lrtune::Sgd sgd;
  const auto before = model.state();
  const auto history = lrtune::fit(model, sgd, Loss::binary_crossentropy, data.X, data.y, {.epochs = 5});
  EXPECT_EQ(history.stop_reason, lrtune::StopReason::non_finite_loss);
  EXPECT_FALSE(history.stop_message.empty());
  EXPECT_EQ(sgd.iterations(), 0);
  EXPECT_EQ(model.state(), before);
  EXPECT_EQ(history.size(), 1u);  // the partial epoch is logged with its non-finite loss, as Keras does
}

TEST(Fit, CancelFlagStopsAndDropsTheUnfinishedEpoch) {
  const auto data = lrtune::testing::separable_binary(64, 5, 7);
  Sequential model = small_model(2);
  lrtune::Adam adam;
  std::atomic<bool> cancel{false};
  struct CancelAfterEpochOne final : lrtune::Callback {
    std::atomic<bool>* flag;
    void on_batch_end(std::int64_t step, const lrtune::Logs&, lrtune::TrainingContext&) override {
      if (step == 2) flag->store(true);  // in epoch 2 (two steps per epoch)
    }
  } canceller;
  canceller.flag = &cancel;
  const auto history = lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y,
                                   {.epochs = 10, .callbacks = {&canceller}, .cancel = &cancel});
  EXPECT_EQ(history.stop_reason, lrtune::StopReason::cancelled);
  EXPECT_EQ(history.size(), 1u);
  EXPECT_EQ(adam.iterations(), 3);
}

TEST(Fit, RejectsBadOptionsAndShapes) {
  const auto data = lrtune::testing::separable_binary(10, 5, 8);
  Sequential model = small_model(1);
  lrtune::Adam adam;
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 0}), lrtune::UsageError);
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.batch_size = 0}),
               lrtune::UsageError);
  const Matrix wrong(10, 4);
  EXPECT_THROW(lrtune::fit(model, adam, Loss::binary_crossentropy, wrong, data.y), lrtune::UsageError);
}

TEST(Fit, LearnsXor) {
  const auto data = lrtune::testing::xor_data();
  Sequential model(2, {Dense(8, "tanh"), Dense(1, "sigmoid")}, 0);
  lrtune::Adam adam(lrtune::AdamOptions{.learning_rate = 0.05});
  const auto history =
      lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 300, .batch_size = 4});
  const Matrix p = model.predict(data.X);
  EXPECT_LT(p(0, 0), 0.5f);
  EXPECT_GT(p(1, 0), 0.5f);
  EXPECT_GT(p(2, 0), 0.5f);
  EXPECT_LT(p(3, 0), 0.5f);
  EXPECT_LT(history.values("loss").back(), 0.1);
}

TEST(Fit, RecipeArchitectureSeparatesAGeneratedDataSet) {
  const auto data = lrtune::testing::separable_binary(2000, 12, 11);
  Sequential model(12, {Dense(128, "relu"), Dense(256, "relu"), Dense(256, "relu"), Dense(1, "sigmoid")}, 42);
  lrtune::Adam adam;
  const auto history =
      lrtune::fit(model, adam, Loss::binary_crossentropy, data.X, data.y, {.epochs = 5, .batch_size = 32, .seed = 1});
  EXPECT_GT(history.values("accuracy").back(), 0.99);
  const auto result = lrtune::evaluate(model, Loss::binary_crossentropy, data.X, data.y);
  EXPECT_GT(result.at("accuracy"), 0.99);
}

TEST(Evaluate, MatchesTheMetricOverAllRows) {
  const auto data = lrtune::testing::separable_binary(300, 5, 12);
  Sequential model = small_model(4);
  const auto logs = lrtune::evaluate(model, Loss::binary_crossentropy, data.X, data.y, {"accuracy", "auc"}, 64);
  const Matrix p = model.predict(data.X);
  EXPECT_NEAR(logs.at("accuracy"), lrtune::binary_accuracy<float>(data.y, p), 1e-12);
  EXPECT_NEAR(logs.at("auc"), lrtune::roc_auc<float>(data.y, p), 1e-12);
  const Matrix logits = [&] {
    Matrix z(300, 1);
    for (Index i = 0; i < 300; ++i) z(i, 0) = std::log(p(i, 0) / (1 - p(i, 0)));
    return z;
  }();
  EXPECT_NEAR(logs.at("loss"),
              lrtune::loss_value<float>(Loss::binary_crossentropy, lrtune::Activation::sigmoid, logits, data.y), 1e-4);
}

#ifdef LRTUNE_COUNT_MALLOC
TEST(Evaluate, AllocatesNothingPerBatch) {
  // Validation in large batches reuses the model's workspaces: ten batches cost the same
  // allocations as one (the metric accumulators, made once per call). AUC is left out: it keeps
  // every score by design, in vectors that grow by doubling (amortised, not per batch).
  constexpr Index kBatch = 256;
  const auto data = lrtune::testing::separable_binary(10 * kBatch, 5, 13);
  Sequential model = small_model(5);
  const Matrix X_one = data.X.topRows(kBatch), y_one = data.y.topRows(kBatch);
  const std::vector<std::string> metrics{"accuracy", "precision", "recall"};
  lrtune::evaluate(model, Loss::binary_crossentropy, data.X, data.y, metrics, kBatch);  // workspaces grow
  const long one_batch = lrtune::testing::mallocs_during(
      [&] { lrtune::evaluate(model, Loss::binary_crossentropy, X_one, y_one, metrics, kBatch); });
  const long ten_batches = lrtune::testing::mallocs_during(
      [&] { lrtune::evaluate(model, Loss::binary_crossentropy, data.X, data.y, metrics, kBatch); });
  EXPECT_EQ(ten_batches, one_batch);
}
#endif

}  // namespace
