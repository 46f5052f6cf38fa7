// Seeded mini-batches over a training set, shared by fit and the range test.
#include "lrtune/train/mini_batch_trainer.hpp"

#include <fmt/format.h>
#include <cmath>
#include <numeric>
#include <span>
#include <stdexcept>

#include "lrtune/core/error.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/spread_validation_split.hpp"
#include "lrtune/train/validation_split.hpp"

namespace lrtune {

void validate_mini_batch_options(const MiniBatchOptions& options, std::string_view prefix) {
  if (options.batch_size < 1) {
    throw UsageError(fmt::format("{}batch_size must be >= 1, got {}", prefix, options.batch_size));
  }
  if (options.validation_batch_size < 1) {
    throw UsageError(
        fmt::format("{}validation_batch_size must be >= 1, got {}", prefix, options.validation_batch_size));
  }
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0)) {
    throw UsageError(fmt::format("{}validation_split must be in [0, 1), got {}", prefix, options.validation_split));
  }
  if ((options.x_val == nullptr) != (options.y_val == nullptr)) {
    throw UsageError(fmt::format("{}validation data needs both x_val and y_val", prefix));
  }
}

namespace {

// One finite, non-negative weight per row of X.
void check_sample_weights(const Vector& weights, Index rows) {
  if (weights.size() != rows)
    throw UsageError(
        fmt::format("sample_weights has {} weights for {} rows of X; give one weight per row", weights.size(), rows));
  for (Index i = 0; i < weights.size(); ++i)
    if (!(std::isfinite(weights(i)) && weights(i) >= 0.0f))
      throw UsageError(fmt::format("sample_weights[{}] is {}; weights must be finite and >= 0", i, weights(i)));
}

}  // namespace

void check_training_data(const Sequential& model, const Matrix& X, const Matrix& y, std::string_view what) {
  if (X.rows() == 0) throw UsageError(fmt::format("{}: no rows", what));
  if (X.cols() != model.input_dim()) {
    throw UsageError(
        fmt::format("{}: X has {} columns but the model expects {} features", what, X.cols(), model.input_dim()));
  }
  if (y.rows() != X.rows() || y.cols() != model.output_dim()) {
    throw UsageError(fmt::format("{}: y is ({}, {}) but must be ({}, {}) to match X and the model's outputs", what,
                                 y.rows(), y.cols(), X.rows(), model.output_dim()));
  }
}

MiniBatchTrainer::MiniBatchTrainer(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
                                   MiniBatchOptions options)
    : model_(model),
      optimizer_(optimizer),
      loss_(loss),
      options_(std::move(options)),
      shuffle_rng_(static_cast<std::uint32_t>(options_.seed)) {
  validate_mini_batch_options(options_);
  // Rows spread over ranks: a rank may hold none of them (more ranks than rows); the shapes still count.
  const bool holds_none = options_.spread_rows != nullptr && X.rows() == 0;
  if (holds_none && (X.cols() != model.input_dim() || y.rows() != 0 || y.cols() != model.output_dim()))
    throw UsageError(
        fmt::format("training data: X is (0, {}) and y ({}, {}); the model takes {} features and gives {} outputs",
                    X.cols(), y.rows(), y.cols(), model.input_dim(), model.output_dim()));
  if (!holds_none) check_training_data(model, X, y, "training data");
  if (options_.x_val != nullptr) check_training_data(model, *options_.x_val, *options_.y_val, "validation data");
  check_loss_output(loss, model.output_activation());
  if (options_.sample_weights != nullptr) check_sample_weights(*options_.sample_weights, X.rows());

  if (options_.spread_rows != nullptr) check_spread_rows(X);
  x_train_ = &X;
  y_train_ = &y;
  w_train_ = options_.sample_weights;
  spread_ = options_.spread_rows;
  if (options_.x_val != nullptr) {
    x_val_ = options_.x_val;
    y_val_ = options_.y_val;
  } else if (options_.validation_split > 0.0 && spread_ != nullptr) {
    hold_out_spread(X, y);
  } else if (options_.validation_split > 0.0) {
    split_ = split_for_validation(X, y, options_.validation_split, options_.validation_seed.value_or(options_.seed),
                                  options_.sample_weights);
    x_train_ = &split_.x_train;
    y_train_ = &split_.y_train;
    if (w_train_ != nullptr) w_train_ = &split_.w_train;
    x_val_ = &split_.x_val;
    y_val_ = &split_.y_val;
  }
  const Index rows = spread_ != nullptr ? spread_->total : x_train_->rows();
  batch_size_ = std::min(options_.batch_size, rows);
  order_.resize(static_cast<std::size_t>(rows));
  std::iota(order_.begin(), order_.end(), Index{0});
  position_ = rows;
  yb_.resize(batch_size_, y_train_->cols());
  for (const auto& name : options_.metrics) accumulators_.emplace_back(metric_from_name(name, model.output_dim()));
  if (spread_ != nullptr || (options_.data_parallel != nullptr && options_.data_parallel->size() > 1))
    data_parallel_.emplace(*options_.data_parallel, model, rows, spread_);
}

