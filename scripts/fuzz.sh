#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan + LeakSanitizer) in build-fuzz/ and runs
# each for FUZZ_SECONDS (default 60), one after another, on a copy of its seed corpus and past
# findings (the committed fuzz/corpus and fuzz/regressions are never written). Prints the
# executions per target; exits non-zero on any finding (crash, hang, leak, sanitizer report,
# unexpected exception), with the reproducer kept under build-fuzz/runs/<time>/<target>/.
# FUZZ_TARGETS picks targets (default: all five); FUZZ_CXX the compiler (default clang++-14).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"csv_reader preprocessing model_file experiment_file model_metadata"}

bash scripts/install-deps.sh clang-14 libclang-rt-14-dev
cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++-14}" >/dev/null
cmake --build build-fuzz -j"${LRTUNE_JOBS:-2}" >/dev/null

# Largest input per target: enough for a few dozen CSV rows or a small model, so one input
# stays far below the -timeout.
declare -A max_len=([csv_reader]=4096 [preprocessing]=4096 [model_file]=16384 [experiment_file]=4096
                   [model_metadata]=257)  # model_metadata: byte 0 and up to 64 four-byte edits
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

runs="build-fuzz/runs/$(date +%Y%m%d-%H%M%S)"
status=0
mkdir -p "$runs"
printf "%-16s %8s %12s %10s %8s %8s  %s\n" target seconds executions exec/s cov corpus result | tee "$runs/summary.txt"
for t in $targets; do
  work="$runs/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$t"/* "$work/corpus/"
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    cp fuzz/regressions/"$t"/* "$work/corpus/"
  fi
  rc=0
  "build-fuzz/fuzz_$t" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -max_len="${max_len[$t]}" -artifact_prefix="$work/artifacts/" \
    -print_final_stats=1 >"$work/log" 2>&1 || rc=$?
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$work/log")
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | awk '{print $2}')
  result=ok
  if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
    result="FINDING (exit $rc): $(ls "$work/artifacts" | tr '\n' ' ') log: $work/log"
    status=1
  fi
  printf '%-16s %8s %12s %10s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "$(ls "$work/corpus" | wc -l)" "$result" | tee -a "$runs/summary.txt"
done
exit $status
