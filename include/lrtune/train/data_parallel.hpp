// Data-parallel training's part of one step (issue 18): the ranks of a communicator share each
// global mini-batch. Rank r computes forward/backward on the batch's rows that lie in its
// contiguous shard of the training rows (core/row_shards.hpp: rows [r*n/N, (r+1)*n/N)); the
// gradient SUMS, loss sums and row counts are summed over the ranks (allreduce_sum, rank-ordered,
// so every rank holds the same bits) and every rank then takes the identical optimizer step.
// Batch order, metrics and the step itself stay MiniBatchTrainer's.
//
// Two ways to hold the rows: every rank holds every training row (only its shard's are computed
// on), or each rank holds only its own rows (SpreadRows: a big table read in shards, each rank
// computing on the rows it holds). Models with Dropout are refused (each rank would draw masks that
// one process does not).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune {

// The training rows spread over the ranks: this rank's X, y (and sample weights) hold only the
// rows `held` names, row j being global training row held[j]; the ranks' `held` together name
// every row of [0, total) exactly once. The global row numbers are those one process's X would
// have (the batch order is drawn over them), so the ranks train as that one process.
struct SpreadRows {
  std::span<const Index> held;  // ascending global training row numbers; X.rows() of them
  Index total = 0;              // training rows over all ranks
};

class DataParallelBatch {
 public:
  // `communicator` (kept by reference) spans the ranks that train together, each calling every
  // method below at the same points. Every row held: `training_rows` is n of the shard rule and
  // `spread` is nullptr; rows spread: `spread` (kept by reference) says which this rank holds.
  // Throws UsageError for a model with a Dropout layer.
  DataParallelBatch(const Communicator& communicator, const Sequential& model, Index training_rows,
                    const SpreadRows* spread = nullptr);

  // Forward/backward on this rank's rows of `rows` (the global batch, in batch order, global
  // training row numbers; none is fine: this rank then adds zeros), then the sums over ranks.
  // Leaves in model's gradient buffer the gradient of the mean loss over all of `rows`,
  //   g = (sum_r m_r * g_r) / m,  g_r = this rank's mean-loss gradient over its m_r rows,
  // identical on every rank, and returns that mean loss (sample_weights weight it as
  // forward_backward does). X, y, sample_weights: the rows this rank holds.
  double forward_backward(Sequential& model, const Matrix& X, const Matrix& y, std::span<const Index> rows, Loss loss,
                          const Vector* sample_weights);

  // The last forward_backward's predictions (after the output activation) and targets for all of
  // its `rows`, in batch order, gathered from the ranks: each (rows.size(), outputs). For the
  // training metrics; `y` is forward_backward's.
  struct Gathered {
    const Matrix& output;
    const Matrix& target;
  };
  Gathered gather_batch(Sequential& model, const Matrix& y, std::size_t batch_rows);

  // True on every rank when any rank passes true (a stop request, e.g. Ctrl-C, agreed so that no
  // rank leaves the others waiting in a collective).
  bool any_rank(bool mine) const;

 private:
  // This rank's row of X for global training row `row`, or -1 when another rank computes it.
  Index local_row(Index row) const;

  const Communicator& communicator_;
  std::size_t training_rows_;
  const SpreadRows* spread_;
  std::vector<Index> mine_;                  // this rank's rows (of X) in the current batch, in batch order
  std::vector<std::uint32_t> batch_places_;  // where each of mine_ lies in the batch
  Matrix output_, target_;                   // (batch, outputs): gather_batch's results
};

}  // namespace lrtune
