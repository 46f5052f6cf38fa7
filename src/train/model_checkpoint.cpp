// In-memory best-weights checkpointing.
#include "lrtune/train/model_checkpoint.hpp"

#include <fmt/format.h>
#include <cmath>
#include <stdexcept>

#include "lrtune/core/error.hpp"

namespace lrtune {

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options)
    : options_(std::move(options)), maximise_(monitor_maximises(options_.monitor, options_.mode)) {}

void ModelCheckpoint::on_train_begin(TrainingContext&) {
  state_.reset();
  epoch_ = -1;
  value_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) {
  const auto current = logs.find(options_.monitor);
  if (!current) {
    throw UsageError(fmt::format("ModelCheckpoint monitors '{}', which the logs do not have", options_.monitor));
  }
  const bool better = !std::isnan(*current) && (maximise_ ? *current > value_ : *current < value_);
  if (!options_.save_best_only || better) {
    state_ = context.model.state();
    epoch_ = epoch;
    value_ = *current;
  }
}

const ModelState<float>& ModelCheckpoint::state() const {
  if (!state_) throw std::logic_error("ModelCheckpoint has no saved weights yet");
  return *state_;
}

}  // namespace lrtune
