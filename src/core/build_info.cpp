// lrtune::build_info(): the values below are those of the library's own compilation, so a
// consumer can compare them with the Eigen settings it was compiled with.
#include "lrtune/core/build_info.hpp"

#include <Eigen/Core>

#ifndef LRTUNE_VERSION
#define LRTUNE_VERSION "unknown"
#endif

namespace lrtune {

BuildInfo build_info() {
  return {.version = LRTUNE_VERSION,
          .eigen_max_align_bytes = EIGEN_MAX_ALIGN_BYTES,
          .eigen_max_static_align_bytes = EIGEN_MAX_STATIC_ALIGN_BYTES,
          .eigen_malloc_already_aligned = EIGEN_MALLOC_ALREADY_ALIGNED,
          .simd_instruction_sets = Eigen::SimdInstructionSetsInUse()};
}

}  // namespace lrtune
