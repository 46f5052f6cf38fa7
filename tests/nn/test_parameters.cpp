// The flat parameter layout: packing, lookup, views, and actionable errors.
#include <gtest/gtest.h>

#include "lrtune/nn/parameters.hpp"

namespace {

TEST(ParameterLayout, PacksBlocksInOrderWithoutGaps) {
  lrtune::ParameterLayout layout;
  layout.add("dense/kernel", {3, 2});
  layout.add("dense/bias", {2});
  layout.add("dense_1/kernel", {2, 1});
  ASSERT_EQ(layout.blocks().size(), 3u);
  EXPECT_EQ(layout.blocks()[0].offset, 0);
  EXPECT_EQ(layout.blocks()[1].offset, 6);
  EXPECT_EQ(layout.blocks()[2].offset, 8);
  EXPECT_EQ(layout.size(), 10);
  EXPECT_EQ(layout.block("dense/bias").shape, (std::vector<lrtune::Index>{2}));
  EXPECT_EQ(layout.block("dense/bias").rows(), 1);
}

TEST(ParameterLayout, ViewsMapTheRightElementsRowMajor) {
  lrtune::ParameterLayout layout;
  const auto& kernel = layout.add("k", {2, 3});
  (void)kernel;
  layout.add("b", {3});
  lrtune::VectorD buffer = lrtune::VectorD::LinSpaced(9, 0, 8);
  const auto W = lrtune::block_map(buffer.data(), layout.block("k"));
  EXPECT_EQ(W(0, 2), 2.0);
  EXPECT_EQ(W(1, 0), 3.0);
  auto b = lrtune::block_map(buffer.data(), layout.block("b"));
  b(0, 1) = -1.0;
  EXPECT_EQ(buffer(7), -1.0);
  EXPECT_EQ(lrtune::const_block_map<double>(buffer.data(), layout.block("b"))(0, 2), 8.0);
}

TEST(ParameterLayout, RejectsDuplicatesBadShapesAndUnknownNames) {
  lrtune::ParameterLayout layout;
  layout.add("a", {2});
  EXPECT_THROW(layout.add("a", {3}), lrtune::UsageError);
  EXPECT_THROW(layout.add("b", {0, 3}), lrtune::UsageError);
  EXPECT_THROW(layout.add("c", {}), lrtune::UsageError);
  try {
    layout.block("zzz");
    FAIL() << "expected an exception";
  } catch (const lrtune::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("a"), std::string::npos);
  }
}

}  // namespace
