// Imputer::fit on train rows spread over ranks, with its log record: constant as is; most_frequent
// from the ranks' value counts combined (exact, ties to the smallest value as one process); median
// from the ranks' values gathered (exact); mean from the ranks' compensated sums added in rank order
// (one process adds the values one by one in train order: within 1e-12 relative).
#pragma once

#include "lrtune/core/communicator.hpp"
#include "lrtune/data/missing.hpp"

namespace lrtune::detail {

// `train`: this rank's train rows of the imputed columns (the same columns on every rank);
// `train_total`: the train rows of all ranks. Errors as Imputer::fit's, on every rank alike.
Imputer fit_imputer_over_ranks(const Table& train, Index train_total, const ImputerOptions& options, StepLog* log,
                               const Communicator& communicator);

}  // namespace lrtune::detail
