// The schedules' formulas (see schedules.hpp for each one's definition and source) and
// their checks. Pure functions of the step: nothing here touches an optimizer.
#include "lrtune/optim/schedules.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"
#include "validate.hpp"

namespace lrtune {
namespace {

void check_step(std::int64_t step) {
  if (step < 0) throw UsageError(fmt::format("schedule: step = {} is invalid; steps count from 0", step));
}

void require_count(std::string_view owner, std::string_view option, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    throw UsageError(fmt::format("{}: {} = {} is invalid; it must be an integer >= {}", owner, option, value, minimum));
  }
}

// Fraction of the way through a ramp of n points (0 at step 0, 1 at step n - 1 and after).
double ramp_fraction(std::int64_t step, std::int64_t n) {
  if (n <= 1) return 0.0;
  return static_cast<double>(std::min(step, n - 1)) / static_cast<double>(n - 1);
}

double interpolate(Anneal how, double start, double end, double pct) {
  if (how == Anneal::cosine) return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
  return (end - start) * pct + start;
}

}  // namespace

// ---- constant, exponential, decade, linear, step decay -------------------------------

void ConstantSchedule::validate() const { detail::require_non_negative("constant schedule", "rate", rate); }
double ConstantSchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  return rate;
}

void ExponentialSchedule::validate() const {
  detail::require_positive("exponential schedule", "start", start);
  detail::require_positive("exponential schedule", "end", end);
  require_count("exponential schedule", "steps", steps, 1);
}
double ExponentialSchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  // lr = start (end / start)^(s / (n - 1))
  return start * std::pow(end / start, ramp_fraction(step, steps));
}

void DecadeSchedule::validate() const {
  detail::require_positive("decade schedule", "start", start);
  detail::require_positive("decade schedule", "steps_per_decade", steps_per_decade);
}
double DecadeSchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  // lr = start * 10^(s / k), evaluated in the recipe's order
  return start * std::pow(10.0, static_cast<double>(step) / steps_per_decade);
}

void LinearSchedule::validate() const {
  detail::require_non_negative("linear schedule", "start", start);
  detail::require_non_negative("linear schedule", "end", end);
  require_count("linear schedule", "steps", steps, 1);
}
double LinearSchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  // lr = start + (end - start) s / (n - 1)
  return start + (end - start) * ramp_fraction(step, steps);
}

void StepDecaySchedule::validate() const {
  detail::require_non_negative("step decay schedule", "initial", initial);
  detail::require_positive("step decay schedule", "factor", factor);
  require_count("step decay schedule", "step_size", step_size, 1);
}
double StepDecaySchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  // lr = initial * factor^floor(s / step_size); s >= 0, so the integer quotient is the floor.
  const std::int64_t decays = step / step_size;
  return initial * std::pow(factor, static_cast<double>(decays));
}

// ---- warm-up + cosine -------------------------------------------------------------------

void WarmupCosineSchedule::validate() const {
  detail::require_non_negative("warmup cosine schedule", "peak", peak);
  detail::require_non_negative("warmup cosine schedule", "warmup_start", warmup_start);
  detail::require_non_negative("warmup cosine schedule", "final_rate", final_rate);
  require_count("warmup cosine schedule", "warmup_steps", warmup_steps, 0);
  require_count("warmup cosine schedule", "total_steps", total_steps, std::max<std::int64_t>(warmup_steps, 1));
}
double WarmupCosineSchedule::learning_rate(std::int64_t step) const {
  check_step(step);
  if (step < warmup_steps) {
    // lr = warmup_start + (peak - warmup_start) s / W
    return warmup_start + (peak - warmup_start) * static_cast<double>(step) / static_cast<double>(warmup_steps);
  }
  if (step >= total_steps) return total_steps == warmup_steps ? peak : final_rate;
  // lr = final + (peak - final) (1 + cos(pi (s - W) / (T - W))) / 2
  const double pct = static_cast<double>(step - warmup_steps) / static_cast<double>(total_steps - warmup_steps);
  return final_rate + (peak - final_rate) * (1.0 + std::cos(std::numbers::pi * pct)) / 2.0;
}

// ---- cyclical ---------------------------------------------------------------------------

