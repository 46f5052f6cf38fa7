#!/usr/bin/env bash
# What each rank of `mpirun -np 2` holds and does (issue 18): per rank, peak RSS and CPU time of
# `lrtune tune` (22 units of a 512-512 model: a rank builds only its own since the ranks branch)
# and of `lrtune run --repeats 2` (only rank 0 trains the comparison), read from /usr/bin/time -v
# around each rank. Usage: bench/ranks_share.sh LRTUNE_BINARY [WINE_CSV] [WORK_DIR]
# Prints one line per rank and command. The machine's load changes CPU time little, wall time much.
set -euo pipefail
lrtune=$(realpath "$1")
data=$(realpath "${2:-$(dirname "$0")/../../shared/data/winequalityN.csv}")
work=${3:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
head -1201 "$data" >wine1200.csv  # 1,200 rows: the units' memory, not the data's, dominates
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
common=(--target quality --positive '>=6' --seed 7 --threads 1 --quiet --overwrite)
tune=(tune wine1200.csv "${common[@]}" --layers 512,512 --candidates 10 --repeats 2 --lr-range 1e-4 1e-2
  --max-epochs 2 --first-rung-epochs 1 --patience 1 --out tune_out)
run=(run wine1200.csv "${common[@]}" --layers 128,128 --candidates 3 --max-epochs 4 --first-rung-epochs 2
  --finder-points 30 --schedule step --epochs 40 --early-stopping=false --repeats 2 --out run_out)
measure() {  # name, then the lrtune arguments
  local name=$1
  shift
  rm -f time.*
  # Each rank under its own /usr/bin/time, its report in time.<rank>.
  mpirun -np 2 --oversubscribe "${as_root[@]}" sh -c 'exec /usr/bin/time -v -o time.$OMPI_COMM_WORLD_RANK "$@"' \
    sh "$lrtune" "$@" >/dev/null
  for rank in 0 1; do
    awk -v name="$name" -v rank="$rank" -F': ' '
      /User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2} /Elapsed/ {w = $2}
      END {printf "%s rank %s: peak RSS %.1f MiB, CPU %.2f s (user+sys), wall %s\n", name, rank, m / 1024, u + s, w}' \
      "time.$rank"
  done
}
echo "$(date -u +%FT%TZ) $(uptime)"
measure tune "${tune[@]}"
measure "run --repeats 2" "${run[@]}"
