// The noise-aware pick: smoothing across log rate, the paired standard error against the default
// rate, and the decision with its reason. The search supplies the numbers (search_core.cpp).
#include "lrtune/tune/pick.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/statistics.hpp"

namespace lrtune {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string rate_text(double lr) { return fmt::format("{:.3g}", lr); }

void check_candidates(std::span<const PickCandidate> candidates, const PickRule& rule) {
  if (candidates.empty()) throw UsageError("decide_pick: no candidates");
  if (rule.default_index >= candidates.size())
    throw UsageError(fmt::format("decide_pick: default_index {} is not below the {} candidates", rule.default_index,
                                 candidates.size()));
  if (!(rule.noise_margin >= 0.0) || !std::isfinite(rule.noise_margin))
    throw UsageError(fmt::format("decide_pick: noise_margin = {}; valid: a finite number >= 0", rule.noise_margin));
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double lr = candidates[i].learning_rate;
    if (!(lr > 0.0) || !std::isfinite(lr) || (i > 0 && lr < candidates[i - 1].learning_rate))
      throw UsageError("decide_pick: learning rates must be finite, positive and in increasing order");
  }
}

std::size_t lowest(std::span<const double> values) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i)
    if (values[i] < values[best]) best = i;
  return best;
}

// Whether every repeat of the candidate has per-row losses (the paired rows noise can be measured).
bool has_rows(const PickCandidate& candidate) {
  return !candidate.row_losses.empty() && std::none_of(candidate.row_losses.begin(), candidate.row_losses.end(),
                                                       [](const std::vector<double>& rows) { return rows.empty(); });
}

// One unit per candidate and no per-row losses: nothing measures the noise, so the rule is plain:
// the challenger wins on any improvement, and the reason says the pick is unguarded.
void decide_without_noise(PickDecision& out, std::size_t default_index, double challenger_rate, double default_rate) {
  const bool better = out.difference.mean < 0.0;
  out.pick = better ? out.challenger : default_index;
  out.kept_default = !better;
  const std::string numbers = fmt::format(
      "{} against the default {}: {:+.2f} % of the loss; no noise estimate exists (one seed and fold "
      "per candidate and no per-row validation losses), so any improvement counts",
      rate_text(challenger_rate), rate_text(default_rate), out.relative_difference);
  out.reason = better ? fmt::format("{} beats the default ({}).", rate_text(challenger_rate), numbers)
                      : fmt::format("The default rate {} was kept ({}).", rate_text(default_rate), numbers);
}

}  // namespace

PairedDifference paired_difference(const std::vector<std::vector<double>>& challenger,
                                   const std::vector<std::vector<double>>& baseline) {
  if (challenger.size() != baseline.size() || challenger.empty())
    throw UsageError(
        fmt::format("paired_difference: {} and {} repeats do not pair up", challenger.size(), baseline.size()));
  std::vector<double> repeat_means;
  double row_variance = 0.0;  // sum over repeats of SE_r^2
  std::size_t rows = 0;
  for (std::size_t r = 0; r < challenger.size(); ++r) {
    if (challenger[r].size() != baseline[r].size() || challenger[r].empty())
      throw UsageError(
          fmt::format("paired_difference: repeat {} has {} and {} rows", r, challenger[r].size(), baseline[r].size()));
    std::vector<double> d(challenger[r].size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = challenger[r][i] - baseline[r][i];
    repeat_means.push_back(mean_of(d));
    const double se = sample_std(d) / std::sqrt(static_cast<double>(d.size()));
    row_variance += se * se;
    rows += d.size();
  }
  const auto repeats = static_cast<double>(challenger.size());
  const double row_se = std::sqrt(row_variance) / repeats;
  const double repeat_se = challenger.size() >= 2 ? sample_std(repeat_means) / std::sqrt(repeats) : 0.0;
  return {.mean = mean_of(repeat_means), .standard_error = std::max(row_se, repeat_se), .rows = rows};
}

PairedDifference repeat_difference(const std::vector<double>& challenger, const std::vector<double>& baseline) {
  if (challenger.size() != baseline.size() || challenger.empty())
    throw UsageError(
        fmt::format("repeat_difference: {} and {} repeats do not pair up", challenger.size(), baseline.size()));
  std::vector<double> d(challenger.size());
  for (std::size_t r = 0; r < d.size(); ++r) d[r] = challenger[r] - baseline[r];
  const auto repeats = static_cast<double>(d.size());
  const double se = d.size() >= 2 ? sample_std(d) / std::sqrt(repeats) : kNaN;
  return {.mean = mean_of(d), .standard_error = se, .rows = 0};
}

std::vector<double> smooth_over_log_rate(std::span<const double> learning_rates, std::span<const double> scores) {
  if (learning_rates.size() != scores.size())
    throw UsageError("smooth_over_log_rate: rates and scores differ in length");
  const std::size_t n = scores.size();
  std::vector<double> logs(n);
  for (std::size_t i = 0; i < n; ++i) logs[i] = std::log10(learning_rates[i]);
  std::vector<double> gaps;
  for (std::size_t i = 1; i < n; ++i) gaps.push_back(std::abs(logs[i] - logs[i - 1]));
  std::vector<double> smoothed(scores.begin(), scores.end());
  if (gaps.empty()) return smoothed;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const double spacing = gaps[gaps.size() / 2];
  if (!(spacing > 0.0)) return smoothed;
  // exp(-spacing^2 / (2 h^2)) = 1/2  <=>  h^2 = spacing^2 / (2 ln 2)
  const double two_h2 = spacing * spacing / std::log(2.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(scores[i])) {
      smoothed[i] = kInf;
      continue;
    }
    double weights = 0.0, sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (!std::isfinite(scores[j])) continue;
      const double d = logs[j] - logs[i];
      const double w = std::exp(-d * d / two_h2);
      weights += w;
      sum += w * scores[j];
    }
    smoothed[i] = sum / weights;
  }
  return smoothed;
}

