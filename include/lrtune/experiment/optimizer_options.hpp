// The optimizer an experiment trains with, by name, and its default learning rate (the rate the
// comparison's "default" side trains at).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct OptimizerOptions {
  std::string name = "adam";  // make_optimizer's names: adagrad, adam, adamw, rmsprop, sgd
  UpdateForm update_form = UpdateForm::keras;
  // SGD's momentum in [0, 1] (Keras' and PyTorch's SGD default 0); only sgd takes it, another
  // optimizer with a nonzero momentum is a UsageError.
  double momentum = 0.0;
};

// The optimizer at `learning_rate`, or at its own default rate when none is given.
std::unique_ptr<Optimizer> build_optimizer(const OptimizerOptions& options, std::optional<double> learning_rate = {});

}  // namespace lrtune
