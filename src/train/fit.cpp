// The training loop: seeded batches, forward/backward, optimizer step, batch-weighted epoch
// means of loss and metrics (Keras semantics), validation, callbacks, stop rules.
#include "lrtune/train/fit.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <span>
#include <stdexcept>

#include "lrtune/core/random.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/nn/metrics.hpp"

namespace lrtune {
namespace {

void check_data(const Sequential& model, const Matrix& X, const Matrix& y, std::string_view what) {
  if (X.rows() == 0) throw std::invalid_argument(fmt::format("{}: no rows", what));
  if (X.cols() != model.input_dim()) {
    throw std::invalid_argument(fmt::format("{}: X has {} columns but the model expects {} features", what,
                                            X.cols(), model.input_dim()));
  }
  if (y.rows() != X.rows() || y.cols() != model.output_dim()) {
    throw std::invalid_argument(fmt::format("{}: y is ({}, {}) but must be ({}, {}) to match X and the model's outputs",
                                            what, y.rows(), y.cols(), X.rows(), model.output_dim()));
  }
}

void check_options(const FitOptions& options) {
  if (options.epochs < 1) throw std::invalid_argument(fmt::format("epochs must be >= 1, got {}", options.epochs));
  if (options.batch_size < 1) {
    throw std::invalid_argument(fmt::format("batch_size must be >= 1, got {}", options.batch_size));
  }
  if (options.validation_batch_size < 1) {
    throw std::invalid_argument(fmt::format("validation_batch_size must be >= 1, got {}", options.validation_batch_size));
  }
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0)) {
    throw std::invalid_argument(fmt::format("validation_split must be in [0, 1), got {}", options.validation_split));
  }
  if ((options.x_val == nullptr) != (options.y_val == nullptr)) {
    throw std::invalid_argument("validation data needs both x_val and y_val");
  }
}

Matrix gather_rows(const Matrix& source, const std::vector<Index>& rows) {
  Matrix out(static_cast<Index>(rows.size()), source.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = source.row(rows[i]);
  return out;
}

std::vector<MetricAccumulator> make_accumulators(const std::vector<std::string>& names, Index outputs) {
  std::vector<MetricAccumulator> accumulators;
  accumulators.reserve(names.size());
  for (const auto& name : names) accumulators.emplace_back(metric_from_name(name, outputs));
  return accumulators;
}

// Rows of the data fit trains on and validates with, after an optional seeded split.
struct FitData {
  Matrix x_train_split, y_train_split, x_val_split, y_val_split;  // owned only when split here
  const Matrix* x_train = nullptr;
  const Matrix* y_train = nullptr;
  const Matrix* x_val = nullptr;
  const Matrix* y_val = nullptr;
};

FitData prepare_data(const Matrix& X, const Matrix& y, const FitOptions& options) {
  FitData data;
  data.x_train = &X;
  data.y_train = &y;
  if (options.x_val != nullptr) {
    data.x_val = options.x_val;
    data.y_val = options.y_val;
  } else if (options.validation_split > 0.0) {
    const auto seed = static_cast<std::uint32_t>(options.validation_seed.value_or(options.seed));
    const SplitIndices split = train_test_split_indices(X.rows(), options.validation_split, seed);
    data.x_train_split = gather_rows(X, split.train);
    data.y_train_split = gather_rows(y, split.train);
    data.x_val_split = gather_rows(X, split.test);
    data.y_val_split = gather_rows(y, split.test);
    data.x_train = &data.x_train_split;
    data.y_train = &data.y_train_split;
    data.x_val = &data.x_val_split;
    data.y_val = &data.y_val_split;
  }
  return data;
}

}  // namespace

Logs evaluate(Sequential& model, Loss loss, const Matrix& X, const Matrix& y, const std::vector<std::string>& metrics,
              Index batch_size) {
  check_data(model, X, y, "evaluate");
  if (batch_size < 1) throw std::invalid_argument(fmt::format("batch_size must be >= 1, got {}", batch_size));
  check_loss_output(loss, model.output_activation());
  std::vector<MetricAccumulator> accumulators = make_accumulators(metrics, model.output_dim());
  WeightedMean mean_loss;
  for (Index start = 0; start < X.rows(); start += batch_size) {
    const Index rows = std::min(batch_size, X.rows() - start);
    const auto xb = X.middleRows(start, rows);
    const auto yb = y.middleRows(start, rows);
    const auto logits = model.forward(xb, /*training=*/false);
    mean_loss.add(loss_value<float>(loss, model.output_activation(), logits, yb), static_cast<double>(rows));
    const auto output = model.output();
    for (auto& accumulator : accumulators) accumulator.update<float>(yb, output);
  }
  Logs logs;
  logs.set("loss", mean_loss.result());
  for (std::size_t i = 0; i < metrics.size(); ++i) logs.set(metrics[i], accumulators[i].result());
  return logs;
}

