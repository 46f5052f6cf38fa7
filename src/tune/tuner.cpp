// The Tuner's orchestration: the validation split, the range test and interval, the rungs of
// lockstep training and halving cuts, the pick with its explanation, and the optional refit.
// Training one unit is lockstep.cpp's, the cut halving.cpp's, the interval interval.cpp's.
#include "lrtune/tune/tuner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "lockstep.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
#include "lrtune/train/validation_split.hpp"
#include "lrtune/tune/halving.hpp"
#include "lrtune/tune/interval.hpp"

namespace lrtune {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

CandidateStatus finished_status(const std::vector<detail::UnitState>& states) {
  std::size_t early = 0;
  for (auto s : states) {
    if (s == detail::UnitState::diverged) return CandidateStatus::diverged;
    if (s == detail::UnitState::early_stopped) ++early;
  }
  return 2 * early >= states.size() ? CandidateStatus::early_stopped : CandidateStatus::max_epochs;
}

// The median epoch as a whole number: with an even count, the mean of the two middle values, rounded.
int median_epoch(std::vector<int> epochs) {
  std::sort(epochs.begin(), epochs.end());
  const std::size_t n = epochs.size();
  if (n % 2 == 1) return epochs[n / 2];
  return static_cast<int>(std::lround(0.5 * (epochs[n / 2 - 1] + epochs[n / 2])));
}

std::string rate_text(double lr) { return fmt::format("{:.3g}", lr); }

std::string loss_text(const TuningCandidate& c, int repeats) {
  if (!std::isfinite(c.score)) return "no finite validation loss (diverged)";
  if (repeats > 1) return fmt::format("{:.4f} ± {:.4f}", c.score, c.score_std);
  return fmt::format("{:.4f}", c.score);
}

std::string explain(const TuningResult& r, const TunerOptions& o) {
  const TuningCandidate& pick = r.candidates[r.pick];
  std::string text;
  if (r.range_test.size() > 0) {
    text += fmt::format("A per-step range test on the {} training rows bounded the search to [{}, {}] ({}; {}). ",
                        r.training_rows, rate_text(r.low), rate_text(r.high), r.high_reason, r.low_reason);
  } else {
    text += fmt::format("The search interval [{}, {}] was given. ", rate_text(r.low), rate_text(r.high));
  }
  text += fmt::format("{} log-spaced candidates{} trained in lockstep (same initial weights, same mini-batches) "
                      "over {} rung{} of successive halving on the loss of {} validation rows, {} epochs in all "
                      "against {} for the full grid. ",
                      r.candidates.size(), r.repeats > 1 ? fmt::format(" x {} seeds", r.repeats) : std::string{},
                      r.rungs.size(), r.rungs.size() == 1 ? "" : "s", r.validation_rows, r.epochs_cost,
                      r.grid_epochs_bound);
  if (r.cancelled) text += "The search was cancelled: the pick is among what was trained. ";
  if (!std::isfinite(pick.score)) {
    text += r.cancelled ? fmt::format("No candidate has a finite validation loss; {} is returned untrained or "
                                      "partly trained, only as the lowest rate tried.",
                                      rate_text(pick.learning_rate))
                        : fmt::format("Every candidate diverged; {} is returned only as the lowest rate tried.",
                                      rate_text(pick.learning_rate));
    return text;
  }
  text += fmt::format("The pick, {}, reached a validation loss of {} at epoch {} ({}{}). ",
                      rate_text(pick.learning_rate), loss_text(pick, r.repeats), r.best_epoch,
                      r.repeats > 1 ? "median over seeds; " : "", to_string(pick.status));
  // Runner-up: the next best score.
  std::optional<std::size_t> runner_up;
  for (std::size_t i = 0; i < r.candidates.size(); ++i) {
    if (i == r.pick) continue;
    if (!runner_up || r.candidates[i].score < r.candidates[*runner_up].score) runner_up = i;
  }
  if (runner_up && std::isfinite(r.candidates[*runner_up].score)) {
    const auto& c = r.candidates[*runner_up];
    text += fmt::format("The runner-up, {}, reached {} ({:+.1f} %",
                        rate_text(c.learning_rate), loss_text(c, r.repeats), 100.0 * (c.score / pick.score - 1.0));
    if (r.repeats > 1) {
      const double gap = c.score - pick.score;
      const double spread = std::hypot(c.score_std, pick.score_std);
      text += gap > spread ? "; the gap is larger than the seeds' spread" : "; within the seeds' spread";
    }
    text += "). ";
  }
  // The candidate nearest 1e-3 (Adam's default), when it is neither of the above.
  std::size_t nearest = 0;
  for (std::size_t i = 1; i < r.candidates.size(); ++i)
    if (std::abs(std::log10(r.candidates[i].learning_rate) + 3.0) <
        std::abs(std::log10(r.candidates[nearest].learning_rate) + 3.0))
      nearest = i;
  const auto& near = r.candidates[nearest];
  if (nearest != r.pick && (!runner_up || nearest != *runner_up) &&
      std::abs(std::log10(near.learning_rate) + 3.0) < 0.5) {
    text += fmt::format("The candidate nearest 1e-3, {}, reached {}{}. ", rate_text(near.learning_rate),
                        loss_text(near, r.repeats),
                        std::isfinite(near.score) ? fmt::format(" ({:+.1f} %)", 100.0 * (near.score / pick.score - 1.0))
                                                  : std::string{});
  }
  if (r.refit) {
    text += fmt::format("The returned model was retrained from seed {} at {} on all {} training and validation rows "
                        "for {} epochs.",
                        o.seed, rate_text(pick.learning_rate), r.training_rows + r.validation_rows, r.best_epoch);
  } else {
    text += fmt::format("The returned model holds that candidate's best weights (seed {}, epoch {}).", o.seed,
                        pick.best_epochs.empty() ? 0 : pick.best_epochs.front());
  }
  if (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

Tuner::Tuner(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
             TunerOptions options, TunerCallbacks callbacks)
    : prototype_(prototype), optimizer_(optimizer), loss_(loss), x_(X), y_(y), options_(std::move(options)),
      callbacks_(std::move(callbacks)) {
  options_.validate();
  check_training_data(prototype_, x_, y_, "tuner training data");
  if (options_.x_val != nullptr) {
    check_training_data(prototype_, *options_.x_val, *options_.y_val, "tuner validation data");
  } else {
    const SplitSizes sizes = split_sizes(x_.rows(), options_.validation_split);
    if (sizes.train < 1 || sizes.test < 1) {
      throw std::invalid_argument(fmt::format("tuner: validation_split = {} of {} rows leaves no training or no "
                                              "validation rows",
                                              options_.validation_split, x_.rows()));
    }
  }
  check_loss_output(loss_, prototype_.output_activation());
}

const Sequential& Tuner::model() const {
  if (!model_) throw std::logic_error("Tuner::model: no model (run() was not called, or it was cancelled before any "
                                      "candidate trained)");
  return *model_;
}

TuningResult Tuner::run() {
  const auto t_total = Clock::now();
  const TunerOptions& o = options_;
  model_.reset();
  TuningResult result;
  result.repeats = o.repeats;

  // ---- the validation part: fit's split for the same seed, or the caller's rows ----
  ValidationSplit split;
  const Matrix* x_train = &x_;
  const Matrix* y_train = &y_;
  const Matrix* x_val = o.x_val;
  const Matrix* y_val = o.y_val;
  if (x_val == nullptr) {
    split = split_for_validation(x_, y_, o.validation_split, o.validation_seed.value_or(o.seed));
    x_train = &split.x_train;
    y_train = &split.y_train;
    x_val = &split.x_val;
    y_val = &split.y_val;
  }
  result.training_rows = x_train->rows();
  result.validation_rows = x_val->rows();

  // ---- the interval ----
  const auto t_range = Clock::now();
  if (o.low) {
    result.low = *o.low;
    result.high = *o.high;
    result.low_reason = fmt::format("low = {:.3g}: given", result.low);
    result.high_reason = fmt::format("high = {:.3g}: given", result.high);
  } else {
    Sequential probe = prototype_;
    probe.initialize(o.seed);
    auto probe_optimizer = optimizer_.clone();
    LRFinderOptions test = o.range_test;
    test.batch_size = o.batch_size;
    test.seed = o.seed;
    test.x_val = nullptr;  // the range test sees the training part only
    test.y_val = nullptr;
    test.validation_split = 0.0;
    test.cancel = o.cancel;
    result.range_test = LRFinder(probe, *probe_optimizer, loss_, *x_train, *y_train, test).run();
    result.range_test_seconds = seconds_since(t_range);
    if (result.range_test.stop_reason == RangeTestStop::stopped_by_user || cancelled(o.cancel)) {
      result.cancelled = true;
      result.explanation = "The search was cancelled during the range test: nothing was trained.";
      result.total_seconds = seconds_since(t_total);
      return result;
    }
    const SearchInterval interval = interval_from_range_test(result.range_test, o.decades_below_minimum);
    result.low = interval.low;
    result.high = interval.high;
    result.low_reason = interval.low_reason;
    result.high_reason = interval.high_reason;
  }
  if (callbacks_.on_interval) callbacks_.on_interval(result);

  // ---- the candidates and their units (candidate c, repeat r at c * repeats + r) ----
  const auto t_search = Clock::now();
  const auto repeats = static_cast<std::size_t>(o.repeats);
  const std::vector<double> rates = log_spaced_rates(result.low, result.high, o.candidates);
  const detail::UnitRules rules{.max_epochs = o.max_epochs, .patience = o.patience, .min_delta = o.min_delta,
                                .batch_size = o.batch_size, .metrics = o.metrics};
  std::vector<std::unique_ptr<detail::TrainingUnit>> units;
  for (std::size_t c = 0; c < rates.size(); ++c) {
    TuningCandidate candidate;
    candidate.learning_rate = rates[c];
    candidate.validation_losses.resize(repeats);
    candidate.best_validation_losses.assign(repeats, kInf);
    candidate.best_epochs.assign(repeats, 0);
    candidate.epochs_trained.assign(repeats, 0);
    result.candidates.push_back(std::move(candidate));
    for (std::size_t r = 0; r < repeats; ++r) {
      units.push_back(std::make_unique<detail::TrainingUnit>(prototype_, optimizer_, rates[c], loss_, *x_train,
                                                             *y_train, *x_val, *y_val, o.seed + r, rules));
    }
  }
  auto unit = [&](std::size_t c, std::size_t r) -> detail::TrainingUnit& { return *units[c * repeats + r]; };
  auto candidate_states = [&](std::size_t c) {
    std::vector<detail::UnitState> states;
    for (std::size_t r = 0; r < repeats; ++r) states.push_back(unit(c, r).state());
    return states;
  };
  auto candidate_finished = [&](std::size_t c) {
    for (std::size_t r = 0; r < repeats; ++r)
      if (unit(c, r).running()) return false;
    return true;
  };
  // Copies the units' records into the candidate and scores it.
  auto record = [&](std::size_t c) {
    TuningCandidate& cand = result.candidates[c];
    bool any_diverged = false;
    double sum = 0.0;
    for (std::size_t r = 0; r < repeats; ++r) {
      const auto& u = unit(c, r);
      cand.validation_losses[r] = u.validation_losses();
      cand.best_validation_losses[r] = u.best_validation_loss();
      cand.best_epochs[r] = u.best_epoch();
      cand.epochs_trained[r] = u.epochs();
      any_diverged = any_diverged || u.state() == detail::UnitState::diverged;
      sum += u.best_validation_loss();
    }
    cand.score = any_diverged ? kInf : sum / static_cast<double>(repeats);
    if (!std::isfinite(cand.score)) {
      cand.score_std = repeats > 1 ? kNaN : 0.0;
    } else if (repeats > 1) {
      double ss = 0.0;
      for (double b : cand.best_validation_losses) ss += (b - cand.score) * (b - cand.score);
      cand.score_std = std::sqrt(ss / static_cast<double>(repeats - 1));
    } else {
      cand.score_std = 0.0;
    }
  };

  const std::vector<int> targets = rung_epoch_targets(o.first_rung_epochs, o.rung_growth, o.max_epochs);
  std::vector<std::size_t> active(rates.size());
  std::iota(active.begin(), active.end(), std::size_t{0});
  result.threads = detail::worker_count(o.threads, units.size());
  for (std::size_t k = 0; k < targets.size() && !active.empty(); ++k) {
    const auto t_rung = Clock::now();
    TuningRung rung;
    rung.epochs = targets[k];
    rung.candidates = active;
    std::vector<detail::TrainingUnit*> work;
    double epochs_before = 0.0;
    for (std::size_t c : active)
      for (std::size_t r = 0; r < repeats; ++r) {
        epochs_before += unit(c, r).epochs();
        if (unit(c, r).running()) work.push_back(&unit(c, r));
      }
    detail::train_in_lockstep(work, targets[k], o.threads, o.cancel);
    double epochs_after = 0.0;
    for (std::size_t c : active) {
      record(c);
      for (std::size_t r = 0; r < repeats; ++r) epochs_after += unit(c, r).epochs();
      result.candidates[c].rung_scores.push_back(result.candidates[c].score);
      result.candidates[c].last_rung = static_cast<int>(k);
    }
    rung.epochs_cost = epochs_after - epochs_before;
    result.epochs_cost += rung.epochs_cost;

    if (cancelled(o.cancel)) {
      result.cancelled = true;
      rung.cutoff_score = kNaN;
      for (std::size_t c : active) {
        auto& cand = result.candidates[c];
        const std::vector<detail::UnitState> states = candidate_states(c);
        const bool stopped_by_user =
            std::find(states.begin(), states.end(), detail::UnitState::cancelled) != states.end();
        if (candidate_finished(c) && !stopped_by_user) {
          cand.status = finished_status(states);
          cand.reason = fmt::format("finished ({}) in rung {} before the search was cancelled", to_string(cand.status), k);
        } else {
          cand.status = CandidateStatus::cancelled;
          cand.reason = fmt::format("the search was cancelled during rung {}", k);
        }
      }
      rung.seconds = seconds_since(t_rung);
      result.rungs.push_back(rung);
      if (callbacks_.on_rung_end) callbacks_.on_rung_end(result.rungs.back(), result);
      break;
    }

    // ---- the cut ----
    const int previous_target = k == 0 ? 1 : targets[k - 1];
    std::vector<RungEntry> entries;
    for (std::size_t c : active) {
      const auto& cand = result.candidates[c];
      RungEntry e;
      e.candidate = c;
      e.score = cand.score;
      e.finished = candidate_finished(c);
      std::size_t improving = 0;
      double first_epoch = 0.0;
      for (std::size_t r = 0; r < repeats; ++r) {
        const auto& u = unit(c, r);
        if (u.best_epoch() > 0 && u.epochs() - u.best_epoch() <= 1) ++improving;
        first_epoch += u.validation_losses().empty() ? kInf : u.validation_losses().front();
      }
      e.improving = 2 * improving >= repeats && improving > 0;
      e.previous_score = k == 0 ? first_epoch / static_cast<double>(repeats) : cand.rung_scores[k - 1];
      e.rung_epochs = targets[k] - previous_target;
      entries.push_back(e);
    }
    const HalvingRule rule{.keep_fraction = o.keep_fraction,
                           .keep_improving = o.keep_improving,
                           .next_rung_epochs = k + 1 < targets.size() ? targets[k + 1] - targets[k] : 0};
    const HalvingCut cut = cut_rung(entries, rule);
    rung.promoted = cut.promoted;
    rung.kept_improving = cut.kept_improving;
    rung.cutoff_score = cut.cutoff_score;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::size_t c = entries[i].candidate;
      auto& cand = result.candidates[c];
      cand.reason = fmt::format("rung {} ({} epochs): {}", k, targets[k], cut.reasons[i]);
      if (cut.eliminated[i]) {
        cand.status = CandidateStatus::eliminated;
      } else if (entries[i].finished) {
        cand.status = finished_status(candidate_states(c));
        cand.reason += fmt::format(" ({} after {} epochs, best at epoch {})", to_string(cand.status),
                                   median_epoch(cand.epochs_trained), median_epoch(cand.best_epochs));
      }
    }
    active = cut.continuing;
    std::sort(active.begin(), active.end());
    rung.seconds = seconds_since(t_rung);
    result.rungs.push_back(rung);
    if (callbacks_.on_rung_end) callbacks_.on_rung_end(result.rungs.back(), result);
  }
  result.search_seconds = seconds_since(t_search);

  // ---- the pick: the lowest score over all candidates (ties: the lower rate) ----
  result.grid_epochs_bound = static_cast<double>(rates.size() * repeats) * o.max_epochs;
  std::size_t pick = 0;
  for (std::size_t c = 1; c < result.candidates.size(); ++c)
    if (result.candidates[c].score < result.candidates[pick].score) pick = c;
  const TuningCandidate& chosen = result.candidates[pick];
  result.pick = pick;
  result.learning_rate = chosen.learning_rate;
  result.best_epoch = median_epoch(chosen.best_epochs);
  result.validation_loss = chosen.score;
  result.validation_loss_std = chosen.score_std;
  unit(pick, 0).restore_best();  // only the pick's first repeat becomes the model
  model_ = unit(pick, 0).model();

  // ---- the refit on training + validation rows ----
  if (o.refit && !result.cancelled && result.best_epoch >= 1) {
    const auto t_refit = Clock::now();
    Matrix x_all, y_all;
    if (o.x_val != nullptr) {
      x_all.resize(x_.rows() + o.x_val->rows(), x_.cols());
      x_all << x_, *o.x_val;
      y_all.resize(y_.rows() + o.y_val->rows(), y_.cols());
      y_all << y_, *o.y_val;
    }
    Sequential fresh = prototype_;
    fresh.initialize(o.seed);
    auto fresh_optimizer = optimizer_.clone();
    fresh_optimizer->set_learning_rate(result.learning_rate);
    FitOptions fit_options;
    fit_options.epochs = result.best_epoch;
    fit_options.batch_size = o.batch_size;
    fit_options.seed = o.seed;
    fit_options.metrics = o.metrics;
    fit_options.cancel = o.cancel;
    fit(fresh, *fresh_optimizer, loss_, o.x_val != nullptr ? x_all : x_, o.x_val != nullptr ? y_all : y_,
        fit_options);
    if (cancelled(o.cancel)) {
      result.cancelled = true;  // the half-trained refit is dropped; the candidate's weights stay
    } else {
      model_ = std::move(fresh);
      result.refit = true;
    }
    result.refit_seconds = seconds_since(t_refit);
  }
  result.explanation = explain(result, o);
  result.total_seconds = seconds_since(t_total);
  return result;
}

}  // namespace lrtune
