// BasicSequential: the recipe model's summary and count, naming and layout, hand-computed forward,
// whole-model gradient checks through the flat buffer (with and without dropout), overwrite
// semantics of backward, seeding, snapshots, copies, casts, batching and workspace reuse.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/nn/sequential.hpp"
#include "nn/gradient_check.hpp"
#include "support/malloc_counter.hpp"

namespace {

using lrtune::Dense;
using lrtune::Dropout;
using lrtune::Loss;
using lrtune::Matrix;
using lrtune::MatrixD;

lrtune::Sequential recipe_model(std::uint64_t seed = 42) {
  return lrtune::Sequential(12, {Dense(128, "relu"), Dense(256, "relu"), Dense(256, "relu"), Dense(1, "sigmoid")},
                            seed);
}

Matrix random_batch(lrtune::Index rows, lrtune::Index cols, unsigned seed) {
  std::mt19937_64 rng(seed);
  return lrtune::testing::random_matrix(rows, cols, rng).cast<float>();
}

Matrix binary_targets(lrtune::Index rows) {
  Matrix y(rows, 1);
  for (lrtune::Index i = 0; i < rows; ++i) y(i, 0) = static_cast<float>(i % 3 == 0);
  return y;
}

TEST(Sequential, RecipeModelHas100737ParametersAndKerasSummary) {
  const lrtune::Sequential model = recipe_model();
  EXPECT_EQ(model.parameter_count(), 100737);
  EXPECT_EQ(model.output_dim(), 1);
  const std::string expected =
      "Model: \"sequential\"\n"
      "_________________________________________________________________\n"
      " Layer (type)                Output Shape              Param #   \n"
      "=================================================================\n"
      " dense (Dense)               (None, 128)               1664      \n"
      "                                                                 \n"
      " dense_1 (Dense)             (None, 256)               33024     \n"
      "                                                                 \n"
      " dense_2 (Dense)             (None, 256)               65792     \n"
      "                                                                 \n"
      " dense_3 (Dense)             (None, 1)                 257       \n"
      "                                                                 \n"
      "=================================================================\n"
      "Total params: 100,737\n"
      "Trainable params: 100,737\n"
      "Non-trainable params: 0\n"
      "_________________________________________________________________\n";
  EXPECT_EQ(model.summary(), expected);
}

TEST(Sequential, NamesBlocksAndSpecsFollowKeras) {
  const lrtune::Sequential model(4, {Dense(3, "tanh"), Dropout(0.25), Dense(2, "softmax", "he_normal")}, 1);
  EXPECT_EQ(model.layer_names(), (std::vector<std::string>{"dense", "dropout", "dense_1"}));
  const auto& blocks = model.layout().blocks();
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].name, "dense/kernel");
  EXPECT_EQ(blocks[0].shape, (std::vector<lrtune::Index>{4, 3}));
  EXPECT_EQ(blocks[1].name, "dense/bias");
  EXPECT_EQ(blocks[1].offset, 12);
  EXPECT_EQ(blocks[2].name, "dense_1/kernel");
  EXPECT_EQ(blocks[3].name, "dense_1/bias");
  EXPECT_EQ(blocks[3].offset + blocks[3].size(), model.parameter_count());
  EXPECT_EQ(std::get<Dropout>(model.layers()[1]).rate, 0.25);
  EXPECT_EQ(std::get<Dense>(model.layers()[2]).kernel_initializer, lrtune::Initializer::he_normal);
  EXPECT_EQ(model.output_activation(), lrtune::Activation::softmax);
  EXPECT_NE(model.summary().find(" dropout (Dropout)           (None, 3)                 0"), std::string::npos);
}

TEST(Sequential, RejectsBadArchitectures) {
  EXPECT_THROW(lrtune::Sequential(4, {Dense(3, "softmax"), Dense(1)}), lrtune::UsageError);
  EXPECT_THROW(lrtune::Sequential(4, {Dense(3), Dropout(0.5)}), lrtune::UsageError);
  EXPECT_THROW(lrtune::Sequential(0, {Dense(3)}), lrtune::UsageError);
  EXPECT_THROW(lrtune::Sequential(4, {}), lrtune::UsageError);
  lrtune::Sequential model(4, {Dense(1)});
  EXPECT_THROW(model.forward(Matrix::Zero(2, 5), false), lrtune::UsageError);
  EXPECT_THROW(model.output(), std::logic_error);
  EXPECT_THROW(model.backward(Matrix::Zero(2, 1)), std::logic_error);
  model.forward(Matrix::Zero(2, 4), true);
  EXPECT_THROW(model.backward(Matrix::Zero(3, 1)), lrtune::UsageError);
  EXPECT_THROW(model.parameter("dense_9/kernel"), lrtune::UsageError);
}

