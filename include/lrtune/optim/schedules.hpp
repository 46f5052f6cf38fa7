// Learning-rate (and momentum) schedules: pure functions of the step or epoch index.
// Whoever trains (fit, the range test) asks them each step and tells the optimizer;
// they never live inside an optimizer and keep no state.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Each schedule is a plain struct of its parameters (designated initialisers work) with
// learning_rate(step) and momentum(step) (nullopt: leave the optimizer's momentum alone).
// Wrapping it in a Schedule validates it; a step must be >= 0.

// lr = rate
struct ConstantSchedule {
  double rate = 0.001;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

// Geometric from start to end over `steps` steps, as numpy.geomspace(start, end, steps):
// lr = start (end / start)^(s / (steps - 1)); step 0 gives start, step steps-1 gives end,
// held afterwards.
struct ExponentialSchedule {
  double start = 1e-7;
  double end = 10.0;
  std::int64_t steps = 100;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

// The recipe's range test (SEED.md §3): lr = start * 10^(s / steps_per_decade), unbounded;
// start 1e-3 and 30 steps per decade give 0.001 at epoch 0 and about 2.0 at epoch 99.
struct DecadeSchedule {
  double start = 1e-3;
  double steps_per_decade = 30.0;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

// Linear from start to end over `steps` steps, as numpy.linspace; end held afterwards.
struct LinearSchedule {
  double start = 1e-7;
  double end = 10.0;
  std::int64_t steps = 100;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

// Step decay (PyTorch StepLR): lr = initial * factor^floor(s / step_size).
struct StepDecaySchedule {
  double initial = 0.001;
  double factor = 0.1;
  std::int64_t step_size = 10;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

// Linear warm-up then cosine annealing (Loshchilov & Hutter 2017, "SGDR", without restarts):
//   s < W:       lr = warmup_start + (peak - warmup_start) s / W
//   W <= s <= T: lr = final_rate + (peak - final_rate) (1 + cos(pi (s - W) / (T - W))) / 2
//   s > T:       lr = final_rate
// (W = warmup_steps, T = total_steps), as PyTorch's LinearLR then CosineAnnealingLR.
struct WarmupCosineSchedule {
  double peak = 0.001;
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 100;
  double warmup_start = 0.0;
  double final_rate = 0.0;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t) const { return std::nullopt; }
};

enum class CyclicMode { triangular, triangular2, exp_range };

// Cyclical learning rates (Smith 2017, "Cyclical learning rates for training neural
// networks", arXiv 2015), as PyTorch's CyclicLR: with L = up + down,
//   c = floor(1 + s / L), x = 1 + s / L - c,
//   f = x / r if x <= r else (x - 1) / (r - 1)   (r = up / L),
//   lr = base + (max - base) f scale,  momentum = max_m - (max_m - base_m) f scale,
// scale = 1 (triangular), 1 / 2^(c - 1) (triangular2), gamma^s (exp_range).
struct CyclicSchedule {
  double base_rate = 0.001;
  double max_rate = 0.006;
  std::int64_t step_size_up = 2000;
  std::int64_t step_size_down = 0;  // 0: the same as step_size_up
  CyclicMode mode = CyclicMode::triangular;
  double gamma = 1.0;  // exp_range only
  bool cycle_momentum = true;
  double base_momentum = 0.8;
  double max_momentum = 0.9;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t step) const;

 private:
  double shape(std::int64_t step) const;  // f * scale
};

enum class Anneal { cosine, linear };

// 1cycle (Smith & Topin 2018, "Super-convergence"; Smith 2018, "A disciplined approach to
// neural network hyper-parameters: part 1"), as PyTorch's OneCycleLR: from max/div_factor up
// to max_rate over pct_start of the steps, then down to max/(div_factor final_div_factor),
// momentum cycled inversely (max -> base -> max). three_phase: up, back down to the start
// over as many steps, then the final annihilation. Steps past total_steps - 1 hold its value.
struct OneCycleSchedule {
  double max_rate = 0.01;
  std::int64_t total_steps = 100;
  double pct_start = 0.3;
  Anneal anneal = Anneal::cosine;
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
  void validate() const;
  double learning_rate(std::int64_t step) const;
  std::optional<double> momentum(std::int64_t step) const;

 private:
  struct Point {
    double rate, momentum;
  };
  Point at(std::int64_t step) const;
};

// Any of the above, validated once, copyable, asked once per step (or epoch).
class Schedule {
 public:
  using Variant = std::variant<ConstantSchedule, ExponentialSchedule, DecadeSchedule, LinearSchedule, StepDecaySchedule,
                               WarmupCosineSchedule, CyclicSchedule, OneCycleSchedule>;

  // Throws UsageError naming the parameter when one is out of range.
  template <typename T>
  requires std::is_constructible_v<Variant, T> Schedule(T schedule)
      : schedule_(std::move(schedule)) {  // NOLINT: implicit on purpose
    std::visit([](const auto& s) { s.validate(); }, schedule_);
  }

  double learning_rate(std::int64_t step) const;
  // The momentum (SGD momentum, Adam's beta_1) to set at this step, or nullopt.
  std::optional<double> momentum(std::int64_t step) const;
  // "constant", "exponential", "decade", "linear", "step_decay", "warmup_cosine",
  // "cyclic", "one_cycle", and the parameters, for reports.
  std::string name() const;
  nlohmann::json config() const;
  const Variant& parameters() const { return schedule_; }

 private:
  Variant schedule_;
};

// Keras' LearningRateScheduler callback: the rate for epoch e (0-based), given the
// current rate; fit calls it at the start of each epoch.
using LearningRateSchedulerFn = std::function<double(int epoch, double learning_rate)>;

// The recipe's `lambda epoch: 1e-3 * 10 ** (epoch / 30)`.
LearningRateSchedulerFn range_test_scheduler(double start = 1e-3, double epochs_per_decade = 30.0);
// A schedule indexed by epoch, as a LearningRateScheduler (the current rate is ignored).
LearningRateSchedulerFn per_epoch(const Schedule& schedule);

}  // namespace lrtune
