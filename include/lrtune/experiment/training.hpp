// One training of the comparison: a fresh model (its own seed) trained at one rate with the
// comparison's epochs, batch size and early stopping, then scored on the test split.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "lrtune/experiment/callback.hpp"
#include "lrtune/experiment/experiment_options.hpp"
#include "lrtune/experiment/test_metrics.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/train/history.hpp"

namespace lrtune {

struct Training {
  double learning_rate = 0.0;
  std::uint64_t seed = 0;
  History history;                  // its best_epoch is the epoch the returned model holds (0-based, -1: the last)
  int epochs_run = 0;               // epochs in the history
  TestMetrics test;                 // empty (no rows, no values) when the data has no test rows
  std::optional<Sequential> model;  // none: never started (the experiment was cancelled first)

  bool started() const { return model.has_value(); }
  bool diverged() const { return history.stop_reason == StopReason::non_finite_loss; }
};

// options.callbacks see the training's epochs and batches as `spec`, and options.cancel
// stops fit after the current step (the weights then are those of the last finished step).
Training train_and_evaluate(const ExperimentData& data, const ExperimentOptions& options, double learning_rate,
                            std::uint64_t seed, const TrainingSpec& spec = {});

// {"learning_rate", "seed", "epochs_run", "best_epoch", "stop_reason", "train_seconds",
//  "test_<metric>" for each test metric; classifiers: "confusion" (rows of the matrix) and
//  "per_class" {"precision", "recall", "f1", "support"}, one entry per class}.
void to_json(nlohmann::json& j, const Training& training);

}  // namespace lrtune
