// The Tuner's orchestration: the validation split(s), the range test and interval, the candidates
// with the default rate, the rungs of lockstep training and halving cuts, the noise-aware pick with
// its interval extensions and explanation, and the optional refit. Training one unit is
// lockstep.cpp's, the cut halving.cpp's, the interval interval.cpp's, the decision pick.cpp's.
#include "lrtune/tune/tuner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "lockstep.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/parallel.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/core/statistics.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
#include "lrtune/train/validation_split.hpp"
#include "lrtune/tune/halving.hpp"
#include "lrtune/tune/interval.hpp"
#include "lrtune/tune/pick.hpp"

namespace lrtune {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

// Whether `flag` holds on any rank: a cancel seen by one rank must stop all of them at the same
// point, or the others would wait in the next collective.
bool on_any_rank(const Communicator& communicator, bool flag) {
  if (communicator.size() == 1) return flag;
  double count = flag ? 1.0 : 0.0;
  communicator.allreduce_sum(std::span<double>(&count, 1));
  return count > 0.0;
}

CandidateStatus finished_status(const std::vector<detail::UnitState>& states) {
  std::size_t early = 0;
  for (auto s : states) {
    if (s == detail::UnitState::diverged) return CandidateStatus::diverged;
    if (s == detail::UnitState::early_stopped) ++early;
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

// Median of 0-based best epochs (-1: none), taken as counts so that -1 and 0 average like 0 and 1.
int median_best_epoch(std::vector<int> best_epochs) {
  for (int& e : best_epochs) ++e;
  return median_epoch(std::move(best_epochs)) - 1;
}

std::string rate_text(double lr) { return fmt::format("{:.3g}", lr); }

std::string loss_text(const TuningCandidate& c, int repeats) {
  if (!std::isfinite(c.score)) return "no finite validation loss (diverged)";
  if (repeats > 1) return fmt::format("{:.4f} ± {:.4f}", c.score, c.score_std);
  return fmt::format("{:.4f}", c.score);
}

std::string interval_text(const TuningResult& r) {
  if (r.range_test.size() > 0)
    return fmt::format("A per-step range test on the {} training rows bounded the search to [{}, {}] ({}; {}). ",
                       r.training_rows, rate_text(r.low), rate_text(r.high), r.high_reason, r.low_reason);
  return fmt::format("The search interval [{}, {}] was given. ", rate_text(r.low), rate_text(r.high));
}

std::string search_text(const TuningResult& r) {
  const std::string parts = r.validation_splits > 1
                                ? fmt::format("{} validation parts of about {} rows each (one per seed)",
                                              r.validation_splits, r.validation_rows)
                                : fmt::format("{} validation rows", r.validation_rows);
  std::string text = fmt::format(
      "{} candidates (log-spaced, with the default rate {}){} trained in lockstep (same initial weights, same "
      "mini-batches) over {} rung{} of successive halving on the loss of {}, {} epochs in all against {} for the "
      "full grid. ",
      r.candidates.size(), rate_text(r.candidates[r.default_candidate].learning_rate),
      r.repeats > 1 ? fmt::format(" x {} seeds", r.repeats) : std::string{}, r.rungs.size(),
      r.rungs.size() == 1 ? "" : "s", parts, r.epochs_cost, r.grid_epochs_bound);
  if (r.extensions > 0)
    text += fmt::format("The best rate lay at an end of the interval, so {} candidate{} beyond it {} added. ",
                        r.extensions, r.extensions == 1 ? "" : "s", r.extensions == 1 ? "was" : "were");
  return text;
}

std::string explain(const TuningResult& r, const TunerOptions& o) {
  const TuningCandidate& pick = r.candidates[r.pick];
  std::string text = interval_text(r) + search_text(r);
  if (r.cancelled) text += "The search was cancelled: the pick is among what was trained. ";
  if (!std::isfinite(pick.score)) {
    text += r.cancelled ? fmt::format(
                              "No candidate has a finite validation loss; {} is returned untrained or "
                              "partly trained, only as the lowest rate tried.",
                              rate_text(pick.learning_rate))
                        : fmt::format("Every candidate diverged; {} is returned only as the lowest rate tried.",
                                      rate_text(pick.learning_rate));
    return text;
  }
  text += r.decision + " ";
  text += fmt::format("The pick, {}, reached a validation loss of {} at epoch {} ({}{}). ",
                      rate_text(pick.learning_rate), loss_text(pick, r.repeats), r.best_epoch + 1,
                      r.repeats > 1 ? "median over seeds; " : "", candidate_status_name(pick.status));
  if (r.refit) {
    text += fmt::format(
        "The returned model was retrained from seed {} at {} on all {} training and validation rows "
        "for {} epochs.",
        o.seed, rate_text(pick.learning_rate), r.training_rows + r.validation_rows, r.model_epochs);
  } else {
    text += fmt::format("The returned model holds that candidate's best weights (seed {}, epoch {}).", o.seed,
                        r.model_epochs);
  }
  return text;
}

// The rows each repeat trains and validates on: the caller's validation rows, one split shared by
// every repeat, or (small data) one split per repeat.
struct RepeatData {
  std::vector<ValidationSplit> splits;                        // owned splits (empty with the caller's rows)
  std::vector<const Matrix*> x_train, y_train, x_val, y_val;  // per repeat
};

RepeatData repeat_data(const Matrix& x, const Matrix& y, const TunerOptions& o, std::size_t repeats,
                       std::size_t splits) {
  RepeatData d;
  for (std::size_t s = 0; s < splits && o.x_val == nullptr; ++s)
    d.splits.push_back(split_for_validation(x, y, o.validation_split, o.validation_seed.value_or(o.seed) + s));
  for (std::size_t r = 0; r < repeats; ++r) {
    if (o.x_val != nullptr) {
      d.x_train.push_back(&x), d.y_train.push_back(&y), d.x_val.push_back(o.x_val), d.y_val.push_back(o.y_val);
    } else {
      const ValidationSplit& s = d.splits[r % splits];
      d.x_train.push_back(&s.x_train), d.y_train.push_back(&s.y_train);
      d.x_val.push_back(&s.x_val), d.y_val.push_back(&s.y_val);
    }
  }
  return d;
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

// Candidate c's training units, one per repeat, and the search's shared state.
class Search {
 public:
  Search(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const TunerOptions& o,
         const RepeatData& data, std::size_t repeats, TuningResult& result)
      : prototype_(prototype),
        optimizer_(optimizer),
        loss_(loss),
        o_(o),
        data_(data),
        repeats_(repeats),
        result_(result),
        communicator_(o.communicator != nullptr ? *o.communicator : single_process()),
        rules_{.max_epochs = o.max_epochs,
               .patience = o.patience,
               .min_delta = o.min_delta,
               .batch_size = o.batch_size,
               .metrics = o.metrics} {}

  // Inserts a candidate at position `at` (rates stay in increasing order); indices held in the
  // rungs and the default index shift past it.
  void insert_candidate(std::size_t at, double rate) {
    TuningCandidate candidate;
    candidate.learning_rate = rate;
    candidate.validation_losses.resize(repeats_);
    candidate.best_validation_losses.assign(repeats_, kInf);
    candidate.best_epochs.assign(repeats_, -1);
    candidate.epochs_trained.assign(repeats_, 0);
    result_.candidates.insert(result_.candidates.begin() + static_cast<std::ptrdiff_t>(at), std::move(candidate));
    std::vector<std::unique_ptr<detail::TrainingUnit>> units;
    for (std::size_t r = 0; r < repeats_; ++r)
      units.push_back(std::make_unique<detail::TrainingUnit>(prototype_, optimizer_, rate, loss_, *data_.x_train[r],
                                                             *data_.y_train[r], *data_.x_val[r], *data_.y_val[r],
                                                             o_.seed + r, rules_));
    // Ownership follows the creation order, which every rank shares (extensions come last).
    for (auto& u : units) u->set_owner(static_cast<int>(next_unit_++ % static_cast<std::size_t>(communicator_.size())));
    units_.insert(units_.begin() + static_cast<std::ptrdiff_t>(at), std::move(units));
    row_losses_.insert(row_losses_.begin() + static_cast<std::ptrdiff_t>(at), std::nullopt);
    auto shift = [at](std::vector<std::size_t>& v) {
      for (auto& i : v)
        if (i >= at) ++i;
    };
    for (auto& rung : result_.rungs) shift(rung.candidates), shift(rung.promoted), shift(rung.kept_improving);
    if (result_.candidates.size() > 1 && result_.default_candidate >= at) ++result_.default_candidate;
  }

  std::size_t size() const { return units_.size(); }
  const Communicator& communicator() const { return communicator_; }
  detail::TrainingUnit& unit(std::size_t c, std::size_t r) { return *units_[c][r]; }

  std::vector<detail::TrainingUnit*> running_units(const std::vector<std::size_t>& candidates) {
    std::vector<detail::TrainingUnit*> work;
    for (std::size_t c : candidates)
      for (auto& u : units_[c])
        if (u->running()) work.push_back(u.get());
    return work;
  }
  double epochs_of(const std::vector<std::size_t>& candidates) const {
    double epochs = 0.0;
    for (std::size_t c : candidates)
      for (const auto& u : units_[c]) epochs += u->epochs();
    return epochs;
  }
  std::vector<detail::UnitState> states(std::size_t c) const {
    std::vector<detail::UnitState> out;
    for (const auto& u : units_[c]) out.push_back(u->state());
    return out;
  }
  bool finished(std::size_t c) const {
    return std::none_of(units_[c].begin(), units_[c].end(), [](const auto& u) { return u->running(); });
  }

  // Copies the units' records into the candidate and scores it.
  void record(std::size_t c) {
    TuningCandidate& cand = result_.candidates[c];
    bool any_diverged = false;
    for (std::size_t r = 0; r < repeats_; ++r) {
      const auto& u = *units_[c][r];
      cand.validation_losses[r] = u.validation_losses();
      cand.best_validation_losses[r] = u.best_validation_loss();
      cand.best_epochs[r] = u.best_epoch() - 1;  // the unit counts from 1 (0: none); results are 0-based
      cand.epochs_trained[r] = u.epochs();
      any_diverged = any_diverged || u.state() == detail::UnitState::diverged;
    }
    const MeanStd score = mean_and_std(cand.best_validation_losses);
    cand.score = any_diverged ? kInf : score.mean;
    cand.score_std = std::isfinite(cand.score) ? score.std : (repeats_ > 1 ? kNaN : 0.0);
  }

  // What the pick reads: scores, and each repeat's per-row validation losses at its best weights.
  std::vector<PickCandidate> pick_candidates() {
    gather_row_losses();
    std::vector<PickCandidate> out;
    for (std::size_t c = 0; c < units_.size(); ++c) {
      const TuningCandidate& cand = result_.candidates[c];
      PickCandidate p{.learning_rate = cand.learning_rate, .score = cand.score, .row_losses = {}};
      if (std::isfinite(cand.score)) p.row_losses = *row_losses_[c];
      out.push_back(std::move(p));
    }
    return out;
  }

  // Candidate c's repeat 0 at its best weights, on every rank: the owner's weights are broadcast.
  Sequential best_model(std::size_t c) {
    detail::TrainingUnit& unit = *units_[c][0];
    Bytes bytes;
    if (unit.owner() == communicator_.rank()) {
      unit.restore_best();
      if (communicator_.size() == 1) return unit.model();
      bytes = pack_state(unit.model().state());
    }
    communicator_.broadcast(bytes, unit.owner());
    Sequential model = unit.model();
    model.load_state(unpack_state(bytes));
    return model;
  }

 private:
  const Sequential& prototype_;
  const Optimizer& optimizer_;
  Loss loss_;
  const TunerOptions& o_;
  const RepeatData& data_;
  std::size_t repeats_;
  // The per-row losses of each finite candidate that lacks them, computed once (its units train no
  // more after the halving) by each unit's owner and gathered in one collective.
  void gather_row_losses() {
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

  static Bytes pack_state(const ModelState<float>& state) {
    ByteWriter w;
    w.put_span(std::span<const float>(state.parameters.data(), static_cast<std::size_t>(state.parameters.size())));
    std::ostringstream rng;
    rng << state.dropout_rng;
    w.put_string(rng.str());
    return w.take();
  }
  static ModelState<float> unpack_state(const Bytes& bytes) {
    ByteReader r(bytes);
    const std::vector<float> parameters = r.get_vector<float>();
    ModelState<float> state;
    state.parameters = Eigen::Map<const VectorT<float>>(parameters.data(), static_cast<Index>(parameters.size()));
    std::istringstream rng(r.get_string());
    rng >> state.dropout_rng;
    return state;
  }

  TuningResult& result_;
  const Communicator& communicator_;
  std::size_t next_unit_ = 0;  // units created so far: the next one's ownership index
  detail::UnitRules rules_;
  std::vector<std::vector<std::unique_ptr<detail::TrainingUnit>>> units_;
  std::vector<std::optional<std::vector<std::vector<double>>>> row_losses_;
};

}  // namespace

Tuner::Tuner(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
             TunerOptions options)
    : prototype_(prototype), optimizer_(optimizer), loss_(loss), x_(X), y_(y), options_(std::move(options)) {
  check();
}

Tuner::Tuner(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
             TunerOptions options)
    : prototype_(prototype),
      optimizer_(optimizer),
      loss_(loss),
      x_(X),
      y_owned_(as_column(y)),
      y_(y_owned_),
      options_(std::move(options)) {
  check();
}

void Tuner::check() const {
  options_.validate();
  check_training_data(prototype_, x_, y_, "tuner training data");
  if (options_.x_val != nullptr) {
    check_training_data(prototype_, *options_.x_val, *options_.y_val, "tuner validation data");
  } else {
    const SplitSizes sizes = split_sizes(x_.rows(), options_.validation_split);
    if (sizes.train < 1 || sizes.test < 1) {
      throw UsageError(
          fmt::format("tuner: validation_split = {} of {} rows leaves no training or no "
                      "validation rows",
                      options_.validation_split, x_.rows()));
    }
  }
  check_loss_output(loss_, prototype_.output_activation());
}

const Sequential& Tuner::model() const {
  if (!model_)
    throw std::logic_error(
        "Tuner::model: no model (run() was not called, or it was cancelled before any "
        "candidate trained)");
  return *model_;
}

namespace {

// The interval from the caller or from a per-step range test on repeat 0's training rows.
// Returns false when the user stopped the range test.
bool bound_interval(TuningResult& result, const Sequential& prototype, const Optimizer& optimizer, Loss loss,
                    const Matrix& x_train, const Matrix& y_train, const TunerOptions& o) {
  if (o.low) {
    result.low = *o.low;
    result.high = *o.high;
    result.low_reason = fmt::format("low = {:.3g}: given", result.low);
    result.high_reason = fmt::format("high = {:.3g}: given", result.high);
    return true;
  }
  const auto t_range = Clock::now();
  Sequential probe = prototype;
  probe.initialize(o.seed);
  auto probe_optimizer = optimizer.clone();
  LRFinderOptions test = o.range_test;
  test.batch_size = o.batch_size;
  test.seed = o.seed;
  test.x_val = nullptr;  // the range test sees the training part only
  test.y_val = nullptr;
  test.validation_split = 0.0;
  test.cancel = o.cancel;
  result.range_test = LRFinder(probe, *probe_optimizer, loss, x_train, y_train, test).run();
  result.range_test_seconds = seconds_since(t_range);
  if (result.range_test.stop_reason == RangeTestStop::cancelled || cancelled(o.cancel)) return false;
  const SearchInterval interval = interval_from_range_test(result.range_test, o.decades_below_minimum);
  result.low = interval.low;
  result.high = interval.high;
  result.low_reason = interval.low_reason;
  result.high_reason = interval.high_reason;
  return true;
}

// After a cancel: each candidate of the rung is finished (it stopped on its own) or cancelled.
void mark_cancelled(Search& search, TuningResult& result, const std::vector<std::size_t>& active, std::size_t k) {
  for (std::size_t c : active) {
    auto& cand = result.candidates[c];
    const std::vector<detail::UnitState> states = search.states(c);
    const bool stopped_by_user = std::find(states.begin(), states.end(), detail::UnitState::cancelled) != states.end();
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
// each candidate epoch (counted under a lock: the units train on worker threads; with several
// ranks, this rank's units). Returns whether the search was cancelled (on any rank).
bool train_rung(Search& search, const std::vector<std::size_t>& active, int target, const TuningRung& rung,
                const TuningResult& result, const TunerOptions& o) {
  const std::vector<detail::TrainingUnit*> units = search.running_units(active);
  std::size_t total = 0;
  for (const detail::TrainingUnit* u : units)
    if (u->owner() == search.communicator().rank())
      total += static_cast<std::size_t>(std::max(0, target - u->epochs()));
  for (TunerCallback* callback : o.callbacks) callback->on_rung_begin(rung, result);
  std::mutex mutex;
  std::size_t done = 0;
  const std::function<void()> on_epoch = [&] {
    const std::lock_guard lock(mutex);
    ++done;
    for (TunerCallback* callback : o.callbacks) callback->on_rung_progress(done, total);
  };
  return detail::train_spread(units, target, o.threads, o.cancel, search.communicator(),
                              o.callbacks.empty() ? nullptr : &on_epoch);
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
        detail::train_spread(search.running_units({at}), o.max_epochs, o.threads, o.cancel, search.communicator());
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

// Trains a fresh model (seed) at the pick on all rows given (or the given rows followed by x_val)
// for the pick's best epoch count, into `model`; a cancelled refit is dropped.
void refit_pick(TuningResult& result, std::optional<Sequential>& model, const Sequential& prototype,
                const Optimizer& optimizer, Loss loss, const Matrix& x, const Matrix& y, const TunerOptions& o) {
  const auto t_refit = Clock::now();
  Matrix x_all, y_all;
  if (o.x_val != nullptr) {
    x_all.resize(x.rows() + o.x_val->rows(), x.cols());
    x_all << x, *o.x_val;
    y_all.resize(y.rows() + o.y_val->rows(), y.cols());
    y_all << y, *o.y_val;
  }
  Sequential fresh = prototype;
  fresh.initialize(o.seed);
  auto fresh_optimizer = optimizer.clone();
  fresh_optimizer->set_learning_rate(result.learning_rate);
  FitOptions fit_options;
  fit_options.epochs = result.best_epoch + 1;
  fit_options.batch_size = o.batch_size;
  fit_options.seed = o.seed;
  fit_options.metrics = o.metrics;
  fit_options.cancel = o.cancel;
  fit(fresh, *fresh_optimizer, loss, o.x_val != nullptr ? x_all : x, o.x_val != nullptr ? y_all : y, fit_options);
  if (cancelled(o.cancel)) {
    result.cancelled = true;  // the half-trained refit is dropped; the candidate's weights stay
  } else {
    model = std::move(fresh);
    result.refit = true;
    result.model_epochs = result.best_epoch + 1;
  }
  result.refit_seconds = seconds_since(t_refit);
}

}  // namespace

TuningResult Tuner::run() {
  for (TunerCallback* callback : options_.callbacks) callback->on_search_begin(options_);
  TuningResult result = search();
  for (TunerCallback* callback : options_.callbacks) callback->on_search_end(result);
  return result;
}

TuningResult Tuner::search() {
  const auto t_total = Clock::now();
  const TunerOptions& o = options_;
  model_.reset();
  TuningResult result;
  const bool small = o.x_val == nullptr && x_.rows() < o.small_data_rows && o.small_data_splits > 1;
  const auto splits = static_cast<std::size_t>(small ? o.small_data_splits : 1);
  const std::size_t repeats = std::max(static_cast<std::size_t>(o.repeats), splits);
  result.repeats = static_cast<int>(repeats);
  result.validation_splits = static_cast<int>(splits);
  const RepeatData data = repeat_data(x_, y_, o, repeats, splits);
  result.training_rows = data.x_train[0]->rows();
  result.validation_rows = data.x_val[0]->rows();

  // Every rank runs the range test itself (the same arithmetic): cheaper to repeat than to send.
  const bool bounded = bound_interval(result, prototype_, optimizer_, loss_, *data.x_train[0], *data.y_train[0], o);
  if (on_any_rank(o.communicator != nullptr ? *o.communicator : single_process(), !bounded)) {
    result.cancelled = true;
    result.explanation = "The search was cancelled during the range test: nothing was trained.";
    result.total_seconds = seconds_since(t_total);
    return result;
  }
  for (TunerCallback* callback : o.callbacks) callback->on_interval(result);

  const auto t_search = Clock::now();
  Search search(prototype_, optimizer_, loss_, o, data, repeats, result);
  const auto [rates, default_index] =
      candidate_rates(result.low, result.high, o.candidates, o.default_rate.value_or(optimizer_.learning_rate()));
  for (std::size_t c = 0; c < rates.size(); ++c) search.insert_candidate(c, rates[c]);
  result.default_candidate = default_index;
  result.threads = worker_count(o.threads, rates.size() * repeats);
  run_rungs(search, result, o, repeats);
  record_decision(result, pick_with_extensions(search, result, o), o);
  result.search_seconds = seconds_since(t_search);
  result.grid_epochs_bound = static_cast<double>(result.candidates.size() * repeats) * o.max_epochs;
  model_ = search.best_model(result.pick);  // only the pick's first repeat becomes the model

  if (o.refit && !result.cancelled && result.best_epoch >= 0)
    refit_pick(result, model_, prototype_, optimizer_, loss_, x_, y_, o);
  result.explanation = explain(result, o);
  result.total_seconds = seconds_since(t_total);
  return result;
}

}  // namespace lrtune
