// The optimizer base: learning rate, step counter, state slots, snapshot and restore.
// The update rules live in the concrete optimizers (sgd.cpp, adam.cpp, ...).
#include "lrtune/optim/optimizer.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"
#include "validate.hpp"

namespace lrtune {

namespace {
constexpr NameTable<UpdateForm, 2> kUpdateForms{{{"keras", UpdateForm::keras}, {"pytorch", UpdateForm::pytorch}}};
}  // namespace

std::string_view update_form_name(UpdateForm form) { return name_of_value(kUpdateForms, form, "update form"); }

UpdateForm update_form_from_name(std::string_view text) { return value_from_name(kUpdateForms, text, "update form"); }

Optimizer::Optimizer(double learning_rate) : Optimizer(learning_rate, 0) {}

Optimizer::Optimizer(double learning_rate, std::size_t slot_count) : slots_(slot_count), learning_rate_(0.0) {
  set_learning_rate(learning_rate);
}

void Optimizer::set_learning_rate(double learning_rate) {
  detail::require_non_negative("optimizer", "learning_rate", learning_rate);
  learning_rate_ = learning_rate;
}

void Optimizer::set_momentum(double) {
  throw UsageError(
      fmt::format("optimizer '{}' has no momentum to set; use sgd, adam, adamw or rmsprop "
                  "to cycle momentum",
                  name()));
}

void Optimizer::check_sizes(std::size_t params, std::size_t grads) const {
  if (params != grads) {
    throw UsageError(
        fmt::format("{}: step() got {} parameters but {} gradients; they must match", name(), params, grads));
  }
  for (const auto& slot : slots_) {
    if (!slot.empty() && slot.size() != params) {
      throw UsageError(
          fmt::format("{}: step() got {} parameters but the optimizer state holds {}; "
                      "use one optimizer per parameter buffer",
                      name(), params, slot.size()));
    }
  }
}

float* Optimizer::use_slot(std::size_t i, std::size_t n, float fill) {
  auto& slot = slots_.at(i);
  if (slot.empty()) slot.assign(n, fill);
  return slot.data();
}

OptimizerState Optimizer::state() const {
  return OptimizerState{name(), iterations_, learning_rate_, has_momentum() ? momentum() : 0.0, slots_};
}

void Optimizer::load_state(const OptimizerState& state) {
  if (state.optimizer != name()) {
    throw UsageError(
        fmt::format("{}: cannot restore a state written by '{}'; restore into the same kind", name(), state.optimizer));
  }
  if (state.slots.size() != slots_.size()) {
    throw UsageError(
        fmt::format("{}: state has {} slots, this optimizer keeps {}; restore into an "
                    "optimizer built with the same options",
                    name(), state.slots.size(), slots_.size()));
  }
  std::size_t size = 0;
  for (const auto& slot : state.slots) {
    if (slot.empty()) continue;
    if (size != 0 && slot.size() != size) {
      throw UsageError(fmt::format("{}: state slots have different sizes ({} and {})", name(), size, slot.size()));
    }
    size = slot.size();
  }
  if (state.iterations < 0) {
    throw UsageError(fmt::format("{}: state iterations = {} must be >= 0", name(), state.iterations));
  }
  set_learning_rate(state.learning_rate);
  if (has_momentum()) set_momentum(state.momentum);
  iterations_ = state.iterations;
  slots_ = state.slots;
}

}  // namespace lrtune
