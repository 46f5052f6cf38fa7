#!/usr/bin/env bash
# Installs missing packages, then configures and builds lrtune (Release) in build/.
# Extra arguments go to the CMake configure step, e.g. -DLRTUNE_PORTABLE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"${LRTUNE_JOBS:-2}"
