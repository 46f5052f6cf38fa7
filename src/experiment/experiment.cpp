// run_experiment: the range test, the tuned rate (search or suggestion), then both rates trained
// per seed on the worker pool (or each data-parallel over the ranks, one after another) and scored
// on the test split. Each step is its own function.
#include "lrtune/experiment/experiment.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/parallel.hpp"
#include "lrtune/data/error.hpp"
#include "notify.hpp"

namespace lrtune {
namespace {

ExperimentResult describe(const ExperimentData& data, const ExperimentOptions& o) {
  ExperimentResult r;
  r.task = data.task.kind;
  r.task_explanation = data.task_explanation;
  r.data = data.prepared.summary;
  r.class_names = data.prepared.preprocessing.target_classes;
  r.preprocessing = data.prepared.preprocessing;
  const TargetScaler& scaler = r.preprocessing.target_scaler;
  if (scaler.scaled()) r.target_scaling = ExperimentResult::TargetScaling{scaler.mean(), scaler.scale()};
  r.test_rows = data.y_test.rows();
  r.pick = o.comparison.pick;
  r.repeats = o.comparison.repeats;
  return r;
}

// The ranks that share each training's batches, when there are several; else null.
const Communicator* sharing_ranks(const ExperimentOptions& o) {
  const Communicator* ranks = o.comparison.data_parallel;
  return ranks != nullptr && ranks->size() > 1 ? ranks : nullptr;
}

// Whether the experiment is cancelled. With ranks sharing the trainings, on any rank: a rank that
// skipped a training the others start would leave them waiting in its first collective.
bool cancelled_everywhere(const ExperimentOptions& o) {
  const Communicator* ranks = sharing_ranks(o);
  if (ranks == nullptr) return detail::cancelled(o);
  double count = detail::cancelled(o) ? 1.0 : 0.0;
  ranks->allreduce_sum(std::span<double>(&count, 1));
  return count > 0.0;
}

// The search's pick becomes the tuned rate; false when the search was cancelled.
bool pick_by_search(const ExperimentData& data, const ExperimentOptions& o, ExperimentResult& r) {
  SearchRun run = run_search(data, o, 1);
  r.search = std::move(run.result);
  if (cancelled_everywhere(o)) return false;
  if (r.search->candidates.empty()) throw std::runtime_error("the learning-rate search trained no candidate");
  r.tuned_side.learning_rate = r.search->learning_rate;
  r.tuned_side.source = fmt::format("tuner pick (best epoch {})", r.search->best_epoch + 1);
  return true;
}

void pick_by_range_test(ExperimentResult& r) {
  if (!r.suggested_rate)
    throw DataError(
        fmt::format("the range test's {} rule found no learning rate to compare; try the search "
                    "(RatePick::tuner), the per-step schedule, more points or another rule",
                    r.rule));
  r.tuned_side.learning_rate = *r.suggested_rate;
  r.tuned_side.source = "range test: " + r.rule;
}

// Jobs (side, repeat) in the order default 0, tuned 0, default 1, ...; a job that finds the
// experiment cancelled is skipped (its Training stays unstarted). Data-parallel over several ranks
// the jobs run one after another on the calling thread, each on every rank, so that all ranks
// enter each training's collectives in the same order.
void train_both(const ExperimentData& data, const ExperimentOptions& o, ExperimentResult& r) {
  const int repeats = o.comparison.repeats;
  ComparedRate* sides[2] = {&r.default_side, &r.tuned_side};
  for (ComparedRate* side : sides) side->runs.assign(static_cast<std::size_t>(repeats), Training{});
  const std::size_t jobs = 2 * static_cast<std::size_t>(repeats);
  const int threads = sharing_ranks(o) != nullptr ? 1 : o.comparison.threads;
  const std::size_t workers = static_cast<std::size_t>(std::max(1, std::min(threads, 2 * repeats)));
  parallel_for(jobs, workers, [&](std::size_t job) {
    if (cancelled_everywhere(o)) return;
    ComparedRate& side = *sides[job % 2];
    const int repeat = static_cast<int>(job / 2);
    const TrainingSpec spec{
        side.name, repeat, repeats, side.learning_rate, o.comparison.seed + static_cast<std::uint64_t>(repeat),
        workers};
    detail::notify(o.callbacks, [&](ExperimentCallback& c) { c.on_training_begin(spec); });
    side.runs[static_cast<std::size_t>(repeat)] = train_and_evaluate(data, o, side.learning_rate, spec.seed, spec);
  });
}

}  // namespace

const Sequential& ExperimentResult::model() const {
  if (tuned_side.runs.empty() || !tuned_side.runs.front().model)
    throw std::logic_error("ExperimentResult::model: the tuned rate's training did not run");
  return *tuned_side.runs.front().model;
}

ExperimentResult run_experiment(const ExperimentOptions& options) {
  return run_experiment(load_data(options.data), options);
}

ExperimentResult run_experiment(const ExperimentData& data, const ExperimentOptions& o) {
  ExperimentResult r = describe(data, o);
  r.range_test = run_range_test(data, o);
  r.suggested_rate = suggested_rate(r.range_test, o.comparison.rule, &r.rule);
  detail::notify(o.callbacks, [&](ExperimentCallback& c) { c.on_range_test_end(r); });
  r.cancelled = cancelled_everywhere(o);
  if (r.cancelled) return r;
  if (r.pick == RatePick::tuner) {
    r.cancelled = !pick_by_search(data, o, r);
    if (r.cancelled) return r;
  } else {
    pick_by_range_test(r);
  }
  r.default_side.learning_rate = build_optimizer(o.optimizer)->learning_rate();
  r.default_side.source = o.optimizer.name + " default";
  detail::notify(o.callbacks, [&](ExperimentCallback& c) { c.on_rates_chosen(r); });
  if (!o.train_comparison) return r;
  train_both(data, o, r);
  r.cancelled = cancelled_everywhere(o);
  return r;
}

}  // namespace lrtune
