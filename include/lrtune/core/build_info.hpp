// What the linked library was built with: its version and the Eigen settings that fix how Eigen
// objects are laid out and allocated. A program compiled against an installed lrtune must use
// the same Eigen settings (the package passes them on; docs/install.md); comparing its own
// EIGEN_* macros with these values at startup shows that it does.
#pragma once

#include <string_view>

namespace lrtune {

struct BuildInfo {
  std::string_view version;                // the project version, e.g. "0.1.0"
  int eigen_max_align_bytes;               // EIGEN_MAX_ALIGN_BYTES in the library's compilation
  int eigen_max_static_align_bytes;        // EIGEN_MAX_STATIC_ALIGN_BYTES
  int eigen_malloc_already_aligned;        // EIGEN_MALLOC_ALREADY_ALIGNED (0 or 1): who pads heap blocks
  std::string_view simd_instruction_sets;  // Eigen::SimdInstructionSetsInUse(), e.g. "AVX512, FMA, ..."
};

// The values compiled into the library (not into the caller).
BuildInfo build_info();

}  // namespace lrtune
