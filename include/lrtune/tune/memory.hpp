// Memory estimates of a training and of the learning-rate search from the architecture and the
// data's shape alone (nothing is built or allocated), so that a caller can refuse a run the
// machine cannot hold before it starts. Bytes as doubles: no size overflows them. What the
// machine has is the caller's question (the engine reads no system files).
#pragma once

#include <cstddef>
#include <vector>

#include "lrtune/core/types.hpp"

namespace lrtune {

struct ModelShape {
  Index input_dim = 1;
  std::vector<Index> units;  // every Dense layer's units, the output layer last
};

// Weights and biases: the sum over layers of (inputs + 1) x units.
double parameter_count(const ModelShape& shape);

// One training's float32 buffers, in bytes.
struct TrainingMemory {
  double weights = 0.0;    // parameters, gradients and the best weights kept: 3 x P
  double optimizer = 0.0;  // optimizer_slots x P (Adam 2, SGD and Adagrad 1, ...)
  // The model's per-row workspaces for its largest batch (inputs, each layer's pre-activation and
  // activation, two backward buffers of the widest layer, the loss gradient and targets), and the
  // epoch's row order (8 bytes a row).
  double workspace = 0.0;
  double total() const { return weights + optimizer + workspace; }
};

// One training of `shape` on `training_rows` rows in mini-batches of `batch_size` (capped at the
// rows), evaluating `evaluation_rows` rows (validation or test) in batches of up to 1,024.
TrainingMemory training_memory(const ModelShape& shape, std::size_t optimizer_slots, Index batch_size,
                               Index training_rows, Index evaluation_rows);

// The search on one rank: the units it holds alive at once (the Tuner keeps every unit until the
// pick), plus one more for a refit, plus its validation split's float32 copy of the `rows` x
// (`features` + 1) training rows. Spread over `ranks` (mpirun), the candidates x repeats units are
// dealt out in turn and each rank builds only its own, so the busiest holds ceil(units / ranks);
// the refit and the split copy are on every rank.
double search_memory(const TrainingMemory& unit, std::size_t candidates, int repeats, bool refit, Index rows,
                     Index features, int ranks = 1);

// The units of a search of `units` that rank 0 (the busiest) holds when spread over `ranks`.
std::size_t units_per_rank(std::size_t units, int ranks);

}  // namespace lrtune