TEST(Sequential, HandComputedForward) {
  lrtune::SequentialD model(2, {Dense(2, "relu"), Dense(1, "sigmoid")});
  model.parameter("dense/kernel") << 1, -1,  //
      2, 0.5;
  model.parameter("dense/bias") << 0, 1;
  model.parameter("dense_1/kernel") << 1, -2;
  model.parameter("dense_1/bias") << 0.5;
  MatrixD X(2, 2);
  X << 1, 1,  //
      -1, 2;
  // row 0: Z1 = (3, 0.5) -> relu (3, 0.5); logit = 3 - 1 + 0.5 = 2.5
  // row 1: Z1 = (3, 3) + (0, 1)... = (-1 + 4, 1 + 1 + 1) = (3, 3); logit = 3 - 6 + 0.5 = -2.5
  const auto logits = model.forward(X, false);
  EXPECT_DOUBLE_EQ(logits(0, 0), 2.5);
  EXPECT_DOUBLE_EQ(logits(1, 0), -2.5);
  const auto probabilities = model.output();
  EXPECT_DOUBLE_EQ(probabilities(0, 0), 1.0 / (1.0 + std::exp(-2.5)));
  EXPECT_DOUBLE_EQ(probabilities(1, 0), 1.0 / (1.0 + std::exp(2.5)));
}

// d(loss)/d(every parameter) by central differences through the flat buffer.
double model_gradient_error(lrtune::SequentialD& model, const MatrixD& X, const MatrixD& y, Loss loss, bool training) {
  const lrtune::ModelState<double> start = model.state();  // dropout RNG before the step
  model.forward_backward(X, y, loss, training);
  const lrtune::VectorD analytic = Eigen::Map<const lrtune::VectorD>(model.gradients().data(), model.parameter_count());
  const auto f = [&] {
    model.dropout_rng() = start.dropout_rng;  // the same masks at every evaluation
    return lrtune::loss_value<double>(loss, model.output_activation(), model.forward(X, training), y);
  };
  return lrtune::testing::max_relative_error(f, model.parameters().data(), model.parameter_count(), analytic.data());
}

TEST(Sequential, WholeModelGradientMatchesCentralDifferences) {
  lrtune::SequentialD model(4, {Dense(6, "tanh"), Dense(5, "elu"), Dense(1, "sigmoid")}, 3);
  std::mt19937_64 rng(5);
  const MatrixD X = lrtune::testing::random_matrix(7, 4, rng);
  MatrixD y(7, 1);
  y << 1, 0, 0, 1, 1, 0, 1;
  // Give biases non-zero values so that every parameter's gradient is exercised.
  for (const auto& block : model.layout().blocks())
    if (block.shape.size() == 1) lrtune::block_map(model.parameters().data(), block).setConstant(0.1);
  EXPECT_LT(model_gradient_error(model, X, y, Loss::binary_crossentropy, true), lrtune::testing::kGradientTolerance);
}

TEST(Sequential, WholeModelGradientWithDropoutAndSoftmax) {
  lrtune::SequentialD model(
      3, {Dropout(0.2), Dense(8, "gelu"), Dropout(0.5), Dense(6, "leaky_relu"), Dense(3, "softmax")}, 9);
  std::mt19937_64 rng(6);
  const MatrixD X = lrtune::testing::random_matrix(5, 3, rng);
  MatrixD y = MatrixD::Zero(5, 3);
  for (lrtune::Index i = 0; i < 5; ++i) y(i, (i * 2) % 3) = 1;
  EXPECT_LT(model_gradient_error(model, X, y, Loss::categorical_crossentropy, true),
            lrtune::testing::kGradientTolerance);
  EXPECT_LT(model_gradient_error(model, X, y, Loss::mean_squared_error, false), lrtune::testing::kGradientTolerance);
}

