// One global mini-batch over several ranks (see data_parallel.hpp): split by the shard rule,
// computed locally, combined as sums with allreduce_sum.
#include "lrtune/train/data_parallel.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "lrtune/core/error.hpp"
#include "lrtune/core/row_shards.hpp"

namespace lrtune {

DataParallelBatch::DataParallelBatch(const Communicator& communicator, const Sequential& model, Index training_rows)
    : communicator_(communicator), training_rows_(static_cast<std::size_t>(training_rows)) {
  for (const LayerSpec& layer : model.layers())
    if (std::holds_alternative<Dropout>(layer))
      throw UsageError(
          "data-parallel training does not support Dropout layers yet (each rank would draw other masks than one "
          "process); train without dropout, or in one process");
}

double DataParallelBatch::forward_backward(Sequential& model, const Matrix& X, const Matrix& y,
                                           std::span<const Index> rows, Loss loss, const Vector* sample_weights) {
  mine_.clear();
  for (const Index row : rows)
    if (row_owner(static_cast<std::size_t>(row), training_rows_, communicator_.size()) == communicator_.rank())
      mine_.push_back(row);
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

const Matrix& DataParallelBatch::gathered_output(Sequential& model, std::span<const Index> rows) {
  const Index outputs = model.output_dim();
  ByteWriter writer;
  if (mine_.empty()) {
    writer.put_span(std::span<const float>());
  } else {
    const auto local = model.output();  // (mine_.size(), outputs), row-major
    writer.put_span(std::span<const float>(local.data(), static_cast<std::size_t>(local.size())));
  }
  const std::vector<Bytes> parts = communicator_.allgather(writer.take());
  std::vector<std::vector<float>> values;  // per rank: its rows' outputs in batch order
  values.reserve(parts.size());
  for (const Bytes& part : parts) {
    ByteReader reader(part);
    values.push_back(reader.get_vector<float>());
  }
  std::vector<std::size_t> next(parts.size(), 0);  // per rank: the next of its values to place
  output_.resize(static_cast<Index>(rows.size()), outputs);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto owner =
        static_cast<std::size_t>(row_owner(static_cast<std::size_t>(rows[i]), training_rows_, communicator_.size()));
    for (Index k = 0; k < outputs; ++k) output_(static_cast<Index>(i), k) = values[owner][next[owner]++];
  }
  return output_;
}

bool DataParallelBatch::any_rank(bool mine) const {
  std::array<double, 1> votes = {mine ? 1.0 : 0.0};
  communicator_.allreduce_sum(votes);
  return votes[0] > 0.0;
}

}  // namespace lrtune
