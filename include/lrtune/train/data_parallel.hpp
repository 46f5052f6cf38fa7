// Data-parallel training's part of one step (issue 18): the ranks of a communicator share each
// global mini-batch. Rank r computes forward/backward on the batch's rows that lie in its
// contiguous shard of the training rows (core/row_shards.hpp: rows [r*n/N, (r+1)*n/N)); the
// gradient SUMS, loss sums and row counts are summed over the ranks (allreduce_sum, rank-ordered,
// so every rank holds the same bits) and every rank then takes the identical optimizer step.
// Batch order, metrics and the step itself stay MiniBatchTrainer's.
//
// This increment: every rank holds every training row (only its shard's are computed on), and
// models with Dropout are refused (each rank would draw masks that one process does not).
#pragma once

#include <span>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune {

class DataParallelBatch {
 public:
  // `communicator` (kept by reference) spans the ranks that train together, each calling every
  // method below at the same points; `training_rows` is n of the shard rule. Throws UsageError
  // for a model with a Dropout layer.
  DataParallelBatch(const Communicator& communicator, const Sequential& model, Index training_rows);

  // Forward/backward on this rank's rows of `rows` (the global batch, in batch order; none is
  // fine: this rank then adds zeros), then the sums over ranks. Leaves in model's gradient buffer
  // the gradient of the mean loss over all of `rows`,
  //   g = (sum_r m_r * g_r) / m,  g_r = this rank's mean-loss gradient over its m_r rows,
  // identical on every rank, and returns that mean loss (sample_weights weight it as
  // forward_backward does). X, y: (training_rows, features), (training_rows, outputs).
  double forward_backward(Sequential& model, const Matrix& X, const Matrix& y, std::span<const Index> rows, Loss loss,
                          const Vector* sample_weights);

  // The last forward_backward's predictions (after the output activation) for all of its `rows`,
  // in batch order, gathered from the ranks: (rows.size(), outputs). For the training metrics.
  const Matrix& gathered_output(Sequential& model, std::span<const Index> rows);

  // True on every rank when any rank passes true (a stop request, e.g. Ctrl-C, agreed so that no
  // rank leaves the others waiting in a collective).
  bool any_rank(bool mine) const;

 private:
  const Communicator& communicator_;
  std::size_t training_rows_;
  std::vector<Index> mine_;  // this rank's rows of the current batch, in batch order
  Matrix output_;            // (batch, outputs): gathered_output's result
};

}  // namespace lrtune