// The validation split of rows spread over the ranks: one process's split, the held-out rows
// gathered on every rank, each rank training its own rows of the rest (renumbered).
void MiniBatchTrainer::hold_out_spread(const Matrix& X, const Matrix& y) {
  spread_split_ = split_spread_for_validation(X, y, *spread_, options_.validation_split,
                                              options_.validation_seed.value_or(options_.seed), options_.sample_weights,
                                              *options_.data_parallel);
  x_train_ = &spread_split_.x_train;
  y_train_ = &spread_split_.y_train;
  if (w_train_ != nullptr) w_train_ = &spread_split_.w_train;
  x_val_ = &spread_split_.x_val;
  y_val_ = &spread_split_.y_val;
  split_rows_ = {spread_split_.held, spread_split_.total};
  spread_ = &split_rows_;
}

// Rows spread over the ranks: X holds the named rows.
void MiniBatchTrainer::check_spread_rows(const Matrix& X) const {
  const SpreadRows& spread = *options_.spread_rows;
  if (options_.data_parallel == nullptr)
    throw UsageError("spread_rows needs data_parallel: the ranks that hold the rows");
  if (static_cast<Index>(spread.held.size()) != X.rows())
    throw UsageError(
        fmt::format("spread_rows names {} rows but X has {}; name each row X holds", spread.held.size(), X.rows()));
  for (std::size_t i = 0; i < spread.held.size(); ++i)
    if (spread.held[i] < 0 || spread.held[i] >= spread.total || (i > 0 && spread.held[i] <= spread.held[i - 1]))
      throw UsageError(
          fmt::format("spread_rows.held[{}] is {}; the held rows must be ascending global row numbers in [0, {})", i,
                      spread.held[i], spread.total));
}

void MiniBatchTrainer::start_epoch() {
  if (options_.shuffle) numpy_shuffle(order_, shuffle_rng_);
  position_ = 0;
  reset_running_means();
}

void MiniBatchTrainer::reset_running_means() {
  running_loss_.reset();
  for (auto& accumulator : accumulators_) accumulator.reset();
}

MiniBatchTrainer::Batch MiniBatchTrainer::train_batch() {
  if (epoch_finished()) throw std::logic_error("train_batch: the epoch is finished; call start_epoch()");
  const Index size = std::min(batch_size_, training_rows() - position_);
  const std::span<const Index> rows(order_.data() + position_, static_cast<std::size_t>(size));
  position_ += size;
  if (!data_parallel_)
    for (Index i = 0; i < size; ++i) yb_.row(i) = y_train_->row(rows[static_cast<std::size_t>(i)]);
  const double loss = data_parallel_
                          ? data_parallel_->forward_backward(model_, *x_train_, *y_train_, rows, loss_, w_train_)
                          : model_.forward_backward(*x_train_, *y_train_, rows, loss_, /*training=*/true, w_train_);
  running_loss_.add(loss, static_cast<double>(size));
  update_metrics(rows);
  if (std::isfinite(loss) || !options_.skip_non_finite_updates)
    optimizer_.step(model_.parameters(), model_.gradients());
  return {loss, size};
}

// Metrics of the predictions made before this batch's update, as Keras logs them; data-parallel,
// of every rank's rows (gathered: the metrics then see the batch one process sees).
void MiniBatchTrainer::update_metrics(std::span<const Index> rows) {
  if (accumulators_.empty()) return;
  if (data_parallel_) {
    const auto gathered = data_parallel_->gather_batch(model_, *y_train_, rows.size());
    for (auto& accumulator : accumulators_) accumulator.update<float>(gathered.target, gathered.output);
    return;
  }
  const auto y_batch = yb_.topRows(static_cast<Index>(rows.size()));
  const auto output = model_.output();
  for (auto& accumulator : accumulators_) accumulator.update<float>(y_batch, output);
}

Logs MiniBatchTrainer::running_logs() const {
  Logs logs;
  logs.set("loss", running_loss_.result());
  for (std::size_t i = 0; i < accumulators_.size(); ++i) logs.set(options_.metrics[i], accumulators_[i].result());
  return logs;
}

Logs MiniBatchTrainer::validate() {
  if (x_val_ == nullptr) throw std::logic_error("validate: no validation data");
  return evaluate(model_, loss_, *x_val_, *y_val_, options_.metrics, options_.validation_batch_size);
}

}  // namespace lrtune
