// Keras' EarlyStopping rule on its own, so that fit's EarlyStopping callback and the search's
// training units stop and keep weights by the same rule: a value improves when it beats the
// best so far by more than min_delta; `patience` values in a row without one end the training.
#pragma once

#include <optional>

#include "lrtune/core/error.hpp"

namespace lrtune {

enum class PatienceVerdict { improved, waiting, exhausted };

class Patience {
 public:
  // Throws UsageError for patience < 0 or min_delta not >= 0.
  Patience(int patience, double min_delta, bool maximise = false, std::optional<double> baseline = {});

  // Records the next monitored value. `improved`: it is the new best (keep its weights). With a
  // baseline, an improvement resets the wait only when it also beats the baseline (Keras).
  // `exhausted`: patience values in a row did not improve. NaN never improves.
  PatienceVerdict observe(double value);
  bool improves(double value, double reference) const;
  void reset();

  double best() const { return best_; }  // +-inf before the first improvement
  int wait() const { return wait_; }

 private:
  int patience_;
  double min_delta_;
  bool maximise_;
  std::optional<double> baseline_;
  double best_ = 0.0;
  int wait_ = 0;
};

}  // namespace lrtune
