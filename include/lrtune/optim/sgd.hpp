// Stochastic gradient descent with optional (Nesterov) momentum, in Keras' or PyTorch's form.
// Leaves the learning-rate schedule to the caller (set_learning_rate) and layers to nn.
#pragma once

#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct SgdOptions {
  UpdateForm form = UpdateForm::keras;
  double learning_rate = 0.01;  // Keras' default; PyTorch's (>= 2.0) is 0.001
  double momentum = 0.0;        // [0, 1]
  bool nesterov = false;
  double dampening = 0.0;  // PyTorch form only, [0, 1]; nesterov needs 0 (as in PyTorch)
  // Each library's defaults for the given form.
  static SgdOptions defaults(UpdateForm form);
};

// Robbins & Monro (1951), "A stochastic approximation method"; heavy-ball momentum:
// Polyak (1964), "Some methods of speeding up the convergence of iteration methods";
// Nesterov momentum as in Sutskever et al. (2013), "On the importance of initialization
// and momentum in deep learning".
class Sgd final : public Optimizer {
 public:
  explicit Sgd(const SgdOptions& options = {});
  void step(std::span<float> params, std::span<const float> grads) override;
  std::string name() const override { return "sgd"; }
  nlohmann::json config() const override;
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Sgd>(*this); }
  bool has_momentum() const override { return true; }
  double momentum() const override { return options_.momentum; }
  void set_momentum(double momentum) override;
  const SgdOptions& options() const { return options_; }

 private:
  SgdOptions options_;  // learning_rate here is the initial one; the base class holds the current
};

}  // namespace lrtune
