#!/usr/bin/env bash
# lrtune under mpirun (issue 18), registered by tests/CMakeLists.txt when LRTUNE_MPI is ON:
# `mpirun -np 2 lrtune tune|run [--repeats 2]|train --lr auto` gives the single-process results
# bit for bit (every file, wall times aside); only rank 0 writes (the out folder once, no scratch
# or staging left behind); a rank that fails ends both ranks with one error line and a non-zero
# exit instead of a hang (CTest's TIMEOUT catches a hang), and ranks failing alike print one line.
# Usage: mpi_tune.sh LRTUNE_BINARY WINE_CSV WORK_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Small and fast: 3 rates + the default, 3 rungs, one thread per rank (tune: 2 seeds each, 8 units).
fast=(--target quality --positive '>=6' --layers 8 --candidates 3 --max-epochs 6 --first-rung-epochs 2
  --patience 2 --schedule step --finder-points 30 --threads 1 --seed 7 --quiet)

# Every result file of two runs: CSVs byte for byte, JSON (run.json aside: it records the run)
# without keys holding wall times, the model's weights byte for byte and its metadata likewise.
same_results() {
  python3 - "$1" "$2" <<'PY'
import json, pathlib, struct, sys
a_dir, b_dir = (pathlib.Path(p) for p in sys.argv[1:3])
def strip(j):  # wall-clock times are the only values allowed to differ
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if "seconds" not in k}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j
def model(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__")
    meta = {k: strip(json.loads(v)) if v.startswith("{") else v for k, v in meta.items()}
    return header, meta, raw[8 + n :]
bad = []
names = sorted(p.relative_to(a_dir) for p in a_dir.rglob("*") if p.is_file())
if sorted(p.relative_to(b_dir) for p in b_dir.rglob("*") if p.is_file()) != names:
    bad.append("different files")
for name in names:
    a, b = a_dir / name, b_dir / name
    if not b.exists() or name.name == "run.json":
        continue
    if name.suffix == ".csv" and a.read_bytes() != b.read_bytes():
        bad.append(str(name))
    elif name.suffix == ".json" and strip(json.loads(a.read_text())) != strip(json.loads(b.read_text())):
        bad.append(str(name))
    elif name.suffix == ".safetensors" and model(a) != model(b):
        bad.append(str(name))
if bad:
    print("  differ: " + ", ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

# 1. The same command in one process and over two ranks, each into a folder named `out` (the model
# file keeps the settings, --out included): tune, run and run --repeats (whose comparison only
# rank 0 trains), train --lr auto (whose training only rank 0 runs).
runs=(
  "tune ${fast[*]} --repeats 2"
  "run ${fast[*]} --epochs 3"
  "run ${fast[*]} --epochs 3 --repeats 2"
  "train ${fast[*]} --lr auto --epochs 3"
)
for i in "${!runs[@]}"; do
  read -r -a command <<<"${runs[$i]}"
  mkdir "single$i" "spread$i"
  (cd "single$i" && "$lrtune" "${command[0]}" "$data" "${command[@]:1}" --out out >log 2>&1) ||
    fail "lrtune ${runs[$i]}: $(cat "single$i/log")"
  (cd "spread$i" && "${launch[@]}" "$lrtune" "${command[0]}" "$data" "${command[@]:1}" --out out >log 2>&1) ||
    fail "mpirun lrtune ${runs[$i]}: $(cat "spread$i/log")"
  same_results "single$i/out" "spread$i/out" || fail "lrtune ${runs[$i]}: one process and two ranks differ"
done
# More than one rung, so the gathered scores decided at least one cut.
python3 -c 'import json, sys; sys.exit(len(json.load(open(sys.argv[1]))["rungs"]) < 2)' single0/out/tuning.json ||
  fail "the search ran fewer than 2 rungs: the test would not see a gathered cut"

# 2. Only rank 0 wrote: the out folder and the log alone (no staging or lock left beside it), the
# scratch removed.
for i in "${!runs[@]}"; do
  listing=$(ls -A "$work/spread$i" | tr '\n' ' ')
  [ "$listing" = "log out " ] || fail "unexpected entries beside the out folder: $listing"
done
[ -z "$(ls -A "$work/tmp")" ] || fail "rank scratch left behind: $(ls -A "$work/tmp" | tr '\n' ' ')"
grep -q '"status": "complete"' spread0/out/run.json || fail "spread0/out/run.json does not say complete"

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
  if [ "$bad_rank" = 1 ]; then
    grep -q '^lrtune: error: rank 1 of 2: ' failed.log || fail "rank 1's error line does not name it: $(cat failed.log)"
  fi
  rm -rf failed
done

# 4. Every rank fails the same way (a data file that is not there): one line, not one per rank.
set +e
"${launch[@]}" "$lrtune" tune no_such_table.csv "${fast[@]}" --out failed >failed.log 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "every rank failed but mpirun exited 0"
lines=$(grep -c '^lrtune: error:' failed.log || true)
[ "$lines" = 1 ] || fail "every rank failed alike: $lines 'lrtune: error:' lines, want 1: $(cat failed.log)"
grep -q 'no_such_table.csv' failed.log || fail "the error line does not name the file: $(cat failed.log)"

# 5. A command without collectives (train at a given rate) whose rank 1 fails: rank 0 meets it
# once its data is read and checked, says rank 1's line and trains nothing; no hang, a non-zero exit.
train=(--target quality --positive '>=6' --layers 8 --lr 0.001 --epochs 1 --seed 7 --quiet --out trained)
set +e
mpirun -np 1 --oversubscribe "${as_root[@]}" "$lrtune" train "$data" "${train[@]}" : \
  -np 1 "$lrtune" train bad.csv "${train[@]}" >failed.log 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "train: rank 1 failed but mpirun exited 0"
lines=$(grep -c '^lrtune: error: rank 1 of 2: ' failed.log || true)
[ "$lines" = 1 ] || fail "train: rank 1 failed: want its one line, got: $(cat failed.log)"
[ ! -e trained/run.json ] || fail "train: rank 1 failed but rank 0 committed its out folder"
! grep -q 'Test split' failed.log || fail "train: rank 1 failed but rank 0 trained: $(cat failed.log)"
rm -rf trained

if [ "$failures" -gt 0 ]; then
  echo "mpi_tune: $failures check(s) failed" >&2
  exit 1
fi
echo "mpi_tune: one process and two ranks agree bit for bit; only rank 0 wrote; a failing rank ended both"
