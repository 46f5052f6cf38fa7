#!/usr/bin/env bash
# Distributed tune (issue 18), registered by tests/CMakeLists.txt when LRTUNE_MPI is ON:
# `mpirun -np 2 lrtune tune` gives the single-process result bit for bit (tuning.json without its
# wall times, the candidates CSV and the model file byte for byte); only rank 0 writes (the out
# folder once, no scratch or staging left behind); a rank that fails ends both ranks with one
# error line and a non-zero exit instead of a hang (CTest's TIMEOUT catches a hang).
# Usage: mpi_tune.sh LRTUNE_BINARY WINE_CSV WORK_DIR
set -euo pipefail
lrtune=$1 data=$2 work=$3
[ -n "${LRTUNE_DATA_DIR:-}" ] && data="$LRTUNE_DATA_DIR/winequalityN.csv"  # as the other tests
rm -rf "$work"
mkdir -p "$work/tmp"
cd "$work"
# TMPDIR: where the ranks other than 0 build their scratch copy; it must be empty afterwards.
export TMPDIR="$work/tmp"
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)  # CI containers run as root
launch=(mpirun -np 2 --oversubscribe "${as_root[@]}")
# Small and fast: 3 rates + the default, 2 seeds each (8 units), 3 rungs, one thread per rank.
fast=(--target quality --positive '>=6' --layers 8 --candidates 3 --repeats 2 --max-epochs 6
  --first-rung-epochs 2 --patience 2 --schedule step --finder-points 30 --threads 1 --seed 7 --quiet)
failures=0
fail() {
  echo "mpi_tune: FAIL: $*" >&2
  failures=$((failures + 1))
}

# 1. The same search in one process and over two ranks, each into a folder named `out` (the model
# file keeps the settings, --out included).
mkdir single spread
(cd single && "$lrtune" tune "$data" "${fast[@]}" --out out >../single.log 2>&1) || fail "tune: $(cat single.log)"
(cd spread && "${launch[@]}" "$lrtune" tune "$data" "${fast[@]}" --out out >../spread.log 2>&1) ||
  fail "mpirun tune: $(cat spread.log)"
python3 - single/out/tuning.json spread/out/tuning.json <<'PY' || fail "tuning.json differs (wall times aside)"
import json, sys
def strip(j):  # wall-clock times are the only keys allowed to differ
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if "seconds" not in k}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print(f"  key {k}: {str(a.get(k))[:200]} != {str(b.get(k))[:200]}", file=sys.stderr)
    sys.exit(1)
# More than one rung, so the gathered scores decided at least one cut.
if len(a["rungs"]) < 2:
    print("  the search ran fewer than 2 rungs: the test would not see a gathered cut", file=sys.stderr)
    sys.exit(1)
PY
for file in model.safetensors tuning_candidates.csv; do
  cmp -s "single/out/$file" "spread/out/$file" || fail "$file differs between one process and two ranks"
done

# 2. Only rank 0 wrote: the out folder alone (no staging or lock left beside it), the scratch removed.
listing=$(ls -A "$work/spread" | tr '\n' ' ')
[ "$listing" = "out " ] || fail "unexpected entries beside the out folder: $listing"
[ -z "$(ls -A "$work/tmp")" ] || fail "rank scratch left behind: $(ls -A "$work/tmp" | tr '\n' ' ')"
grep -q '"status": "complete"' spread/out/run.json || fail "spread/run.json does not say complete"

# 3. One rank fails (its CSV is damaged), the other has good data: both end, one error line.
{ head -1 "$data"; echo "white,7,0.27"; } >bad.csv
for bad_rank in 1 0; do
  args0=("$data") args1=("$data")
  [ "$bad_rank" = 1 ] && args1=(bad.csv) || args0=(bad.csv)
  set +e
  mpirun -np 1 --oversubscribe "${as_root[@]}" \
    "$lrtune" tune "${args0[@]}" "${fast[@]}" --out failed : -np 1 "$lrtune" tune "${args1[@]}" "${fast[@]}" \
    --out failed >failed.log 2>&1
  code=$?
  set -e
  [ "$code" -ne 0 ] || fail "rank $bad_rank failed but mpirun exited 0"
  lines=$(grep -c '^lrtune: error:' failed.log || true)
  [ "$lines" = 1 ] || fail "rank $bad_rank failed: $lines 'lrtune: error:' lines, want 1: $(cat failed.log)"
  [ ! -e failed/run.json ] || fail "rank $bad_rank failed but the out folder was committed"
  rm -rf failed
done

if [ "$failures" -gt 0 ]; then
  echo "mpi_tune: $failures check(s) failed" >&2
  exit 1
fi
echo "mpi_tune: one process and two ranks agree bit for bit; only rank 0 wrote; a failing rank ended both"
