// Successive halving's arithmetic: rung epoch targets and the cut after a rung. Pure functions of
// numbers; the Tuner trains and calls these.
#include "lrtune/tune/halving.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

std::vector<int> rung_epoch_targets(int first_rung_epochs, double rung_growth, int max_epochs) {
  if (first_rung_epochs < 1 || !(rung_growth > 1.0) || max_epochs < first_rung_epochs) {
    throw UsageError(
        fmt::format("rung_epoch_targets: need first_rung_epochs >= 1 (got {}), rung_growth > 1 "
                    "(got {}) and max_epochs >= first_rung_epochs (got {})",
                    first_rung_epochs, rung_growth, max_epochs));
  }
  std::vector<int> targets;
  for (int k = 0;; ++k) {
    const double planned = std::round(static_cast<double>(first_rung_epochs) * std::pow(rung_growth, k));
    int epochs = planned >= static_cast<double>(max_epochs) ? max_epochs : static_cast<int>(planned);
    if (!targets.empty()) epochs = std::max(epochs, targets.back() + 1);
    epochs = std::min(epochs, max_epochs);
    targets.push_back(epochs);
    if (epochs == max_epochs) return targets;
  }
}

namespace {

std::string score_text(double score) {
  return std::isfinite(score) ? fmt::format("{:.4g}", score) : "no finite score (diverged)";
}

}  // namespace

HalvingCut cut_rung(const std::vector<RungEntry>& entries, const HalvingRule& rule) {
  if (entries.empty()) throw UsageError("cut_rung: a rung without candidates");
  if (!(rule.keep_fraction > 0.0 && rule.keep_fraction < 1.0)) {
    throw UsageError(fmt::format("keep_fraction = {} must be in (0, 1)", rule.keep_fraction));
  }
  const std::size_t n = entries.size();
  // Positions into entries, best score first; NaN ranks as +inf; ties keep the lower candidate index.
  auto key = [&](std::size_t i) {
    const double s = entries[i].score;
    return std::isnan(s) ? std::numeric_limits<double>::infinity() : s;
  };
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (key(a) != key(b)) return key(a) < key(b);
    return entries[a].candidate < entries[b].candidate;
  });
  const auto keep = std::max<std::size_t>(
      1, std::min(n, static_cast<std::size_t>(std::ceil(static_cast<double>(n) * rule.keep_fraction - 1e-12))));

  HalvingCut cut;
  cut.reasons.resize(n);
  cut.eliminated.assign(n, false);
  cut.cutoff_score = entries[order[keep - 1]].score;
  const std::string cutoff = score_text(cut.cutoff_score);
  for (std::size_t rank = 0; rank < n; ++rank) {
    const std::size_t i = order[rank];
    const RungEntry& e = entries[i];
    cut.ranking.push_back(e.candidate);
    const std::string place = fmt::format("ranked {} of {} with {}", rank + 1, n, score_text(e.score));
    if (rank < keep) {
      cut.promoted.push_back(e.candidate);
      if (e.finished) {
        cut.reasons[i] = fmt::format("{}: promoted, but finished training", place);
      } else {
        cut.continuing.push_back(e.candidate);
        cut.reasons[i] = fmt::format("{}: promoted (top {} of {})", place, keep, n);
      }
      continue;
    }
    if (e.finished) {
      cut.reasons[i] = fmt::format("{}: outside the top {}, finished training", place, keep);
      continue;
    }
    const double slope = e.rung_epochs > 0 ? (e.previous_score - e.score) / e.rung_epochs : 0.0;
    const double predicted = e.score - 0.5 * slope * rule.next_rung_epochs;
    if (rule.keep_improving && e.improving && std::isfinite(e.score) && slope > 0.0 && predicted < cut.cutoff_score) {
      cut.kept_improving.push_back(e.candidate);
      cut.continuing.push_back(e.candidate);
      cut.reasons[i] = fmt::format(
          "{}: outside the top {} but still improving ({:.3g} per epoch), extrapolated to "
          "{:.4g} < cut-off {} after {} more epochs: kept",
          place, keep, slope, predicted, cutoff, rule.next_rung_epochs);
      continue;
    }
    cut.eliminated[i] = true;
    if (!rule.keep_improving || !std::isfinite(e.score)) {
      cut.reasons[i] = fmt::format("{}: cut (cut-off {})", place, cutoff);
    } else if (!e.improving) {
      cut.reasons[i] = fmt::format("{}: cut (cut-off {}; no new best in its last 2 epochs)", place, cutoff);
    } else {
      cut.reasons[i] = fmt::format("{}: cut (cut-off {}; extrapolated only to {:.4g} after {} more epochs)", place,
                                   cutoff, predicted, rule.next_rung_epochs);
    }
  }
  // Slow starters continue after the promoted ones, in ranking order.
  return cut;
}

}  // namespace lrtune
