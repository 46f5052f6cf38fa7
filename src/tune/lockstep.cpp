// Search units (rate x seed) epoch by epoch with early stopping, the Sequential unit with its best
// weights, and the units spread over worker threads a rung at a time. Which units train, and how
// long, is the search's decision (search_core.cpp).
#include "lockstep.hpp"

#include "lrtune/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>

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

SearchUnit::SearchUnit(const UnitRules& rules) : rules_(rules), patience_(rules.patience, rules.min_delta) {}

void SearchUnit::train_to(int target_epochs, const std::atomic<bool>* cancel, const std::function<void()>* on_epoch) {
  while (running() && epochs() < target_epochs) {
    const EpochEnd epoch = run_epoch(cancel);
    if (epoch.stopped != UnitState::running) {
      state_ = epoch.stopped;
      return;
    }
    end_epoch(epoch.validation_loss);
    if (on_epoch != nullptr) (*on_epoch)();
  }
}

void SearchUnit::adopt(UnitState state, const std::vector<double>& validation_losses) {
  patience_.reset();
  validation_losses_.clear();
  best_epoch_ = 0;
  state_ = UnitState::running;
  for (double loss : validation_losses) end_epoch(loss, /*keep=*/false);
  state_ = state;  // a training batch's divergence or a cancel is not in the losses
}

void SearchUnit::end_epoch(double validation_loss, bool keep) {
  validation_losses_.push_back(validation_loss);
  if (!std::isfinite(validation_loss)) {
    state_ = UnitState::diverged;
    return;
  }
  // fit's EarlyStopping rule: the best weights are those of the last improvement.
  const PatienceVerdict verdict = patience_.observe(validation_loss);
  if (verdict == PatienceVerdict::improved) {
    best_epoch_ = epochs();
    if (keep) keep_best();
  } else if (verdict == PatienceVerdict::exhausted) {
    state_ = UnitState::early_stopped;
    return;
  }
  if (epochs() >= rules_.max_epochs) state_ = UnitState::max_epochs;
}

SearchUnit::EpochEnd RecordUnit::run_epoch(const std::atomic<bool>* /*cancel*/) {
  throw std::logic_error("RecordUnit: a unit owned by another rank was asked to train here");
}

TrainingUnit::TrainingUnit(const Sequential& prototype, const Optimizer& optimizer, double learning_rate, Loss loss,
                           const Matrix& X, const Matrix& y, const Matrix& x_val, const Matrix& y_val,
                           std::uint64_t seed, const UnitRules& rules)
    : SearchUnit(rules),
      loss_(loss),
      x_val_(x_val),
      y_val_(y_val),
      model_(initialized(prototype, seed)),
      optimizer_(at_rate(optimizer, learning_rate)),
      trainer_(model_, *optimizer_, loss, X, y, unit_batching(rules, x_val, y_val, seed)),
      best_state_(model_.state()) {}

SearchUnit::EpochEnd TrainingUnit::run_epoch(const std::atomic<bool>* cancel) {
  trainer_.start_epoch();
  while (!trainer_.epoch_finished()) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return {.stopped = UnitState::cancelled};
    if (!std::isfinite(trainer_.train_batch().loss)) return {.stopped = UnitState::diverged};
  }
  return {.validation_loss = trainer_.validate().at("loss")};
}

std::vector<double> TrainingUnit::best_row_losses() {
  if (best_epoch() == 0) return {};
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

std::size_t train_in_lockstep(const std::vector<SearchUnit*>& units, int target_epochs, std::size_t threads,
                              const std::atomic<bool>* cancel, const std::function<void()>* on_epoch) {
  return parallel_for(units.size(), threads,
                      [&](std::size_t i) { units[i]->train_to(target_epochs, cancel, on_epoch); });
}

bool train_spread(const std::vector<SearchUnit*>& units, int target_epochs, std::size_t threads,
                  const std::atomic<bool>* cancel, const Communicator& communicator,
                  const std::function<void()>* on_epoch) {
  std::vector<SearchUnit*> mine;
  for (SearchUnit* u : units)
    if (u->owner() == communicator.rank()) mine.push_back(u);
  train_in_lockstep(mine, target_epochs, threads, cancel, on_epoch);
  const bool cancelled_here = cancel != nullptr && cancel->load();
  if (communicator.size() == 1) return cancelled_here;
  // Each rank's records in the order of `units`, so a reader per rank reads them back in order.
  ByteWriter w;
  w.put<std::uint8_t>(cancelled_here ? 1 : 0);
  for (const SearchUnit* u : mine) {
    w.put<std::int32_t>(static_cast<std::int32_t>(u->state()));
    w.put_span(std::span<const double>(u->validation_losses()));
  }
  const std::vector<Bytes> all = communicator.allgather(w.take());
  std::vector<ByteReader> readers(all.begin(), all.end());
  bool cancelled_anywhere = false;
  for (ByteReader& r : readers) cancelled_anywhere = r.get<std::uint8_t>() != 0 || cancelled_anywhere;
  for (SearchUnit* u : units) {
    ByteReader& r = readers.at(static_cast<std::size_t>(u->owner()));
    const auto state = static_cast<UnitState>(r.get<std::int32_t>());
    const std::vector<double> losses = r.get_vector<double>();
    if (u->owner() != communicator.rank()) u->adopt(state, losses);
  }
  return cancelled_anywhere;
}

}  // namespace lrtune::detail
