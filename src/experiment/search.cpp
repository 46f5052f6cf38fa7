// The experiment's search: the Tuner on the training rows, its progress told to the observer.
#include "lrtune/experiment/search.hpp"

#include <optional>

#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"

namespace lrtune {
namespace {

// The search's steps forwarded to the experiment's observer.
class SearchForwarder final : public TunerCallback {
 public:
  explicit SearchForwarder(ExperimentObserver& observer) : observer_(observer) {}
  void on_search_begin(const TunerOptions& options) override { observer_.on_search_begin(options); }
  void on_interval(const TuningResult& so_far) override { observer_.on_search_interval(so_far); }
  void on_rung_end(const TuningRung& rung, const TuningResult& so_far) override {
    observer_.on_search_rung(rung, so_far);
  }
  void on_search_end(const TuningResult& result) override { observer_.on_search_end(result); }

 private:
  ExperimentObserver& observer_;
};

}  // namespace

TunerOptions search_options(const ExperimentOptions& o, int repeats, const ExperimentObserver* observer) {
  TunerOptions options = o.search;
  options.batch_size = o.comparison.batch_size;
  options.seed = o.comparison.seed;
  options.repeats = repeats;
  options.cancel = observer ? observer->cancel_flag() : nullptr;
  return options;
}

SearchRun run_search(const ExperimentData& data, const ExperimentOptions& o, int repeats, ExperimentObserver* observer) {
  const Sequential prototype = build_model(o.model, data.x_train.cols(), o.comparison.seed);
  const auto optimizer = build_optimizer(o.optimizer);
  TunerOptions options = search_options(o, repeats, observer);
  std::optional<SearchForwarder> forward;
  if (observer) options.callbacks.push_back(&forward.emplace(*observer));
  Tuner tuner(prototype, *optimizer, Loss::binary_crossentropy, data.x_train, data.y_train, options);
  SearchRun run;
  run.result = tuner.run();
  if (!run.result.candidates.empty()) run.model.emplace(tuner.model());
  return run;
}

}  // namespace lrtune
