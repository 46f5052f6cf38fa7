// The search's orchestration over any units: candidate rates with the default, rungs of lockstep
// training with halving cuts (halving.cpp), the noise-aware pick (pick.cpp) and its extensions
// beyond an end of the interval. The Tuner and search_trainers differ only in their units.
#include "search_core.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "lrtune/core/parallel.hpp"
#include "lrtune/core/statistics.hpp"
#include "lrtune/tune/halving.hpp"
#include "lrtune/tune/interval.hpp"

namespace lrtune::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CandidateStatus finished_status(const std::vector<UnitState>& states) {
  std::size_t early = 0;
  for (auto s : states) {
    if (s == UnitState::diverged) return CandidateStatus::diverged;
    if (s == UnitState::early_stopped) ++early;
  }
  return 2 * early >= states.size() ? CandidateStatus::early_stopped : CandidateStatus::max_epochs;
}

// The median epoch as a whole number: with an even count, the mean of the two middle values, rounded.
// Median of epoch counts (rounded half away from zero).
int median_epoch(std::vector<int> epochs) {
  std::sort(epochs.begin(), epochs.end());
  const std::size_t n = epochs.size();
  if (n % 2 == 1) return epochs[n / 2];
  return static_cast<int>(std::lround(0.5 * (epochs[n / 2 - 1] + epochs[n / 2])));
}

std::string loss_text(const TuningCandidate& c, int repeats) {
  if (!std::isfinite(c.score)) return "no finite validation loss (diverged)";
  if (repeats > 1) return fmt::format("{:.4f} ± {:.4f}", c.score, c.score_std);
  return fmt::format("{:.4f}", c.score);
}

// The candidate rates: n log-spaced in [low, high] plus the default rate, which replaces the
// nearest rate when that is within a quarter of the log spacing (at least 0.01 decades) of it, so
// two candidates never train almost the same rate. Returns the rates in increasing order and the
// default's index.
std::pair<std::vector<double>, std::size_t> candidate_rates(double low, double high, std::size_t n,
                                                            double default_rate) {
  std::vector<double> rates = log_spaced_rates(low, high, n);
  std::size_t nearest = 0;
  for (std::size_t i = 1; i < rates.size(); ++i)
    if (std::abs(std::log10(rates[i] / default_rate)) < std::abs(std::log10(rates[nearest] / default_rate)))
      nearest = i;
  const double close = std::max(0.25 * std::log10(high / low) / static_cast<double>(n - 1), 0.01);
  if (std::abs(std::log10(rates[nearest] / default_rate)) < close) {
    rates[nearest] = default_rate;
    std::sort(rates.begin(), rates.end());  // rates a rounding error apart may now be out of order
  } else {
    rates.insert(std::upper_bound(rates.begin(), rates.end(), default_rate), default_rate);
  }
  const auto at = std::find(rates.begin(), rates.end(), default_rate);
  return {rates, static_cast<std::size_t>(at - rates.begin())};
}

}  // namespace

Search::Search(UnitFactory make_unit, const UnitRules& rules, std::size_t repeats, const Communicator& communicator,
               TuningResult& result)
    : make_unit_(std::move(make_unit)),
      rules_(rules),
      repeats_(repeats),
      result_(result),
      communicator_(communicator) {}

void Search::insert_candidate(std::size_t at, double rate) {
  TuningCandidate candidate;
  candidate.learning_rate = rate;
  candidate.validation_losses.resize(repeats_);
  candidate.best_validation_losses.assign(repeats_, kInf);
  candidate.best_epochs.assign(repeats_, -1);
  candidate.epochs_trained.assign(repeats_, 0);
  result_.candidates.insert(result_.candidates.begin() + static_cast<std::ptrdiff_t>(at), std::move(candidate));
  // Ownership follows the creation order, which every rank shares (extensions come last). Only the
  // owner builds the unit's training (model, optimizer, batches); a unit's arithmetic depends on
  // its rate and repeat alone, so where it is built changes no bit of it.
  std::vector<std::unique_ptr<SearchUnit>> units;
  for (std::size_t r = 0; r < repeats_; ++r) {
    const int owner = static_cast<int>(next_unit_++ % static_cast<std::size_t>(communicator_.size()));
    units.push_back(owner == communicator_.rank() ? make_unit_(rate, r) : std::make_unique<RecordUnit>(rules_));
    units.back()->set_owner(owner);
  }
  units_.insert(units_.begin() + static_cast<std::ptrdiff_t>(at), std::move(units));
  row_losses_.insert(row_losses_.begin() + static_cast<std::ptrdiff_t>(at), std::nullopt);
  auto shift = [at](std::vector<std::size_t>& v) {
    for (auto& i : v)
      if (i >= at) ++i;
  };
  for (auto& rung : result_.rungs) shift(rung.candidates), shift(rung.promoted), shift(rung.kept_improving);
  if (result_.candidates.size() > 1 && result_.default_candidate >= at) ++result_.default_candidate;
}

