#!/usr/bin/env bash
# Data-parallel training under mpirun (issue 18), registered by tests/CMakeLists.txt when
# LRTUNE_MPI is ON: `mpirun -np 2 lrtune train --data-parallel` trains as one `lrtune train` up to
# float summation order (the tolerance below); alone, --data-parallel is the usual training bit for
# bit; only rank 0 writes (the out folder once, no scratch left behind); a bad option or bad data
# on one rank ends both ranks with one error line and a non-zero exit, not a hang (CTest's TIMEOUT
# catches a hang).
# Usage: mpi_train_data_parallel.sh LRTUNE_BINARY WINE_CSV WORK_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# 4 epochs of about 130 steps, early stopping on a validation part (validation every epoch).
fast=(--target quality --positive '>=6' --layers 16,8 --lr 0.003 --epochs 4 --batch-size 32 --early-stopping
  --patience 2 --metrics auc --seed 7 --quiet)

# 1. One process, one process with --data-parallel, two ranks with it.
mkdir single alone spread
(cd single && "$lrtune" train "$data" "${fast[@]}" --out out >log 2>&1) || fail "lrtune train: $(cat single/log)"
(cd alone && "$lrtune" train "$data" "${fast[@]}" --data-parallel --out out >log 2>&1) ||
  fail "lrtune train --data-parallel: $(cat alone/log)"
(cd spread && "${launch[@]}" "$lrtune" train "$data" "${fast[@]}" --data-parallel --out out >log 2>&1) ||
  fail "mpirun lrtune train --data-parallel: $(cat spread/log)"
cmp -s single/out/history.csv alone/out/history.csv ||
  fail "--data-parallel in one process changed the history (it must be the usual training bit for bit)"
cmp -s single/out/test_predictions.csv alone/out/test_predictions.csv ||
  fail "--data-parallel in one process changed the predictions"
close_results single/out spread/out || fail "one process and two data-parallel ranks differ beyond the tolerance"
# The ranks really shared the batches: their sums went another way, so some value moved in its last
# bits (equal files would mean that each rank trained alone on every row).
! cmp -s single/out/history.csv spread/out/history.csv ||
  fail "two data-parallel ranks wrote one process's history bit for bit: was the training data-parallel?"
# The comparison could fail: the training moved the loss by far more than the tolerance.
python3 - single/out/history.csv <<'PY' || fail "the training barely moved: the tolerance check would see nothing"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sys.exit(not (len(rows) >= 2 and abs(float(rows[0]["loss"]) - float(rows[-1]["loss"])) > 1e-2))
PY

# 2. Only rank 0 wrote: the out folder and the log alone; the scratch removed.
listing=$(ls -A spread | tr '\n' ' ')
[ "$listing" = "log out " ] || fail "unexpected entries beside the out folder: $listing"
[ -z "$(ls -A tmp)" ] || fail "rank scratch left behind: $(ls -A tmp | tr '\n' ' ')"
grep -q '"status": "complete"' spread/out/run.json || fail "spread/out/run.json does not say complete"

# 3. One rank fails (a bad option, or damaged data), the other is fine: both end, one error line.
{ head -1 "$data"; echo "white,7,0.27"; } >bad.csv
cases=("--lr 0" "bad data")
for bad_rank in 1 0; do
  for what in "${cases[@]}"; do
    good=("$data" "${fast[@]}" --data-parallel --out failed)
    if [ "$what" = "bad data" ]; then bad=(bad.csv "${fast[@]}" --data-parallel --out failed); else
      bad=("${good[@]}" --lr 0); fi
    args0=("${good[@]}") args1=("${bad[@]}")
    [ "$bad_rank" = 0 ] && args0=("${bad[@]}") args1=("${good[@]}")
    set +e
    mpirun -np 1 --oversubscribe "${as_root[@]}" "$lrtune" train "${args0[@]}" : -np 1 "$lrtune" train "${args1[@]}" \
      >failed.log 2>&1
    code=$?
    set -e
    [ "$code" -ne 0 ] || fail "rank $bad_rank had $what but mpirun exited 0"
    lines=$(grep -c '^lrtune: error:' failed.log || true)
    [ "$lines" = 1 ] || fail "rank $bad_rank had $what: $lines 'lrtune: error:' lines, want 1: $(cat failed.log)"
    [ ! -e failed/run.json ] || fail "rank $bad_rank had $what but the out folder was committed"
    rm -rf failed
  done
done

if [ "$failures" -gt 0 ]; then
  echo "mpi_train_data_parallel: $failures check(s) failed" >&2
  exit 1
fi
echo "mpi_train_data_parallel: two data-parallel ranks train as one process within the tolerance; alone bit for bit;" \
  "only rank 0 wrote; a failing rank ended both"
