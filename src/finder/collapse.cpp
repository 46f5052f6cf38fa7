// The collapse detector: four signals, each the first point where it fires, and the
// earliest of them. Thresholds and their reasons: collapse.hpp and docs/finder.md.
#include "lrtune/finder/collapse.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

void CollapseOptions::validate() const {
  if (!(rise_factor > 1.0 && std::isfinite(rise_factor)))
    throw UsageError(fmt::format("collapse.rise_factor = {} must be finite and above 1", rise_factor));
  if (!(fall_first >= 0.0 && fall_first < 1.0))
    throw UsageError(fmt::format("collapse.fall_first = {} is out of range [0, 1)", fall_first));
  if (!(vanish_fraction >= 0.0 && vanish_fraction < 1.0))
    throw UsageError(fmt::format("collapse.vanish_fraction = {} is out of range [0, 1)", vanish_fraction));
  if (constant_points < 2)
    throw UsageError(fmt::format("collapse.constant_points = {} must be at least 2", constant_points));
  if (!(accuracy_drop > 0.0 && accuracy_drop <= 1.0))
    throw UsageError(fmt::format("collapse.accuracy_drop = {} is out of range (0, 1]", accuracy_drop));
  if (!(validation_factor > 1.0 && std::isfinite(validation_factor)))
    throw UsageError(fmt::format("collapse.validation_factor = {} must be finite and above 1", validation_factor));
}

namespace {

Collapse at(std::size_t index, std::string reason) {
  return Collapse{static_cast<std::int64_t>(index), std::move(reason)};
}

// The loss rose: above rise_factor x its running minimum, or back above its first value
// after it had fallen by more than fall_first.
Collapse rising(std::span<const double> lrs, std::span<const double> losses, std::size_t n, const CollapseOptions& o) {
  const double first = losses[0];
  std::size_t low = 0;  // index of the lowest loss before i
  for (std::size_t i = 1; i < n; ++i) {
    const double lowest = losses[low];
    if (lowest > 0.0 && losses[i] > o.rise_factor * lowest)
      return at(i, fmt::format("the training loss rose to {:.4g} at lr {:.3g} (point {}), {:.1f}x its lowest {:.4g} "
                               "(lr {:.3g}, point {}; more than {:g}x)",
                               losses[i], lrs[i], i, losses[i] / lowest, lowest, lrs[low], low, o.rise_factor));
    if (first > 0.0 && lowest <= (1.0 - o.fall_first) * first && losses[i] > first)
      return at(i, fmt::format("the training loss rose to {:.4g} at lr {:.3g} (point {}), above its first value "
                               "{:.4g} after falling to {:.4g} (lr {:.3g}, point {})",
                               losses[i], lrs[i], i, first, lowest, lrs[low], low));
    if (losses[i] < lowest) low = i;
  }
  return {};
}

// The loss vanished: at or below vanish_fraction x its first value.
Collapse vanishing(std::span<const double> lrs, std::span<const double> losses, std::size_t n,
                   const CollapseOptions& o) {
  const double first = losses[0];
  if (!(first > 0.0)) return {};
  for (std::size_t i = 1; i < n; ++i)
    if (losses[i] <= o.vanish_fraction * first)
      return at(i,
                fmt::format("the training loss fell to {:.3g} at lr {:.3g} (point {}), {:g}% of its first value "
                            "{:.4g} or less: the model fits the training rows and the loss no longer measures the rate",
                            losses[i], lrs[i], i, 100.0 * o.vanish_fraction, first));
  return {};
}

// The model became a constant: a constant predictor scores the same accuracy (its class's
// share) every epoch, so equal accuracies on constant_points points in a row, well below
// the best so far, mark the first of them.
Collapse constant_model(std::span<const double> lrs, std::span<const double> accuracy, std::size_t n,
                        const CollapseOptions& o) {
  if (accuracy.empty()) return {};
  double best_before_run = -std::numeric_limits<double>::infinity();  // max over [0, run_start)
  double best = -std::numeric_limits<double>::infinity();             // max over [0, i]
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool continues = i > 0 && std::isfinite(accuracy[i]) && std::isfinite(accuracy[i - 1]) &&
                           std::abs(accuracy[i] - accuracy[i - 1]) <= 1e-9;
    if (!continues) {
      run_start = i;
      best_before_run = best;
    }
    if (std::isfinite(accuracy[i]) && accuracy[i] > best) best = accuracy[i];
    if (i + 1 - run_start == o.constant_points && accuracy[run_start] <= best_before_run - o.accuracy_drop)
      return at(run_start, fmt::format("the accuracy fell to {:.4g} at lr {:.3g} (point {}) and stayed there for {} "
                                       "points, {:.4g} below its best {:.4g}: the model predicts one class",
                                       accuracy[run_start], lrs[run_start], run_start, o.constant_points,
                                       best_before_run - accuracy[run_start], best_before_run));
  }
  return {};
}

// The validation loss exploded while the training loss went on falling: above
// validation_factor x its lowest so far, with the training loss below its value there.
Collapse validation_explodes(std::span<const double> lrs, std::span<const double> losses,
                             std::span<const double> validation, std::size_t n, const CollapseOptions& o) {
  if (validation.empty()) return {};
  std::size_t low = n;  // index of the lowest finite validation loss before i; n = none yet
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(validation[i])) continue;
    if (low < n && validation[low] > 0.0 && validation[i] > o.validation_factor * validation[low] &&
        losses[i] < losses[low])
      return at(
          i, fmt::format("the validation loss rose to {:.4g} at lr {:.3g} (point {}), {:.1f}x its lowest {:.4g} "
                         "(lr {:.3g}, point {}; more than {:g}x), while the training loss fell from {:.4g} to {:.4g}",
                         validation[i], lrs[i], i, validation[i] / validation[low], validation[low], lrs[low], low,
                         o.validation_factor, losses[low], losses[i]));
    if (low == n || validation[i] < validation[low]) low = i;
  }
  return {};
}

void check_length(std::string_view what, std::span<const double> column, std::size_t n) {
  if (!column.empty() && column.size() != n)
    throw UsageError(fmt::format("collapse: the curve has {} losses but {} {}", n, column.size(), what));
}

}  // namespace

Collapse detect_collapse(std::span<const double> lrs, std::span<const double> losses,
                         std::span<const double> validation_losses, std::span<const double> accuracy,
                         const CollapseOptions& options) {
  options.validate();
  if (lrs.size() != losses.size())
    throw UsageError(fmt::format("collapse: the curve has {} learning rates but {} losses", lrs.size(), losses.size()));
  check_length("validation losses", validation_losses, losses.size());
  check_length("accuracies", accuracy, losses.size());
  if (!options.enabled || losses.empty()) return {};
  std::size_t n = 0;  // the finite prefix
  while (n < losses.size() && std::isfinite(losses[n])) ++n;
  if (n == 0) return {};

  Collapse earliest;
  for (Collapse c :
       {rising(lrs, losses, n, options), vanishing(lrs, losses, n, options), constant_model(lrs, accuracy, n, options),
        validation_explodes(lrs, losses, validation_losses, n, options)})
    if (c.found() && (!earliest.found() || c.index < earliest.index)) earliest = std::move(c);
  return earliest;
}

}  // namespace lrtune
