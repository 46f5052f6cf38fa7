// The experiment's own use of its options' callbacks and cancel flag: call a hook on every
// callback in order, and ask whether the caller has cancelled. Private to src/experiment.
#pragma once

#include "lrtune/experiment/experiment_options.hpp"

namespace lrtune::detail {

// hook(callback) for each of the experiment's callbacks, in order.
template <typename Hook>
void notify(const std::vector<ExperimentCallback*>& callbacks, Hook&& hook) {
  for (ExperimentCallback* callback : callbacks) hook(*callback);
}

inline bool cancelled(const ExperimentOptions& options) { return options.cancel != nullptr && options.cancel->load(); }

}  // namespace lrtune::detail
