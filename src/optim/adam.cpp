// Adam's and AdamW's update rules in both forms, each one fused pass over the flat buffer.
// Slots: 0 first moment m, 1 second moment v, 2 the running maximum of v (amsgrad only).
#include "lrtune/optim/adam.hpp"

#include <algorithm>
#include <cmath>

#include "validate.hpp"

namespace lrtune {
namespace {

void validate(std::string_view owner, const AdamOptions& o) {
  detail::require_non_negative(owner, "learning_rate", o.learning_rate);
  detail::require_unit_open(owner, "beta_1", o.beta_1);
  detail::require_unit_open(owner, "beta_2", o.beta_2);
  detail::require_non_negative(owner, "epsilon", o.epsilon);
}

AdamOptions adam_part(const AdamWOptions& o) {
  return AdamOptions{o.form, o.learning_rate, o.beta_1, o.beta_2, o.epsilon, o.amsgrad};
}

}  // namespace

AdamOptions AdamOptions::defaults(UpdateForm form) {
  AdamOptions o;
  o.form = form;
  if (form == UpdateForm::pytorch) o.epsilon = 1e-8;
  return o;
}

AdamWOptions AdamWOptions::defaults(UpdateForm form) {
  AdamWOptions o;
  o.form = form;
  if (form == UpdateForm::pytorch) {
    o.epsilon = 1e-8;
    o.weight_decay = 0.01;
  }
  return o;
}

Adam::Adam(const AdamOptions& options) : Adam(options, 0.0, "adam") {}

Adam::Adam(const AdamOptions& options, double weight_decay, std::string_view owner)
    : Optimizer(options.learning_rate, options.amsgrad ? 3 : 2), options_(options), weight_decay_(weight_decay) {
  validate(owner, options_);
}

AdamW::AdamW(const AdamWOptions& options) : Adam(adam_part(options), options.weight_decay, "adamw") {
  detail::require_non_negative("adamw", "weight_decay", options.weight_decay);
}

void Adam::set_momentum(double beta_1) {
  detail::require_unit_open(name(), "beta_1", beta_1);
  options_.beta_1 = beta_1;
}

nlohmann::json Adam::config() const {
  return {{"name", name()},
          {"update_form", to_string(options_.form)},
          {"learning_rate", learning_rate()},
          {"beta_1", options_.beta_1},
          {"beta_2", options_.beta_2},
          {"epsilon", options_.epsilon},
          {"amsgrad", options_.amsgrad}};
}

nlohmann::json AdamW::config() const {
  auto c = Adam::config();
  c["weight_decay"] = weight_decay_;
  return c;
}

void Adam::step(std::span<float> params, std::span<const float> grads) {
  check_sizes(params.size(), grads.size());
  const std::size_t n = params.size();
  float* __restrict w = params.data();
  const float* __restrict g = grads.data();
  float* __restrict m = use_slot(0, n);
  float* __restrict v = use_slot(1, n);
  float* __restrict v_max = options_.amsgrad ? use_slot(2, n) : nullptr;

  // One counter for the whole buffer: t = 1 on the first step, whatever the tensor count.
  const double t = static_cast<double>(iterations_ + 1);
  const double lr = learning_rate();
  const double bias1 = 1.0 - std::pow(options_.beta_1, t);
  const double bias2 = 1.0 - std::pow(options_.beta_2, t);
  const float b1 = static_cast<float>(options_.beta_1), c1 = static_cast<float>(1.0 - options_.beta_1);
  const float b2 = static_cast<float>(options_.beta_2), c2 = static_cast<float>(1.0 - options_.beta_2);
  const float eps = static_cast<float>(options_.epsilon);
  // Decoupled weight decay (AdamW, both forms), before the Adam update: w -= lr * wd * w.
  // Plain Adam has wd = 0, so keep == 1 and w * keep == w exactly.
  const float keep = static_cast<float>(1.0 - lr * weight_decay_);

  if (options_.form == UpdateForm::keras) {
    // Keras: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
    //        lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  w -= lr_t m / (sqrt(v) + eps)
    // amsgrad: v_max = max(v_max, v) replaces v in the denominator.
    const float lr_t = static_cast<float>(lr * std::sqrt(bias2) / bias1);
    if (v_max == nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        w[i] = w[i] * keep - lr_t * m[i] / (std::sqrt(v[i]) + eps);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        v_max[i] = std::max(v_max[i], v[i]);
        w[i] = w[i] * keep - lr_t * m[i] / (std::sqrt(v_max[i]) + eps);
      }
    }
  } else {
    // PyTorch: m, v as above;  w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    // amsgrad: v_max = max(v_max, v) replaces v in the denominator.
    const float step_size = static_cast<float>(lr / bias1);
    const float sqrt_bias2 = static_cast<float>(std::sqrt(bias2));
    if (v_max == nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        w[i] = w[i] * keep - step_size * m[i] / (std::sqrt(v[i]) / sqrt_bias2 + eps);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        v_max[i] = std::max(v_max[i], v[i]);
        w[i] = w[i] * keep - step_size * m[i] / (std::sqrt(v_max[i]) / sqrt_bias2 + eps);
      }
    }
  }
  ++iterations_;
}

}  // namespace lrtune