void CyclicSchedule::validate() const {
  detail::require_non_negative("cyclic schedule", "base_rate", base_rate);
  detail::require_non_negative("cyclic schedule", "max_rate", max_rate);
  require_count("cyclic schedule", "step_size_up", step_size_up, 1);
  require_count("cyclic schedule", "step_size_down", step_size_down, 0);
  detail::require_positive("cyclic schedule", "gamma", gamma);
  if (cycle_momentum) {
    detail::require_unit_closed("cyclic schedule", "base_momentum", base_momentum);
    detail::require_unit_closed("cyclic schedule", "max_momentum", max_momentum);
  }
}

double CyclicSchedule::shape(std::int64_t step) const {
  check_step(step);
  const double up = static_cast<double>(step_size_up);
  const double down = static_cast<double>(step_size_down == 0 ? step_size_up : step_size_down);
  const double total = up + down, ratio = up / total, s = static_cast<double>(step);
  const double cycle = std::floor(1.0 + s / total);
  const double x = 1.0 + s / total - cycle;
  const double f = x <= ratio ? x / ratio : (x - 1.0) / (ratio - 1.0);
  switch (mode) {
    case CyclicMode::triangular: return f;
    case CyclicMode::triangular2: return f * (1.0 / std::pow(2.0, cycle - 1.0));
    case CyclicMode::exp_range: return f * std::pow(gamma, s);
  }
  return f;
}
double CyclicSchedule::learning_rate(std::int64_t step) const {
  return base_rate + (max_rate - base_rate) * shape(step);
}
std::optional<double> CyclicSchedule::momentum(std::int64_t step) const {
  if (!cycle_momentum) return std::nullopt;
  return max_momentum - (max_momentum - base_momentum) * shape(step);
}

// ---- 1cycle -----------------------------------------------------------------------------

void OneCycleSchedule::validate() const {
  detail::require_positive("one-cycle schedule", "max_rate", max_rate);
  require_count("one-cycle schedule", "total_steps", total_steps, 2);
  detail::require_positive("one-cycle schedule", "div_factor", div_factor);
  detail::require_positive("one-cycle schedule", "final_div_factor", final_div_factor);
  if (cycle_momentum) {
    detail::require_unit_closed("one-cycle schedule", "base_momentum", base_momentum);
    detail::require_unit_closed("one-cycle schedule", "max_momentum", max_momentum);
  }
  // Each phase must span at least one step (PyTorch would divide by zero).
  const double n = static_cast<double>(total_steps);
  const double end1 = pct_start * n - 1.0;
  const double end2 = three_phase ? 2.0 * pct_start * n - 2.0 : n - 1.0;
  if (!(pct_start > 0.0 && pct_start < 1.0) || !(end1 > 0.0) || !(end2 > end1) || !(n - 1.0 > end2 || !three_phase)) {
    detail::invalid("one-cycle schedule", "pct_start", pct_start,
                    fmt::format("in (0, 1) with every phase at least one step long for total_steps = {}{}", total_steps,
                                three_phase ? " (three phases: pct_start < 0.5)" : ""));
  }
}

OneCycleSchedule::Point OneCycleSchedule::at(std::int64_t step) const {
  check_step(step);
  const double n = static_cast<double>(total_steps);
  const double initial = max_rate / div_factor, minimum = initial / final_div_factor;
  struct Phase {
    double end_step, start_rate, end_rate, start_momentum, end_momentum;
  };
  // Phase ends as PyTorch counts them: pct_start n - 1, (2 pct_start n - 2), n - 1.
  Phase phases[3];
  int count;
  if (three_phase) {
    phases[0] = {pct_start * n - 1.0, initial, max_rate, max_momentum, base_momentum};
    phases[1] = {2.0 * pct_start * n - 2.0, max_rate, initial, base_momentum, max_momentum};
    phases[2] = {n - 1.0, initial, minimum, max_momentum, max_momentum};
    count = 3;
  } else {
    phases[0] = {pct_start * n - 1.0, initial, max_rate, max_momentum, base_momentum};
    phases[1] = {n - 1.0, max_rate, minimum, base_momentum, max_momentum};
    count = 2;
  }
  const double s = static_cast<double>(std::min(step, total_steps - 1));
  double start_step = 0.0;
  for (int i = 0; i < count; ++i) {
    const Phase& p = phases[i];
    if (s <= p.end_step || i == count - 1) {
      const double pct = (s - start_step) / (p.end_step - start_step);
      return {interpolate(anneal, p.start_rate, p.end_rate, pct),
              interpolate(anneal, p.start_momentum, p.end_momentum, pct)};
    }
    start_step = p.end_step;
  }
  return {minimum, max_momentum};  // not reached
}
double OneCycleSchedule::learning_rate(std::int64_t step) const { return at(step).rate; }
std::optional<double> OneCycleSchedule::momentum(std::int64_t step) const {
  if (!cycle_momentum) return std::nullopt;
  return at(step).momentum;
}

