#!/usr/bin/env bash
# The engine's own product kernels (src/nn/{weight_gradient,dense_product,input_gradient}.cpp,
# register_tile_product.hpp) and their tests, compiled outside CMake for instruction sets other than
# the build's -march=native and run: AVX2 (-march=haswell: 16 registers, float tails masked), SSE2
# (-march=x86-64: no FMA, scalar tails) and Eigen unvectorised (-DEIGEN_DONT_VECTORIZE). Each
# kernel's tile, tail and scalar paths differ per instruction set; the tests hold on each.
# Usage: bash scripts/kernel_isa_tests.sh [build folder, default /tmp/lrtune-kernel-isa]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/lrtune-kernel-isa}
mkdir -p "$out"
kernels=(src/nn/weight_gradient.cpp src/nn/dense_product.cpp src/nn/input_gradient.cpp)
tests=(weight_gradient dense_product input_gradient)
flags=(-std=c++20 -O2 -Wall -Wextra -Iinclude -Itests -isystem /usr/include/eigen3 -fno-math-errno)
for variant in "haswell:-march=haswell" "x86-64:-march=x86-64" "unvectorised:-march=native -DEIGEN_DONT_VECTORIZE"; do
  name=${variant%%:*}
  read -r -a isa <<<"${variant#*:}"
  for t in "${tests[@]}"; do
    nice c++ "${flags[@]}" "${isa[@]}" "tests/nn/test_$t.cpp" "${kernels[@]}" -lgtest -lgtest_main -pthread \
      -o "$out/test_${t}_$name"
    echo "$name $t: $("$out/test_${t}_$name" | tail -1)"
  done
done