std::vector<SearchUnit*> Search::running_units(const std::vector<std::size_t>& candidates) {
  std::vector<SearchUnit*> work;
  for (std::size_t c : candidates)
    for (auto& u : units_[c])
      if (u->running()) work.push_back(u.get());
  return work;
}

double Search::epochs_of(const std::vector<std::size_t>& candidates) const {
  double epochs = 0.0;
  for (std::size_t c : candidates)
    for (const auto& u : units_[c]) epochs += u->epochs();
  return epochs;
}

std::vector<UnitState> Search::states(std::size_t c) const {
  std::vector<UnitState> out;
  for (const auto& u : units_[c]) out.push_back(u->state());
  return out;
}

bool Search::finished(std::size_t c) const {
  return std::none_of(units_[c].begin(), units_[c].end(), [](const auto& u) { return u->running(); });
}

void Search::record(std::size_t c) {
  TuningCandidate& cand = result_.candidates[c];
  bool any_diverged = false;
  for (std::size_t r = 0; r < repeats_; ++r) {
    const auto& u = *units_[c][r];
    cand.validation_losses[r] = u.validation_losses();
    cand.best_validation_losses[r] = u.best_validation_loss();
    cand.best_epochs[r] = u.best_epoch() - 1;  // the unit counts from 1 (0: none); results are 0-based
    cand.epochs_trained[r] = u.epochs();
    any_diverged = any_diverged || u.state() == UnitState::diverged;
  }
  const MeanStd score = mean_and_std(cand.best_validation_losses);
  cand.score = any_diverged ? kInf : score.mean;
  cand.score_std = std::isfinite(cand.score) ? score.std : (repeats_ > 1 ? kNaN : 0.0);
}

std::vector<PickCandidate> Search::pick_candidates() {
  gather_row_losses();
  std::vector<PickCandidate> out;
  for (std::size_t c = 0; c < units_.size(); ++c) {
    const TuningCandidate& cand = result_.candidates[c];
    PickCandidate p{.learning_rate = cand.learning_rate,
                    .score = cand.score,
                    .row_losses = {},
                    .repeat_scores = cand.best_validation_losses};
    if (std::isfinite(cand.score)) p.row_losses = *row_losses_[c];
    out.push_back(std::move(p));
  }
  return out;
}

// The per-row losses of each finite candidate that lacks them, computed once (its units train no
// more after the halving) by each unit's owner and gathered in one collective.
void Search::gather_row_losses() {
  std::vector<std::size_t> missing;
  for (std::size_t c = 0; c < units_.size(); ++c)
    if (std::isfinite(result_.candidates[c].score) && !row_losses_[c]) missing.push_back(c);
  ByteWriter w;
  for (std::size_t c : missing)
    for (auto& u : units_[c])
      if (u->owner() == communicator_.rank()) w.put_span(std::span<const double>(u->best_row_losses()));
  const std::vector<Bytes> all = communicator_.allgather(w.take());
  std::vector<ByteReader> readers(all.begin(), all.end());
  for (std::size_t c : missing) {
    row_losses_[c].emplace();
    for (auto& u : units_[c])
      row_losses_[c]->push_back(readers.at(static_cast<std::size_t>(u->owner())).get_vector<double>());
  }
}

