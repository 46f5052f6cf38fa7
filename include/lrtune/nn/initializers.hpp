// Kernel initialisers with Keras' definitions, seeded and bit-identical on every platform:
// the uniform and normal draws are made here from std::mt19937_64 bits (std:: distributions
// are implementation-defined). Biases start at zero; which layer gets which stream is Sequential's.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"

namespace lrtune {

// glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out))      (Keras' default)
// glorot_normal:  truncated N(0, s), s = sqrt(2 / (fan_in + fan_out)) / 0.8796..., cut at 2 s
// he_uniform:     U(-l, l), l = sqrt(6 / fan_in)
// he_normal:      truncated N(0, s), s = sqrt(2 / fan_in) / 0.8796..., cut at 2 s
// zeros
enum class Initializer { glorot_uniform, glorot_normal, he_uniform, he_normal, zeros };

// Keras divides the truncated normal's stddev by the stddev of a unit normal truncated at +-2.
inline constexpr double kTruncatedNormalCorrection = 0.87962566103423978;

Initializer initializer_from_name(std::string_view name);  // throws UsageError listing valid names
std::string_view initializer_name(Initializer initializer);
std::string initializer_names();

using InitGenerator = std::mt19937_64;

// An independent stream seed for stream `stream` of one model seed (SplitMix64 of both).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);
// Uniform in [0, 1) from the top 53 bits of one draw.
double uniform01(InitGenerator& generator);
// Standard normal by Marsaglia's polar method (the second value of each pair is discarded).
double standard_normal(InitGenerator& generator);
// Standard normal conditioned on |x| <= 2 (rejection, as TF's truncated_normal).
double truncated_standard_normal(InitGenerator& generator);

// Fills W (fan_in, fan_out) from `generator`, row by row; values are drawn in double, then cast.
template <typename T>
void initialize_kernel(Initializer initializer, Eigen::Ref<MatrixT<T>> W, InitGenerator& generator);

}  // namespace lrtune
