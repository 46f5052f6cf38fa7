// The experiment's search step: the validated learning-rate search (tune/Tuner) on the training
// rows only (the test split is never passed), with the model and optimizer of the options.
#pragma once

#include <optional>

#include "lrtune/experiment/experiment_options.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

// options.search with the comparison's batch size and seed, `repeats` seeds per candidate and the
// experiment's cancel flag.
TunerOptions search_options(const ExperimentOptions& options, int repeats);

struct SearchRun {
  TuningResult result;
  std::optional<Sequential> model;  // the tuner's recommended model; none when no candidate trained
};
// options.callbacks see the search's steps (on_search_*); options.cancel stops it.
SearchRun run_search(const ExperimentData& data, const ExperimentOptions& options, int repeats);

}  // namespace lrtune
