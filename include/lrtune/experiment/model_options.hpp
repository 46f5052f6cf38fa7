// The network an experiment trains: hidden Dense layers and their activation; the output layer
// follows from the task (one sigmoid unit for binary classification, the only task for now).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lrtune/core/types.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune {

struct ModelOptions {
  std::vector<int> layers = {128, 256, 256};  // hidden Dense widths (the recipe's network)
  std::string activation = "relu";            // of every hidden layer
};

// A fresh model for `inputs` features, weights drawn from `seed`.
Sequential build_model(const ModelOptions& options, Index inputs, std::uint64_t seed);

}  // namespace lrtune
