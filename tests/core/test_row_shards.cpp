// Contiguous row shards: every row in exactly one shard, in rank order, sizes within one of each
// other, and row_owner agreeing with a search through the shards (the independent computation).
#include <gtest/gtest.h>

#include <cstddef>

#include "lrtune/core/row_shards.hpp"

namespace {

using lrtune::row_owner;
using lrtune::row_shard;

TEST(RowShards, TenRowsOverThreeRanks) {
  EXPECT_EQ(row_shard(10, 0, 3).begin, 0u);
  EXPECT_EQ(row_shard(10, 0, 3).end, 3u);
  EXPECT_EQ(row_shard(10, 1, 3).begin, 3u);
  EXPECT_EQ(row_shard(10, 1, 3).end, 6u);
  EXPECT_EQ(row_shard(10, 2, 3).begin, 6u);
  EXPECT_EQ(row_shard(10, 2, 3).end, 10u);
}

TEST(RowShards, ShardsTileTheRowsAndOwnerFindsTheShard) {
  for (std::size_t rows : {1u, 2u, 3u, 7u, 10u, 64u, 101u})
    for (int ranks : {1, 2, 3, 4, 5, 8}) {
      std::size_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto shard = row_shard(rows, r, ranks);
        ASSERT_EQ(shard.begin, next) << rows << " rows, rank " << r << " of " << ranks;
        ASSERT_LE(shard.end - shard.begin, rows / static_cast<std::size_t>(ranks) + 1);
        ASSERT_GE(shard.end - shard.begin, rows / static_cast<std::size_t>(ranks));
        for (std::size_t row = shard.begin; row < shard.end; ++row) ASSERT_EQ(row_owner(row, rows, ranks), r);
        next = shard.end;
      }
      ASSERT_EQ(next, rows);
    }
}

TEST(RowShards, MoreRanksThanRowsLeavesSomeShardsEmpty) {
  int empty = 0;
  for (int r = 0; r < 5; ++r) empty += row_shard(2, r, 5).begin == row_shard(2, r, 5).end ? 1 : 0;
  EXPECT_EQ(empty, 3);
  EXPECT_EQ(row_owner(0, 2, 5), 2);  // floor(2*2/5) = 0 is the last shard starting at row 0
  EXPECT_EQ(row_owner(1, 2, 5), 4);
}

}  // namespace
