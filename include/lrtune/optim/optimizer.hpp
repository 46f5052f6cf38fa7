// The optimizer interface: one step updates a model's flat parameter buffer from its
// flat gradient buffer. Optimizers own their moments and their step counter; they know
// nothing of layers, and schedules live outside them (they are told the rate).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Which published update form to follow where Keras and PyTorch differ.
enum class UpdateForm { keras, pytorch };

// "keras" / "pytorch", and back (the latter throws UsageError on anything else).
std::string_view update_form_name(UpdateForm form);
UpdateForm update_form_from_name(std::string_view text);  // throws, listing the valid names

// Everything an optimizer needs to continue exactly where it was: the step counter
// and each state slot (moments, accumulators), each the size of the parameter buffer
// once the optimizer has used it (a slot not used yet is empty).
struct OptimizerState {
  std::string optimizer;  // name() of the optimizer that wrote it; restore checks it
  std::int64_t iterations = 0;
  double learning_rate = 0.0;
  double momentum = 0.0;
  std::vector<std::vector<float>> slots;
  bool operator==(const OptimizerState&) const = default;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One update of params (n,) from grads (n,); advances iterations() by exactly one.
  // The first call sizes the state slots to n; later calls must pass the same n.
  // params and grads must not overlap.
  virtual void step(std::span<float> params, std::span<const float> grads) = 0;

  // Optimizer name as Keras spells it ("adam", "sgd", ...).
  virtual std::string name() const = 0;
  // Hyper-parameters, for reports and model files: {"name", "update_form",
  // "learning_rate", ...}; make_optimizer_from_config() rebuilds the optimizer from it.
  virtual nlohmann::json config() const = 0;
  virtual std::unique_ptr<Optimizer> clone() const = 0;

  // The learning rate may change between any two steps (range tests, schedules).
  // Throws UsageError unless it is finite and >= 0.
  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double learning_rate);

  // The cycled momentum of 1cycle: SGD's momentum, Adam's beta1, RMSprop's momentum.
  // Optimizers without one report has_momentum() == false and reject set_momentum (UsageError).
  virtual bool has_momentum() const { return false; }
  virtual double momentum() const { return 0.0; }
  virtual void set_momentum(double momentum);

  std::int64_t iterations() const { return iterations_; }

  // Snapshot and restore of the whole optimizer state (restore expects the same kind,
  // the same slot count and slot sizes; it throws UsageError otherwise).
  virtual OptimizerState state() const;
  virtual void load_state(const OptimizerState& state);

 protected:
  explicit Optimizer(double learning_rate);
  Optimizer(double learning_rate, std::size_t slot_count);
  Optimizer(const Optimizer&) = default;
  Optimizer& operator=(const Optimizer&) = default;

  // Checks that params and grads have one size n and that every sized slot has n.
  void check_sizes(std::size_t params, std::size_t grads) const;
  // Slot i sized to n and filled with `fill` on first use; returns its data.
  float* use_slot(std::size_t i, std::size_t n, float fill = 0.0f);

  // Implementations keep their moments here, each sized to the parameter buffer.
  std::vector<std::vector<float>> slots_;
  std::int64_t iterations_ = 0;

 private:
  double learning_rate_;
};

}  // namespace lrtune
