#!/usr/bin/env bash
# Installs missing packages, then configures and builds lrtune (Release) in build/, with MPI
# (-DLRTUNE_MPI=ON) when mpicxx is there, so the test command runs the mpirun tests too.
# Extra arguments go to the CMake configure step, e.g. -DLRTUNE_PORTABLE=ON or -DLRTUNE_MPI=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
mpi=()
command -v mpicxx >/dev/null && mpi=(-DLRTUNE_MPI=ON)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${mpi[@]}" "$@" >/dev/null
cmake --build build -j"${LRTUNE_JOBS:-2}"
