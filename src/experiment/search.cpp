// The experiment's search: the Tuner on the training rows, its progress told to the observer.
#include "lrtune/experiment/search.hpp"

#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"

namespace lrtune {

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
  TunerCallbacks callbacks;
  if (observer) {
    callbacks.on_interval = [observer](const TuningResult& so_far) { observer->on_search_interval(so_far); };
    callbacks.on_rung_end = [observer](const TuningRung& rung, const TuningResult& so_far) {
      observer->on_search_rung(rung, so_far);
    };
  }
  const Matrix y_train = data.y_train;  // (rows, 1)
  Tuner tuner(prototype, *optimizer, Loss::binary_crossentropy, data.x_train, y_train,
              search_options(o, repeats, observer), callbacks);
  SearchRun run;
  run.result = tuner.run();
  if (!run.result.candidates.empty()) run.model.emplace(tuner.model());
  return run;
}

}  // namespace lrtune