History fit(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
            const FitOptions& options) {
  check_options(options);
  check_data(model, X, y, "fit");
  if (options.x_val != nullptr) check_data(model, *options.x_val, *options.y_val, "fit validation data");
  check_loss_output(loss, model.output_activation());

  const FitData data = prepare_data(X, y, options);
  const Matrix& x_train = *data.x_train;
  const Matrix& y_train = *data.y_train;
  const Index rows = x_train.rows();
  const Index batch_size = std::min(options.batch_size, rows);
  const std::int64_t steps_per_epoch = (rows + batch_size - 1) / batch_size;

  History history;
  TrainingContext context{model, optimizer, history, options.epochs, steps_per_epoch};
  std::vector<MetricAccumulator> accumulators = make_accumulators(options.metrics, model.output_dim());

  Mt19937 shuffle_rng(static_cast<std::uint32_t>(options.seed));
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  Matrix yb(batch_size, y_train.cols());  // (batch, outputs): the batch's targets, for the metrics

  const auto started = std::chrono::steady_clock::now();
  for (Callback* callback : options.callbacks) callback->on_train_begin(context);

  for (int epoch = 0; epoch < options.epochs && !context.stop_training; ++epoch) {
    context.epoch = epoch;
    for (Callback* callback : options.callbacks) callback->on_epoch_begin(epoch, context);
    if (options.shuffle) numpy_shuffle(order, shuffle_rng);
    WeightedMean epoch_loss;
    for (auto& accumulator : accumulators) accumulator.reset();
    bool cancelled = false;

    for (Index start = 0; start < rows; start += batch_size) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        cancelled = true;
        break;
      }
      const Index size = std::min(batch_size, rows - start);
      const std::span<const Index> batch_rows(order.data() + start, static_cast<std::size_t>(size));
      for (Index i = 0; i < size; ++i) yb.row(i) = y_train.row(batch_rows[static_cast<std::size_t>(i)]);
      for (Callback* callback : options.callbacks) callback->on_batch_begin(context.step, context);
      const auto y_batch = yb.topRows(size);
      const double batch_loss = model.forward_backward(x_train, y_train, batch_rows, loss, /*training=*/true);
      const bool finite = std::isfinite(batch_loss);
      epoch_loss.add(batch_loss, static_cast<double>(size));
      // Metrics of the predictions made before this batch's update, as Keras logs them.
      const auto output = model.output();
      for (auto& accumulator : accumulators) accumulator.update<float>(y_batch, output);
      if (finite || !options.terminate_on_nan) optimizer.step(model.parameters(), model.gradients());

      Logs batch_logs;
      batch_logs.set("loss", batch_loss);
      batch_logs.set("size", static_cast<double>(size));
      for (Callback* callback : options.callbacks) callback->on_batch_end(context.step, batch_logs, context);
      ++context.step;
      if (!finite && options.terminate_on_nan) {
        context.stop_training = true;
        context.stop_reason = StopReason::non_finite_loss;
        context.stop_message = fmt::format("batch loss became {} at epoch {}, step {} (learning rate {:.4g}); "
                                           "training stopped, the update of that batch was not applied",
                                           batch_loss, epoch + 1, context.step, optimizer.learning_rate());
      }
      if (context.stop_training) break;
    }
    if (cancelled) {
      context.stop_training = true;
      context.stop_reason = StopReason::cancelled;
      context.stop_message = fmt::format("cancelled during epoch {}; {} finished epochs kept", epoch + 1, history.size());
      break;
    }

    Logs logs;
    logs.set("loss", epoch_loss.result());
    for (std::size_t i = 0; i < accumulators.size(); ++i) logs.set(options.metrics[i], accumulators[i].result());
    if (data.x_val != nullptr) {
      const Logs validation =
          evaluate(model, loss, *data.x_val, *data.y_val, options.metrics, options.validation_batch_size);
      for (const auto& [name, value] : validation) logs.set("val_" + name, value);
    }
    logs.set("lr", optimizer.learning_rate());
    history.append(epoch, logs);
    for (Callback* callback : options.callbacks) callback->on_epoch_end(epoch, logs, context);
  }

  if (context.stop_training) {
    history.stop_reason = context.stop_reason;
    history.stop_message = context.stop_message;
  }
  for (Callback* callback : options.callbacks) callback->on_train_end(context);
  history.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return history;
}

Matrix as_column(const Vector& y) {
  Matrix column(y.size(), 1);
  column.col(0) = y;
  return column;
}

History fit(Sequential& model, Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
            const FitOptions& options) {
  return fit(model, optimizer, loss, X, as_column(y), options);
}

Logs evaluate(Sequential& model, Loss loss, const Matrix& X, const Vector& y, const std::vector<std::string>& metrics,
              Index batch_size) {
  return evaluate(model, loss, X, as_column(y), metrics, batch_size);
}

}  // namespace lrtune
