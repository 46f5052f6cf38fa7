// The single-process communicator (rank 0 of 1, collectives that copy), the fixed ownership rule
// and the byte packing the collectives carry. The MPI communicator is tested under mpirun
// (tests/distributed/).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include "lrtune/core/communicator.hpp"

namespace lrtune {
namespace {

TEST(SingleProcess, IsRankZeroOfOne) {
  const Communicator& one = single_process();
  EXPECT_EQ(one.rank(), 0);
  EXPECT_EQ(one.size(), 1);
  EXPECT_EQ(&one, &single_process());
}

TEST(SingleProcess, CollectivesReturnTheRanksOwnValues) {
  const Communicator& one = single_process();
  const Bytes mine = {1, 2, 3};
  const std::vector<Bytes> all = one.allgather(mine);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0], mine);
  EXPECT_EQ(one.allgather({}), std::vector<Bytes>{Bytes{}});
  Bytes sent = {9, 8};
  one.broadcast(sent, 0);
  EXPECT_EQ(sent, (Bytes{9, 8}));
  std::vector<double> d = {1.5, -2.0};
  one.allreduce_sum(d);
  EXPECT_EQ(d, (std::vector<double>{1.5, -2.0}));
  std::vector<float> f = {0.25F};
  one.allreduce_sum(f);
  EXPECT_EQ(f, std::vector<float>{0.25F});
}

TEST(SingleProcess, AbortEndsTheProcessWithTheCode) {
  EXPECT_EXIT(single_process().abort(7), ::testing::ExitedWithCode(7), "");
}

// A stand-in for rank 1 of 3, to check the ownership rule without MPI.
class FakeRank final : public Communicator {
 public:
  FakeRank(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::vector<Bytes> allgather(const Bytes& mine) const override { return {mine}; }
  void broadcast(Bytes&, int) const override {}
  void allreduce_sum(std::span<double>) const override {}
  void allreduce_sum(std::span<float>) const override {}
  [[noreturn]] void abort(int code) const override { std::_Exit(code); }

 private:
  int rank_, size_;
};

TEST(Owns, ItemIModuloSizeWhateverTheOtherItems) {
  const FakeRank r1(1, 3);
  std::vector<std::size_t> mine;
  for (std::size_t i = 0; i < 8; ++i)
    if (owns(r1, i)) mine.push_back(i);
  EXPECT_EQ(mine, (std::vector<std::size_t>{1, 4, 7}));
  // Every item has exactly one owner.
  for (std::size_t i = 0; i < 8; ++i) {
    int owners = 0;
    for (int r = 0; r < 3; ++r) owners += owns(FakeRank(r, 3), i) ? 1 : 0;
    EXPECT_EQ(owners, 1) << "item " << i;
  }
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(owns(single_process(), i));
}

TEST(Bytes, RoundTripNumbersVectorsAndText) {
  ByteWriter w;
  w.put<int>(-3);
  w.put<double>(std::numeric_limits<double>::infinity());
  const std::vector<double> losses = {0.5, std::nan(""), 1e-300};
  w.put_span(std::span<const double>(losses));
  w.put_string("rank 1: bad row 7");
  w.put_span(std::span<const float>());
  const Bytes bytes = w.take();
  ByteReader r(bytes);
  EXPECT_EQ(r.get<int>(), -3);
  EXPECT_EQ(r.get<double>(), std::numeric_limits<double>::infinity());
  const std::vector<double> back = r.get_vector<double>();
  ASSERT_EQ(back.size(), 3U);
  EXPECT_EQ(back[0], 0.5);
  EXPECT_TRUE(std::isnan(back[1]));
  EXPECT_EQ(back[2], 1e-300);
  EXPECT_EQ(r.get_string(), "rank 1: bad row 7");
  EXPECT_TRUE(r.get_vector<float>().empty());
  EXPECT_TRUE(r.done());
}

TEST(Bytes, ReadingPastTheEndThrowsInsteadOfAllocating) {
  ByteWriter w;
  w.put<std::uint64_t>(std::numeric_limits<std::uint64_t>::max());  // a damaged count
  const Bytes bytes = w.take();
  ByteReader counted(bytes);
  EXPECT_THROW(counted.get_vector<double>(), std::out_of_range);
  ByteReader short_read(bytes);
  short_read.get<std::uint32_t>();
  EXPECT_THROW(short_read.get<std::uint64_t>(), std::out_of_range);
}

}  // namespace
}  // namespace lrtune
