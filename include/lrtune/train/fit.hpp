// fit and evaluate: Keras' training loop over mini-batches of (samples, features) matrices,
// with callbacks, a seeded batch order and an optional seeded validation split.
// The model and optimizer come in ready; schedules arrive as callbacks; nothing is printed.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/train/callback.hpp"
#include "lrtune/train/data_parallel.hpp"
#include "lrtune/train/history.hpp"
#include "lrtune/train/logs.hpp"

namespace lrtune {

struct FitOptions {
  int epochs = 1;          // >= 1
  Index batch_size = 32;   // >= 1; a larger value than the data gives one full batch per epoch
  bool shuffle = true;     // reshuffle the rows every epoch (numpy's permutation from `seed`)
  std::uint64_t seed = 0;  // batch order and, unless validation_seed is set, the validation split
  // Fraction of the training rows held out for validation, taken at random with the seed as
  // scikit-learn's train_test_split would (not Keras' last-rows slice). 0 = none.
  double validation_split = 0.0;
  std::optional<std::uint64_t> validation_seed;
  // Explicit validation data (both or neither); takes precedence over validation_split.
  const Matrix* x_val = nullptr;  // (val_samples, features)
  const Matrix* y_val = nullptr;  // (val_samples, outputs)
  Index validation_batch_size = 1024;
  // One weight per row of X (X.rows(),), finite and >= 0, e.g. from class_weights_balanced (class_weights.hpp):
  // each batch's loss is sum_i w_i loss_i / batch (Keras' sample_weight). The weights follow their
  // rows through the validation split and the shuffles; the validation loss is unweighted, as
  // Keras does for class_weight. Not owned. nullptr: unweighted.
  const Vector* sample_weights = nullptr;
  std::vector<std::string> metrics = {"accuracy"};  // names as nn's metric_from_name takes them
  std::vector<Callback*> callbacks;                 // not owned; called in order
  // Stop at the first non-finite batch loss without applying that batch's update (Keras'
  // TerminateOnNaN, made safe: the weights stay those of the last finite step).
  bool terminate_on_nan = true;
  // Raised by the caller (e.g. on Ctrl-C): fit stops after the current step; the unfinished
  // epoch is not recorded.
  const std::atomic<bool>* cancel = nullptr;
  // Data-parallel training (train/data_parallel.hpp): every rank of this communicator calls fit
  // with the same model, data and options, computes on its shard of each batch's rows, and all
  // take the same steps; the weights then agree on every rank, and with one process's up to float
  // summation order. Validation runs whole on every rank (same weights, same numbers, no
  // communication); a cancel request is agreed over the ranks at each step. nullptr or one rank:
  // this process alone, bit for bit as without it. Callbacks run on every rank.
  const Communicator* data_parallel = nullptr;
  // With data_parallel: X, y and sample_weights hold only this rank's training rows, which these
  // name (train/data_parallel.hpp's SpreadRows: a big table read in shards); the ranks then train
  // as one process holding every row would, a validation_split holding out the same rows.
  const SpreadRows* spread_rows = nullptr;
};

// Trains model with optimizer on X (samples, features), y (samples, outputs). Throws
// UsageError on shapes or options that cannot work, naming them.
History fit(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
            const FitOptions& options = {});

// The same for a one-output model with y given as a vector (samples,), as the data pipeline returns it.
History fit(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
            const FitOptions& options = {});

// Keras' evaluate: the loss (mean over all rows) and each metric over all rows, batched,
// dropout off. Keys: "loss" and the metric names as given.
Logs evaluate(Sequential& model, Loss loss, const Matrix& X, const Matrix& y,
              const std::vector<std::string>& metrics = {"accuracy"}, Index batch_size = 1024);
Logs evaluate(Sequential& model, Loss loss, const Matrix& X, const Vector& y,
              const std::vector<std::string>& metrics = {"accuracy"}, Index batch_size = 1024);

// y (samples,) as the (samples, 1) matrix that one-output models train on.
Matrix as_column(const Vector& y);

}  // namespace lrtune
