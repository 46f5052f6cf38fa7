// Adagrad, in Keras' or PyTorch's form.
// Leaves the learning-rate schedule to the caller (set_learning_rate) and layers to nn.
#pragma once

#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct AdagradOptions {
  UpdateForm form = UpdateForm::keras;
  double learning_rate = 0.001;            // Keras 0.001, PyTorch 0.01
  double initial_accumulator_value = 0.1;  // >= 0; Keras 0.1, PyTorch 0
  double epsilon = 1e-7;                   // >= 0; Keras 1e-7 (inside the sqrt), PyTorch 1e-10 (outside)
  double lr_decay = 0.0;                   // PyTorch form only, >= 0
  static AdagradOptions defaults(UpdateForm form);
};

// Duchi, Hazan & Singer (2011), "Adaptive subgradient methods for online learning and
// stochastic optimization".
class Adagrad final : public Optimizer {
 public:
  explicit Adagrad(const AdagradOptions& options = {});
  void step(std::span<float> params, std::span<const float> grads) override;
  std::string name() const override { return "adagrad"; }
  nlohmann::json config() const override;
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Adagrad>(*this); }
  const AdagradOptions& options() const { return options_; }

 private:
  AdagradOptions options_;
};

}  // namespace lrtune
