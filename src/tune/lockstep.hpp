// Private to tune: one unit of the search (a candidate rate x a repeat seed) with early stopping on
// validation loss, its Sequential implementation (own model, optimizer, batch stream, best weights
// kept); and the worker pool that trains a rung's units to an epoch target, spread over the communicator's ranks
// (each unit trains on its owner rank only). Ranking and cutting is halving's job.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
#include "lrtune/train/patience.hpp"

namespace lrtune::detail {

enum class UnitState { running, early_stopped, max_epochs, diverged, cancelled };

struct UnitRules {
  int max_epochs = 100;
  int patience = 10;
  double min_delta = 0.0;
  Index batch_size = 32;
  std::vector<std::string> metrics;
};

// One unit of the search (a candidate rate x a repeat): its epochs' validation losses, early
// stopping on them (fit's EarlyStopping rule) and the best epoch. How an epoch trains and what is
// kept of the best one is the implementation's: TrainingUnit below trains a Sequential,
// TrainerUnit (trainer_unit.hpp) calls a user's EpochTrainer.
class SearchUnit {
 public:
  explicit SearchUnit(const UnitRules& rules);
  virtual ~SearchUnit() = default;
  SearchUnit(const SearchUnit&) = delete;
  SearchUnit& operator=(const SearchUnit&) = delete;

  // Trains whole epochs until `target_epochs` have been trained in all or the unit stops
  // (early stop, max_epochs, divergence, or *cancel raised: then it stops before its next step,
  // and the unfinished epoch is not recorded). `on_epoch` (may be null) is called after each epoch.
  void train_to(int target_epochs, const std::atomic<bool>* cancel, const std::function<void()>* on_epoch = nullptr);
  // The loss of every validation row at the best epoch (the noise-aware pick pairs these between
  // candidates); empty when no epoch had a finite loss or the unit has no per-row losses.
  virtual std::vector<double> best_row_losses() = 0;

  // The rank that trains this unit (the others hold its records only, through adopt()).
  int owner() const { return owner_; }
  void set_owner(int rank) { owner_ = rank; }
  // A unit trained on another rank: takes its state and validation losses and replays the
  // patience rule over them, so best_epoch() and best_validation_loss() are the owner's. What the
  // best epoch keeps (weights, row losses) stays the initial (the owner keeps the trained ones).
  void adopt(UnitState state, const std::vector<double>& validation_losses);

  UnitState state() const { return state_; }
  bool running() const { return state_ == UnitState::running; }
  int epochs() const { return static_cast<int>(validation_losses_.size()); }
  const std::vector<double>& validation_losses() const { return validation_losses_; }  // (epochs,)
  double best_validation_loss() const { return patience_.best(); }                     // +inf before a finite one
  int best_epoch() const { return best_epoch_; }                                       // 1-based; 0 before a finite one

 protected:
  // How one epoch ended: its validation loss, or the state that stopped it before its end
  // (diverged on a training batch, cancelled); the unfinished epoch is not recorded.
  struct EpochEnd {
    UnitState stopped = UnitState::running;
    double validation_loss = 0.0;
  };
  virtual EpochEnd run_epoch(const std::atomic<bool>* cancel) = 0;
  // The epoch just recorded is the best so far: keep what restoring it or the pick needs.
  virtual void keep_best() = 0;

 private:
  void end_epoch(double validation_loss, bool keep = true);

  UnitRules rules_;
  std::vector<double> validation_losses_;
  Patience patience_;  // fit's EarlyStopping rule: improvement by > min_delta, patience
  int best_epoch_ = 0;
  UnitState state_ = UnitState::running;
  int owner_ = 0;
};

// A unit another rank trains: it holds the records adopt() gives it and nothing of a training (no
// model, optimizer or data), so a rank's memory grows with the units it owns, not with the search.
// Training it here is a logic error.
class RecordUnit final : public SearchUnit {
 public:
  explicit RecordUnit(const UnitRules& rules) : SearchUnit(rules) {}
  std::vector<double> best_row_losses() override { return {}; }  // the owner's are gathered

 private:
  EpochEnd run_epoch(const std::atomic<bool>* cancel) override;
  void keep_best() override {}
};

// The Tuner's unit: a Sequential with its own optimizer and batch stream, the best weights kept.
// Not movable (the trainer holds references to the model and optimizer): keep it in a unique_ptr.
class TrainingUnit final : public SearchUnit {
 public:
  // model = prototype with initialize(seed); optimizer = a clone at `learning_rate`; batches
  // shuffled from `seed` exactly as fit(seed) with explicit validation data would. X, y, x_val,
  // y_val are referenced and must outlive the unit.
  TrainingUnit(const Sequential& prototype, const Optimizer& optimizer, double learning_rate, Loss loss,
               const Matrix& X, const Matrix& y, const Matrix& x_val, const Matrix& y_val, std::uint64_t seed,
               const UnitRules& rules);

  // Loads the best epoch's weights (the initial ones when no epoch had a finite validation loss).
  void restore_best() { model_.load_state(best_state_); }
  // Restores the best weights and returns the loss of every validation row under them.
  std::vector<double> best_row_losses() override;
  const Sequential& model() const { return model_; }

 private:
  EpochEnd run_epoch(const std::atomic<bool>* cancel) override;
  void keep_best() override { best_state_ = model_.state(); }

  Loss loss_;
  const Matrix& x_val_;
  const Matrix& y_val_;
  Sequential model_;
  std::unique_ptr<Optimizer> optimizer_;
  MiniBatchTrainer trainer_;
  ModelState<float> best_state_;
};

// Trains each unit to `target_epochs` on core's parallel_for (0 threads = one per core). The units
// are independent, so the outcome does not depend on the thread count. Returns the threads used.
// `on_epoch` (may be null) is called from the workers after each unit's epoch, concurrently.
std::size_t train_in_lockstep(const std::vector<SearchUnit*>& units, int target_epochs, std::size_t threads,
                              const std::atomic<bool>* cancel, const std::function<void()>* on_epoch = nullptr);

// train_in_lockstep over the units this rank owns, then every rank adopts the others' records
// (one allgather), so all ranks hold the same states and losses and make the same decisions.
// Returns whether the search was cancelled on any rank (with one rank: *cancel). `on_epoch` counts
// this rank's epochs only.
bool train_spread(const std::vector<SearchUnit*>& units, int target_epochs, std::size_t threads,
                  const std::atomic<bool>* cancel, const Communicator& communicator,
                  const std::function<void()>* on_epoch = nullptr);

}  // namespace lrtune::detail
