// The callback interface of fit (Keras' Callback): hooks at the start and end of training,
// of each epoch and of each batch. Callbacks see the model and optimizer through the context
// and may ask training to stop; they never own the terminal unless the caller hands them a stream.
#pragma once

#include <cstdint>

#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/train/history.hpp"
#include "lrtune/train/logs.hpp"

namespace lrtune {

// What fit shares with its callbacks while it runs.
struct TrainingContext {
  Sequential& model;
  Optimizer& optimizer;
  History& history;
  int epochs = 0;  // epochs requested
  std::int64_t steps_per_epoch = 0;
  int epoch = 0;          // current epoch, 0-based
  std::int64_t step = 0;  // optimizer steps taken in this fit, 0-based index of the current one
  // Set by a callback: fit stops after the current batch (from an epoch hook: after that epoch);
  // a partial epoch is logged, as Keras does.
  bool stop_training = false;
  StopReason stop_reason = StopReason::early_stopping;  // what a callback's stop means
  std::string stop_message;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(TrainingContext&) {}
  // Before the first batch of the epoch: where Keras' LearningRateScheduler sets the rate.
  virtual void on_epoch_begin(int /*epoch*/, TrainingContext&) {}
  // Before each optimizer step: where step-level schedules set the rate.
  virtual void on_batch_begin(std::int64_t /*step*/, TrainingContext&) {}
  // After the step; logs hold the batch's "loss" and "size" (rows in the batch).
  virtual void on_batch_end(std::int64_t /*step*/, const Logs& /*logs*/, TrainingContext&) {}
  // After the epoch's validation; logs hold the epoch's loss, metrics, val_ values and "lr".
  virtual void on_epoch_end(int /*epoch*/, const Logs& /*logs*/, TrainingContext&) {}
  virtual void on_train_end(TrainingContext&) {}
};

}  // namespace lrtune
