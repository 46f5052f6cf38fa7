// Trains the recipe's network (12-128-256-256-1, Adam, batch 32; ../shared/docs/SEED.md §2) on a
// generated tabular data set and prints its Keras-style epoch log and test metrics: the C++ API
// in one page. Run: ./build/train_generated [epochs]
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "lrtune/core/split.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/progress_logger.hpp"

namespace {

// 4,000 rows, 12 features, a noisy non-linear rule as target (about 10 % of labels flipped).
void make_data(lrtune::Matrix& X, lrtune::Matrix& y) {
  const lrtune::Index n = 4000, features = 12;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  X.resize(n, features);
  y.resize(n, 1);
  for (lrtune::Index i = 0; i < n; ++i) {
    for (lrtune::Index j = 0; j < features; ++j) X(i, j) = normal(rng);
    const float score = X(i, 0) + 0.8f * X(i, 1) * X(i, 2) - 0.5f * std::abs(X(i, 3)) + 0.3f * X(i, 4);
    const bool label = (score > 0.0f) != (uniform(rng) < 0.1f);
    y(i, 0) = label ? 1.0f : 0.0f;
  }
}

lrtune::Matrix rows(const lrtune::Matrix& m, const std::vector<lrtune::Index>& index) {
  lrtune::Matrix out(static_cast<lrtune::Index>(index.size()), m.cols());
  for (std::size_t i = 0; i < index.size(); ++i) out.row(static_cast<lrtune::Index>(i)) = m.row(index[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 10;
  lrtune::Matrix X, y;
  make_data(X, y);
  const auto split = lrtune::train_test_split_indices(X.rows(), 0.2, 42);
  const lrtune::Matrix X_train = rows(X, split.train), y_train = rows(y, split.train);
  const lrtune::Matrix X_test = rows(X, split.test), y_test = rows(y, split.test);

  lrtune::Sequential model(
      12,
      {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(1, "sigmoid")},
      /*seed=*/42);
  std::cout << model.summary() << '\n';

  lrtune::Adam adam;  // Keras defaults: lr 0.001, beta 0.9/0.999, epsilon 1e-7
  lrtune::ProgressLogger logger(std::cout);
  const lrtune::History history =
      lrtune::fit(model, adam, lrtune::Loss::binary_crossentropy, X_train, y_train,
                  {.epochs = epochs, .batch_size = 32, .seed = 0, .validation_split = 0.2, .callbacks = {&logger}});

  const lrtune::Logs test =
      lrtune::evaluate(model, lrtune::Loss::binary_crossentropy, X_test, y_test, {"accuracy", "auc"});
  fmt::print("\ntest: loss {:.4f}, accuracy {:.4f}, ROC AUC {:.4f} ({} rows); trained in {:.2f} s\n", test.at("loss"),
             test.at("accuracy"), test.at("auc"), X_test.rows(), history.train_seconds);
  return 0;
}
