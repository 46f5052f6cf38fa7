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

struct AdamCoefficients {
  float b1, c1, b2, c2, eps;
  float keep;        // 1 - lr * weight_decay (AdamW)
  float step_size;   // Keras: lr sqrt(1 - b2^t) / (1 - b1^t);  PyTorch: lr / (1 - b1^t)
  float sqrt_bias2;  // PyTorch: sqrt(1 - b2^t)
};

// Both forms: [AdamW: w = w (1 - lr wd)];  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//   amsgrad: v_max = max(v_max, v) replaces v in the denominator.
// Keras:   lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  w -= lr_t m / (sqrt(v) + eps)
// PyTorch: w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
template <bool kKeras, bool kAmsgrad, bool kDecay>
void adam_update(std::size_t n, float* __restrict w, const float* __restrict g, float* __restrict m,
                 float* __restrict v, float* __restrict v_max, AdamCoefficients k) {
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = k.b1 * m[i] + k.c1 * g[i];
    v[i] = k.b2 * v[i] + k.c2 * g[i] * g[i];
    float second = v[i];
    if constexpr (kAmsgrad) {
      v_max[i] = std::max(v_max[i], v[i]);
      second = v_max[i];
    }
    const float denominator = kKeras ? std::sqrt(second) + k.eps : std::sqrt(second) / k.sqrt_bias2 + k.eps;
    const float decayed = kDecay ? w[i] * k.keep : w[i];
    w[i] = decayed - k.step_size * m[i] / denominator;
  }
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
          {"update_form", update_form_name(options_.form)},
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
  float* w = params.data();
  const float* g = grads.data();
  float* m = use_slot(0, n);
  float* v = use_slot(1, n);
  float* v_max = options_.amsgrad ? use_slot(2, n) : nullptr;

  // One counter for the whole buffer: t = 1 on the first step, whatever the tensor count.
  const double t = static_cast<double>(iterations_ + 1);
  const double lr = learning_rate();
  const double bias1 = 1.0 - std::pow(options_.beta_1, t);
  const double bias2 = 1.0 - std::pow(options_.beta_2, t);
  const bool keras = options_.form == UpdateForm::keras;
  const AdamCoefficients k{
      .b1 = static_cast<float>(options_.beta_1),
      .c1 = static_cast<float>(1.0 - options_.beta_1),
      .b2 = static_cast<float>(options_.beta_2),
      .c2 = static_cast<float>(1.0 - options_.beta_2),
      .eps = static_cast<float>(options_.epsilon),
      .keep = static_cast<float>(1.0 - lr * weight_decay_),
      .step_size = static_cast<float>(keras ? lr * std::sqrt(bias2) / bias1 : lr / bias1),
      .sqrt_bias2 = static_cast<float>(std::sqrt(bias2)),
  };
  const bool amsgrad = v_max != nullptr, decay = weight_decay_ != 0.0;
  // One instantiation per (form, amsgrad, decay), so each loop is branch-free.
  using Kernel = void (*)(std::size_t, float*, const float*, float*, float*, float*, AdamCoefficients);
  static constexpr Kernel kKernels[2][2][2] = {
      {{adam_update<false, false, false>, adam_update<false, false, true>},
       {adam_update<false, true, false>, adam_update<false, true, true>}},
      {{adam_update<true, false, false>, adam_update<true, false, true>},
       {adam_update<true, true, false>, adam_update<true, true, true>}},
  };
  kKernels[keras][amsgrad][decay](n, w, g, m, v, v_max, k);
  ++iterations_;
}

}  // namespace lrtune
