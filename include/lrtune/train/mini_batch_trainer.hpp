// One mini-batch at a time, exactly as fit batches: the optional seeded validation split, the
// rows reshuffled at each epoch start from one MT19937 stream, batches in order with the last one
// partial, batch-size-weighted running means of the loss and metrics on the predictions made
// before each update. fit adds epochs, callbacks and stop rules; the range test adds a schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/random.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/train/data_parallel.hpp"
#include "lrtune/train/logs.hpp"
#include "lrtune/train/spread_validation_split.hpp"
#include "lrtune/train/validation_split.hpp"

namespace lrtune {

struct MiniBatchOptions {
  Index batch_size = 32;  // >= 1; capped at the number of training rows
  bool shuffle = true;
  std::uint64_t seed = 0;         // batch order and, unless validation_seed is set, the validation split
  double validation_split = 0.0;  // in [0, 1): held out at random with scikit-learn's split
  std::optional<std::uint64_t> validation_seed;
  const Matrix* x_val = nullptr;  // explicit validation data (both or neither), overrides the split
  const Matrix* y_val = nullptr;
  Index validation_batch_size = 1024;
  const Vector* sample_weights = nullptr;  // (X.rows(),) or nullptr; see FitOptions::sample_weights
  std::vector<std::string> metrics = {"accuracy"};
  bool skip_non_finite_updates = true;  // a batch with a NaN/inf loss updates nothing
  // The ranks that share each batch (train/data_parallel.hpp), every one constructing the trainer
  // with the same data and options; nullptr or a one-rank communicator: this process alone.
  const Communicator* data_parallel = nullptr;
  // With data_parallel: X, y and sample_weights hold only this rank's training rows, which these
  // name (train/data_parallel.hpp); nullptr: every rank holds every training row. A
  // validation_split holds out the rows one process would (spread_validation_split.hpp).
  const SpreadRows* spread_rows = nullptr;
};

// The batching part of any options struct that spells these fields as MiniBatchOptions does
// (FitOptions, LRFinderOptions; sample_weights only where the struct has it).
template <typename Options>
MiniBatchOptions mini_batch_options(const Options& options, bool skip_non_finite_updates) {
  const Vector* sample_weights = nullptr;
  if constexpr (requires { options.sample_weights; }) sample_weights = options.sample_weights;
  const Communicator* data_parallel = nullptr;
  if constexpr (requires { options.data_parallel; }) data_parallel = options.data_parallel;
  const SpreadRows* spread_rows = nullptr;
  if constexpr (requires { options.spread_rows; }) spread_rows = options.spread_rows;
  return {.batch_size = options.batch_size,
          .shuffle = options.shuffle,
          .seed = options.seed,
          .validation_split = options.validation_split,
          .validation_seed = options.validation_seed,
          .x_val = options.x_val,
          .y_val = options.y_val,
          .validation_batch_size = options.validation_batch_size,
          .sample_weights = sample_weights,
          .metrics = options.metrics,
          .skip_non_finite_updates = skip_non_finite_updates,
          .data_parallel = data_parallel,
          .spread_rows = spread_rows};
}

// Throws UsageError naming the option, its value and the valid range; `prefix`
// starts each message (e.g. "finder ").
void validate_mini_batch_options(const MiniBatchOptions& options, std::string_view prefix = "");

// Throws UsageError naming `what` when X, y do not fit the model.
void check_training_data(const Sequential& model, const Matrix& X, const Matrix& y, std::string_view what);

class MiniBatchTrainer {
 public:
  // Validates the options and data (throws UsageError naming them); keeps references
  // to model, optimizer, X and y, which must outlive it.
  MiniBatchTrainer(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
                   MiniBatchOptions options);
  MiniBatchTrainer(const MiniBatchTrainer&) = delete;
  MiniBatchTrainer& operator=(const MiniBatchTrainer&) = delete;

  // Over all ranks when the rows are spread (options.spread_rows).
  Index training_rows() const { return static_cast<Index>(order_.size()); }
  Index batch_size() const { return batch_size_; }
  std::int64_t steps_per_epoch() const { return (training_rows() + batch_size_ - 1) / batch_size_; }

  // Reshuffles (when shuffling) and rewinds to the first batch; resets the running means.
  void start_epoch();
  // True when every batch of the epoch has run (and before the first start_epoch).
  bool epoch_finished() const { return position_ >= training_rows(); }

  struct Batch {
    double loss = 0.0;  // the batch's mean loss
    Index size = 0;     // its rows
  };
  // The next batch of the epoch: forward, loss, backward, metrics, optimizer step. Data-parallel:
  // the whole batch's loss and gradient, combined over the ranks (a collective).
  Batch train_batch();

  // `mine`, agreed over the data-parallel ranks: true on every rank when any rank passes true (a
  // collective there); otherwise `mine` itself. For stop requests that must not split the ranks.
  bool any_rank(bool mine) const { return data_parallel_ ? data_parallel_->any_rank(mine) : mine; }

  // The running means since start_epoch() or reset_running_means(): "loss" and each metric.
  Logs running_logs() const;
  void reset_running_means();

  bool has_validation() const { return x_val_ != nullptr; }
  // Loss and metrics on the validation data (dropout off); throws std::logic_error without it.
  Logs validate();

 private:
  Sequential& model_;
  Optimizer& optimizer_;
  Loss loss_;
  MiniBatchOptions options_;
  ValidationSplit split_;               // owned only when split here
  const SpreadRows* spread_ = nullptr;  // the rows X holds when spread: the options', or split_rows_
  SpreadValidationSplit spread_split_;  // owned when spread rows are split here
  SpreadRows split_rows_;
  const Matrix* x_train_ = nullptr;
  const Matrix* y_train_ = nullptr;
  const Matrix* x_val_ = nullptr;
  const Matrix* y_val_ = nullptr;
  const Vector* w_train_ = nullptr;  // the training rows' sample weights, or nullptr
  Index batch_size_ = 0;
  Mt19937 shuffle_rng_;
  std::vector<Index> order_;
  Index position_ = 0;  // next row of order_
  Matrix yb_;           // (batch, outputs): the batch's targets, for the metrics
  WeightedMean running_loss_;
  std::vector<MetricAccumulator> accumulators_;
  std::optional<DataParallelBatch> data_parallel_;  // set when more than one rank shares the batches

  void check_spread_rows(const Matrix& X) const;
  void hold_out_spread(const Matrix& X, const Matrix& y);
  void update_metrics(std::span<const Index> rows);
};

}  // namespace lrtune
