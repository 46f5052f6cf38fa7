// The contiguous shards of a row index space: rank r of N owns rows [floor(r*n/N), floor((r+1)*n/N)),
// so shard sizes differ by at most one and a row's owner depends only on (row, n, N). Data-parallel
// training splits each global mini-batch by this rule; which rows a process holds is data's concern.
#pragma once

#include <cstddef>

namespace lrtune {

struct RowRange {
  std::size_t begin = 0;  // first row
  std::size_t end = 0;    // one past the last (begin == end: no rows)
};

// Rank `rank`'s shard of `rows` rows over `ranks` ranks (0 <= rank < ranks).
RowRange row_shard(std::size_t rows, int rank, int ranks);

// The rank whose shard holds `row` (row < rows): the largest r with floor(r*rows/ranks) <= row.
int row_owner(std::size_t row, std::size_t rows, int ranks);

}  // namespace lrtune
