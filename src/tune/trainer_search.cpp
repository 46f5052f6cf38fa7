// search_trainers: the validated search over a user's trainers. The options map onto the Tuner's
// (so the checks and the orchestration are the same code); what differs is the unit (one
// train_epoch() call per epoch), the interval source and the explanation's wording.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/limits.hpp"
#include "lrtune/tune/epoch_trainer.hpp"
#include "lrtune/tune/interval.hpp"
#include "search_core.hpp"
#include "trainer_unit.hpp"

namespace lrtune {

namespace {

constexpr const char* kWho = "search_trainers: ";

[[noreturn]] void fail(const std::string& message) { throw UsageError(kWho + message); }

// The TunerOptions that run the same search (its range test is not run: the interval is set
// before the orchestration starts).
TunerOptions tuner_equivalent(const SearchOptions& o) {
  TunerOptions t;
  t.candidates = o.candidates;
  t.decades_below_minimum = o.decades_below_minimum;
  t.low = o.low;
  t.high = o.high;
  t.first_rung_epochs = o.first_rung_epochs;
  t.rung_growth = o.rung_growth;
  t.keep_fraction = o.keep_fraction;
  t.keep_improving = o.keep_improving;
  t.max_epochs = o.max_epochs;
  t.patience = o.patience;
  t.min_delta = o.min_delta;
  t.default_rate = o.default_rate;
  t.noise_margin = o.noise_margin;
  t.max_extensions = o.max_extensions;
  t.small_data_splits = 1;
  t.seed = o.seed;
  t.repeats = o.repeats;
  t.threads = o.threads;
  t.metrics = {};
  t.callbacks = o.callbacks;
  t.cancel = o.cancel;
  return t;
}

std::string explain(const TuningResult& r, const SearchOptions& o) {
  const auto rate = detail::rate_text;
  std::string text = r.range_test.size() > 0
                         ? fmt::format("The range test's curve bounded the search to [{}, {}] ({}; {}). ", rate(r.low),
                                       rate(r.high), r.high_reason, r.low_reason)
                         : fmt::format("The search interval [{}, {}] was given. ", rate(r.low), rate(r.high));
  text += fmt::format(
      "{} candidates (log-spaced, with the default rate {}){} trained by your trainers over {} rung{} of "
      "successive halving on their validation loss, {} epochs in all against {} for the full grid. ",
      r.candidates.size(), rate(r.candidates[r.default_candidate].learning_rate),
      r.repeats > 1 ? fmt::format(" x {} seeds and folds", r.repeats) : std::string{}, r.rungs.size(),
      r.rungs.size() == 1 ? "" : "s", r.epochs_cost, r.grid_epochs_bound);
  if (r.extensions > 0)
    text += fmt::format("The best rate lay at an end of the interval, so {} candidate{} beyond it {} added. ",
                        r.extensions, r.extensions == 1 ? "" : "s", r.extensions == 1 ? "was" : "were");
  text += detail::pick_text(r, /*model_returned=*/false);
  if (std::isfinite(r.candidates[r.pick].score))
    text += fmt::format(
        "Its trainer (seed {}, fold 0) was best after epoch {}; restoring those weights is the "
        "trainer's.",
        o.seed, r.model_epochs);
  return text;
}

}  // namespace

void SearchOptions::validate() const {
  if (!default_rate) fail("default_rate is required (the rate you would train at without a search)");
  if (low.has_value() == range_test.has_value())
    fail(low ? "give the interval low, high or a range_test curve, not both"
             : "the interval is required: low and high, or a range_test curve");
  if (folds < 1 || folds > limits::kMaxRepeats)
    fail(fmt::format("folds = {} must be in [1, {}]", folds, limits::kMaxRepeats));
  if (repeats >= 1 && static_cast<std::int64_t>(repeats) * folds > limits::kMaxRepeats)
    fail(fmt::format("repeats x folds = {} x {} must be at most {}", repeats, folds, limits::kMaxRepeats));
  try {
    tuner_equivalent(*this).validate();
  } catch (const UsageError& e) {
    const std::string message = e.what();
    const std::string tuner = "tuner: ";
    fail(message.rfind(tuner, 0) == 0 ? message.substr(tuner.size()) : message);
  }
}

TuningResult search_trainers(const TrainerFactory& make_trainer, const SearchOptions& options) {
  options.validate();
  if (!make_trainer) fail("make_trainer is empty");
  const auto t_total = detail::Clock::now();
  const TunerOptions o = tuner_equivalent(options);
  for (TunerCallback* callback : o.callbacks) callback->on_search_begin(o);
  TuningResult result;
  const auto folds = static_cast<std::size_t>(options.folds);
  const std::size_t units = static_cast<std::size_t>(options.repeats) * folds;
  result.repeats = static_cast<int>(units);
  result.validation_splits = options.folds;
  if (options.range_test) {
    result.range_test = *options.range_test;
    const SearchInterval interval = interval_from_range_test(result.range_test, options.decades_below_minimum);
    result.low = interval.low, result.high = interval.high;
    result.low_reason = interval.low_reason, result.high_reason = interval.high_reason;
  } else {
    result.low = *options.low, result.high = *options.high;
    result.low_reason = fmt::format("low = {:.3g}: given", result.low);
    result.high_reason = fmt::format("high = {:.3g}: given", result.high);
  }
  for (TunerCallback* callback : o.callbacks) callback->on_interval(result);

  const detail::UnitRules rules{.max_epochs = o.max_epochs, .patience = o.patience, .min_delta = o.min_delta};
  // Unit u of a candidate is (repeat u / folds, fold u % folds): seed + repeat, that fold.
  detail::Search search(
      [&](double rate, std::size_t u) -> std::unique_ptr<detail::SearchUnit> {
        std::unique_ptr<EpochTrainer> trainer =
            make_trainer(rate, options.seed + u / folds, static_cast<int>(u % folds));
        if (!trainer) fail(fmt::format("make_trainer({:.3g}, ...) returned no trainer", rate));
        return std::make_unique<detail::TrainerUnit>(std::move(trainer), rules);
      },
      rules, units, single_process(), result);
  detail::search_candidates(search, result, o, *options.default_rate);
  result.explanation = explain(result, options);
  result.total_seconds = detail::seconds_since(t_total);
  for (TunerCallback* callback : o.callbacks) callback->on_search_end(result);
  return result;
}

}  // namespace lrtune
