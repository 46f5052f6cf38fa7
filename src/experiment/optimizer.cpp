// The experiment's optimizer by name, through optim's factory.
#include "lrtune/experiment/optimizer_options.hpp"

#include <nlohmann/json.hpp>

#include "lrtune/optim/factory.hpp"

namespace lrtune {

std::unique_ptr<Optimizer> build_optimizer(const OptimizerOptions& options, std::optional<double> learning_rate) {
  nlohmann::json hyper = nlohmann::json::object();
  if (learning_rate) hyper["learning_rate"] = *learning_rate;
  return make_optimizer(options.name, options.update_form, hyper);
}

}  // namespace lrtune
