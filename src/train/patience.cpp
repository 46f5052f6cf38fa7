// Keras' improvement and patience rule (see lrtune/train/patience.hpp).
#include "lrtune/train/patience.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

Patience::Patience(int patience, double min_delta, bool maximise, std::optional<double> baseline)
    : patience_(patience), min_delta_(min_delta), maximise_(maximise), baseline_(baseline) {
  if (patience_ < 0) throw UsageError(fmt::format("patience must be >= 0, got {}", patience_));
  if (!(min_delta_ >= 0.0)) throw UsageError(fmt::format("min_delta must be >= 0, got {}", min_delta_));
  reset();
}

void Patience::reset() {
  best_ = maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  wait_ = 0;
}

bool Patience::improves(double value, double reference) const {
  if (std::isnan(value)) return false;
  return maximise_ ? value - min_delta_ > reference : value + min_delta_ < reference;
}

PatienceVerdict Patience::observe(double value) {
  ++wait_;
  if (improves(value, best_)) {
    best_ = value;
    if (!baseline_ || improves(value, *baseline_)) wait_ = 0;
    return PatienceVerdict::improved;
  }
  return wait_ >= patience_ ? PatienceVerdict::exhausted : PatienceVerdict::waiting;
}

}  // namespace lrtune
