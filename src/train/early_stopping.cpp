// EarlyStopping with Keras' improvement rule, patience and baseline semantics.
#include "lrtune/train/early_stopping.hpp"

#include <fmt/format.h>
#include <array>
#include <cmath>
#include <stdexcept>

#include "lrtune/core/error.hpp"

namespace lrtune {

bool monitor_maximises(const std::string& monitor, MonitorMode mode) {
  if (mode == MonitorMode::max) return true;
  if (mode == MonitorMode::min) return false;
  static constexpr std::array<std::string_view, 6> kMaximised = {"accuracy", "acc", "auc", "precision", "recall", "f1"};
  for (const auto name : kMaximised) {
    if (monitor.find(name) != std::string::npos) return true;
  }
  return false;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)),
      rule_(options_.patience, options_.min_delta, monitor_maximises(options_.monitor, options_.mode),
            options_.baseline) {
  if (options_.start_from_epoch < 0) {
    throw UsageError(fmt::format("start_from_epoch must be >= 0, got {}", options_.start_from_epoch));
  }
}

void EarlyStopping::on_train_begin(TrainingContext&) {
  rule_.reset();
  best_epoch_ = -1;
  stopped_epoch_ = -1;
  best_weights_.reset();
  restored_ = false;
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) {
  const auto current = logs.find(options_.monitor);
  if (!current) {
    std::string present;
    for (const auto& [name, value] : logs) present += (present.empty() ? "" : ", ") + name;
    throw UsageError(
        fmt::format("EarlyStopping monitors '{}', which the logs do not have (they have: {}); "
                    "monitoring val_ values needs validation data",
                    options_.monitor, present));
  }
  if (epoch < options_.start_from_epoch) return;
  if (options_.restore_best_weights && !best_weights_) best_weights_ = context.model.state();
  const PatienceVerdict verdict = rule_.observe(*current);
  if (verdict == PatienceVerdict::improved) {
    best_epoch_ = epoch;
    if (options_.restore_best_weights) best_weights_ = context.model.state();
    return;
  }
  if (verdict == PatienceVerdict::exhausted && epoch > 0) {
    stopped_epoch_ = epoch;
    context.stop_training = true;
    context.stop_reason = StopReason::early_stopping;
    context.stop_message =
        fmt::format("early stopping at epoch {}: {} did not improve on {:.6g} (epoch {}) for {} epochs", epoch + 1,
                    options_.monitor, rule_.best(), best_epoch_ + 1, rule_.wait());
    restore(context);
  }
}

void EarlyStopping::on_train_end(TrainingContext& context) { restore(context); }

void EarlyStopping::restore(TrainingContext& context) {
  if (!options_.restore_best_weights || !best_weights_ || restored_) return;
  context.model.load_state(*best_weights_);
  context.history.best_epoch = best_epoch_;
  restored_ = true;
}

}  // namespace lrtune
