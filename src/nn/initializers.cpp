// Keras' kernel initialisers on our own uniform and normal draws from std::mt19937_64 bits, so
// that a seed gives the same weights with every standard library. Which stream a layer uses is Sequential's.
#include "lrtune/nn/initializers.hpp"
#include "lrtune/core/name_table.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace lrtune {
namespace {

constexpr NameTable<Initializer, 5> kInitializers{{
    {"glorot_uniform", Initializer::glorot_uniform},
    {"glorot_normal", Initializer::glorot_normal},
    {"he_uniform", Initializer::he_uniform},
    {"he_normal", Initializer::he_normal},
    {"zeros", Initializer::zeros},
}};

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::string initializer_names() { return joined_names(kInitializers); }

Initializer initializer_from_name(std::string_view name) {
  return value_from_name(kInitializers, name, "kernel initializer");
}

std::string_view initializer_name(Initializer initializer) {
  return name_of_value(kInitializers, initializer, "Initializer");
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL));
}

double uniform01(InitGenerator& generator) { return static_cast<double>(generator() >> 11) * 0x1.0p-53; }

double standard_normal(InitGenerator& generator) {
  // Marsaglia's polar method: only +, *, log and sqrt (sqrt is exact in IEEE 754).
  for (;;) {
    const double u = 2.0 * uniform01(generator) - 1.0;
    const double v = 2.0 * uniform01(generator) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double truncated_standard_normal(InitGenerator& generator) {
  for (;;) {
    const double x = standard_normal(generator);
    if (std::abs(x) <= 2.0) return x;
  }
}

template <typename T>
void initialize_kernel(Initializer initializer, Eigen::Ref<MatrixT<T>> W, InitGenerator& generator) {
  const double fan_in = static_cast<double>(W.rows());
  const double fan_out = static_cast<double>(W.cols());
  switch (initializer) {
    case Initializer::zeros: W.setZero(); return;
    case Initializer::glorot_uniform:
    case Initializer::he_uniform: {
      const double limit =
          initializer == Initializer::glorot_uniform ? std::sqrt(6.0 / (fan_in + fan_out)) : std::sqrt(6.0 / fan_in);
      for (Index i = 0; i < W.rows(); ++i)
        for (Index j = 0; j < W.cols(); ++j) W(i, j) = static_cast<T>(limit * (2.0 * uniform01(generator) - 1.0));
      return;
    }
    case Initializer::glorot_normal:
    case Initializer::he_normal: {
      const double variance = initializer == Initializer::glorot_normal ? 2.0 / (fan_in + fan_out) : 2.0 / fan_in;
      const double stddev = std::sqrt(variance) / kTruncatedNormalCorrection;
      for (Index i = 0; i < W.rows(); ++i)
        for (Index j = 0; j < W.cols(); ++j) W(i, j) = static_cast<T>(stddev * truncated_standard_normal(generator));
      return;
    }
  }
}

template void initialize_kernel<float>(Initializer, Eigen::Ref<MatrixT<float>>, InitGenerator&);
template void initialize_kernel<double>(Initializer, Eigen::Ref<MatrixT<double>>, InitGenerator&);

}  // namespace lrtune
