// Compiled and run at configure time with the library's own flags (cmake/EigenAbi.cmake): prints
// the Eigen settings that fix how Eigen objects are laid out and allocated, as a CMake list.
#include <Eigen/Core>
#include <cstdio>

int main() {
  std::printf("EIGEN_MAX_ALIGN_BYTES=%d;EIGEN_MAX_STATIC_ALIGN_BYTES=%d;EIGEN_MALLOC_ALREADY_ALIGNED=%d",
              EIGEN_MAX_ALIGN_BYTES, EIGEN_MAX_STATIC_ALIGN_BYTES, EIGEN_MALLOC_ALREADY_ALIGNED);
  return 0;
}