namespace {

// After a cancel: each candidate of the rung is finished (it stopped on its own) or cancelled.
void mark_cancelled(Search& search, TuningResult& result, const std::vector<std::size_t>& active, std::size_t k) {
  for (std::size_t c : active) {
    auto& cand = result.candidates[c];
    const std::vector<UnitState> states = search.states(c);
    const bool stopped_by_user = std::find(states.begin(), states.end(), UnitState::cancelled) != states.end();
    if (search.finished(c) && !stopped_by_user) {
      cand.status = finished_status(states);
      cand.reason = fmt::format("finished ({}) in rung {} before the search was cancelled",
                                candidate_status_name(cand.status), k);
    } else {
      cand.status = CandidateStatus::cancelled;
      cand.reason = fmt::format("the search was cancelled during rung {}", k);
    }
  }
}

// The cut's view of the active candidates at the end of rung k.
std::vector<RungEntry> rung_entries(Search& search, const TuningResult& result, const std::vector<std::size_t>& active,
                                    std::size_t k, int rung_epochs, std::size_t repeats) {
  std::vector<RungEntry> entries;
  for (std::size_t c : active) {
    const auto& cand = result.candidates[c];
    RungEntry e;
    e.candidate = c;
    e.score = cand.score;
    e.finished = search.finished(c);
    std::size_t improving = 0;
    double first_epoch = 0.0;
    for (std::size_t r = 0; r < repeats; ++r) {
      const auto& u = search.unit(c, r);
      if (u.best_epoch() > 0 && u.epochs() - u.best_epoch() <= 1) ++improving;
      first_epoch += u.validation_losses().empty() ? kInf : u.validation_losses().front();
    }
    e.improving = 2 * improving >= repeats && improving > 0;
    e.previous_score = k == 0 ? first_epoch / static_cast<double>(repeats) : cand.rung_scores[k - 1];
    e.rung_epochs = rung_epochs;
    entries.push_back(e);
  }
  return entries;
}

// Applies a cut: statuses and reasons; the default rate is never cut (it is the bar the pick must
// clear, so it trains to its own early stop). Returns the candidates of the next rung.
std::vector<std::size_t> apply_cut(Search& search, TuningResult& result, const std::vector<RungEntry>& entries,
                                   HalvingCut cut, std::size_t k, int epochs) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t c = entries[i].candidate;
    auto& cand = result.candidates[c];
    cand.reason = fmt::format("rung {} ({} epochs): {}", k, epochs, cut.reasons[i]);
    if (cut.eliminated[i] && c == result.default_candidate) {
      cut.eliminated[i] = false;
      cut.continuing.push_back(c);
      cand.reason += "; the default rate trains on to its early stop (it is the bar the pick must clear)";
    }
    if (cut.eliminated[i]) {
      cand.status = CandidateStatus::eliminated;
    } else if (entries[i].finished) {
      cand.status = finished_status(search.states(c));
      cand.reason += fmt::format(" ({} after {} epochs, best at epoch {})", candidate_status_name(cand.status),
                                 median_epoch(cand.epochs_trained), median_best_epoch(cand.best_epochs) + 1);
    }
  }
  std::sort(cut.continuing.begin(), cut.continuing.end());
  return cut.continuing;
}

// Trains a rung's running units to `target` epochs, telling the callbacks when it starts and after
// each candidate epoch (counted under a lock: the units train on worker threads). With several
// ranks those calls count this rank's epochs of this rank's units (the others' are not seen until
// the gather; the units are dealt out evenly, so the fraction and a time estimate hold), and one
// last call at the rung's end gives every rank's epochs of the whole rung, gathered. Returns
// whether the search was cancelled (on any rank).
bool train_rung(Search& search, const std::vector<std::size_t>& active, int target, const TuningRung& rung,
                const TuningResult& result, const TunerOptions& o) {
  const std::vector<SearchUnit*> units = search.running_units(active);
  std::size_t total = 0, total_all = 0;
  for (const SearchUnit* u : units) {
    const auto left = static_cast<std::size_t>(std::max(0, target - u->epochs()));
    total_all += left;
    if (u->owner() == search.communicator().rank()) total += left;
  }
  for (TunerCallback* callback : o.callbacks) callback->on_rung_begin(rung, result);
  std::mutex mutex;
  std::size_t done = 0;
  const std::function<void()> on_epoch = [&] {
    const std::lock_guard lock(mutex);
    ++done;
    for (TunerCallback* callback : o.callbacks) callback->on_rung_progress(done, total);
  };
  const double before = search.epochs_of(active);
  const bool stopped = train_spread(units, target, o.threads, o.cancel, search.communicator(),
                                    o.callbacks.empty() ? nullptr : &on_epoch);
  if (search.communicator().size() > 1) {
    const auto all = static_cast<std::size_t>(search.epochs_of(active) - before);  // gathered: every rank's
    for (TunerCallback* callback : o.callbacks) callback->on_rung_progress(all, total_all);
  }
  return stopped;
}

