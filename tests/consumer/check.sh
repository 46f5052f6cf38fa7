#!/usr/bin/env bash
# The installed package, end to end (registered with CTest as install.consumer): installs the
# build tree into a temporary prefix, builds tests/consumer against it with find_package(lrtune)
# and with `pkg-config --cflags --libs lrtune`, runs both (each checks its Eigen settings against
# the library's and prints a training loss; the two must agree), and fails if a consumer's
# compile line carries this build's -march, warning or sanitizer flags.
# With a fourth argument `mpi` (the build has LRTUNE_MPI), also builds tests/consumer/distributed.cpp
# against lrtune::distributed and checks that its search picks the same rate alone and under
# `mpirun -np 2`.
# Usage: check.sh BUILD_DIR WORK_DIR CXX [mpi]
set -euo pipefail
build=$1 work=$2 cxx=$3 mpi=${4:-}
here="$(cd "$(dirname "$0")" && pwd)"
fail() { echo "install.consumer: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

# 1. Install.
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install failed (see $work/install.log)"

# 2. find_package(lrtune) and target_link_libraries, as a user's project would.
with_distributed=OFF
[ "$mpi" = mpi ] && with_distributed=ON
cmake -S "$here" -B "$work/cmake-build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DWITH_DISTRIBUTED=$with_distributed >"$work/configure.log" ||
  fail "configuring the consumer failed (see $work/configure.log)"
cmake --build "$work/cmake-build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "building the consumer (find_package) failed"; }
cmake_line=$(grep '"command"' "$work/cmake-build/compile_commands.json")
cmake_out=$("$work/cmake-build/consumer") || fail "the consumer (find_package) failed: $cmake_out"
echo "$cmake_out"

# 3. pkg-config, as a Makefile would.
pc_flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs lrtune) || fail "pkg-config --cflags --libs lrtune failed"
echo "pkg-config --cflags --libs lrtune: $pc_flags"
# shellcheck disable=SC2086  # pc_flags is a list of flags
"$cxx" -std=c++20 "$here/main.cpp" -o "$work/consumer-pc" $pc_flags || fail "building the consumer (pkg-config) failed"
pc_out=$("$work/consumer-pc") || fail "the consumer (pkg-config) failed: $pc_out"
[ "$pc_out" = "$cmake_out" ] || fail "the two consumers disagree: '$cmake_out' vs '$pc_out'"

# 4. Nothing of this build's own flags on a consumer's compile line; the Eigen settings are there.
for line in "$cmake_line" "$pc_flags"; do
  for flag in -march -mtune -fsanitize -Wall -Wextra -Wpedantic -fno-math-errno; do
    case "$line" in *"$flag"*) fail "a consumer's compile line carries $flag: $line" ;; esac
  done
  case "$line" in *-DEIGEN_MAX_ALIGN_BYTES=*) ;; *) fail "a consumer's compile line lacks -DEIGEN_MAX_ALIGN_BYTES: $line" ;; esac
done
# 5. lrtune::distributed: the search alone and over two ranks picks the same rate, bit for bit.
if [ "$mpi" = mpi ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)  # CI containers run as root
  alone=$("$work/cmake-build/consumer_distributed") || fail "consumer_distributed failed: $alone"
  spread=$(mpirun -np 2 --oversubscribe "${as_root[@]}" "$work/cmake-build/consumer_distributed") ||
    fail "mpirun -np 2 consumer_distributed failed: $spread"
  echo "$alone"
  [ "$alone" = "$spread" ] || fail "lrtune::distributed: one process and two ranks disagree: '$alone' vs '$spread'"
fi
echo "install.consumer: ok (find_package and pkg-config builds agree; no -march, warning or sanitizer flags${mpi:+; lrtune::distributed over 2 ranks})"