// The same through forward_backward's row-gathered, sample-weighted path: rows pick a batch out of
// X in a shuffled order (one row twice), weights are X's rows' (gathered with them).
double weighted_gradient_error(lrtune::SequentialD& model, const MatrixD& X, const MatrixD& y, Loss loss,
                               const std::vector<lrtune::Index>& rows, const lrtune::VectorD& weights) {
  model.forward_backward(X, y, rows, loss, false, &weights);
  const lrtune::VectorD analytic = Eigen::Map<const lrtune::VectorD>(model.gradients().data(), model.parameter_count());
  MatrixD X_batch(static_cast<lrtune::Index>(rows.size()), X.cols()), y_batch(X_batch.rows(), y.cols());
  lrtune::VectorD w_batch(X_batch.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    X_batch.row(static_cast<lrtune::Index>(i)) = X.row(rows[i]);
    y_batch.row(static_cast<lrtune::Index>(i)) = y.row(rows[i]);
    w_batch(static_cast<lrtune::Index>(i)) = weights(rows[i]);
  }
  const auto f = [&] {
    return lrtune::loss_value<double>(loss, model.output_activation(), model.forward(X_batch, false), y_batch, w_batch);
  };
  return lrtune::testing::max_relative_error(f, model.parameters().data(), model.parameter_count(), analytic.data());
}

TEST(Sequential, TwoLayerSoftmaxAndHuberGradientsWithSampleWeights) {
  std::mt19937_64 rng(8);
  const MatrixD X = lrtune::testing::random_matrix(6, 3, rng);
  lrtune::VectorD weights(6);
  weights << 1.5, 0.25, 3.0, 1.0, 0.0, 2.0;  // balanced class weights look like this
  const std::vector<lrtune::Index> rows{4, 1, 5, 0, 2, 1};

  lrtune::SequentialD classifier(3, {Dense(6, "tanh"), Dense(4, "softmax")}, 10);
  MatrixD one_hot = MatrixD::Zero(6, 4);
  for (lrtune::Index i = 0; i < 6; ++i) one_hot(i, (i * 3) % 4) = 1;
  EXPECT_LT(weighted_gradient_error(classifier, X, one_hot, Loss::categorical_crossentropy, rows, weights),
            lrtune::testing::kGradientTolerance);

  lrtune::SequentialD regressor(3, {Dense(5, "tanh"), Dense(1)}, 11);
  MatrixD target(6, 1);
  target << 2.5, -0.3, 0.2, -3.0, 1.7, 0.4;  // residuals on both sides of Huber's delta
  EXPECT_LT(weighted_gradient_error(regressor, X, target, Loss::huber, rows, weights),
            lrtune::testing::kGradientTolerance);
  EXPECT_LT(weighted_gradient_error(regressor, X, target, Loss::mean_squared_error, rows, weights),
            lrtune::testing::kGradientTolerance);
}

TEST(Sequential, SampleWeightsOfOneGiveTheUnweightedStepBitForBit) {
  lrtune::Sequential a = recipe_model();
  lrtune::Sequential b = recipe_model();
  const Matrix X = random_batch(50, 12, 9);
  const Matrix y = binary_targets(50);
  const lrtune::Vector ones = lrtune::Vector::Ones(50);
  const std::vector<lrtune::Index> rows{7, 3, 49, 0, 12, 12, 30};
  EXPECT_EQ(a.forward_backward(X, y, rows, Loss::binary_crossentropy, true, &ones),
            b.forward_backward(X, y, rows, Loss::binary_crossentropy, true));
  EXPECT_TRUE(std::equal(a.gradients().begin(), a.gradients().end(), b.gradients().begin()));
  const lrtune::Vector short_weights = lrtune::Vector::Ones(49);
  EXPECT_THROW(a.forward_backward(X, y, rows, Loss::binary_crossentropy, true, &short_weights), lrtune::UsageError);
}