// Successive halving over every candidate. Sets result.cancelled when the user stops it.
void run_rungs(Search& search, TuningResult& result, const TunerOptions& o, std::size_t repeats) {
  const std::vector<int> targets = rung_epoch_targets(o.first_rung_epochs, o.rung_growth, o.max_epochs);
  std::vector<std::size_t> active(search.size());
  std::iota(active.begin(), active.end(), std::size_t{0});
  for (std::size_t k = 0; k < targets.size() && !active.empty(); ++k) {
    const auto t_rung = Clock::now();
    TuningRung rung;
    rung.epochs = targets[k];
    rung.candidates = active;
    const double epochs_before = search.epochs_of(active);
    const bool stopped = train_rung(search, active, targets[k], rung, result, o);
    for (std::size_t c : active) {
      search.record(c);
      result.candidates[c].rung_scores.push_back(result.candidates[c].score);
      result.candidates[c].last_rung = static_cast<int>(k);
    }
    rung.epochs_cost = search.epochs_of(active) - epochs_before;
    result.epochs_cost += rung.epochs_cost;
    if (stopped) {
      result.cancelled = true;
      rung.cutoff_score = kNaN;
      mark_cancelled(search, result, active, k);
      active.clear();
    } else {
      const int previous_target = k == 0 ? 1 : targets[k - 1];
      const auto entries = rung_entries(search, result, active, k, targets[k] - previous_target, repeats);
      const HalvingRule rule{.keep_fraction = o.keep_fraction,
                             .keep_improving = o.keep_improving,
                             .next_rung_epochs = k + 1 < targets.size() ? targets[k + 1] - targets[k] : 0};
      const HalvingCut cut = cut_rung(entries, rule);
      rung.promoted = cut.promoted;
      rung.kept_improving = cut.kept_improving;
      rung.cutoff_score = cut.cutoff_score;
      active = apply_cut(search, result, entries, cut, k, targets[k]);
    }
    rung.seconds = seconds_since(t_rung);
    result.rungs.push_back(rung);
    for (TunerCallback* callback : o.callbacks) callback->on_rung_end(result.rungs.back(), result);
  }
}

// The noise-aware pick; while its smoothed minimum lies at an end of the candidates, one log step
// beyond that end is trained to its early stop and the pick made again (max_extensions times).
PickDecision pick_with_extensions(Search& search, TuningResult& result, const TunerOptions& o) {
  const double step = std::pow(result.high / result.low, 1.0 / static_cast<double>(o.candidates - 1));
  // The default's index shifts when a candidate is added below it, so the rule is rebuilt each time.
  auto decide = [&] {
    return decide_pick(search.pick_candidates(),
                       {.default_index = result.default_candidate, .noise_margin = o.noise_margin});
  };
  PickDecision decision = decide();
  while (decision.end != PickEnd::none && result.extensions < o.max_extensions && !result.cancelled) {
    const bool low = decision.end == PickEnd::low;
    const std::size_t at = low ? 0 : search.size();
    const double rate =
        low ? result.candidates.front().learning_rate / step : result.candidates.back().learning_rate * step;
    if (!(rate > 0.0) || !std::isfinite(rate)) break;  // an interval already at the ends of double's range
    search.insert_candidate(at, rate);
    ++result.extensions;
    const double epochs_before = search.epochs_of({at});
    const bool stopped =
        train_spread(search.running_units({at}), o.max_epochs, o.threads, o.cancel, search.communicator());
    search.record(at);
    result.epochs_cost += search.epochs_of({at}) - epochs_before;
    TuningCandidate& cand = result.candidates[at];
    cand.extension = true;
    cand.last_rung = -1;
    if (stopped) {
      result.cancelled = true;
      cand.status = CandidateStatus::cancelled;
      cand.reason = "added beyond the interval's end; the search was cancelled while it trained";
    } else {
      cand.status = finished_status(search.states(at));
      cand.reason = fmt::format(
          "added one step beyond the {} end (the best rate lay there); {} after {} epochs, "
          "best at epoch {}",
          low ? "low" : "high", candidate_status_name(cand.status), median_epoch(cand.epochs_trained),
          median_best_epoch(cand.best_epochs) + 1);
    }
    decision = decide();
  }
  return decision;
}

