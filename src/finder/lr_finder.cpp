// The engine-backed range test: a step function that trains a Sequential one mini-batch or one
// epoch at a time with fit's exact batching, handed to the generic run_range_test, with the model
// and optimizer snapshotted before and restored after. No I/O.
#include "lrtune/finder/lr_finder.hpp"

#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "lrtune/core/random.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/snapshot.hpp"

namespace lrtune {

LRFinderOptions LRFinderOptions::recipe_per_epoch() {
  LRFinderOptions o;
  o.mode = CurveMode::per_epoch;
  o.schedule = RangeSchedule::recipe_per_epoch();
  return o;
}

LRFinderOptions LRFinderOptions::fastai_per_step(std::size_t num_it, double start, double end) {
  LRFinderOptions o;
  o.mode = CurveMode::per_step;
  o.schedule = RangeSchedule{.kind = RangeScheduleKind::exponential, .start = start, .end = end, .num_points = num_it};
  return o;
}

RangeSchedule LRFinderOptions::effective_schedule() const {
  if (schedule) return *schedule;
  return mode == CurveMode::per_epoch ? RangeSchedule::recipe_per_epoch() : RangeSchedule{};
}

RangeTestOptions LRFinderOptions::range_test_options() const {
  RangeTestOptions o;
  o.mode = mode;
  o.schedule = effective_schedule();
  o.smoothing_beta = smoothing_beta;
  o.divergence = divergence.value_or(mode == CurveMode::per_epoch ? DivergenceRule{.enabled = false} : DivergenceRule{});
  o.suggest = suggest;
  o.cancel = cancel;
  o.on_point = on_point;
  return o;
}

void LRFinderOptions::validate() const {
  if (batch_size < 1) throw std::invalid_argument(fmt::format("finder batch_size must be >= 1, got {}", batch_size));
  if (validation_batch_size < 1) {
    throw std::invalid_argument(
        fmt::format("finder validation_batch_size must be >= 1, got {}", validation_batch_size));
  }
  if (!(validation_split >= 0.0 && validation_split < 1.0)) {
    throw std::invalid_argument(fmt::format("finder validation_split must be in [0, 1), got {}", validation_split));
  }
  if ((x_val == nullptr) != (y_val == nullptr)) {
    throw std::invalid_argument("finder validation data needs both x_val and y_val");
  }
  range_test_options().validate();
}

namespace {

Matrix gather_rows(const Matrix& source, const std::vector<Index>& rows) {
  Matrix out(static_cast<Index>(rows.size()), source.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = source.row(rows[i]);
  return out;
}

void check_data(const Sequential& model, const Matrix& X, const Matrix& y, std::string_view what) {
  if (X.rows() == 0) throw std::invalid_argument(fmt::format("{}: no rows", what));
  if (X.cols() != model.input_dim()) {
    throw std::invalid_argument(fmt::format("{}: X has {} columns but the model expects {} features", what, X.cols(),
                                            model.input_dim()));
  }
  if (y.rows() != X.rows() || y.cols() != model.output_dim()) {
    throw std::invalid_argument(fmt::format("{}: y is ({}, {}) but must be ({}, {}) to match X and the model's outputs",
                                            what, y.rows(), y.cols(), X.rows(), model.output_dim()));
  }
}

// Trains a model one batch or one epoch per call, batching exactly as fit does: the rows'
// order reshuffled at each epoch start from one Mt19937(seed) stream, batches in order, the last
// one partial, metrics on the predictions made before each batch's update, no update applied for
// a non-finite batch loss (fit's terminate_on_nan).
class Sweeper {
 public:
  Sweeper(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
          const LRFinderOptions& options)
      : model_(model), optimizer_(optimizer), loss_(loss), options_(options),
        shuffle_rng_(static_cast<std::uint32_t>(options.seed)) {
    x_train_ = &X;
    y_train_ = &y;
    if (options.x_val != nullptr) {
      x_val_ = options.x_val;
      y_val_ = options.y_val;
    } else if (options.validation_split > 0.0) {
      const auto seed = static_cast<std::uint32_t>(options.validation_seed.value_or(options.seed));
      const SplitIndices split = train_test_split_indices(X.rows(), options.validation_split, seed);
      x_train_split_ = gather_rows(X, split.train);
      y_train_split_ = gather_rows(y, split.train);
      x_val_split_ = gather_rows(X, split.test);
      y_val_split_ = gather_rows(y, split.test);
      x_train_ = &x_train_split_;
      y_train_ = &y_train_split_;
      x_val_ = &x_val_split_;
      y_val_ = &y_val_split_;
    }
    rows_ = x_train_->rows();
    batch_size_ = std::min(options.batch_size, rows_);
    order_.resize(static_cast<std::size_t>(rows_));
    std::iota(order_.begin(), order_.end(), Index{0});
    position_ = rows_;  // the first per-step call starts an epoch
    xb_.resize(batch_size_, x_train_->cols());
    yb_.resize(batch_size_, y_train_->cols());
    for (const auto& name : options.metrics) accumulators_.emplace_back(metric_from_name(name, model.output_dim()));
  }

  StepResult operator()(double lr) {
    optimizer_.set_learning_rate(lr);
    StepResult result;
    if (options_.mode == CurveMode::per_epoch) {
      start_epoch();
      WeightedMean epoch_loss;
      while (position_ < rows_) {
        const auto [batch_loss, size] = train_batch();
        epoch_loss.add(batch_loss, static_cast<double>(size));
        if (!std::isfinite(batch_loss)) break;  // fit stops here too; the mean is non-finite
      }
      result.loss = epoch_loss.result();
    } else {
      if (position_ >= rows_) start_epoch();
      for (auto& accumulator : accumulators_) accumulator.reset();
      result.loss = train_batch().first;
    }
    for (std::size_t i = 0; i < accumulators_.size(); ++i) result.metrics[options_.metrics[i]] = accumulators_[i].result();
    if (x_val_ != nullptr && std::isfinite(result.loss)) {
      const Logs validation =
          evaluate(model_, loss_, *x_val_, *y_val_, options_.metrics, options_.validation_batch_size);
      for (const auto& [name, value] : validation) {
        if (name == "loss") {
          result.validation_loss = value;
        } else {
          result.metrics["val_" + name] = value;
        }
      }
    }
    return result;
  }

 private:
  void start_epoch() {
    if (options_.shuffle) numpy_shuffle(order_, shuffle_rng_);
    position_ = 0;
    for (auto& accumulator : accumulators_) accumulator.reset();
  }

  // One mini-batch from the current position: (its mean loss, its rows).
  std::pair<double, Index> train_batch() {
    const Index size = std::min(batch_size_, rows_ - position_);
    for (Index i = 0; i < size; ++i) {
      const Index row = order_[static_cast<std::size_t>(position_ + i)];
      xb_.row(i) = x_train_->row(row);
      yb_.row(i) = y_train_->row(row);
    }
    position_ += size;
    const auto x_batch = xb_.topRows(size);
    const auto y_batch = yb_.topRows(size);
    const double batch_loss = model_.forward_backward(x_batch, y_batch, loss_, /*training=*/true);
    const auto output = model_.output();
    for (auto& accumulator : accumulators_) accumulator.update<float>(y_batch, output);
    if (std::isfinite(batch_loss)) optimizer_.step(model_.parameters(), model_.gradients());
    return {batch_loss, size};
  }

  Sequential& model_;
  Optimizer& optimizer_;
  Loss loss_;
  const LRFinderOptions& options_;
  Matrix x_train_split_, y_train_split_, x_val_split_, y_val_split_;  // only with validation_split
  const Matrix* x_train_ = nullptr;
  const Matrix* y_train_ = nullptr;
  const Matrix* x_val_ = nullptr;
  const Matrix* y_val_ = nullptr;
  Index rows_ = 0;
  Index batch_size_ = 0;
  Mt19937 shuffle_rng_;
  std::vector<Index> order_;
  Index position_ = 0;  // next row of order_; rows_ = the epoch is used up
  Matrix xb_;           // (batch, features)
  Matrix yb_;           // (batch, outputs)
  std::vector<MetricAccumulator> accumulators_;
};

// Restores the snapshot when it goes out of scope, however the sweep ended.
class RestoreGuard {
 public:
  RestoreGuard(Sequential& model, Optimizer& optimizer)
      : model_(model), optimizer_(optimizer), snapshot_(take_snapshot(model, optimizer)) {}
  ~RestoreGuard() { restore_snapshot(model_, optimizer_, snapshot_); }
  RestoreGuard(const RestoreGuard&) = delete;
  RestoreGuard& operator=(const RestoreGuard&) = delete;

 private:
  Sequential& model_;
  Optimizer& optimizer_;
  TrainingSnapshot snapshot_;
};

RangeTestCurve sweep(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
                     const LRFinderOptions& options) {
  Sweeper sweeper(model, optimizer, loss, X, y, options);
  return run_range_test([&sweeper](double lr) { return sweeper(lr); }, options.range_test_options());
}

void check_all(const Sequential& model, Loss loss, const Matrix& X, const Matrix& y, const LRFinderOptions& options) {
  options.validate();
  check_data(model, X, y, "LRFinder");
  if (options.x_val != nullptr) check_data(model, *options.x_val, *options.y_val, "LRFinder validation data");
  check_loss_output(loss, model.output_activation());
  if (options.x_val == nullptr && options.validation_split > 0.0) {
    const auto held_out = static_cast<Index>(std::ceil(options.validation_split * static_cast<double>(X.rows())));
    if (held_out < 1 || held_out >= X.rows()) {
      throw std::invalid_argument(fmt::format("LRFinder: validation_split {} of {} rows leaves no training or no "
                                              "validation rows",
                                              options.validation_split, X.rows()));
    }
  }
}

}  // namespace

LRFinder::LRFinder(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
                   LRFinderOptions options)
    : model_(model), optimizer_(optimizer), loss_(loss), X_(X), y_(y), options_(std::move(options)) {
  check_all(model_, loss_, X_, y_, options_);
}

LRFinder::LRFinder(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
                   LRFinderOptions options)
    : model_(model), optimizer_(optimizer), loss_(loss), X_(X), y_owned_(as_column(y)), y_(y_owned_),
      options_(std::move(options)) {
  check_all(model_, loss_, X_, y_, options_);
}

RangeTestCurve LRFinder::run() {
  RestoreGuard guard(model_, optimizer_);
  return sweep(model_, optimizer_, loss_, X_, y_, options_);
}

RepeatedRangeTest run_repeated_lr_finder(const Sequential& prototype, const Optimizer& optimizer, Loss loss,
                                         const Matrix& X, const Matrix& y, const LRFinderOptions& options,
                                         RepeatOptions repeat) {
  check_all(prototype, loss, X, y, options);
  repeat.test = options.range_test_options();
  repeat.validate();
  // Each run owns its model, optimizer and options; the StepFn keeps them alive.
  struct Run {
    Sequential model;
    std::unique_ptr<Optimizer> optimizer;
    LRFinderOptions options;
    std::unique_ptr<Sweeper> sweeper;
  };
  const StepFnFactory factory = [&](std::uint64_t seed) -> StepFn {
    auto run = std::make_shared<Run>(Run{prototype, optimizer.clone(), options, nullptr});
    run->model.initialize(seed);
    run->options.seed = seed;
    run->sweeper = std::make_unique<Sweeper>(run->model, *run->optimizer, loss, X, y, run->options);
    return [run](double lr) { return (*run->sweeper)(lr); };
  };
  return run_repeated_range_test(factory, repeat);
}

RepeatedRangeTest run_repeated_lr_finder(const Sequential& prototype, const Optimizer& optimizer, Loss loss,
                                         const Matrix& X, const Vector& y, const LRFinderOptions& options,
                                         RepeatOptions repeat) {
  const Matrix column = as_column(y);
  return run_repeated_lr_finder(prototype, optimizer, loss, X, column, options, repeat);
}

}  // namespace lrtune
