#!/usr/bin/env bash
# The CSV read in shards under mpirun (issue 18), registered by tests/CMakeLists.txt when LRTUNE_MPI
# is ON: `mpirun -np N lrtune train --data-parallel --lr RATE` has each rank
# read only its byte range of the file and keep only its train rows, and still trains as one
# `lrtune train` up to float summation order (setup.sh's close_results tolerance; with early
# stopping on a validation part drawn over every rank's rows too), with the same
# data summary and test predictions within it; records with quoted line breaks and delimiters
# across the shard boundaries; bad data in the last shard ends every rank with the one error line
# one process gives (not a hang: CTest's TIMEOUT); a gzip file is refused with a one-line reason.
# Usage: mpi_train_shards.sh LRTUNE_BINARY WINE_CSV WORK_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
fast=(--target quality --positive '>=6' --layers 16,8 --lr 0.003 --epochs 4 --batch-size 32 --metrics auc --seed 7
  --quiet)

# The summaries' numbers within 1e-9 relative (the scaler's and summary's means are sums in
# another order), every other value equal.
close_json() {
  python3 - "$1" "$2" <<'PY'
import json, math, sys
def walk(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        keys.discard("shards")  # the read's record says how many shards it read
        if "text" in keys and isinstance(a.get("text"), str) and "shards" in str(b.get("text")):
            keys.discard("text")
        for k in sorted(keys):
            if k not in a or k not in b:
                sys.exit(f"{path}.{k}: only in one")
            walk(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            sys.exit(f"{path}: lengths {len(a)} vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        if not (a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a))):
            sys.exit(f"{path}: {a} vs {b}")
    elif a != b:
        sys.exit(f"{path}: {a} vs {b}")
walk(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), "")
PY
}

# 1. The wine table: one process against 2 and 3 ranks each reading its shard.
mkdir single
(cd single && "$lrtune" train "$data" "${fast[@]}" --out out >log 2>&1) || fail "lrtune train: $(cat single/log)"
for n in 2 3; do
  mkdir "spread$n"
  (cd "spread$n" && mpirun -np "$n" --oversubscribe "${as_root[@]}" "$lrtune" train "$data" "${fast[@]}" \
    --data-parallel --out out >log 2>&1) || fail "mpirun -np $n lrtune train --data-parallel: $(cat "spread$n/log")"
  grep -q "\"shards\": $n" "spread$n/out/data_steps.json" || fail "$n ranks: the read was not in $n shards"
  close_results single/out "spread$n/out" || fail "$n ranks reading shards and one process differ beyond the tolerance"
  close_json single/out/data_summary.json "spread$n/out/data_summary.json" || fail "$n ranks: data_summary.json differs"
  close_json single/out/data_steps.json "spread$n/out/data_steps.json" || fail "$n ranks: data_steps.json differs"
  listing=$(ls -A "spread$n" | tr '\n' ' ')
  [ "$listing" = "log out " ] || fail "$n ranks: unexpected entries beside the out folder: $listing"
done
# Early stopping on a validation part drawn over rows that no rank holds all of: as one process.
es=(--early-stopping --patience 2 --validation-fraction 0.2)
mkdir esingle espread
(cd esingle && "$lrtune" train "$data" "${fast[@]}" "${es[@]}" --out out >log 2>&1) ||
  fail "lrtune train --early-stopping: $(cat esingle/log)"
(cd espread && "${launch[@]}" "$lrtune" train "$data" "${fast[@]}" "${es[@]}" --data-parallel --out out >log 2>&1) ||
  fail "mpirun lrtune train --data-parallel --early-stopping: $(cat espread/log)"
grep -q '"shards": 2' espread/out/data_steps.json || fail "early stopping: the read was not in 2 shards"
grep -q val_loss esingle/out/history.csv || fail "early stopping: no validation in the history"
close_results esingle/out espread/out || fail "early stopping: 2 ranks reading shards and one process differ"
[ -z "$(ls -A tmp)" ] || fail "rank scratch left behind: $(ls -A tmp | tr '\n' ' ')"

# 2. Quoted line breaks and delimiters in a categorical feature, on every side of the boundaries.
python3 - <<'PY'
import csv, random
random.seed(3)
levels = ["plain", "with\nbreak", "comma, inside", "quote \"q\"\r\nand crlf"]
with open("quoted.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x1", "kind", "x2", "y"])
    for i in range(600):
        k = random.randrange(4)
        x1, x2 = random.gauss(0, 1), random.gauss(0, 1)
        w.writerow([f"{x1:.5f}", levels[k], f"{x2:.5f}", int(x1 + 0.5 * k + random.gauss(0, 0.5) > 0.7)])
PY
small=(--target y --layers 8 --lr 0.01 --epochs 3 --batch-size 16 --seed 2 --quiet)
mkdir qsingle qspread
(cd qsingle && "$lrtune" train ../quoted.csv "${small[@]}" --out out >log 2>&1) || fail "quoted: $(cat qsingle/log)"
(cd qspread && mpirun -np 3 --oversubscribe "${as_root[@]}" "$lrtune" train ../quoted.csv "${small[@]}" --data-parallel \
  --out out >log 2>&1) || fail "quoted, 3 ranks: $(cat qspread/log)"
close_results qsingle/out qspread/out || fail "quoted: 3 ranks reading shards and one process differ"
close_json qsingle/out/data_summary.json qspread/out/data_summary.json || fail "quoted: data_summary.json differs"

# 3. A number column with a few words near the end of the file: the mostly-numeric error, found
# in the last shard, is the one line one process prints, and every rank ends.
awk -F, 'NR > 6000 && NR % 97 == 0 { $3 = "n/a?" } 1' OFS=, "$data" >bad.csv
set +e
"$lrtune" train bad.csv "${fast[@]}" --out bad1 >bad1.log 2>&1
code1=$?
mpirun -np 2 --oversubscribe "${as_root[@]}" "$lrtune" train bad.csv "${fast[@]}" --data-parallel --out bad2 >bad2.log 2>&1
code2=$?
set -e
[ "$code1" -ne 0 ] && [ "$code2" -eq "$code1" ] || fail "bad data: exit $code1 alone, $code2 on 2 ranks"
lines=$(grep -c '^lrtune: error:' bad2.log || true)
[ "$lines" = 1 ] || fail "bad data: $lines 'lrtune: error:' lines on 2 ranks, want 1: $(cat bad2.log)"
[ "$(grep '^lrtune: error:' bad1.log)" = "$(grep '^lrtune: error:' bad2.log)" ] ||
  fail "bad data: 2 ranks say '$(grep '^lrtune: error:' bad2.log)', one process '$(grep '^lrtune: error:' bad1.log)'"
[ ! -e bad2/run.json ] || fail "bad data: the out folder was committed"

# 4. A gzip file cannot be split: one line saying so.
gzip -c "$data" >wine.csv.gz
set +e
mpirun -np 2 --oversubscribe "${as_root[@]}" "$lrtune" train wine.csv.gz "${fast[@]}" --data-parallel --out gz >gz.log 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "a gzip file read in shards: exit 0"
[ "$(grep -c '^lrtune: error:.*gzip' gz.log || true)" = 1 ] || fail "a gzip file: want one error line naming gzip: $(cat gz.log)"

if [ "$failures" -gt 0 ]; then
  echo "mpi_train_shards: $failures check(s) failed" >&2
  exit 1
fi
echo "mpi_train_shards: 2 and 3 ranks reading their shards train as one process within the tolerance;" \
  "quoted records split right; bad data in the last shard and a gzip file end every rank with one line"
