// Callbacks that set the optimizer's learning rate (and momentum) from a schedule:
// Keras' LearningRateScheduler, once per epoch from (epoch, current lr), and a step-level
// scheduler for schedules that are functions of the optimizer step (1cycle, cyclical, warm-up).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "lrtune/train/callback.hpp"

namespace lrtune {

// Keras' LearningRateScheduler: at the start of each epoch, lr = schedule(epoch, current lr).
class LearningRateScheduler final : public Callback {
 public:
  using Function = std::function<double(int epoch, double learning_rate)>;
  explicit LearningRateScheduler(Function schedule) : schedule_(std::move(schedule)) {}
  void on_epoch_begin(int epoch, TrainingContext& context) override;

 private:
  Function schedule_;
};

// Before each optimizer step, lr = learning_rate(step) and, when given, momentum = momentum(step)
// (1cycle cycles momentum inversely to the rate). Steps count from 0 within this fit.
class StepScheduler final : public Callback {
 public:
  using Function = std::function<double(std::int64_t step)>;
  explicit StepScheduler(Function learning_rate, Function momentum = nullptr)
      : learning_rate_(std::move(learning_rate)), momentum_(std::move(momentum)) {}
  void on_batch_begin(std::int64_t step, TrainingContext& context) override;

 private:
  Function learning_rate_;
  Function momentum_;
};

}  // namespace lrtune
