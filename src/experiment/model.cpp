// The experiment's network: hidden Dense layers (each followed by Dropout when asked), then the
// task's output layer.
#include "lrtune/experiment/model_options.hpp"

#include <algorithm>
#include <utility>

namespace lrtune {

Sequential build_model(const ModelOptions& options, Index inputs, const TaskSpec& task, std::uint64_t seed) {
  std::vector<LayerSpec> layers;
  for (int width : options.layers) {
    layers.emplace_back(Dense(width, options.activation));
    if (options.dropout > 0.0) layers.emplace_back(Dropout(options.dropout));
  }
  layers.emplace_back(Dense(task.outputs, task.output_activation));
  return Sequential(inputs, std::move(layers), seed);
}

std::vector<std::string> epoch_metrics(const ModelOptions& options, const TaskSpec& task) {
  std::vector<std::string> metrics = task.metrics;
  for (const std::string& name : options.metrics)
    if (std::find(metrics.begin(), metrics.end(), name) == metrics.end()) metrics.push_back(name);
  return metrics;
}

}  // namespace lrtune
