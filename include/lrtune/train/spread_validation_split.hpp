// The seeded validation split (validation_split.hpp) of training rows spread over ranks
// (data_parallel.hpp's SpreadRows): the same rows held out as one process holding every row would
// hold out, the validation part gathered whole on every rank, each rank keeping its own rows of
// the part that trains, renumbered as that part numbers them.
#pragma once

#include <cstdint>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/train/data_parallel.hpp"

namespace lrtune {

struct SpreadValidationSplit {
  // This rank's rows of the part that trains, in increasing `held` order; w_train empty without weights.
  Matrix x_train, y_train;
  Vector w_train;
  std::vector<Index> held;  // their row numbers in that part (one process's split.x_train rows)
  Index total = 0;          // the rows of that part over all ranks
  Matrix x_val, y_val;      // the held-out rows of every rank, in the split's order
};

// Collective over `communicator` (the ranks that hold `rows`). X, y and sample_weights (or
// nullptr) hold this rank's rows as `rows` names them; fraction and seed as split_for_validation,
// whose split of rows.total rows this is: one process's x_val equals x_val here, and its x_train
// row held[j] equals x_train row j here.
SpreadValidationSplit split_spread_for_validation(const Matrix& X, const Matrix& y, const SpreadRows& rows,
                                                  double fraction, std::uint64_t seed, const Vector* sample_weights,
                                                  const Communicator& communicator);

}  // namespace lrtune