TEST(Sequential, OneBatchOfNEqualsTheMeanOfNBatchesOfOne) {
  // Two paths that must agree: the mean loss's gradient over a batch and the average of the
  // per-sample gradients (which also switches the batch size between 4 and 1).
  lrtune::SequentialD model(3, {Dense(5, "relu"), Dense(4, "tanh"), Dense(1, "sigmoid")}, 12);
  std::mt19937_64 rng(4);
  const MatrixD X = lrtune::testing::random_matrix(4, 3, rng);
  MatrixD y(4, 1);
  y << 1, 0, 1, 0;
  const double batch_loss = model.forward_backward(X, y, Loss::binary_crossentropy);
  const lrtune::VectorD batch_gradient =
      Eigen::Map<const lrtune::VectorD>(model.gradients().data(), model.parameter_count());
  lrtune::VectorD summed = lrtune::VectorD::Zero(model.parameter_count());
  double summed_loss = 0.0;
  for (lrtune::Index i = 0; i < 4; ++i) {
    summed_loss += model.forward_backward(X.row(i), y.row(i), Loss::binary_crossentropy);
    summed += Eigen::Map<const lrtune::VectorD>(model.gradients().data(), model.parameter_count());
  }
  EXPECT_NEAR(batch_loss, summed_loss / 4.0, 1e-14);
  EXPECT_TRUE(batch_gradient.isApprox(summed / 4.0, 1e-12));
}

TEST(Sequential, RowIndexedBatchesEqualGatheredBatches) {
  lrtune::Sequential a = recipe_model();
  lrtune::Sequential b = recipe_model();
  const Matrix X = random_batch(50, 12, 9);
  const Matrix y = binary_targets(50);
  const std::vector<lrtune::Index> rows{7, 3, 49, 0, 12, 12, 30};
  Matrix X_batch(rows.size(), 12), y_batch(rows.size(), 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    X_batch.row(i) = X.row(rows[i]);
    y_batch.row(i) = y.row(rows[i]);
  }
  EXPECT_EQ(a.forward_backward(X, y, rows, Loss::binary_crossentropy),
            b.forward_backward(X_batch, y_batch, Loss::binary_crossentropy));
  EXPECT_TRUE(std::equal(a.gradients().begin(), a.gradients().end(), b.gradients().begin()));
  EXPECT_TRUE((a.output().array() == b.output().array()).all());
  const std::vector<lrtune::Index> bad{0, 50};
  EXPECT_THROW(a.forward(X, bad, false), lrtune::UsageError);
}

TEST(Sequential, BackwardOverwritesGarbageInTheGradientBuffer) {
  lrtune::Sequential clean = recipe_model();
  lrtune::Sequential dirty = recipe_model();
  const Matrix X = random_batch(32, 12, 1);
  const Matrix y = binary_targets(32);
  clean.forward_backward(X, y, Loss::binary_crossentropy);
  for (float& g : dirty.gradients()) g = std::nanf("");
  dirty.forward_backward(X, y, Loss::binary_crossentropy);
  EXPECT_TRUE(std::equal(clean.gradients().begin(), clean.gradients().end(), dirty.gradients().begin()));
  // A second backward of the same batch gives the same gradients, not twice them.
  dirty.forward_backward(X, y, Loss::binary_crossentropy);
  EXPECT_TRUE(std::equal(clean.gradients().begin(), clean.gradients().end(), dirty.gradients().begin()));
}

