#!/usr/bin/env bash
# The search side by side (issue 16): `lrtune tune` against PyTorch doing the same search
# (bench/torch_search.py replays the run's own tuning.json: same candidates, rungs, halving,
# early stops, data and splits; two processes with one torch thread each, as lrtune's two worker
# threads). Whole-process wall times; per data set and run, lrtune first, then PyTorch on that
# run's schedule, so both see the same machine load; `uptime` is printed before each command.
# CPU time (user + sys of the process and its children, /usr/bin/time) is the work done, which
# a loaded machine inflates less than the wall time.
#
#   RUNS=1 SETS="wine shuttle satellite letter_recognition" bash bench/search_vs_torch.sh
#
# LRTUNE (default build/lrtune), LRTUNE_DATA_DIR (default ../shared/data), KEEP=DIR keeps the
# outputs there instead of a temporary folder. RUNGS=N replays only the first N rungs on the
# PyTorch side (for sets whose whole search takes PyTorch too long here): the row then compares
# the seconds of those rungs, lrtune's from its tuning.json (rungs[].seconds) against PyTorch's
# replay of them (same units, same epochs), not whole processes.
set -euo pipefail
cd "$(dirname "$0")/.."
lrtune=${LRTUNE:-./build/lrtune}
data_dir=${LRTUNE_DATA_DIR:-../shared/data}
runs=${RUNS:-1}
sets=${SETS:-wine shuttle satellite letter_recognition}
if [[ -n "${KEEP:-}" ]]; then tmp=$KEEP; mkdir -p "$tmp"; else tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi
now() { date +%s.%N; }
spec() {  # data set -> "file|target|positive" (multiclass sets: the task lrtune infers)
  case $1 in
    wine) echo "$data_dir/winequalityN.csv|quality|>=6" ;;
    shuttle) echo "$data_dir/study/shuttle.csv|Class|" ;;
    satellite) echo "$data_dir/study/satellite.csv|classes|" ;;
    letter_recognition) echo "$data_dir/study/letter_recognition.csv|lettr|" ;;
    *) echo "unknown data set $1" >&2; exit 2 ;;
  esac
}
rows=()
for set in $sets; do
  IFS='|' read -r file target positive <<<"$(spec "$set")"
  pos=(); [[ -n "$positive" ]] && pos=(--positive "$positive")
  for i in $(seq 1 "$runs"); do
    out="$tmp/lrtune-$set-$i"
    echo "[$set run $i] before lrtune: $(uptime)"
    t0=$(now)
    /usr/bin/time -f "%U %S" -o "$tmp/cpu-lrtune-$set-$i" "$lrtune" tune "$file" --target "$target" "${pos[@]}" --threads 2 --quiet --out "$out" >/dev/null
    t1=$(now)
    echo "[$set run $i] before PyTorch: $(uptime)"
    t2=$(now)
    /usr/bin/time -f "%U %S" -o "$tmp/cpu-torch-$set-$i" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/torch_search.py "$file" \
      --target "$target" "${pos[@]}" --lrtune-out "$out" --workers 2 --quiet --out "$tmp/torch-$set-$i.json" ${RUNGS:+--rungs "$RUNGS"}
    t3=$(now)
    line=$(/usr/bin/python3 - "$out/tuning.json" "$tmp/torch-$set-$i.json" "$t0" "$t1" "$t2" "$t3" "$set" "$tmp/cpu-lrtune-$set-$i" "$tmp/cpu-torch-$set-$i" <<'EOF'
import json, sys
tu, to = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t0, t1, t2, t3 = map(float, sys.argv[3:7])
cpu = [sum(map(float, open(f).read().split()[-2:])) for f in sys.argv[8:10]]
lr, pt = t1 - t0, t3 - t2
rows = tu["training_rows"] + tu["validation_rows"]
if "lrtune_rungs_s" in to:  # RUNGS=N: the first N rungs only
    a, b = to["lrtune_rungs_s"], sum(to["rungs_s"])
    print(f"| {sys.argv[7]} (first {len(to['rungs_s'])} rung(s) only) | {rows:,} | {to['units']} | "
          f"{to['unit_epochs']} of {tu['epochs_cost']:g} | {a:.1f} | {b:.1f} | **{b / a:.1f}x** | "
          f"(whole lrtune tune: {lr:.1f} s, {cpu[0]:.1f} CPU s) | {a:.1f} / {b:.1f} | "
          f"{'yes' if to['same_epochs_per_unit'] else 'NO'} |")
    sys.exit(0)
print(f"| {sys.argv[7]} | {rows:,} | {to['units']} | {to['unit_epochs']} | {lr:.1f} | {pt:.1f} | "
      f"**{pt / lr:.1f}x** | {cpu[0]:.1f} / {cpu[1]:.1f} ({cpu[1] / cpu[0]:.1f}x) | "
      f"{tu['search_seconds']:.1f} / {to['search_s']:.1f} | "
      f"{'yes' if to['same_epochs_per_unit'] else 'NO'} |")
EOF
)
    echo "$line"
    rows+=("$line")
  done
done
echo
echo "| data set | train rows (search + validation) | units | unit-epochs | lrtune tune s | PyTorch s | ratio | CPU s, user + sys (lrtune / PyTorch) | search only s (lrtune / PyTorch) | same epochs per unit |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
