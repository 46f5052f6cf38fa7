// The schedule one training of the experiment follows (ComparisonOptions::schedule) as a fit
// callback: fastai's fit_one_cycle or PyTorch's per-step cosine annealing from the training's rate.
// The schedules themselves are optim/schedules.hpp's pure functions; this only sizes and asks them.
#pragma once

#include <cstdint>
#include <optional>

#include "lrtune/experiment/comparison_options.hpp"
#include "lrtune/optim/schedules.hpp"
#include "lrtune/train/callback.hpp"

namespace lrtune {

// The per-step schedule of `kind` at `rate` over `total_steps` optimizer steps; nullopt for
// constant. one_cycle needs at least 5 steps (each of its phases one step long) and throws a
// UsageError saying so; `cycle_momentum` is whether the optimizer has a momentum to cycle.
std::optional<Schedule> training_schedule(TrainingSchedule kind, double rate, std::int64_t total_steps,
                                          bool cycle_momentum);

// Sizes the schedule when fit starts (its epochs x steps per epoch) and sets the optimizer's rate
// (and, for one_cycle, its momentum) before every step, so the history's lr column holds the rate
// of each epoch's last step.
class TrainingScheduler final : public Callback {
 public:
  TrainingScheduler(TrainingSchedule kind, double rate) : kind_(kind), rate_(rate) {}
  void on_train_begin(TrainingContext& context) override;
  void on_batch_begin(std::int64_t step, TrainingContext& context) override;

 private:
  TrainingSchedule kind_;
  double rate_;
  std::optional<Schedule> schedule_;
};

}  // namespace lrtune
