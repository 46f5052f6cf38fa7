// Training units (rate x seed) epoch by epoch with early stopping and best weights, spread over
// worker threads a rung at a time. Which units train, and how long, is the Tuner's decision.
#include "lockstep.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <thread>

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
      best_(std::numeric_limits<double>::infinity()),
      best_state_(model_.state()),
      reference_(std::numeric_limits<double>::infinity()) {}

void TrainingUnit::train_to(int target_epochs, const std::atomic<bool>* cancel) {
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
  }
}

void TrainingUnit::end_epoch(double validation_loss) {
  validation_losses_.push_back(validation_loss);
  if (!std::isfinite(validation_loss)) {
    state_ = UnitState::diverged;
    return;
  }
  if (validation_loss < best_) {
    best_ = validation_loss;
    best_epoch_ = epochs();
    best_state_ = model_.state();
  }
  // Keras' EarlyStopping rule: an epoch counts as an improvement when it beats the reference by
  // more than min_delta; patience epochs in a row without one stop the unit.
  if (validation_loss + rules_.min_delta < reference_) {
    reference_ = validation_loss;
    wait_ = 0;
  } else if (++wait_ >= rules_.patience) {
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

std::size_t worker_count(std::size_t threads, std::size_t work) {
  if (threads == 0) threads = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(threads, work));
}

std::size_t train_in_lockstep(const std::vector<TrainingUnit*>& units, int target_epochs, std::size_t threads,
                              const std::atomic<bool>* cancel) {
  const std::size_t n = units.size();
  const std::size_t workers = worker_count(threads, n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        units[i]->train_to(target_epochs, cancel);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return workers;
}

}  // namespace lrtune::detail
