// The engine-backed range test: a step function that trains a Sequential one mini-batch or one
// epoch at a time with fit's exact batching, handed to the generic run_range_test, with the model
// and optimizer snapshotted before and restored after. No I/O.
#include "lrtune/finder/lr_finder.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
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
  o.divergence =
      divergence.value_or(mode == CurveMode::per_epoch ? DivergenceRule{.enabled = false} : DivergenceRule{});
  o.suggest = suggest;
  o.cancel = cancel;
  o.callbacks = callbacks;
  return o;
}

void LRFinderOptions::validate() const {
  validate_mini_batch_options(mini_batch_options(*this, /*skip_non_finite_updates=*/true), "finder ");
  range_test_options().validate();
}

namespace {

// One range-test point per call: a whole epoch (per-epoch mode) or one mini-batch (per-step
// mode, starting a new reshuffled epoch when the last one is used up), batched exactly as fit.
class Sweeper {
 public:
  Sweeper(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
          const LRFinderOptions& options)
      : optimizer_(optimizer),
        mode_(options.mode),
        trainer_(model, optimizer, loss, X, y, mini_batch_options(options, /*skip_non_finite_updates=*/true)) {}

  StepResult operator()(double lr) {
    optimizer_.set_learning_rate(lr);
    if (mode_ == CurveMode::per_epoch) {
      trainer_.start_epoch();
      while (!trainer_.epoch_finished()) {
        if (!std::isfinite(trainer_.train_batch().loss)) break;  // fit stops here too; the mean is non-finite
      }
    } else {
      if (trainer_.epoch_finished()) trainer_.start_epoch();
      trainer_.reset_running_means();
      trainer_.train_batch();
    }
    StepResult result;
    for (const auto& [name, value] : trainer_.running_logs()) {
      if (name == "loss") {
        result.loss = value;
      } else {
        result.metrics[name] = value;
      }
    }
    if (trainer_.has_validation() && std::isfinite(result.loss)) {
      for (const auto& [name, value] : trainer_.validate()) {
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
  Optimizer& optimizer_;
  CurveMode mode_;
  MiniBatchTrainer trainer_;
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
  check_training_data(model, X, y, "LRFinder");
  if (options.x_val != nullptr) check_training_data(model, *options.x_val, *options.y_val, "LRFinder validation data");
  check_loss_output(loss, model.output_activation());
  if (options.x_val == nullptr && options.validation_split > 0.0) {
    const auto held_out = static_cast<Index>(std::ceil(options.validation_split * static_cast<double>(X.rows())));
    if (held_out < 1 || held_out >= X.rows()) {
      throw UsageError(
          fmt::format("LRFinder: validation_split {} of {} rows leaves no training or no "
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
    : model_(model),
      optimizer_(optimizer),
      loss_(loss),
      X_(X),
      y_owned_(as_column(y)),
      y_(y_owned_),
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
  return run_repeated_lr_finder(prototype, optimizer, loss, X, column, options, std::move(repeat));
}

}  // namespace lrtune