// ---- Schedule -----------------------------------------------------------------------------

double Schedule::learning_rate(std::int64_t step) const {
  return std::visit([step](const auto& s) { return s.learning_rate(step); }, schedule_);
}
std::optional<double> Schedule::momentum(std::int64_t step) const {
  return std::visit([step](const auto& s) { return s.momentum(step); }, schedule_);
}

namespace {
constexpr NameTable<CyclicMode, 3> kCyclicModes{{{"triangular", CyclicMode::triangular},
                                                 {"triangular2", CyclicMode::triangular2},
                                                 {"exp_range", CyclicMode::exp_range}}};
constexpr NameTable<Anneal, 2> kAnneals{{{"cosine", Anneal::cosine}, {"linear", Anneal::linear}}};

struct Describe {
  nlohmann::json operator()(const ConstantSchedule& s) const { return {{"name", "constant"}, {"rate", s.rate}}; }
  nlohmann::json operator()(const ExponentialSchedule& s) const {
    return {{"name", "exponential"}, {"start", s.start}, {"end", s.end}, {"steps", s.steps}};
  }
  nlohmann::json operator()(const DecadeSchedule& s) const {
    return {{"name", "decade"}, {"start", s.start}, {"steps_per_decade", s.steps_per_decade}};
  }
  nlohmann::json operator()(const LinearSchedule& s) const {
    return {{"name", "linear"}, {"start", s.start}, {"end", s.end}, {"steps", s.steps}};
  }
  nlohmann::json operator()(const StepDecaySchedule& s) const {
    return {{"name", "step_decay"}, {"initial", s.initial}, {"factor", s.factor}, {"step_size", s.step_size}};
  }
  nlohmann::json operator()(const WarmupCosineSchedule& s) const {
    return {{"name", "warmup_cosine"},        {"peak", s.peak},
            {"warmup_steps", s.warmup_steps}, {"total_steps", s.total_steps},
            {"warmup_start", s.warmup_start}, {"final_rate", s.final_rate}};
  }
  nlohmann::json operator()(const CyclicSchedule& s) const {
    return {{"name", "cyclic"},
            {"base_rate", s.base_rate},
            {"max_rate", s.max_rate},
            {"step_size_up", s.step_size_up},
            {"step_size_down", s.step_size_down == 0 ? s.step_size_up : s.step_size_down},
            {"mode", name_of_value(kCyclicModes, s.mode, "cyclic mode")},
            {"gamma", s.gamma},
            {"cycle_momentum", s.cycle_momentum},
            {"base_momentum", s.base_momentum},
            {"max_momentum", s.max_momentum}};
  }
  nlohmann::json operator()(const OneCycleSchedule& s) const {
    return {{"name", "one_cycle"},
            {"max_rate", s.max_rate},
            {"total_steps", s.total_steps},
            {"pct_start", s.pct_start},
            {"anneal", name_of_value(kAnneals, s.anneal, "anneal")},
            {"cycle_momentum", s.cycle_momentum},
            {"base_momentum", s.base_momentum},
            {"max_momentum", s.max_momentum},
            {"div_factor", s.div_factor},
            {"final_div_factor", s.final_div_factor},
            {"three_phase", s.three_phase}};
  }
};
}  // namespace

nlohmann::json Schedule::config() const { return std::visit(Describe{}, schedule_); }
std::string Schedule::name() const { return config()["name"].get<std::string>(); }

LearningRateSchedulerFn range_test_scheduler(double start, double epochs_per_decade) {
  const Schedule schedule(DecadeSchedule{start, epochs_per_decade});
  return per_epoch(schedule);
}

LearningRateSchedulerFn per_epoch(const Schedule& schedule) {
  return [schedule](int epoch, double) { return schedule.learning_rate(epoch); };
}

}  // namespace lrtune
