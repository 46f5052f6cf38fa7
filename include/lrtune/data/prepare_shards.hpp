// prepare() over row shards (issue 18): each of N ranks holds a contiguous block of a file's data
// rows, in file order (rank 0 the first block), with the same columns and types everywhere (the
// sharded CSV reader agrees on them). prepare_shards computes on every rank what one process's
// prepare() computes on the whole table, exchanging counts, level sets and sums, never the train rows:
//   - the same FittedPreprocessing: source columns, identifier verdicts (distinct values counted
//     over all ranks), target classes and their order, encoder levels and their order, feature
//     names; the standard scaler's means and stds and the regression target's scaler from
//     combined sums, within a relative 1e-12 of one process's (only the order of additions
//     differs; shard_scaler.hpp); minmax and none exactly;
//   - scikit-learn's split over the global numbering of the rows kept after the missing-value
//     drops (a rank's offset is the kept rows of the ranks before it), stratified too (the class
//     numbers of all kept rows are gathered), with the validation part drawn from train;
//   - this rank's train rows, a subsequence of one process's x_train in its order, with their
//     positions there; the whole validation and test parts on every rank, as one process has them;
//   - the steps, summary and warnings one process logs, counts summed over ranks. Four figures are
//     only within rounding of one process's: the scaler's (scale step details), the target
//     scaler's (scale_target step), a mean imputation's fill value (impute_fit step) and the
//     summary's column means (a sequential sum in file order there, per-rank sums added in rank
//     order here).
// What every rank receives besides numbers per feature: the distinct values of each categorical
// column of the raw table (for the identifier verdict, the level-count check and the summary's
// level counts), of the target (classes), of each categorical feature's train part (encoder
// levels), the split's row numbers (as one process holds them), the validation and test rows, and
// for a median or numeric most_frequent imputation the column's train values.
// Imputation (fitted on the train part, shard_imputer.hpp): constant, most_frequent and median
// exactly (value counts combined, values gathered); mean from combined sums, within a relative
// 1e-12 of one process's (its fill value enters x, so x agrees within that too).
// Every collective is called by every rank in the same order; an error on one rank (a bad value in
// its shard) is thrown on every rank, the lowest failing rank's, so none waits for the others.
#pragma once

#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/data/table.hpp"

namespace lrtune {

struct ShardPreparedData {
  // What one process's prepare() gives, but for the train rows: prepared.x_train, y_train and
  // train_rows (file data-row numbers) hold this rank's train rows only, scaled, float32: the rows
  // of one process's x_train at train_positions (increasing: a subsequence in global train order).
  // The validation and test parts are whole, on every rank, as one process has them.
  PreparedData prepared;
  std::vector<Index> train_positions;
  Index train_total = 0;  // the train rows of all ranks (one process's x_train.rows())
};

// `shard`: this rank's block of data rows (row_labels the file data-row numbers); every rank calls
// it with the same options. With a single-process communicator it computes what prepare(shard)
// does (the scaler's statistics within the tolerance above).
ShardPreparedData prepare_shards(Table shard, const PrepareOptions& options, const Communicator& communicator);

}  // namespace lrtune