void record_decision(TuningResult& result, const PickDecision& d, const TunerOptions& o) {
  for (std::size_t c = 0; c < result.candidates.size(); ++c) {
    result.candidates[c].smoothed_score = d.smoothed_scores[c];
    result.candidates[c].is_default = c == result.default_candidate;
  }
  result.pick = d.pick;
  result.challenger = d.challenger;
  result.kept_default = d.kept_default;
  result.difference_percent = d.relative_difference;
  result.noise_percent = d.relative_noise;
  result.noise_margin = o.noise_margin;
  result.decision = d.reason;
  const TuningCandidate& chosen = result.candidates[d.pick];
  result.learning_rate = chosen.learning_rate;
  result.best_epoch = median_best_epoch(chosen.best_epochs);
  result.model_epochs = chosen.best_epochs.empty() ? 0 : chosen.best_epochs.front() + 1;
  result.validation_loss = chosen.score;
  result.validation_loss_std = chosen.score_std;
}

}  // namespace

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Median of 0-based best epochs (-1: none), taken as counts so that -1 and 0 average like 0 and 1.
int median_best_epoch(std::vector<int> best_epochs) {
  for (int& e : best_epochs) ++e;
  return median_epoch(std::move(best_epochs)) - 1;
}

std::string rate_text(double lr) { return fmt::format("{:.3g}", lr); }

void search_candidates(Search& search, TuningResult& result, const TunerOptions& o, double default_rate) {
  const auto t_search = Clock::now();
  const auto [rates, default_index] = candidate_rates(result.low, result.high, o.candidates, default_rate);
  for (std::size_t c = 0; c < rates.size(); ++c) search.insert_candidate(c, rates[c]);
  result.default_candidate = default_index;
  result.threads = worker_count(o.threads, rates.size() * search.repeats());
  run_rungs(search, result, o, search.repeats());
  record_decision(result, pick_with_extensions(search, result, o), o);
  result.search_seconds = seconds_since(t_search);
  result.grid_epochs_bound = static_cast<double>(result.candidates.size() * search.repeats()) * o.max_epochs;
}

std::string pick_text(const TuningResult& r, bool model_returned) {
  const TuningCandidate& pick = r.candidates[r.pick];
  std::string text;
  if (r.cancelled) text += "The search was cancelled: the pick is among what was trained. ";
  if (!std::isfinite(pick.score)) {
    const std::string returned = model_returned ? "returned" : "named";
    text += r.cancelled
                ? fmt::format(
                      "No candidate has a finite validation loss; {} is {}{}, only as the lowest "
                      "rate tried.",
                      rate_text(pick.learning_rate), returned, model_returned ? " untrained or partly trained" : "")
                : fmt::format("Every candidate diverged; {} is {} only as the lowest rate tried.",
                              rate_text(pick.learning_rate), returned);
    return text;
  }
  text += r.decision + " ";
  text += fmt::format("The pick, {}, reached a validation loss of {} at epoch {} ({}{}). ",
                      rate_text(pick.learning_rate), loss_text(pick, r.repeats), r.best_epoch + 1,
                      r.repeats > 1 ? "median over seeds; " : "", candidate_status_name(pick.status));
  return text;
}

}  // namespace lrtune::detail
