// numpy-compatible integer draws and permutations (legacy RandomState semantics).
#include "lrtune/core/random.hpp"

#include <numeric>
#include <stdexcept>
#include <utility>

#include "lrtune/core/error.hpp"

namespace lrtune {

std::uint64_t numpy_random_interval(std::uint64_t max, Mt19937& generator) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  std::uint64_t value = 0;
  if (max <= 0xffffffffULL) {
    do {
      value = static_cast<std::uint64_t>(generator()) & mask;
    } while (value > max);
  } else {
    // numpy's next_uint64 for MT19937: the first draw is the high word.
    do {
      const std::uint64_t high = generator();
      const std::uint64_t low = generator();
      value = ((high << 32) | low) & mask;
    } while (value > max);
  }
  return value;
}

void numpy_shuffle(std::vector<Index>& values, Mt19937& generator) {
  for (std::size_t i = values.size(); i-- > 1;) {
    const auto j = static_cast<std::size_t>(numpy_random_interval(i, generator));
    std::swap(values[i], values[j]);
  }
}

std::vector<Index> numpy_permutation(Index n, Mt19937& generator) {
  if (n < 0) throw UsageError("permutation: n must be >= 0");
  std::vector<Index> values(static_cast<std::size_t>(n));
  std::iota(values.begin(), values.end(), Index{0});
  numpy_shuffle(values, generator);
  return values;
}

std::vector<Index> numpy_permutation(Index n, std::uint32_t seed) {
  Mt19937 generator(seed);
  return numpy_permutation(n, generator);
}

}  // namespace lrtune
