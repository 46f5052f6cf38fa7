// The training loop: epochs of MiniBatchTrainer batches with Keras' callbacks, validation,
// logs and stop rules (non-finite loss, callbacks' early stop, the caller's cancel flag).
#include "lrtune/train/fit.hpp"

#include <fmt/format.h>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "lrtune/core/error.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"

namespace lrtune {

Logs evaluate(Sequential& model, Loss loss, const Matrix& X, const Matrix& y, const std::vector<std::string>& metrics,
              Index batch_size) {
  check_training_data(model, X, y, "evaluate");
  if (batch_size < 1) throw UsageError(fmt::format("batch_size must be >= 1, got {}", batch_size));
  check_loss_output(loss, model.output_activation());
  std::vector<MetricAccumulator> accumulators;
  accumulators.reserve(metrics.size());
  for (const auto& name : metrics) accumulators.emplace_back(metric_from_name(name, model.output_dim()));
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
  if (options.epochs < 1) throw UsageError(fmt::format("epochs must be >= 1, got {}", options.epochs));
  MiniBatchTrainer trainer(model, optimizer, loss, X, y, mini_batch_options(options, options.terminate_on_nan));

  History history;
  TrainingContext context{model, optimizer, history, options.epochs, trainer.steps_per_epoch()};
  const auto started = std::chrono::steady_clock::now();
  for (Callback* callback : options.callbacks) callback->on_train_begin(context);

  for (int epoch = 0; epoch < options.epochs && !context.stop_training; ++epoch) {
    context.epoch = epoch;
    for (Callback* callback : options.callbacks) callback->on_epoch_begin(epoch, context);
    trainer.start_epoch();
    bool cancelled = false;
    while (!trainer.epoch_finished()) {
      if (trainer.any_rank(options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed))) {
        cancelled = true;
        break;
      }
      for (Callback* callback : options.callbacks) callback->on_batch_begin(context.step, context);
      const MiniBatchTrainer::Batch batch = trainer.train_batch();
      Logs batch_logs;
      batch_logs.set("loss", batch.loss);
      batch_logs.set("size", static_cast<double>(batch.size));
      for (Callback* callback : options.callbacks) callback->on_batch_end(context.step, batch_logs, context);
      ++context.step;
      if (!std::isfinite(batch.loss) && options.terminate_on_nan) {
        context.stop_training = true;
        context.stop_reason = StopReason::non_finite_loss;
        context.stop_message = fmt::format(
            "batch loss became {} at epoch {}, step {} (learning rate {:.4g}); "
            "training stopped, the update of that batch was not applied",
            std::isnan(batch.loss) ? "nan" : fmt::format("{}", batch.loss), epoch + 1, context.step,
            optimizer.learning_rate());  // "nan", never "-nan"
      }
      if (context.stop_training) break;
    }
    if (cancelled) {
      context.stop_training = true;
      context.stop_reason = StopReason::cancelled;
      context.stop_message =
          fmt::format("cancelled during epoch {}; {} finished epochs kept", epoch + 1, history.size());
      break;
    }

    Logs logs = trainer.running_logs();
    if (trainer.has_validation()) {
      for (const auto& [name, value] : trainer.validate()) logs.set("val_" + name, value);
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
