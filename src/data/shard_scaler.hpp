// A feature scaler fitted on train rows spread over ranks, from combined statistics: what
// Scaler::fit computes on all the rows in one process, without moving the rows.
//   standard: scikit-learn's corrected two-pass mean and variance, on x / 2^e with e from the
//     global largest magnitude (as Scaler::fit), each pass's sums taken per rank (compensated)
//     and added in rank order. Only the order of additions differs from one process (its
//     pairwise sums over the rows in train order), so mean and std agree to a few ulps: a
//     relative difference within 1e-12 (tested on the wine table, 1 to 4 ranks).
//   minmax, none: exact (minima and maxima, and the range checks, are order-free).
#pragma once

#include <string>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/data/scaler.hpp"

namespace lrtune::detail {

struct CombinedScaler {
  Scaler scaler;
  VectorD min, max;  // (features,) over all ranks' train rows (for messages)
};

// x_local: (this rank's train rows, features), rows_total the train rows of all ranks (> 0 for
// standard and minmax). Errors as Scaler::fit's, on every rank alike (gather_agreed).
CombinedScaler fit_scaler_over_ranks(ScalerKind kind, const MatrixD& x_local, Index rows_total,
                                     const std::vector<std::string>& names, const Communicator& communicator);

}  // namespace lrtune::detail
