// Seeded random numbers that reproduce numpy's legacy RandomState, so that
// splits and shuffles match what a Python user gets from scikit-learn.
// Only integer streams live here; distributions for weights belong to nn.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "lrtune/core/types.hpp"

namespace lrtune {

// The generator numpy's RandomState(seed) uses: MT19937 seeded with init_genrand(seed).
// std::mt19937 with the same integer seed produces the same 32-bit stream.
using Mt19937 = std::mt19937;

// A uniform integer in [0, max], drawn as numpy's legacy random_interval does:
// mask to the next power of two minus one, reject values above max.
std::uint64_t numpy_random_interval(std::uint64_t max, Mt19937& generator);

// numpy.random.RandomState(seed).permutation(n): Fisher-Yates from the end.
std::vector<Index> numpy_permutation(Index n, Mt19937& generator);
std::vector<Index> numpy_permutation(Index n, std::uint32_t seed);

// Shuffles `values` in place exactly as RandomState.shuffle does on a 1-D array.
void numpy_shuffle(std::vector<Index>& values, Mt19937& generator);

}  // namespace lrtune
