// Adam and AdamW (decoupled weight decay), in Keras' or PyTorch's form.
// Leaves the learning-rate schedule to the caller (set_learning_rate) and layers to nn.
#pragma once

#include "lrtune/optim/optimizer.hpp"

namespace lrtune {

struct AdamOptions {
  UpdateForm form = UpdateForm::keras;
  double learning_rate = 0.001;
  double beta_1 = 0.9;    // [0, 1)
  double beta_2 = 0.999;  // [0, 1)
  double epsilon = 1e-7;  // >= 0; Keras 1e-7, PyTorch 1e-8
  bool amsgrad = false;   // Reddi et al. (2018), each form's own variant
  static AdamOptions defaults(UpdateForm form);
};

struct AdamWOptions {
  UpdateForm form = UpdateForm::keras;
  double learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  double weight_decay = 0.004;  // >= 0; Keras 0.004, PyTorch 0.01
  static AdamWOptions defaults(UpdateForm form);
};

// Kingma & Ba (2015), "Adam: A method for stochastic optimization".
// Adam's bias correction uses the optimizer's one step counter, advanced once per step().
class Adam : public Optimizer {
 public:
  explicit Adam(const AdamOptions& options = {});
  void step(std::span<float> params, std::span<const float> grads) override;
  std::string name() const override { return "adam"; }
  nlohmann::json config() const override;
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Adam>(*this); }
  bool has_momentum() const override { return true; }
  double momentum() const override { return options_.beta_1; }  // beta_1
  void set_momentum(double beta_1) override;
  const AdamOptions& options() const { return options_; }

 protected:
  Adam(const AdamOptions& options, double weight_decay, std::string_view owner);
  AdamOptions options_;
  double weight_decay_ = 0.0;  // decoupled, applied as w -= lr * weight_decay * w (AdamW)
};

// Loshchilov & Hutter (2019), "Decoupled weight decay regularization".
class AdamW final : public Adam {
 public:
  explicit AdamW(const AdamWOptions& options = {});
  std::string name() const override { return "adamw"; }
  nlohmann::json config() const override;
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<AdamW>(*this); }
  double weight_decay() const { return weight_decay_; }
};

}  // namespace lrtune
