// The engine's hot path against its floor: a bare chain of the GEMMs one training step needs
// (recipe model 12-128-256-256-1, batch 32, row-major as the engine), versus the model's
// forward + BCE + backward, a whole step with optim's Adam, one epoch and 100-epoch trainings of fit.
#include <benchmark/benchmark.h>

#include <cmath>
#include <thread>
#include <vector>

#include "../src/nn/weight_gradient.hpp"
#include "adam_loops.hpp"
#include "lrtune/nn/layers.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"

namespace {

constexpr lrtune::Index kBatch = 32;
const std::vector<lrtune::Index> kWidths{12, 128, 256, 256, 1};

lrtune::Matrix random_matrix(lrtune::Index rows, lrtune::Index cols) { return lrtune::Matrix::Random(rows, cols); }

lrtune::Sequential recipe_model() {
  return lrtune::Sequential(
      12,
      {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(1, "sigmoid")},
      42);
}

lrtune::Matrix binary_targets(lrtune::Index rows) {
  lrtune::Matrix y(rows, 1);
  for (lrtune::Index i = 0; i < rows; ++i) y(i, 0) = static_cast<float>(i % 3 == 0);
  return y;
}

// The bare chains' preallocated row-major operands: activations A (A[0] the input batch), weights
// W, weight gradients dW, output gradients dZ and input gradients dA, per layer of kWidths.
struct ChainOperands {
  std::vector<lrtune::Matrix> A, W, dW, dZ, dA;
  ChainOperands() {
    const std::size_t layers = kWidths.size() - 1;
    A.resize(layers + 1);
    W.resize(layers);
    dW.resize(layers);
    dZ.resize(layers);
    dA.resize(layers);
    A[0] = random_matrix(kBatch, kWidths[0]);  // (batch, 12)
    for (std::size_t l = 0; l < layers; ++l) {
      W[l] = random_matrix(kWidths[l], kWidths[l + 1]);    // (in, out)
      dW[l] = lrtune::Matrix(kWidths[l], kWidths[l + 1]);  // (in, out)
      A[l + 1] = lrtune::Matrix(kBatch, kWidths[l + 1]);   // (batch, out)
      dZ[l] = random_matrix(kBatch, kWidths[l + 1]);       // (batch, out)
      dA[l] = lrtune::Matrix(kBatch, kWidths[l]);          // (batch, in)
    }
  }
};

}  // namespace

