// The experiment's search: the Tuner on the training rows, its progress told to the experiment's callbacks.
#include "lrtune/experiment/search.hpp"

#include <vector>

#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"
#include "notify.hpp"

namespace lrtune {
namespace {

// The search's steps forwarded to the experiment's callbacks.
class SearchForwarder final : public TunerCallback {
 public:
  explicit SearchForwarder(const std::vector<ExperimentCallback*>& callbacks) : callbacks_(callbacks) {}
  void on_search_begin(const TunerOptions& options) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_begin(options); });
  }
  void on_interval(const TuningResult& so_far) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_interval(so_far); });
  }
  void on_rung_begin(const TuningRung& rung, const TuningResult& so_far) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_rung_begin(rung, so_far); });
  }
  void on_rung_progress(std::size_t done, std::size_t total) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_rung_progress(done, total); });
  }
  void on_rung_end(const TuningRung& rung, const TuningResult& so_far) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_rung(rung, so_far); });
  }
  void on_search_end(const TuningResult& result) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_search_end(result); });
  }

 private:
  const std::vector<ExperimentCallback*>& callbacks_;
};

}  // namespace

TunerOptions search_options(const ExperimentOptions& o, int repeats) {
  TunerOptions options = o.search;
  options.batch_size = o.comparison.batch_size;
  options.seed = o.comparison.seed;
  options.repeats = repeats;
  options.cancel = o.cancel;
  return options;
}

SearchRun run_search(const ExperimentData& data, const ExperimentOptions& o, int repeats) {
  const Sequential prototype = build_model(o.model, data.x_train.cols(), data.task, o.comparison.seed);
  const auto optimizer = build_optimizer(o.optimizer);
  TunerOptions options = search_options(o, repeats);
  SearchForwarder forward(o.callbacks);
  options.callbacks.push_back(&forward);
  options.metrics = epoch_metrics(o.model, data.task);
  Tuner tuner(prototype, *optimizer, data.task.loss, data.x_train, data.y_train, options);
  SearchRun run;
  run.result = tuner.run();
  if (!run.result.candidates.empty()) run.model.emplace(tuner.model());
  return run;
}

}  // namespace lrtune
