// The Tuner: the validation split(s), the range test and interval, Sequential training units over
// the search's orchestration (search_core.cpp: candidates, rungs, cuts, the pick and its
// extensions), the explanation and the optional refit. Training one unit is lockstep.cpp's, the
// interval interval.cpp's.
#include "lrtune/tune/tuner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "lockstep.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/train/mini_batch_trainer.hpp"
#include "lrtune/train/validation_split.hpp"
#include "lrtune/tune/interval.hpp"
#include "search_core.hpp"

namespace lrtune {

namespace {

using detail::Clock;
using detail::rate_text;
using detail::seconds_since;

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

// Whether `flag` holds on any rank: a cancel seen by one rank must stop all of them at the same
// point, or the others would wait in the next collective.
bool on_any_rank(const Communicator& communicator, bool flag) {
  if (communicator.size() == 1) return flag;
  double count = flag ? 1.0 : 0.0;
  communicator.allreduce_sum(std::span<double>(&count, 1));
  return count > 0.0;
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
  std::string text = interval_text(r) + search_text(r) + detail::pick_text(r, /*model_returned=*/true);
  if (!std::isfinite(r.candidates[r.pick].score)) return text;
  if (r.refit) {
    text += fmt::format(
        "The returned model was retrained from seed {} at {} on all {} training and validation rows "
        "for {} epochs.",
        o.seed, rate_text(r.learning_rate), r.training_rows + r.validation_rows, r.model_epochs);
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

Bytes pack_state(const ModelState<float>& state) {
  ByteWriter w;
  w.put_span(std::span<const float>(state.parameters.data(), static_cast<std::size_t>(state.parameters.size())));
  std::ostringstream rng;
  rng << state.dropout_rng;
  w.put_string(rng.str());
  return w.take();
}

ModelState<float> unpack_state(const Bytes& bytes) {
  ByteReader r(bytes);
  const std::vector<float> parameters = r.get_vector<float>();
  ModelState<float> state;
  state.parameters = Eigen::Map<const VectorT<float>>(parameters.data(), static_cast<Index>(parameters.size()));
  std::istringstream rng(r.get_string());
  rng >> state.dropout_rng;
  return state;
}

// Candidate c's repeat 0 at its best weights, on every rank: the owner's weights are broadcast
// into a copy of the prototype (the other ranks hold no model of that unit).
Sequential best_model(detail::Search& search, std::size_t c, const Sequential& prototype) {
  detail::SearchUnit& unit = search.unit(c, 0);
  const Communicator& communicator = search.communicator();
  Bytes bytes;
  if (unit.owner() == communicator.rank()) {
    // The Tuner's factory makes TrainingUnits only, and a rank's own units are the factory's.
    auto& trained = static_cast<detail::TrainingUnit&>(unit);
    trained.restore_best();
    if (communicator.size() == 1) return trained.model();
    bytes = pack_state(trained.model().state());
  }
  communicator.broadcast(bytes, unit.owner());
  Sequential model = prototype;
  model.load_state(unpack_state(bytes));
  return model;
}

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
  // Said before the search rather than after it, when the refit's data-parallel fit would refuse.
  const bool shared_refit =
      options_.refit && options_.refit_data_parallel != nullptr && options_.refit_data_parallel->size() > 1;
  for (const LayerSpec& layer : prototype_.layers())
    if (shared_refit && std::holds_alternative<Dropout>(layer))
      throw UsageError(
          "tuner: refit_data_parallel does not support Dropout layers yet (each rank would draw other masks than "
          "one process); refit without dropout, or set refit_data_parallel to null");
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
  fit_options.data_parallel = o.refit_data_parallel;
  fit(fresh, *fresh_optimizer, loss, o.x_val != nullptr ? x_all : x, o.x_val != nullptr ? y_all : y, fit_options);
  // Data-parallel, fit stopped every rank at the same step when any was cancelled: every rank
  // must then drop the refit alike, though its own flag may be down.
  const bool stopped =
      o.refit_data_parallel != nullptr ? on_any_rank(*o.refit_data_parallel, cancelled(o.cancel)) : cancelled(o.cancel);
  if (stopped) {
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

  const detail::UnitRules rules{.max_epochs = o.max_epochs,
                                .patience = o.patience,
                                .min_delta = o.min_delta,
                                .batch_size = o.batch_size,
                                .metrics = o.metrics};
  const Communicator& communicator = o.communicator != nullptr ? *o.communicator : single_process();
  // Repeat r trains from seed + r on its own rows (its split, or the shared one).
  detail::Search search(
      [&](double rate, std::size_t r) -> std::unique_ptr<detail::SearchUnit> {
        return std::make_unique<detail::TrainingUnit>(prototype_, optimizer_, rate, loss_, *data.x_train[r],
                                                      *data.y_train[r], *data.x_val[r], *data.y_val[r], o.seed + r,
                                                      rules);
      },
      rules, repeats, communicator, result);
  detail::search_candidates(search, result, o, o.default_rate.value_or(optimizer_.learning_rate()));
  model_ = best_model(search, result.pick, prototype_);  // only the pick's first repeat becomes the model

  if (o.refit && !result.cancelled && result.best_epoch >= 0)
    refit_pick(result, model_, prototype_, optimizer_, loss_, x_, y_, o);
  result.explanation = explain(result, o);
  result.total_seconds = seconds_since(t_total);
  return result;
}

}  // namespace lrtune