TEST(Sequential, SameSeedGivesBitIdenticalWeightsAcrossModelsAndReinitialisation) {
  lrtune::Sequential a = recipe_model(7);
  const lrtune::Sequential b = recipe_model(7);
  EXPECT_TRUE(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  const lrtune::Sequential c = recipe_model(8);
  EXPECT_FALSE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
  a.initialize(8);
  EXPECT_TRUE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
  // Biases start at zero; kernels stay inside Keras' Glorot limit; layers get different streams.
  EXPECT_TRUE(a.parameter("dense_1/bias").isZero(0.0f));
  EXPECT_LE(a.parameter("dense_1/kernel").cwiseAbs().maxCoeff(), std::sqrt(6.0f / (128 + 256)));
  EXPECT_NE(a.parameter("dense_1/kernel")(0, 0) / std::sqrt(6.0f / 384),
            a.parameter("dense_2/kernel")(0, 0) / std::sqrt(6.0f / 512));
}

TEST(Sequential, RecipeWeightsArePinned) {
  // Regression pins of the seed-42 recipe model (platform-independent draws).
  const lrtune::Sequential model = recipe_model(42);
  EXPECT_FLOAT_EQ(model.parameters()[0], 0.10569673f);
  EXPECT_FLOAT_EQ(model.parameters()[1], 0.0942040756f);
  EXPECT_FLOAT_EQ(model.parameter("dense_3/kernel")(255, 0), 0.128597602f);
}

TEST(Sequential, SnapshotRestoresWeightsAndDropoutMasks) {
  lrtune::Sequential model(5, {Dense(16, "relu"), Dropout(0.5), Dense(1, "sigmoid")}, 2);
  const Matrix X = random_batch(8, 5, 2);
  const lrtune::ModelState<float> snapshot = model.state();
  const Matrix first = model.forward(X, true);
  for (float& w : model.parameters()) w *= 0.5f;  // "training"
  model.forward(X, true);                         // advances the dropout RNG
  EXPECT_FALSE(model.state() == snapshot);
  model.load_state(snapshot);
  EXPECT_TRUE(model.state() == snapshot);
  const Matrix again = model.forward(X, true);
  EXPECT_TRUE((first.array() == again.array()).all());  // same weights and same masks
  const lrtune::Sequential other(5, {Dense(3), Dense(1)});
  EXPECT_THROW(model.load_state(other.state()), lrtune::UsageError);
}

TEST(Sequential, CopiesAreIndependent) {
  lrtune::Sequential original = recipe_model();
  const Matrix X = random_batch(32, 12, 3);
  const Matrix before = original.forward(X, false);
  lrtune::Sequential copy = original;
  for (float& w : copy.parameters()) w = 0.0f;
  copy.forward(random_batch(5, 12, 4), false);
  const Matrix after = original.forward(X, false);
  EXPECT_TRUE((before.array() == after.array()).all());
  EXPECT_TRUE((copy.forward(X, false).array() == 0.0f).all());
  EXPECT_NE(copy.parameters().data(), original.parameters().data());
}

TEST(Sequential, CastToDoubleGivesTheSameFunction) {
  const lrtune::Sequential model = recipe_model();
  lrtune::SequentialD twin = model.cast<double>();
  EXPECT_EQ(twin.parameter_count(), model.parameter_count());
  EXPECT_EQ(twin.parameters()[123], static_cast<double>(model.parameters()[123]));
  lrtune::Sequential copy = model;
  const Matrix X = random_batch(10, 12, 5);
  const Matrix p_float = copy.predict(X);
  const MatrixD p_double = twin.predict(X.cast<double>());
  EXPECT_TRUE(p_float.cast<double>().isApprox(p_double, 1e-5));
  const lrtune::Sequential back = twin.cast<float>();
  EXPECT_TRUE(std::equal(back.parameters().begin(), back.parameters().end(), model.parameters().begin()));
}

TEST(Sequential, PredictIsBatchedInferenceAfterTheOutputActivation) {
  lrtune::Sequential model(3, {Dense(8, "relu"), Dropout(0.5), Dense(1, "sigmoid")}, 4);
  const Matrix X = random_batch(70, 3, 6);
  const Matrix whole = model.predict(X, 1000);
  const Matrix batched = model.predict(X, 32);
  ASSERT_EQ(batched.rows(), 70);
  EXPECT_TRUE(batched.isApprox(whole, 1e-6f));
  EXPECT_TRUE((batched.array() > 0.0f && batched.array() < 1.0f).all());
  // Inference ignores dropout: predict equals forward(training = false) + sigmoid.
  const Matrix logits = model.forward(X, false);
  EXPECT_TRUE(whole.isApprox((1.0f / (1.0f + (-logits.array()).exp())).matrix(), 1e-6f));
}

TEST(Sequential, DropoutScalesKeptUnitsOnlyWhileTraining) {
  lrtune::SequentialD model(4, {Dropout(0.5), Dense(1, "linear", "zeros")}, 1);
  model.parameter("dense/kernel").setOnes();
  MatrixD X = MatrixD::Ones(1, 4);
  EXPECT_DOUBLE_EQ(model.forward(X, false)(0, 0), 4.0);
  // Training: each kept input counts 1 / (1 - 0.5) = 2, so the sum is 2 x (kept units).
  for (int trial = 0; trial < 5; ++trial) {
    const double sum = model.forward(X, true)(0, 0);
    EXPECT_DOUBLE_EQ(std::fmod(sum, 2.0), 0.0);
    EXPECT_LE(sum, 8.0);
  }
}

TEST(Sequential, WorkspacesAreReusedAcrossAPartialLastBatch) {
  lrtune::Sequential model = recipe_model();
  const Matrix X = random_batch(32, 12, 7);
  const Matrix y = binary_targets(32);
  model.forward_backward(X, y, Loss::binary_crossentropy);
  const float* logits_32 = model.forward(X, true).data();
  const Matrix tail = X.topRows(18);
  const auto logits_18 = model.forward(tail, true);
  EXPECT_EQ(logits_18.data(), logits_32);  // no reallocation for the smaller batch
  EXPECT_EQ(logits_18.rows(), 18);
  model.forward_backward(tail, y.topRows(18), Loss::binary_crossentropy);
  lrtune::Sequential fresh = recipe_model();
  fresh.forward_backward(tail, y.topRows(18), Loss::binary_crossentropy);
  EXPECT_TRUE(std::equal(fresh.gradients().begin(), fresh.gradients().end(), model.gradients().begin()));
  EXPECT_EQ(model.forward(X, true).data(), logits_32);
}

#ifdef LRTUNE_COUNT_MALLOC
TEST(Sequential, SteadyTrainingStepsDoNotAllocate) {
  lrtune::Sequential model = recipe_model();
  const Matrix X = random_batch(32, 12, 8);
  const Matrix y = binary_targets(32);
  const Matrix tail = X.topRows(18), tail_y = y.topRows(18);
  const std::vector<lrtune::Index> rows{5, 1, 9, 2};
  model.forward_backward(X, y, Loss::binary_crossentropy);  // first batch: workspaces grow
  const long mallocs = lrtune::testing::mallocs_during([&] {
    for (int step = 0; step < 3; ++step) {
      model.forward_backward(X, y, Loss::binary_crossentropy);
      model.output();
    }
    model.forward_backward(tail, tail_y, Loss::binary_crossentropy);  // the partial last batch
    model.forward_backward(X, y, Loss::binary_crossentropy);
    model.forward_backward(X, y, rows, Loss::binary_crossentropy);  // a shuffled batch by row indices
  });
  EXPECT_EQ(mallocs, 0);
}

TEST(Sequential, PredictAllocatesItsResultOnlyWhateverTheBatchCount) {
  lrtune::Sequential model = recipe_model();
  const Matrix X = random_batch(10 * 1024 + 100, 12, 9);
  model.predict(X.topRows(1024), 1024);  // the first large batch: workspaces grow
  const long one_batch = lrtune::testing::mallocs_during([&] { model.predict(X.topRows(1024), 1024); });
  const long eleven_batches = lrtune::testing::mallocs_during([&] { model.predict(X, 1024); });
  EXPECT_EQ(one_batch, 1);  // the (rows, outputs) result
  EXPECT_EQ(eleven_batches, 1);
}
#endif

TEST(Sequential, BinaryCrossEntropyStaysFiniteWhenTheModelSaturates) {
  lrtune::Sequential model(2, {Dense(1, "sigmoid", "zeros")});
  model.parameter("dense/kernel") << 1e4f, 0.0f;
  Matrix X(2, 2), y(2, 1);
  X << 1, 0,  //
      -1, 0;
  y << 0, 1;  // both confidently wrong
  const double loss = model.forward_backward(X, y, Loss::binary_crossentropy);
  EXPECT_NEAR(loss, 1e4, 1.0);
  EXPECT_TRUE(
      std::all_of(model.gradients().begin(), model.gradients().end(), [](float g) { return std::isfinite(g); }));
  EXPECT_NEAR(model.gradient("dense/kernel")(0, 0), 1.0f, 1e-6f);  // ((1 - 0) * 1 + (0 - 1) * -1) / 2
}

TEST(Sequential, SetParametersChecksTheSize) {
  lrtune::Sequential model(2, {Dense(1)});
  const std::vector<float> values{1.0f, 2.0f, 3.0f};
  model.set_parameters(values);
  EXPECT_EQ(model.parameter("dense/bias")(0, 0), 3.0f);
  EXPECT_THROW(model.set_parameters(std::span<const float>(values.data(), 2)), lrtune::UsageError);
}

}  // namespace
