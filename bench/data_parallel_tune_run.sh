#!/usr/bin/env bash
# What --data-parallel changes for `tune --refit` and `run --repeats 2` (issue 18): one process,
# `mpirun -np 2` without the flag (the refit repeated whole on each rank; run's comparison rank
# 0's alone) and `mpirun -np 2 --data-parallel` (each shared by both ranks). Per rank: CPU time
# (user+sys) and wall time from /usr/bin/time -v; per run: the refit's seconds (tuning.json) or the
# comparison's training seconds summed (comparison.json). Batch 256 on a 128-128 model: where
# scale.md says sharing a batch can pay; at batch 32 it does not.
# Usage: bench/data_parallel_tune_run.sh LRTUNE_BINARY [WINE_CSV] [WORK_DIR]
# The machine's load changes CPU time little, wall time much: say the load with the figures.
set -euo pipefail
lrtune=$(realpath "$1")
data=$(realpath "${2:-$(dirname "$0")/../../shared/data/winequalityN.csv}")
work=${3:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
common=(--target quality --positive '>=6' --seed 7 --threads 1 --quiet --overwrite --layers 128,128 --batch-size 256
  --candidates 3 --first-rung-epochs 2 --schedule step --finder-points 30)
tune=(tune "$data" "${common[@]}" --lr-range 1e-3 3e-2 --max-epochs 12 --patience 2 --refit --out out)
run=(run "$data" "${common[@]}" --max-epochs 4 --epochs 20 --early-stopping=false --repeats 2 --out out)

report() {  # name, ranks: one line per rank, then the training seconds of rank 0's files
  local name=$1 ranks=$2
  for ((rank = 0; rank < ranks; rank++)); do
    awk -v name="$name" -v rank="$rank" -F': ' '
      /User time/ {u = $2} /System time/ {s = $2} /Elapsed/ {w = $2}
      END {printf "%s, rank %s: CPU %.2f s (user+sys), wall %s\n", name, rank, u + s, w}' "time.$rank"
  done
  python3 - <<'PY'
import json, pathlib
if pathlib.Path("out/comparison.json").exists():
    c = json.load(open("out/comparison.json"))
    s = sum(r["train_seconds"] for side in ("default", "tuned") for r in c[side]["runs"])
    print(f"  comparison: 4 trainings, {s:.2f} s of training on rank 0")
else:
    t = json.load(open("out/tuning.json"))
    print(f"  refit: {t['model_epochs']} epochs, {t['refit_seconds']:.2f} s; search {t['search_seconds']:.2f} s")
PY
}

measure() {  # name, then the lrtune arguments
  local name=$1
  shift
  rm -f time.*
  /usr/bin/time -v -o time.0 "$lrtune" "$@" >/dev/null
  report "$name, one process" 1
  for flag in "" --data-parallel; do
    rm -f time.*
    # Each rank under its own /usr/bin/time, its report in time.<rank>.
    mpirun -np 2 --oversubscribe "${as_root[@]}" sh -c 'exec /usr/bin/time -v -o time.$OMPI_COMM_WORLD_RANK "$@"' \
      sh "$lrtune" "$@" $flag >/dev/null
    report "$name, mpirun -np 2 ${flag:-(no flag)}" 2
  done
}

echo "$(date -u +%FT%TZ) $(uptime)"
measure "tune --refit" "${tune[@]}"
echo "$(date -u +%FT%TZ) $(uptime)"
measure "run --repeats 2" "${run[@]}"