// Exactly the 4 forward products, the 4 weight-gradient products and the input-gradient products
// of layers 2-4, on preallocated row-major matrices.
static void BM_BareGemmChain(benchmark::State& state) {
  ChainOperands chain;
  auto& [A, W, dW, dZ, dA] = chain;
  const std::size_t layers = W.size();
  for (auto _ : state) {
    for (std::size_t l = 0; l < layers; ++l) A[l + 1].noalias() = A[l] * W[l];
    for (std::size_t l = layers; l-- > 0;) {
      dW[l].noalias() = A[l].transpose() * dZ[l];
      if (l > 0) dA[l].noalias() = dZ[l] * W[l].transpose();
    }
    benchmark::DoNotOptimize(dW[0].data());
    benchmark::DoNotOptimize(dA[1].data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BareGemmChain);

// BM_BareGemmChain with the weight gradients dW = X^T dZ computed by the engine's own kernel
// (src/nn/weight_gradient.hpp), as the model's backward does since issue 16; the other products
// stay Eigen's. The floor of a step as the engine now computes it: BM_TrainingStep against this
// is the step's overhead over its own products, against BM_BareGemmChain the overhead over Eigen's.
static void BM_BareGemmChainWithKernel(benchmark::State& state) {
  ChainOperands chain;
  auto& [A, W, dW, dZ, dA] = chain;
  const std::size_t layers = W.size();
  for (auto _ : state) {
    for (std::size_t l = 0; l < layers; ++l) A[l + 1].noalias() = A[l] * W[l];
    for (std::size_t l = layers; l-- > 0;) {
      // dW = X^T dZ
      lrtune::detail::weight_gradient<float>(kBatch, kWidths[l], kWidths[l + 1], A[l].data(), A[l].cols(), dZ[l].data(),
                                             dZ[l].cols(), dW[l].data(), dW[l].cols());
      if (l > 0) dA[l].noalias() = dZ[l] * W[l].transpose();
    }
    benchmark::DoNotOptimize(dW[0].data());
    benchmark::DoNotOptimize(dA[1].data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BareGemmChainWithKernel);

// BM_BareGemmChain with every product accumulated (+=) into its destination's old values, so that
// Eigen skips the zeroing pass it runs before a plain `=` GEMM (the engine's backward zeroes dW and
// dX the same way before its accumulating kernel). Timing only (the values grow without meaning):
// the difference to BM_BareGemmChain bounds what an overwriting first write could save (issue 16).
static void BM_BareGemmChainWithoutZeroing(benchmark::State& state) {
  const std::size_t layers = kWidths.size() - 1;
  std::vector<lrtune::Matrix> A(layers + 1), W(layers), dW(layers), dZ(layers), dA(layers);
  A[0] = random_matrix(kBatch, kWidths[0]);  // (batch, 12)
  for (std::size_t l = 0; l < layers; ++l) {
    W[l] = random_matrix(kWidths[l], kWidths[l + 1]) * 1e-3f;  // (in, out)
    dW[l] = lrtune::Matrix::Zero(kWidths[l], kWidths[l + 1]);  // (in, out)
    A[l + 1] = lrtune::Matrix::Zero(kBatch, kWidths[l + 1]);   // (batch, out)
    dZ[l] = random_matrix(kBatch, kWidths[l + 1]) * 1e-3f;     // (batch, out)
    dA[l] = lrtune::Matrix::Zero(kBatch, kWidths[l]);          // (batch, in)
  }
  for (auto _ : state) {
    for (std::size_t l = 0; l < layers; ++l) A[l + 1].noalias() += A[l] * W[l];
    for (std::size_t l = layers; l-- > 0;) {
      dW[l].noalias() += A[l].transpose() * dZ[l];
      if (l > 0) dA[l].noalias() += dZ[l] * W[l].transpose();
    }
    benchmark::DoNotOptimize(dW[0].data());
    benchmark::DoNotOptimize(dA[1].data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BareGemmChainWithoutZeroing);

// The model's forward + binary cross-entropy + backward (gradients overwritten).
static void BM_ForwardBackward(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  const lrtune::Matrix X = random_matrix(kBatch, 12);
  const lrtune::Matrix y = binary_targets(kBatch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.forward_backward(X, y, lrtune::Loss::binary_crossentropy));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ForwardBackward);

// A whole training step as fit runs it: forward + loss + backward + optim's Adam (Keras form).
static void BM_TrainingStep(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  lrtune::Adam adam;
  const lrtune::Matrix X = random_matrix(kBatch, 12);
  const lrtune::Matrix y = binary_targets(kBatch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.forward_backward(X, y, lrtune::Loss::binary_crossentropy));
    adam.step(model.parameters(), model.gradients());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TrainingStep);

// BM_TrainingStep with the update done by a bare loop of adam_loops.hpp over the model's buffers
// (arg 0: the exact Keras form, as the library's; 1: the approximate-reciprocal form on AVX-512;
// 2: the memory floor, no sqrt or division). Issue 16's experiment: does a cheaper reciprocal
// square root shorten the step, all in one binary and one run?
static void BM_TrainingStepWithBareAdam(benchmark::State& state) {
  using Loop = void (*)(std::size_t, float*, const float*, float*, float*);
#if defined(__AVX512F__)
  const Loop loops[] = {bench::adam_exact, bench::adam_rsqrt14, bench::adam_memory_floor};
#else
  const Loop loops[] = {bench::adam_exact, nullptr, bench::adam_memory_floor};  // arg 1 not registered
#endif
  const Loop loop = loops[state.range(0)];
  lrtune::Sequential model = recipe_model();
  const std::size_t n = model.parameters().size();
  std::vector<float> m(n), v(n);  // (parameter_count): Adam's moments
  const lrtune::Matrix X = random_matrix(kBatch, 12);
  const lrtune::Matrix y = binary_targets(kBatch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.forward_backward(X, y, lrtune::Loss::binary_crossentropy));
    loop(n, model.parameters().data(), model.gradients().data(), m.data(), v.data());
    benchmark::ClobberMemory();
  }
}
#if defined(__AVX512F__)
BENCHMARK(BM_TrainingStepWithBareAdam)->Arg(0)->Arg(1)->Arg(2);
#else
BENCHMARK(BM_TrainingStepWithBareAdam)->Arg(0)->Arg(2);
#endif

// The recipe's data shape: 5,170 rows of 12 features (generated; the cost does not depend on the values).
struct RecipeData {
  lrtune::Matrix X = random_matrix(5170, 12);
  lrtune::Matrix y = binary_targets(5170);
};

lrtune::History train_recipe(const RecipeData& data, int epochs, std::uint64_t seed) {
  lrtune::Sequential model(
      12,
      {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(1, "sigmoid")},
      seed);
  lrtune::Adam adam;
  return lrtune::fit(model, adam, lrtune::Loss::binary_crossentropy, data.X, data.y,
                     {.epochs = epochs, .batch_size = 32, .seed = seed});
}

// One epoch of fit: 162 steps (the last of 18 rows), shuffling, batch gathering, loss and accuracy.
static void BM_Epoch(benchmark::State& state) {
  const RecipeData data;
  for (auto _ : state) benchmark::DoNotOptimize(train_recipe(data, 1, 0).size());
}
BENCHMARK(BM_Epoch)->Unit(benchmark::kMillisecond);

// The recipe's 100-epoch training (16,200 steps), one thread.
static void BM_Training100Epochs(benchmark::State& state) {
  const RecipeData data;
  for (auto _ : state) benchmark::DoNotOptimize(train_recipe(data, 100, 0).size());
}
BENCHMARK(BM_Training100Epochs)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// Two independent 100-epoch trainings (two seeds) on two threads, as repeats and candidates run:
// the wall time for both, to compare with twice BM_Training100Epochs.
static void BM_TwoTrainings100EpochsOnTwoThreads(benchmark::State& state) {
  const RecipeData data;
  for (auto _ : state) {
    std::thread other([&] { benchmark::DoNotOptimize(train_recipe(data, 100, 1).size()); });
    benchmark::DoNotOptimize(train_recipe(data, 100, 0).size());
    other.join();
  }
}
BENCHMARK(BM_TwoTrainings100EpochsOnTwoThreads)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// Inference on the full wine train set size (5,170 rows) in batches of 32.
static void BM_Predict(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  const lrtune::Matrix X = random_matrix(5170, 12);
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(X, 32).data());
}
BENCHMARK(BM_Predict)->Unit(benchmark::kMicrosecond);

// The same rows in batches of 1024, the validation batch of fit and the search (MiniBatchOptions),
// reusing the model's workspaces (one allocation per call: the result).
static void BM_PredictInBatchesOf1024(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  const lrtune::Matrix X = random_matrix(5170, 12);
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(X, 1024).data());
}
BENCHMARK(BM_PredictInBatchesOf1024)->Unit(benchmark::kMicrosecond);

// ---- Shared first-layer work across lockstep candidates (issue 16), measurement only ----
// K candidates of the search see the same mini-batch X (batch, in). Their first layers can run as
// K products X W1_k (in, 128) or as one X [W1_1 ... W1_K] (in, K*128); the weight gradients as K
// products X^T dZ1_k or one X^T [dZ1_1 ... dZ1_K]. Both go through the engine's kernels
// (dense_forward, dense_backward with a caller-kept packing space). Input widths: wine 11,
// letter_recognition 16, satellite 36; width 128 is the recipe's first hidden layer.

constexpr int kCandidates = 11;
constexpr lrtune::Index kFirstWidth = 128;

struct FirstLayers {
  lrtune::Matrix X;                   // (batch, in): the shared mini-batch
  std::vector<lrtune::Matrix> W, dZ;  // per candidate: (in, 128), (batch, 128)
  lrtune::Matrix W_stacked;           // (in, K*128): [W1_1 ... W1_K]
  lrtune::Matrix dZ_stacked;          // (batch, K*128): [dZ1_1 ... dZ1_K]
  explicit FirstLayers(lrtune::Index in) : X(random_matrix(kBatch, in)) {
    W_stacked.resize(in, kCandidates * kFirstWidth);
    dZ_stacked.resize(kBatch, kCandidates * kFirstWidth);
    for (int k = 0; k < kCandidates; ++k) {
      W.push_back(random_matrix(in, kFirstWidth));
      dZ.push_back(random_matrix(kBatch, kFirstWidth));
    }
    stack_weights();
    for (int k = 0; k < kCandidates; ++k) dZ_stacked.middleCols(k * kFirstWidth, kFirstWidth) = dZ[k];
  }
  // The copy a stacked step would need: each candidate's W1 lives in its own model's flat buffer.
  void stack_weights() {
    for (int k = 0; k < kCandidates; ++k) W_stacked.middleCols(k * kFirstWidth, kFirstWidth) = W[k];
  }
};

// K separate products, forward (Z = X W + b) and the weight gradient (dW = X^T dZ, db).
static void BM_FirstLayerSeparate(benchmark::State& state) {
  FirstLayers f(state.range(0));
  const lrtune::Matrix b = lrtune::Matrix::Zero(1, kFirstWidth);  // (1, 128)
  lrtune::Matrix Z(kBatch, kFirstWidth), dW(f.X.cols(), kFirstWidth), db(1, kFirstWidth);
  lrtune::Vector scratch;
  for (auto _ : state) {
    for (int k = 0; k < kCandidates; ++k) {
      lrtune::dense_forward<float>(f.X, f.W[k], b, lrtune::Activation::linear, Z, Z, &scratch);
      lrtune::dense_backward<float>(f.X, f.dZ[k], dW, db, &scratch);
      benchmark::DoNotOptimize(Z.data());
      benchmark::DoNotOptimize(dW.data());
      benchmark::ClobberMemory();
    }
  }
}
BENCHMARK(BM_FirstLayerSeparate)->Arg(11)->Arg(16)->Arg(36);

// One stacked product each way. Counter bit_identical: 1 when every candidate's block of the
// stacked Z, dW and db equals its separate product bit for bit (the search's results must not
// depend on which candidates share a product); identical_Z/dW/db count the candidates that do.
// Second argument 1: also time stacking the K weight matrices and giving each candidate its dW
// block back, as a stacked step would have to.
static void BM_FirstLayerStacked(benchmark::State& state) {
  FirstLayers f(state.range(0));
  const bool with_copies = state.range(1) != 0;
  const lrtune::Index wide = kCandidates * kFirstWidth;
  const lrtune::Matrix b = lrtune::Matrix::Zero(1, wide);  // (1, K*128)
  lrtune::Matrix Z(kBatch, wide), dW(f.X.cols(), wide), db(1, wide);
  std::vector<lrtune::Matrix> dW_k(kCandidates, lrtune::Matrix(f.X.cols(), kFirstWidth));
  lrtune::Vector scratch;

  lrtune::dense_forward<float>(f.X, f.W_stacked, b, lrtune::Activation::linear, Z, Z, &scratch);
  lrtune::dense_backward<float>(f.X, f.dZ_stacked, dW, db, &scratch);
  // Candidates whose block of the stacked product equals their own product.
  int same_Z = 0, same_dW = 0, same_db = 0;
  lrtune::Matrix Z_k(kBatch, kFirstWidth), dW_single(f.X.cols(), kFirstWidth), db_k(1, kFirstWidth);
  const lrtune::Matrix b_k = lrtune::Matrix::Zero(1, kFirstWidth);
  for (int k = 0; k < kCandidates; ++k) {
    lrtune::dense_forward<float>(f.X, f.W[k], b_k, lrtune::Activation::linear, Z_k, Z_k, &scratch);
    lrtune::dense_backward<float>(f.X, f.dZ[k], dW_single, db_k, &scratch);
    same_Z += Z.middleCols(k * kFirstWidth, kFirstWidth) == Z_k;
    same_dW += dW.middleCols(k * kFirstWidth, kFirstWidth) == dW_single;
    same_db += db.middleCols(k * kFirstWidth, kFirstWidth) == db_k;
  }
  state.counters["bit_identical"] = same_Z + same_dW + same_db == 3 * kCandidates ? 1.0 : 0.0;
  state.counters["identical_Z"] = same_Z;  // out of kCandidates
  state.counters["identical_dW"] = same_dW;
  state.counters["identical_db"] = same_db;

  for (auto _ : state) {
    if (with_copies) f.stack_weights();
    lrtune::dense_forward<float>(f.X, f.W_stacked, b, lrtune::Activation::linear, Z, Z, &scratch);
    lrtune::dense_backward<float>(f.X, f.dZ_stacked, dW, db, &scratch);
    if (with_copies)
      for (int k = 0; k < kCandidates; ++k) dW_k[k] = dW.middleCols(k * kFirstWidth, kFirstWidth);
    benchmark::DoNotOptimize(Z.data());
    benchmark::DoNotOptimize(dW_k[0].data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_FirstLayerStacked)->ArgsProduct({{11, 16, 36}, {0, 1}});

BENCHMARK_MAIN();
