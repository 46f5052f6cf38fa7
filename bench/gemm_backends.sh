#!/usr/bin/env bash
# Issue 16: Eigen's GEMM against single-threaded OpenBLAS on the training step's products, for
# each OpenBLAS set-up in turn (serial flavour with the kernels it picks for this CPU; serial with
# the AVX-512 SkylakeX kernels forced; the pthread flavour at one thread), then a table per
# product and per step (median CPU time of REPS repetitions; the machine may be shared).
# Usage: bash bench/gemm_backends.sh [build dir]   (needs build/bench/bench_gemm_backends)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT_DIR:-$(mktemp -d)}
reps=${REPS:-5}
bench=$build/bench/bench_gemm_backends
[ -x "$bench" ] || { echo "gemm_backends: $bench not built (needs libopenblas-serial-dev)" >&2; exit 1; }
echo "commit $(git rev-parse --short HEAD), $(date -u '+%F %T') UTC, results in $out"
run() {  # name, then environment assignments
  local name=$1
  shift
  echo "uptime before $name: $(uptime)"
  env "$@" nice "$bench" --benchmark_repetitions="$reps" --benchmark_min_time=0.1 \
    --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/$name.json" >/dev/null
}
run serial
run serial-skylakex OPENBLAS_CORETYPE=SkylakeX
run pthread-1-thread LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1
/usr/bin/python3 bench/gemm_backends_table.py "$out"/serial.json "$out"/serial-skylakex.json "$out"/pthread-1-thread.json
