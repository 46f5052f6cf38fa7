// SGD's update rules in both forms, each one fused pass over the flat buffer.
// The learning rate comes from the caller; the momentum buffer is slot 0.
#include "lrtune/optim/sgd.hpp"

#include "validate.hpp"

namespace lrtune {
namespace {

void validate(const SgdOptions& o) {
  detail::require_non_negative("sgd", "learning_rate", o.learning_rate);
  detail::require_unit_closed("sgd", "momentum", o.momentum);
  detail::require_unit_closed("sgd", "dampening", o.dampening);
  if (o.form == UpdateForm::keras && o.dampening != 0.0) {
    detail::invalid("sgd", "dampening", o.dampening, "0 in the Keras form (dampening is a PyTorch-form option)");
  }
  if (o.form == UpdateForm::pytorch && o.nesterov && (o.momentum <= 0.0 || o.dampening != 0.0)) {
    detail::invalid("sgd", "momentum", o.momentum, "> 0 with dampening = 0 when nesterov is on in the PyTorch form");
  }
}

}  // namespace

SgdOptions SgdOptions::defaults(UpdateForm form) {
  SgdOptions o;
  o.form = form;
  if (form == UpdateForm::pytorch) o.learning_rate = 0.001;
  return o;
}

Sgd::Sgd(const SgdOptions& options) : Optimizer(options.learning_rate, 1), options_(options) { validate(options_); }

void Sgd::set_momentum(double momentum) {
  detail::require_unit_closed("sgd", "momentum", momentum);
  options_.momentum = momentum;
}

nlohmann::json Sgd::config() const {
  nlohmann::json c = {{"name", name()},
                      {"update_form", update_form_name(options_.form)},
                      {"learning_rate", learning_rate()},
                      {"momentum", options_.momentum},
                      {"nesterov", options_.nesterov}};
  if (options_.form == UpdateForm::pytorch) c["dampening"] = options_.dampening;
  return c;
}

void Sgd::step(std::span<float> params, std::span<const float> grads) {
  check_sizes(params.size(), grads.size());
  const std::size_t n = params.size();
  float* __restrict w = params.data();
  const float* __restrict g = grads.data();
  const float lr = static_cast<float>(learning_rate());
  const float mu = static_cast<float>(options_.momentum);
  // Both libraries test momentum != 0 at every step and create the buffer on the first
  // step that has it; a step with momentum 0 (1cycle may pass through it) leaves it alone.
  const bool buffered = !slots_[0].empty();
  if (options_.momentum == 0.0) {
    // Plain SGD (both forms): w -= lr * g
    for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
  } else if (options_.form == UpdateForm::keras) {
    float* __restrict v = use_slot(0, n);
    if (options_.nesterov) {
      // Keras, Nesterov: v = mu * v - lr * g;  w += mu * v - lr * g
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += mu * v[i] - lr * g[i];
      }
    } else {
      // Keras: v = mu * v - lr * g;  w += v   (the velocity carries past learning rates)
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += v[i];
      }
    }
  } else if (!buffered) {
    // PyTorch, first step with momentum: b = g (no dampening); w -= lr * (nesterov ? g + mu * b : b)
    float* __restrict b = use_slot(0, n);
    const float k = options_.nesterov ? 1.0f + mu : 1.0f;
    for (std::size_t i = 0; i < n; ++i) {
      b[i] = g[i];
      w[i] -= lr * (k * g[i]);
    }
  } else {
    float* __restrict b = slots_[0].data();
    const float keep = 1.0f - static_cast<float>(options_.dampening);
    if (options_.nesterov) {
      // PyTorch, Nesterov: b = mu * b + (1 - dampening) * g;  w -= lr * (g + mu * b)
      for (std::size_t i = 0; i < n; ++i) {
        b[i] = mu * b[i] + keep * g[i];
        w[i] -= lr * (g[i] + mu * b[i]);
      }
    } else {
      // PyTorch: b = mu * b + (1 - dampening) * g;  w -= lr * b   (lr applies to the whole buffer)
      for (std::size_t i = 0; i < n; ++i) {
        b[i] = mu * b[i] + keep * g[i];
        w[i] -= lr * b[i];
      }
    }
  }
  ++iterations_;
}

}  // namespace lrtune
