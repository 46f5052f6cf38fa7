// One training of the comparison: fit with its schedule and early stopping (or a plain validation
// part) on a seeded validation part, then the test split's scores. The experiment's callbacks see fit's events through
// a small adapter callback.
#include "lrtune/experiment/training.hpp"

#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"
#include "lrtune/experiment/training_schedule.hpp"
#include "lrtune/train/early_stopping.hpp"
#include "lrtune/train/fit.hpp"
#include "notify.hpp"

namespace lrtune {
namespace {

// fit's callback interface forwarded to the experiment's callbacks, tagged with the training.
class TrainingForwarder final : public Callback {
 public:
  TrainingForwarder(const std::vector<ExperimentCallback*>& callbacks, const TrainingSpec& spec)
      : callbacks_(callbacks), spec_(spec) {}
  void on_epoch_begin(int epoch, TrainingContext& context) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_epoch_begin(spec_, epoch, context); });
  }
  void on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_batch_end(spec_, step, logs, context); });
  }
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_epoch_end(spec_, epoch, logs, context); });
  }

 private:
  const std::vector<ExperimentCallback*>& callbacks_;
  const TrainingSpec& spec_;
};

}  // namespace

Training train_and_evaluate(const ExperimentData& data, const ExperimentOptions& o, double learning_rate,
                            std::uint64_t seed, const TrainingSpec& spec) {
  const ComparisonOptions& c = o.comparison;
  if (c.early_stopping && c.schedule == TrainingSchedule::one_cycle)
    throw UsageError(
        "the one-cycle schedule trains every epoch asked (as fastai's fit_one_cycle); turn early "
        "stopping off, or hold out a validation part without it (hold_out_validation)");
  Training result;
  result.learning_rate = learning_rate;
  result.seed = seed;
  result.model.emplace(build_model(o.model, data.x_train.cols(), data.task, seed));
  auto optimizer = build_optimizer(o.optimizer, learning_rate);
  EarlyStopping stopping(c.stopping);
  FitOptions options;
  options.epochs = c.epochs;
  options.batch_size = c.batch_size;
  options.seed = seed;
  options.metrics = epoch_metrics(o.model, data.task);
  if (data.train_weights.size() > 0) options.sample_weights = &data.train_weights;
  TrainingForwarder forward(o.callbacks, spec);
  options.cancel = o.cancel;
  options.data_parallel = c.data_parallel;
  const SpreadRows spread{data.held_train_rows, data.train_rows_total};
  if (data.train_rows_spread()) {
    if (c.data_parallel == nullptr)
      throw UsageError(
          "the train rows are spread over ranks (read in shards); train them data-parallel over those ranks");
    options.spread_rows = &spread;
  }
  // The scheduler first: the forwarder and early stopping then see this step's rate.
  TrainingScheduler scheduler(c.schedule, learning_rate);
  options.callbacks.push_back(&scheduler);
  options.callbacks.push_back(&forward);
  if (c.early_stopping || c.hold_out_validation) {
    options.validation_split = c.validation_fraction;
    options.validation_seed = seed;
  }
  if (c.early_stopping) options.callbacks.push_back(&stopping);
  result.history = fit(*result.model, *optimizer, data.task.loss, data.x_train, data.y_train, options);
  result.epochs_run = static_cast<int>(result.history.size());
  // Data without a test split (arrays given without X_test, from C++ or Python) train all the same.
  if (data.x_test.rows() > 0)
    result.test =
        test_metrics(*result.model, data.task, data.x_test, data.y_test, data.prepared.preprocessing.target_scaler);
  detail::notify(o.callbacks, [&](ExperimentCallback& c) { c.on_training_end(spec, result); });
  return result;
}

void to_json(nlohmann::json& j, const Training& r) {
  j = {{"learning_rate", r.learning_rate},
       {"seed", r.seed},
       {"epochs_run", r.epochs_run},
       {"best_epoch", r.history.best_epoch},
       {"stop_reason", std::string(stop_reason_name(r.history.stop_reason))},
       {"train_seconds", r.history.train_seconds}};
  for (const auto& [name, value] : r.test.values) j["test_" + name] = value;
  if (r.test.confusion.size() > 0) {
    j["confusion"] = confusion_json(r.test.confusion);
    const ClassScores& c = r.test.per_class;
    j["per_class"] = {{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}};
  }
}

}  // namespace lrtune
