// The engine's hot path against its floor: a bare chain of the GEMMs one training step needs
// (recipe model 12-128-256-256-1, batch 32, row-major as the engine), versus the model's
// forward + BCE + backward, and a whole step with a local fused Adam (optim's own is benched there).
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "lrtune/nn/sequential.hpp"

namespace {

constexpr lrtune::Index kBatch = 32;
const std::vector<lrtune::Index> kWidths{12, 128, 256, 256, 1};

lrtune::Matrix random_matrix(lrtune::Index rows, lrtune::Index cols) {
  return lrtune::Matrix::Random(rows, cols);
}

lrtune::Sequential recipe_model() {
  return lrtune::Sequential(12, {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"),
                                 lrtune::Dense(1, "sigmoid")},
                            42);
}

lrtune::Matrix binary_targets(lrtune::Index rows) {
  lrtune::Matrix y(rows, 1);
  for (lrtune::Index i = 0; i < rows; ++i) y(i, 0) = static_cast<float>(i % 3 == 0);
  return y;
}

}  // namespace

// Exactly the 4 forward products, the 4 weight-gradient products and the input-gradient products
// of layers 2-4, on preallocated row-major matrices.
static void BM_BareGemmChain(benchmark::State& state) {
  const std::size_t layers = kWidths.size() - 1;
  std::vector<lrtune::Matrix> A(layers + 1), W(layers), dW(layers), dZ(layers), dA(layers);
  A[0] = random_matrix(kBatch, kWidths[0]);  // (batch, 12)
  for (std::size_t l = 0; l < layers; ++l) {
    W[l] = random_matrix(kWidths[l], kWidths[l + 1]);   // (in, out)
    dW[l] = lrtune::Matrix(kWidths[l], kWidths[l + 1]);  // (in, out)
    A[l + 1] = lrtune::Matrix(kBatch, kWidths[l + 1]);   // (batch, out)
    dZ[l] = random_matrix(kBatch, kWidths[l + 1]);       // (batch, out)
    dA[l] = lrtune::Matrix(kBatch, kWidths[l]);          // (batch, in)
  }
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

// A whole step: forward + loss + backward + a fused Keras-form Adam over the flat buffers.
static void BM_TrainingStepWithAdam(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  const lrtune::Matrix X = random_matrix(kBatch, 12);
  const lrtune::Matrix y = binary_targets(kBatch);
  const std::size_t n = model.parameters().size();
  std::vector<float> m(n, 0.0f), v(n, 0.0f);
  const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-7f;
  double t = 0;
  for (auto _ : state) {
    model.forward_backward(X, y, lrtune::Loss::binary_crossentropy);
    t += 1;
    const float lr_t = static_cast<float>(1e-3 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t)));
    float* __restrict w = model.parameters().data();
    const float* __restrict g = model.gradients().data();
    float* __restrict mp = m.data();
    float* __restrict vp = v.data();
    for (std::size_t i = 0; i < n; ++i) {
      mp[i] = beta1 * mp[i] + (1 - beta1) * g[i];
      vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i];
      w[i] -= lr_t * mp[i] / (std::sqrt(vp[i]) + eps);
    }
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TrainingStepWithAdam);

// Inference on the full wine train set size (5,170 rows) in batches of 32.
static void BM_Predict(benchmark::State& state) {
  lrtune::Sequential model = recipe_model();
  const lrtune::Matrix X = random_matrix(5170, 12);
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(X, 32).data());
}
BENCHMARK(BM_Predict)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
