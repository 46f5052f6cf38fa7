// RMSprop's update rules in both forms, each one fused pass over the flat buffer.
// Slots: 0 mean square v, 1 momentum buffer (from the first step with momentum > 0),
// 2 mean gradient a (centered only).
#include "lrtune/optim/rmsprop.hpp"

#include <cmath>

#include "validate.hpp"

namespace lrtune {
namespace {

void validate(const RmspropOptions& o) {
  detail::require_non_negative("rmsprop", "learning_rate", o.learning_rate);
  detail::require_unit_open("rmsprop", "rho", o.rho);
  detail::require_unit_closed("rmsprop", "momentum", o.momentum);
  detail::require_non_negative("rmsprop", "epsilon", o.epsilon);
}

struct Coefficients {
  float lr, rho, one_minus_rho, mu, eps;
};

// Keras: v = rho v + (1 - rho) g^2;  centered: a = rho a + (1 - rho) g, d = v - a^2 + eps,
//        else d = v + eps;  inc = lr g / sqrt(d);  momentum: b = mu b + inc, w -= b;  else w -= inc
// (epsilon inside the square root; the momentum buffer carries lr)
template <bool kCentered, bool kMomentum>
void keras_update(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict v,
                  float* __restrict b, float* __restrict a, Coefficients k) {
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = k.rho * v[i] + k.one_minus_rho * g[i] * g[i];
    float d;
    if constexpr (kCentered) {
      a[i] = k.rho * a[i] + k.one_minus_rho * g[i];
      d = v[i] - a[i] * a[i] + k.eps;
    } else {
      d = v[i] + k.eps;
    }
    const float inc = k.lr * g[i] / std::sqrt(d);
    if constexpr (kMomentum) {
      b[i] = k.mu * b[i] + inc;
      w[i] -= b[i];
    } else {
      w[i] -= inc;
    }
  }
}

// PyTorch: v = alpha v + (1 - alpha) g^2;  centered: a = alpha a + (1 - alpha) g,
//          s = sqrt(v - a^2) + eps, else s = sqrt(v) + eps;
//          momentum: b = mu b + g / s, w -= lr b;  else w -= lr g / s
// (epsilon outside the square root; the momentum buffer excludes lr)
template <bool kCentered, bool kMomentum>
void pytorch_update(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict v,
                    float* __restrict b, float* __restrict a, Coefficients k) {
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = k.rho * v[i] + k.one_minus_rho * g[i] * g[i];
    float s;
    if constexpr (kCentered) {
      a[i] = k.rho * a[i] + k.one_minus_rho * g[i];
      s = std::sqrt(v[i] - a[i] * a[i]) + k.eps;
    } else {
      s = std::sqrt(v[i]) + k.eps;
    }
    if constexpr (kMomentum) {
      b[i] = k.mu * b[i] + g[i] / s;
      w[i] -= k.lr * b[i];
    } else {
      w[i] -= k.lr * g[i] / s;
    }
  }
}

}  // namespace

RmspropOptions RmspropOptions::defaults(UpdateForm form) {
  RmspropOptions o;
  o.form = form;
  if (form == UpdateForm::pytorch) {
    o.learning_rate = 0.01;
    o.rho = 0.99;
    o.epsilon = 1e-8;
  }
  return o;
}

Rmsprop::Rmsprop(const RmspropOptions& options)
    : Optimizer(options.learning_rate, options.centered ? 3 : 2), options_(options) {
  validate(options_);
}

void Rmsprop::set_momentum(double momentum) {
  detail::require_unit_closed("rmsprop", "momentum", momentum);
  options_.momentum = momentum;
}

nlohmann::json Rmsprop::config() const {
  return {{"name", name()},
          {"update_form", update_form_name(options_.form)},
          {"learning_rate", learning_rate()},
          {"rho", options_.rho},
          {"momentum", options_.momentum},
          {"epsilon", options_.epsilon},
          {"centered", options_.centered}};
}

void Rmsprop::step(std::span<float> params, std::span<const float> grads) {
  check_sizes(params.size(), grads.size());
  const std::size_t n = params.size();
  float* w = params.data();
  const float* g = grads.data();
  float* v = use_slot(0, n);
  // Both libraries test momentum > 0 at every step; the buffer (zeros) is created on the
  // first step that has it, and a step with momentum 0 leaves it alone.
  const bool momentum = options_.momentum > 0.0;
  float* b = momentum ? use_slot(1, n) : nullptr;
  float* a = options_.centered ? use_slot(2, n) : nullptr;
  const Coefficients k{static_cast<float>(learning_rate()), static_cast<float>(options_.rho),
                       static_cast<float>(1.0 - options_.rho), static_cast<float>(options_.momentum),
                       static_cast<float>(options_.epsilon)};
  if (options_.form == UpdateForm::keras) {
    if (options_.centered) {
      momentum ? keras_update<true, true>(n, w, g, v, b, a, k) : keras_update<true, false>(n, w, g, v, b, a, k);
    } else {
      momentum ? keras_update<false, true>(n, w, g, v, b, a, k) : keras_update<false, false>(n, w, g, v, b, a, k);
    }
  } else {
    if (options_.centered) {
      momentum ? pytorch_update<true, true>(n, w, g, v, b, a, k) : pytorch_update<true, false>(n, w, g, v, b, a, k);
    } else {
      momentum ? pytorch_update<false, true>(n, w, g, v, b, a, k) : pytorch_update<false, false>(n, w, g, v, b, a, k);
    }
  }
  ++iterations_;
}

}  // namespace lrtune
