// In-memory snapshot of everything training changes: the model's weights (and dropout RNG)
// and the optimizer's state (moments, step counter, learning rate). Files are io's business.
#pragma once

#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct TrainingSnapshot {
  ModelState<float> model;
  OptimizerState optimizer;
  bool operator==(const TrainingSnapshot&) const = default;
};

inline TrainingSnapshot take_snapshot(const Sequential& model, const Optimizer& optimizer) {
  return {model.state(), optimizer.state()};
}

inline void restore_snapshot(Sequential& model, Optimizer& optimizer, const TrainingSnapshot& snapshot) {
  model.load_state(snapshot.model);
  optimizer.load_state(snapshot.optimizer);
}

}  // namespace lrtune
