// The named-block layout of the flat parameter buffer (the buffer itself is the model's VectorT).
#include "lrtune/nn/parameters.hpp"

#include <stdexcept>

#include "lrtune/core/error.hpp"

namespace lrtune {

Index ParameterBlock::size() const {
  Index size = 1;
  for (const Index extent : shape) size *= extent;
  return size;
}

const ParameterBlock& ParameterLayout::add(std::string name, std::vector<Index> shape) {
  if (shape.empty() || shape.size() > 2)
    throw UsageError("parameter block '" + name + "': shape must have 1 or 2 extents, got " +
                     std::to_string(shape.size()));
  for (const Index extent : shape)
    if (extent < 1)
      throw UsageError("parameter block '" + name + "': extents must be >= 1, got " + std::to_string(extent));
  for (const auto& block : blocks_)
    if (block.name == name) throw UsageError("parameter block '" + name + "' already exists");
  ParameterBlock block{std::move(name), size_, std::move(shape)};
  size_ += block.size();
  blocks_.push_back(std::move(block));
  return blocks_.back();
}

const ParameterBlock& ParameterLayout::block(std::string_view name) const {
  for (const auto& block : blocks_)
    if (block.name == name) return block;
  std::string names;
  for (const auto& block : blocks_) names += (names.empty() ? "" : ", ") + block.name;
  throw UsageError("no parameter block '" + std::string(name) + "'; blocks: " + names);
}

}  // namespace lrtune
