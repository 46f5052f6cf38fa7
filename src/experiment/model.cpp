// The experiment's network: hidden Dense layers, then the binary classifier's sigmoid unit.
#include "lrtune/experiment/model_options.hpp"

#include <utility>

namespace lrtune {

Sequential build_model(const ModelOptions& options, Index inputs, std::uint64_t seed) {
  std::vector<LayerSpec> layers;
  for (int width : options.layers) layers.emplace_back(Dense(width, options.activation));
  layers.emplace_back(Dense(1, "sigmoid"));
  return Sequential(inputs, std::move(layers), seed);
}

}  // namespace lrtune
