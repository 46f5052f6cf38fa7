// Training units (rate x seed) epoch by epoch with early stopping and best weights, spread over
// worker threads a rung at a time. Which units train, and how long, is the Tuner's decision.
#include "lockstep.hpp"

#include "lrtune/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lrtune::detail {

namespace {

MiniBatchOptions unit_batching(const UnitRules& rules, const Matrix& x_val, const Matrix& y_val, std::uint64_t seed) {
  MiniBatchOptions o;
  o.batch_size = rules.batch_size;
  o.seed = seed;
  o.x_val = &x_val;
  o.y_val = &y_val;
  o.metrics = rules.metrics;
  o.skip_non_finite_updates = true;  // a non-finite batch ends the unit; its update is not applied
  return o;
}

Sequential initialized(const Sequential& prototype, std::uint64_t seed) {
  Sequential model = prototype;
  model.initialize(seed);
  return model;
}

std::unique_ptr<Optimizer> at_rate(const Optimizer& optimizer, double learning_rate) {
  auto clone = optimizer.clone();
  clone->set_learning_rate(learning_rate);
  return clone;
}

}  // namespace

TrainingUnit::TrainingUnit(const Sequential& prototype, const Optimizer& optimizer, double learning_rate, Loss loss,
                           const Matrix& X, const Matrix& y, const Matrix& x_val, const Matrix& y_val,
                           std::uint64_t seed, const UnitRules& rules)
    : rules_(rules),
      loss_(loss),
      x_val_(x_val),
      y_val_(y_val),
      model_(initialized(prototype, seed)),
      optimizer_(at_rate(optimizer, learning_rate)),
      trainer_(model_, *optimizer_, loss, X, y, unit_batching(rules, x_val, y_val, seed)),
      patience_(rules.patience, rules.min_delta),
      best_state_(model_.state()) {}

void TrainingUnit::train_to(int target_epochs, const std::atomic<bool>* cancel, const std::function<void()>* on_epoch) {
  while (running() && epochs() < target_epochs) {
    trainer_.start_epoch();
    while (!trainer_.epoch_finished()) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        state_ = UnitState::cancelled;
        return;
      }
      if (!std::isfinite(trainer_.train_batch().loss)) {
        state_ = UnitState::diverged;
        return;
      }
    }
    end_epoch(trainer_.validate().at("loss"));
    if (on_epoch != nullptr) (*on_epoch)();
  }
}

void TrainingUnit::end_epoch(double validation_loss) {
  validation_losses_.push_back(validation_loss);
  if (!std::isfinite(validation_loss)) {
    state_ = UnitState::diverged;
    return;
  }
  // fit's EarlyStopping rule: the best weights are those of the last improvement.
  const PatienceVerdict verdict = patience_.observe(validation_loss);
  if (verdict == PatienceVerdict::improved) {
    best_epoch_ = epochs();
    best_state_ = model_.state();
  } else if (verdict == PatienceVerdict::exhausted) {
    state_ = UnitState::early_stopped;
    return;
  }
  if (epochs() >= rules_.max_epochs) state_ = UnitState::max_epochs;
}

std::vector<double> TrainingUnit::best_row_losses() {
  if (best_epoch_ == 0) return {};
  restore_best();
  std::vector<double> rows;
  rows.reserve(static_cast<std::size_t>(x_val_.rows()));
  constexpr Index kChunk = 1024;  // bounds the forward workspace, which never shrinks
  for (Index start = 0; start < x_val_.rows(); start += kChunk) {
    const Index n = std::min(kChunk, x_val_.rows() - start);
    const auto logits = model_.forward(x_val_.middleRows(start, n), /*training=*/false);
    const auto part = row_losses<float>(loss_, model_.output_activation(), logits, y_val_.middleRows(start, n));
    rows.insert(rows.end(), part.begin(), part.end());
  }
  return rows;
}

std::size_t train_in_lockstep(const std::vector<TrainingUnit*>& units, int target_epochs, std::size_t threads,
                              const std::atomic<bool>* cancel, const std::function<void()>* on_epoch) {
  return parallel_for(units.size(), threads,
                      [&](std::size_t i) { units[i]->train_to(target_epochs, cancel, on_epoch); });
}

}  // namespace lrtune::detail
