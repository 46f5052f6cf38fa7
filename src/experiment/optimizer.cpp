// The experiment's optimizer by name, through optim's factory.
#include "lrtune/experiment/optimizer_options.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

#include "lrtune/optim/factory.hpp"

namespace lrtune {

std::unique_ptr<Optimizer> build_optimizer(const OptimizerOptions& options, std::optional<double> learning_rate) {
  nlohmann::json hyper = nlohmann::json::object();
  if (learning_rate) hyper["learning_rate"] = *learning_rate;
  if (options.momentum != 0.0) {
    if (options.name != "sgd")
      throw UsageError(
          fmt::format("momentum {} applies to the sgd optimizer only, not {} (Adam's beta_1 is its own "
                      "momentum)",
                      options.momentum, options.name));
    hyper["momentum"] = options.momentum;
  }
  return make_optimizer(options.name, options.update_form, hyper);
}

}  // namespace lrtune
