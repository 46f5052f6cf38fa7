// The flat parameter buffer of a model: one contiguous vector holds every weight, and named
// blocks (offset + shape) say which part belongs to which layer. Views are Eigen::Maps made on
// demand from offsets, so a model stays a plain value. Optimizers see only the flat span.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"

namespace lrtune {

// One named part of the flat buffer, row-major: kernels (in, out), biases (out).
struct ParameterBlock {
  std::string name;          // Keras weight name: "dense_1/kernel", "dense_1/bias"
  Index offset = 0;          // first element in the flat buffer
  std::vector<Index> shape;  // (in, out) or (out)

  Index size() const;
  Index rows() const { return shape.size() == 2 ? shape[0] : 1; }  // a bias maps as (1, out)
  Index cols() const { return shape.back(); }
  bool operator==(const ParameterBlock&) const = default;
};

// The blocks of a buffer in order, packed without gaps.
class ParameterLayout {
 public:
  // Appends a block of `shape` (1 or 2 positive extents) after the last one; names are unique.
  const ParameterBlock& add(std::string name, std::vector<Index> shape);
  const std::vector<ParameterBlock>& blocks() const { return blocks_; }
  // The block called `name`; throws UsageError naming the valid blocks.
  const ParameterBlock& block(std::string_view name) const;
  Index size() const { return size_; }
  bool operator==(const ParameterLayout&) const = default;

 private:
  std::vector<ParameterBlock> blocks_;
  Index size_ = 0;
};

// A (rows, cols) row-major view of one block inside a flat buffer starting at `data`.
template <typename T>
Eigen::Map<MatrixT<T>> block_map(T* data, const ParameterBlock& block) {
  return Eigen::Map<MatrixT<T>>(data + block.offset, block.rows(), block.cols());
}
template <typename T>
Eigen::Map<const MatrixT<T>> const_block_map(const T* data, const ParameterBlock& block) {
  return Eigen::Map<const MatrixT<T>>(data + block.offset, block.rows(), block.cols());
}

}  // namespace lrtune
