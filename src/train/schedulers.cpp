// Learning-rate scheduling callbacks: epoch-level (Keras) and step-level.
#include "lrtune/train/schedulers.hpp"

#include <fmt/format.h>
#include <cmath>
#include <stdexcept>

#include "lrtune/core/error.hpp"

namespace lrtune {
namespace {
double checked_rate(double rate, std::string_view where) {
  if (!(std::isfinite(rate) && rate > 0.0)) {
    throw UsageError(fmt::format("{} returned learning rate {}; it must be finite and > 0", where, rate));
  }
  return rate;
}
}  // namespace

void LearningRateScheduler::on_epoch_begin(int epoch, TrainingContext& context) {
  context.optimizer.set_learning_rate(
      checked_rate(schedule_(epoch, context.optimizer.learning_rate()), "LearningRateScheduler"));
}

void StepScheduler::on_batch_begin(std::int64_t step, TrainingContext& context) {
  context.optimizer.set_learning_rate(checked_rate(learning_rate_(step), "StepScheduler"));
  if (momentum_) context.optimizer.set_momentum(momentum_(step));
}

}  // namespace lrtune