PickDecision decide_pick(std::span<const PickCandidate> candidates, const PickRule& rule) {
  check_candidates(candidates, rule);
  PickDecision out;
  std::vector<double> rates, scores;
  for (const auto& c : candidates) {
    rates.push_back(c.learning_rate);
    scores.push_back(c.score);
  }
  out.smoothed_scores = smooth_over_log_rate(rates, scores);
  out.relative_difference = out.relative_noise = kNaN;
  const std::size_t d = rule.default_index;
  const PickCandidate& def = candidates[d];
  if (std::none_of(scores.begin(), scores.end(), [](double s) { return std::isfinite(s); })) {
    out.pick = out.challenger = 0;
    out.reason = fmt::format("Every candidate diverged; {} is returned only as the lowest rate tried.",
                             rate_text(rates.front()));
    return out;
  }
  out.challenger = lowest(out.smoothed_scores);
  const std::size_t c = out.challenger;
  if (c == 0 && candidates.size() > 1) out.end = PickEnd::low;
  if (c + 1 == candidates.size() && candidates.size() > 1) out.end = PickEnd::high;
  if (c == d) {
    out.pick = d;
    out.kept_default = true;
    out.reason = fmt::format("The default rate {} has the lowest smoothed validation loss ({:.4f}): it is kept.",
                             rate_text(def.learning_rate), out.smoothed_scores[d]);
    return out;
  }
  if (!std::isfinite(def.score)) {
    out.pick = c;
    out.reason = fmt::format("The default rate {} diverged; {} has the lowest smoothed validation loss ({:.4f}).",
                             rate_text(def.learning_rate), rate_text(rates[c]), out.smoothed_scores[c]);
    return out;
  }
  const bool rows = has_rows(candidates[c]) && has_rows(def);
  out.difference = rows ? paired_difference(candidates[c].row_losses, def.row_losses)
                        : repeat_difference(candidates[c].repeat_scores, def.repeat_scores);
  const double base = def.score > 0.0 ? def.score : 1.0;  // a zero loss: report absolute numbers
  out.relative_difference = 100.0 * out.difference.mean / base;
  out.relative_noise = 100.0 * out.difference.standard_error / base;
  if (std::isnan(out.difference.standard_error)) {
    decide_without_noise(out, d, rates[c], def.learning_rate);
    return out;
  }
  const double needed = rule.noise_margin * out.difference.standard_error;
  const std::string over =
      rows ? fmt::format("{} paired validation rows", out.difference.rows)
           : fmt::format("{} paired seeds and folds, as no per-row losses were reported", def.repeat_scores.size());
  const std::string numbers = fmt::format(
      "{} against the default {}: {:+.2f} % of the loss, noise (one standard error over {}) {:.2f} %, margin {} "
      "standard errors",
      rate_text(rates[c]), rate_text(def.learning_rate), out.relative_difference, over, out.relative_noise,
      rule.noise_margin);
  if (out.difference.mean < -needed) {
    out.pick = c;
    out.reason = fmt::format("{} beats the default by more than the noise ({}).", rate_text(rates[c]), numbers);
  } else {
    out.pick = d;
    out.kept_default = true;
    out.reason = fmt::format("The default rate {} was kept: no rate beat it by more than the noise ({:.2f} %; {}).",
                             rate_text(def.learning_rate), rule.noise_margin * out.relative_noise, numbers);
  }
  return out;
}

}  // namespace lrtune
