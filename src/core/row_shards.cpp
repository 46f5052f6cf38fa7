// Contiguous row shards (see row_shards.hpp), in integer arithmetic: no rounding to disagree on.
#include "lrtune/core/row_shards.hpp"

namespace lrtune {

RowRange row_shard(std::size_t rows, int rank, int ranks) {
  const auto r = static_cast<std::size_t>(rank);
  const auto n = static_cast<std::size_t>(ranks);
  return {r * rows / n, (r + 1) * rows / n};
}

int row_owner(std::size_t row, std::size_t rows, int ranks) {
  // floor(r*rows/N) <= row  <=>  r*rows < (row+1)*N  <=>  r <= ((row+1)*N - 1) / rows
  return static_cast<int>(((row + 1) * static_cast<std::size_t>(ranks) - 1) / rows);
}

}  // namespace lrtune
