#!/usr/bin/env bash
# Side by side on the wine data (issue #7): the wall time of `lrtune tune` (range test, search,
# final model, files) against PyTorch's per-epoch range test alone (100 epochs,
# ../shared/peers/torch_seed.py --range-test, one thread pinned to one core as in bench/README.md:
# PyTorch's fastest setting here).
# Whole-process wall times, each command run `RUNS` times (default 3), alternating.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${LRTUNE_DATA_DIR:-../shared/data}/winequalityN.csv
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
for i in $(seq 1 "$runs"); do
  t0=$(now)
  ./build/lrtune tune "$data" --target quality --positive '>=6' --quiet --out "$tmp/lrtune-$i" >/dev/null
  t1=$(now)
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE taskset -c 0 /usr/bin/python3 ../shared/peers/torch_seed.py --range-test \
    --seed 0 --threads 1 --quiet --out "$tmp/torch-$i.json" >/dev/null 2>&1
  t2=$(now)
  echo "run $i: lrtune tune $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s, torch_seed.py --range-test $(awk "BEGIN{printf \"%.1f\", $t2 - $t1}") s"
done
