// The consumer of an installed lrtune (tests/consumer/check.sh builds it twice: with
// find_package and with pkg-config). It first checks that it was compiled with the Eigen
// alignment the library was built with, then trains a tiny classifier through the public API
// and prints its training loss, which check.sh compares between the two builds.
#include <cmath>
#include <cstdio>

#include "lrtune/core/build_info.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"

namespace {

// Eigen types cross the library's API: a matrix allocated here and used or freed there needs
// the same alignment and allocator on both sides.
bool same_eigen_abi(const lrtune::BuildInfo& lib) {
  const bool same = EIGEN_MAX_ALIGN_BYTES == lib.eigen_max_align_bytes &&
                    EIGEN_MAX_STATIC_ALIGN_BYTES == lib.eigen_max_static_align_bytes &&
                    EIGEN_MALLOC_ALREADY_ALIGNED == lib.eigen_malloc_already_aligned;
  if (!same) {
    std::fprintf(stderr,
                 "consumer: Eigen settings differ from the library's: EIGEN_MAX_ALIGN_BYTES %d vs %d, "
                 "EIGEN_MAX_STATIC_ALIGN_BYTES %d vs %d, EIGEN_MALLOC_ALREADY_ALIGNED %d vs %d\n",
                 EIGEN_MAX_ALIGN_BYTES, lib.eigen_max_align_bytes, EIGEN_MAX_STATIC_ALIGN_BYTES,
                 lib.eigen_max_static_align_bytes, EIGEN_MALLOC_ALREADY_ALIGNED, lib.eigen_malloc_already_aligned);
  }
  return same;
}

}  // namespace

int main() {
  const lrtune::BuildInfo lib = lrtune::build_info();
  std::printf("consumer: lrtune %.*s, library Eigen alignment %d (%.*s)\n", static_cast<int>(lib.version.size()),
              lib.version.data(), lib.eigen_max_align_bytes, static_cast<int>(lib.simd_instruction_sets.size()),
              lib.simd_instruction_sets.data());
  if (!same_eigen_abi(lib)) return 1;

  // 64 points of two features; the label says whether x0 + x1 > 0.
  lrtune::Matrix X(64, 2);  // (samples, features)
  lrtune::Vector y(64);
  for (int i = 0; i < 64; ++i) {
    X(i, 0) = static_cast<float>(i % 8) - 3.5f;
    X(i, 1) = static_cast<float>(i / 8) - 3.5f;
    y(i) = X(i, 0) + X(i, 1) > 0.0f ? 1.0f : 0.0f;
  }
  lrtune::Sequential model(2, {lrtune::Dense(8, "relu"), lrtune::Dense(1, "sigmoid")}, /*seed=*/0);
  lrtune::Adam adam(lrtune::AdamOptions{.learning_rate = 0.01});
  const auto loss = lrtune::Loss::binary_crossentropy;
  lrtune::fit(model, adam, loss, X, y, {.epochs = 20, .batch_size = 16, .seed = 0});
  const lrtune::Logs logs = lrtune::evaluate(model, loss, X, y, {"accuracy"});
  std::printf("consumer: loss %.6f accuracy %.4f\n", logs.at("loss"), logs.at("accuracy"));
  return std::isfinite(logs.at("loss")) ? 0 : 1;
}
