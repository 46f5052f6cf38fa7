// Optimizers by name, for the command line and experiment files, with hyper-parameters
// given as JSON (the keys of config()). Leaves parsing of flags and files to cli.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

// The names make_optimizer accepts: "adagrad", "adam", "adamw", "rmsprop", "sgd".
std::vector<std::string> optimizer_names();

// The named optimizer (case-insensitive) with the form's defaults, overridden by
// hyper_parameters, e.g. {"learning_rate": 0.007, "beta_1": 0.95}. Throws
// UsageError naming the valid choices on an unknown name or key, or a bad value.
std::unique_ptr<Optimizer> make_optimizer(std::string_view name, UpdateForm form = UpdateForm::keras,
                                          const nlohmann::json& hyper_parameters = nlohmann::json::object());

// Rebuilds an optimizer from its config() (state is not part of it).
std::unique_ptr<Optimizer> make_optimizer_from_config(const nlohmann::json& config);

}  // namespace lrtune
