// Adagrad's update rules in both forms, each one fused pass over the flat buffer.
// Slot 0 is the accumulator of squared gradients, started at initial_accumulator_value.
#include "lrtune/optim/adagrad.hpp"

#include <cmath>

#include "validate.hpp"

namespace lrtune {

AdagradOptions AdagradOptions::defaults(UpdateForm form) {
  AdagradOptions o;
  o.form = form;
  if (form == UpdateForm::pytorch) {
    o.learning_rate = 0.01;
    o.initial_accumulator_value = 0.0;
    o.epsilon = 1e-10;
  }
  return o;
}

Adagrad::Adagrad(const AdagradOptions& options) : Optimizer(options.learning_rate, 1), options_(options) {
  detail::require_non_negative("adagrad", "learning_rate", options_.learning_rate);
  detail::require_non_negative("adagrad", "initial_accumulator_value", options_.initial_accumulator_value);
  detail::require_non_negative("adagrad", "epsilon", options_.epsilon);
  detail::require_non_negative("adagrad", "lr_decay", options_.lr_decay);
  if (options_.form == UpdateForm::keras && options_.lr_decay != 0.0) {
    detail::invalid("adagrad", "lr_decay", options_.lr_decay,
                    "0 in the Keras form (lr_decay is a PyTorch-form option; use a schedule)");
  }
}

nlohmann::json Adagrad::config() const {
  nlohmann::json c = {{"name", name()},
                      {"update_form", update_form_name(options_.form)},
                      {"learning_rate", learning_rate()},
                      {"initial_accumulator_value", options_.initial_accumulator_value},
                      {"epsilon", options_.epsilon}};
  if (options_.form == UpdateForm::pytorch) c["lr_decay"] = options_.lr_decay;
  return c;
}

void Adagrad::step(std::span<float> params, std::span<const float> grads) {
  check_sizes(params.size(), grads.size());
  const std::size_t n = params.size();
  float* __restrict w = params.data();
  const float* __restrict g = grads.data();
  float* __restrict s = use_slot(0, n, static_cast<float>(options_.initial_accumulator_value));
  const float eps = static_cast<float>(options_.epsilon);
  if (options_.form == UpdateForm::keras) {
    // Keras: s += g^2;  w -= lr g / sqrt(s + eps)   (epsilon inside the square root)
    const float lr = static_cast<float>(learning_rate());
    for (std::size_t i = 0; i < n; ++i) {
      s[i] += g[i] * g[i];
      w[i] -= lr * g[i] / std::sqrt(s[i] + eps);
    }
  } else {
    // PyTorch: clr = lr / (1 + (t - 1) lr_decay);  s += g^2;  w -= clr g / (sqrt(s) + eps)
    const double t = static_cast<double>(iterations_ + 1);
    const float clr = static_cast<float>(learning_rate() / (1.0 + (t - 1.0) * options_.lr_decay));
    for (std::size_t i = 0; i < n; ++i) {
      s[i] += g[i] * g[i];
      w[i] -= clr * g[i] / (std::sqrt(s[i]) + eps);
    }
  }
  ++iterations_;
}

}  // namespace lrtune
