#!/usr/bin/env bash
# Builds the whole test suite with AddressSanitizer + UndefinedBehaviorSanitizer (and
# LeakSanitizer) at -O1 in build-asan/ and runs it. Any report fails the run. The installed-package
# test (install.consumer, tests/consumer/check.sh) is not part of this build: a sanitized library
# needs -fsanitize at the consumer's link, which the package does not pass on. Nor are the mpirun
# tests (distributed.*): this build is configured with -DLRTUNE_MPI=OFF, as Open MPI's own
# allocations would drown LeakSanitizer's report. Nor are the Python module and its tests
# (LRTUNE_PYTHON=OFF): a sanitized module would need the ASan runtime preloaded into the Python
# interpreter. .ci/run's Release pass runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DLRTUNE_SANITIZE=ON -DLRTUNE_BUILD_BENCHMARKS=OFF -DLRTUNE_MPI=OFF -DLRTUNE_PYTHON=OFF >/dev/null
cmake --build build-asan -j"${LRTUNE_JOBS:-2}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j2

# LeakSanitizer on the whole command: `lrtune demo` (data, range test, two trainings, files,
# charts, report) with 2 epochs. Any leak report makes the sanitized binary exit non-zero.
demo_out="$(mktemp -d)"
trap 'rm -rf "$demo_out"' EXIT
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:exitcode=23" \
  build-asan/lrtune demo --epochs 2 --out "$demo_out/demo" --quiet >/dev/null
echo "sanitize: lrtune demo --epochs 2 ran clean under ASan/LSan/UBSan"
