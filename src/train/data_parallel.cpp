// One global mini-batch over several ranks (see data_parallel.hpp): split by the shard rule or by
// the rows each rank holds, computed locally, combined as sums with allreduce_sum.
#include "lrtune/train/data_parallel.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "lrtune/core/error.hpp"
#include "lrtune/core/row_shards.hpp"

namespace lrtune {

DataParallelBatch::DataParallelBatch(const Communicator& communicator, const Sequential& model, Index training_rows,
                                     const SpreadRows* spread)
    : communicator_(communicator), training_rows_(static_cast<std::size_t>(training_rows)), spread_(spread) {
  for (const LayerSpec& layer : model.layers())
    if (std::holds_alternative<Dropout>(layer))
      throw UsageError(
          "data-parallel training does not support Dropout layers yet (each rank would draw other masks than one "
          "process); train without dropout, or in one process");
}

Index DataParallelBatch::local_row(Index row) const {
  if (spread_ == nullptr)
    return row_owner(static_cast<std::size_t>(row), training_rows_, communicator_.size()) == communicator_.rank() ? row
                                                                                                                  : -1;
  const auto held = std::lower_bound(spread_->held.begin(), spread_->held.end(), row);
  return held != spread_->held.end() && *held == row ? static_cast<Index>(held - spread_->held.begin()) : -1;
}

double DataParallelBatch::forward_backward(Sequential& model, const Matrix& X, const Matrix& y,
                                           std::span<const Index> rows, Loss loss, const Vector* sample_weights) {
  mine_.clear();
  batch_places_.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Index local = local_row(rows[i]);
    if (local < 0) continue;
    mine_.push_back(local);
    batch_places_.push_back(static_cast<std::uint32_t>(i));
  }
  const auto mine = static_cast<double>(mine_.size());
  // {sum of this rank's row losses, its rows}: the mean over the batch needs both summed.
  std::array<double, 2> sums = {0.0, mine};
  const std::span<float> gradients = model.gradients();
  if (mine_.empty()) {
    std::fill(gradients.begin(), gradients.end(), 0.0f);
  } else {
    const double mean_loss = model.forward_backward(X, y, mine_, loss, /*training=*/true, sample_weights);
    sums[0] = mean_loss * mine;
    // m_r * g_r: the gradient of this rank's summed loss (g_r is of its mean)
    for (float& g : gradients) g *= static_cast<float>(mine);
  }
  communicator_.allreduce_sum(gradients);
  communicator_.allreduce_sum(sums);
  // g = sum_r m_r g_r / m
  const float inverse_rows = 1.0f / static_cast<float>(sums[1]);
  for (float& g : gradients) g *= inverse_rows;
  return sums[0] / sums[1];
}

DataParallelBatch::Gathered DataParallelBatch::gather_batch(Sequential& model, const Matrix& y,
                                                            std::size_t batch_rows) {
  const Index outputs = model.output_dim();
  // {places in the batch, outputs, targets}: each rank's rows in batch order, placed by `places`.
  ByteWriter writer;
  writer.put_span(std::span<const std::uint32_t>(batch_places_));
  std::vector<float> outputs_and_targets;
  outputs_and_targets.reserve(2 * mine_.size() * static_cast<std::size_t>(outputs));
  if (!mine_.empty()) {
    const auto local = model.output();  // (mine_.size(), outputs)
    for (Index i = 0; i < local.rows(); ++i)
      for (Index k = 0; k < outputs; ++k) outputs_and_targets.push_back(local(i, k));
    for (const Index row : mine_)
      for (Index k = 0; k < outputs; ++k) outputs_and_targets.push_back(y(row, k));
  }
  writer.put_span(std::span<const float>(outputs_and_targets));
  output_.resize(static_cast<Index>(batch_rows), outputs);
  target_.resize(static_cast<Index>(batch_rows), outputs);
  for (const Bytes& part : communicator_.allgather(writer.take())) {
    ByteReader reader(part);
    const auto places = reader.get_vector<std::uint32_t>();
    const auto values = reader.get_vector<float>();
    const std::size_t half = places.size() * static_cast<std::size_t>(outputs);
    for (std::size_t i = 0; i < places.size(); ++i)
      for (Index k = 0; k < outputs; ++k) {
        const std::size_t at = i * static_cast<std::size_t>(outputs) + static_cast<std::size_t>(k);
        output_(places[i], k) = values[at];
        target_(places[i], k) = values[half + at];
      }
  }
  return {output_, target_};
}

bool DataParallelBatch::any_rank(bool mine) const {
  std::array<double, 1> votes = {mine ? 1.0 : 0.0};
  communicator_.allreduce_sum(votes);
  return votes[0] > 0.0;
}

}  // namespace lrtune
