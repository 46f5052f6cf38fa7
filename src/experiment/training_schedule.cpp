// One training's per-step schedule: fastai's fit_one_cycle defaults, or PyTorch's CosineAnnealingLR.
#include "lrtune/experiment/training_schedule.hpp"

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

std::optional<Schedule> training_schedule(TrainingSchedule kind, double rate, std::int64_t total_steps,
                                          bool cycle_momentum) {
  switch (kind) {
    case TrainingSchedule::constant: return std::nullopt;
    case TrainingSchedule::one_cycle: {
      // fastai's fit_one_cycle: pct_start 0.25, div 25, div_final 1e5, moms (0.95, 0.85, 0.95).
      // Its warm-up must be at least one step long: 0.25 * total_steps - 1 > 0.
      constexpr std::int64_t kFewestSteps = 5;
      if (total_steps < kFewestSteps)
        throw UsageError(
            fmt::format("the one-cycle schedule needs at least {} optimizer steps (epochs x batches per "
                        "epoch), got {}; train more epochs or use a smaller batch size",
                        kFewestSteps, total_steps));
      return Schedule(OneCycleSchedule{.max_rate = rate,
                                       .total_steps = total_steps,
                                       .pct_start = 0.25,
                                       .anneal = Anneal::cosine,
                                       .cycle_momentum = cycle_momentum,
                                       .base_momentum = 0.85,
                                       .max_momentum = 0.95,
                                       .div_factor = 25.0,
                                       .final_div_factor = 1e5});
    }
    case TrainingSchedule::cosine:
      // CosineAnnealingLR(T_max = total_steps, eta_min = 0), stepped once per batch: the last
      // step's rate is rate (1 + cos(pi (T - 1) / T)) / 2, small but above 0.
      return Schedule(WarmupCosineSchedule{.peak = rate, .warmup_steps = 0, .total_steps = total_steps});
  }
  return std::nullopt;
}

void TrainingScheduler::on_train_begin(TrainingContext& context) {
  const std::int64_t total = static_cast<std::int64_t>(context.epochs) * context.steps_per_epoch;
  schedule_ = training_schedule(kind_, rate_, total, context.optimizer.has_momentum());
}

void TrainingScheduler::on_batch_begin(std::int64_t step, TrainingContext& context) {
  if (!schedule_) return;
  context.optimizer.set_learning_rate(schedule_->learning_rate(step));
  if (const auto momentum = schedule_->momentum(step)) context.optimizer.set_momentum(*momentum);
}

}  // namespace lrtune
