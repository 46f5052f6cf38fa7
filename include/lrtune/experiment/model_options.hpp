// The network an experiment trains: hidden Dense layers, their activation and an optional
// Dropout after each; the output layer follows from the task (task_spec.hpp: one sigmoid unit,
// a softmax over the classes, or one linear unit).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lrtune/core/types.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune {

struct ModelOptions {
  std::vector<int> layers = {128, 256, 256};  // hidden Dense widths (the recipe's network)
  std::string activation = "relu";            // of every hidden layer
  double dropout = 0.0;                       // > 0: a Dropout of this rate after each hidden layer
  // Metrics shown per epoch besides the task's own (nn's names: "auc", "f1", "rmse", ...).
  std::vector<std::string> metrics;
};

// A fresh model for `inputs` features ending in `task`'s output layer, weights drawn from `seed`.
Sequential build_model(const ModelOptions& options, Index inputs, const TaskSpec& task, std::uint64_t seed);

// The task's per-epoch metrics followed by the options' extra ones (each name once).
std::vector<std::string> epoch_metrics(const ModelOptions& options, const TaskSpec& task);

}  // namespace lrtune
