// The experiment's search step: the validated learning-rate search (tune/Tuner) on the training
// rows only (the test split is never passed), with the model and optimizer of the options.
#pragma once

#include <optional>

#include "lrtune/experiment/experiment_options.hpp"
#include "lrtune/experiment/observer.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

// options.search with the comparison's batch size and seed, `repeats` seeds per candidate and the
// observer's cancel flag.
TunerOptions search_options(const ExperimentOptions& options, int repeats, const ExperimentObserver* observer);

struct SearchRun {
  TuningResult result;
  std::optional<Sequential> model;  // the tuner's recommended model; none when no candidate trained
};
// observer: the interval, each rung, cancellation (may be null).
SearchRun run_search(const ExperimentData& data, const ExperimentOptions& options, int repeats,
                     ExperimentObserver* observer = nullptr);

}  // namespace lrtune
