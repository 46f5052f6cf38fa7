// The memory estimates of memory.hpp: the buffers Sequential, the optimizers, MiniBatchTrainer and
// the Tuner allocate, counted from their sizes (sequential.hpp and lockstep.hpp list them).
#include "lrtune/tune/memory.hpp"

#include <algorithm>

namespace lrtune {

namespace {

constexpr double kFloat = 4.0;            // bytes of a float32
constexpr double kIndex = 8.0;            // bytes of a row index
constexpr Index kEvaluationBatch = 1024;  // MiniBatchOptions::validation_batch_size and predict's batch

}  // namespace

double parameter_count(const ModelShape& shape) {
  double count = 0.0;
  double in = static_cast<double>(shape.input_dim);
  for (Index units : shape.units) {
    count += (in + 1.0) * static_cast<double>(units);
    in = static_cast<double>(units);
  }
  return count;
}

TrainingMemory training_memory(const ModelShape& shape, std::size_t optimizer_slots, Index batch_size,
                               Index training_rows, Index evaluation_rows) {
  const double parameters = parameter_count(shape);
  TrainingMemory m;
  m.weights = 3.0 * parameters * kFloat;
  m.optimizer = static_cast<double>(optimizer_slots) * parameters * kFloat;
  // The workspaces grow to the largest batch the model sees: a training batch or an evaluation one.
  const Index rows = std::max(std::min(batch_size, training_rows), std::min(kEvaluationBatch, evaluation_rows));
  Index widest = shape.input_dim;
  double layer_outputs = 0.0;
  for (Index units : shape.units) {
    widest = std::max(widest, units);
    layer_outputs += 2.0 * static_cast<double>(units);  // pre-activation and activation
  }
  const double outputs = shape.units.empty() ? 0.0 : static_cast<double>(shape.units.back());
  const double per_row =
      static_cast<double>(shape.input_dim) + layer_outputs + 2.0 * static_cast<double>(widest) + 2.0 * outputs;
  m.workspace = static_cast<double>(rows) * per_row * kFloat + static_cast<double>(training_rows) * kIndex;
  return m;
}

std::size_t units_per_rank(std::size_t units, int ranks) {
  const auto n = static_cast<std::size_t>(std::max(ranks, 1));
  return (units + n - 1) / n;
}

double search_memory(const TrainingMemory& unit, std::size_t candidates, int repeats, bool refit, Index rows,
                     Index features, int ranks) {
  const std::size_t units = candidates * static_cast<std::size_t>(std::max(repeats, 0));
  const double trainings = static_cast<double>(units_per_rank(units, ranks)) + (refit ? 1.0 : 0.0);
  const double split = static_cast<double>(rows) * (static_cast<double>(features) + 1.0) * kFloat;
  return trainings * unit.total() + split;
}

}  // namespace lrtune
