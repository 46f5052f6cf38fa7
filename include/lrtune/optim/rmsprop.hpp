// RMSprop (plain or centered, with optional momentum), in Keras' or PyTorch's form.
// Leaves the learning-rate schedule to the caller (set_learning_rate) and layers to nn.
#pragma once

#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct RmspropOptions {
  UpdateForm form = UpdateForm::keras;
  double learning_rate = 0.001;  // Keras 0.001, PyTorch 0.01
  double rho = 0.9;              // [0, 1); Keras rho 0.9, PyTorch alpha 0.99
  double momentum = 0.0;         // [0, 1]
  double epsilon = 1e-7;         // >= 0; Keras 1e-7 (inside the sqrt), PyTorch 1e-8 (outside)
  bool centered = false;
  static RmspropOptions defaults(UpdateForm form);
};

// Tieleman & Hinton (2012), "Lecture 6.5 - RMSProp", COURSERA: Neural Networks for
// Machine Learning; centered variant: Graves (2013), "Generating sequences with RNNs".
class Rmsprop final : public Optimizer {
 public:
  explicit Rmsprop(const RmspropOptions& options = {});
  void step(std::span<float> params, std::span<const float> grads) override;
  std::string name() const override { return "rmsprop"; }
  nlohmann::json config() const override;
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Rmsprop>(*this); }
  bool has_momentum() const override { return true; }
  double momentum() const override { return options_.momentum; }
  void set_momentum(double momentum) override;
  const RmspropOptions& options() const { return options_; }

 private:
  RmspropOptions options_;
};

}  // namespace lrtune
