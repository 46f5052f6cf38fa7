#!/usr/bin/env bash
# Big tables on one machine (issue 18): generates the tables (bench/make_big_table.py) in a temp
# folder, then measures with /usr/bin/time -v and prints one table of figures:
#   - read_csv alone and load_data (read + prepare + float32 matrices) on ROWS rows (build/read_big_table);
#   - `lrtune train`, 1 epoch, on MID_ROWS and ROWS rows: wall, user+sys, peak RSS, the epoch's seconds;
#   - `mpirun -np 2 lrtune train --data-parallel` on ROWS rows (both ranks on this machine);
#   - `lrtune tune` on TUNE_ROWS rows, 1 process and `mpirun -np 2` (the candidates spread over ranks).
# Usage: bash bench/big_table.sh [BUILD_DIR]     (default build; needs lrtune and read_big_table there)
#   ROWS=5000000 MID_ROWS=1000000 TUNE_ROWS=500000 by default; SMALL=1 sets 200000/50000/20000 for
#   a quick check. KEEP=1 keeps the temp folder. Under ~10 minutes at the defaults on an idle
#   2-core machine. The load before each command is printed (the machine may be shared).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
lrtune=$build/lrtune
reader=$build/bench/read_big_table
[ -x "$reader" ] || reader=$build/read_big_table
for f in "$lrtune" "$reader"; do
  [ -x "$f" ] || { echo "big_table.sh: $f not found; build it first (cmake --build build --target lrtune_cli read_big_table)" >&2; exit 2; }
done
if [ "${SMALL:-0}" = 1 ]; then
  ROWS=${ROWS:-200000} MID_ROWS=${MID_ROWS:-50000} TUNE_ROWS=${TUNE_ROWS:-20000}
fi
ROWS=${ROWS:-5000000} MID_ROWS=${MID_ROWS:-1000000} TUNE_ROWS=${TUNE_ROWS:-500000}
# The training measured: the default model, 1 epoch, batches of 256 rows (at the default 32 a
# 2-rank step is mostly its allreduce's latency: docs/scale.md; data-parallel is for big batches).
train_flags=(--target y --epochs 1 --lr 1e-3 --batch-size 256 --seed 1 --quiet)
# The search measured: a short one, so that it fits in minutes on 500,000 rows.
tune_flags=(--target y --candidates 4 --max-epochs 2 --first-rung-epochs 1 --layers 32,16 --batch-size 256 --seed 1 --quiet)
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)
launch=(mpirun -np 2 --oversubscribe "${as_root[@]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/big_table.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cd "$work"
export TMPDIR=$work  # the ranks' scratch

make_table() {  # ROWS FILE
  [ -f "$2" ] || /usr/bin/python3 "$here/make_big_table.py" "$2" --rows "$1"
}
echo "# commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, binary $lrtune"
start=$(date +%s)
make_table "$ROWS" big.csv
make_table "$MID_ROWS" mid.csv
make_table "$TUNE_ROWS" tune.csv
echo "# tables made in $(($(date +%s) - start)) s: $(du -h big.csv | cut -f1) ($ROWS rows), $(du -h mid.csv | cut -f1) ($MID_ROWS), $(du -h tune.csv | cut -f1) ($TUNE_ROWS)"

results=()
# measure LABEL ROWS COMMAND...: one row of the table; the epoch time from history.csv when there is one.
measure() {
  local label=$1 rows=$2
  shift 2
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf out
  if ! /usr/bin/time -v -o time.txt "$@" >log.txt 2>&1; then
    echo "big_table.sh: $label failed:" >&2
    tail -5 log.txt >&2
    exit 1
  fi
  local wall user sys rss epoch
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' time.txt)
  user=$(awk -F': ' '/User time/ {print $2}' time.txt)
  sys=$(awk -F': ' '/System time/ {print $2}' time.txt)
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' time.txt)
  # The training's own seconds (metrics.json: train_seconds) or the search's (tuning.json: total_seconds).
  epoch=$(python3 -c "
import json, pathlib
for name, key in (('metrics.json', 'train_seconds'), ('tuning.json', 'total_seconds')):
    p = pathlib.Path('out') / name
    if p.exists():
        print(f'{json.loads(p.read_text())[key]:.1f}')
        break
else:
    print('-')")
  results+=("$(printf '%-34s %9s %8.1f %9.1f %8s %9s %5s' "$label" "$rows" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$rss" "$epoch" "$load")")
  echo "${results[-1]}" >&2
}

measure "read_csv alone" "$ROWS" "$reader" big.csv
measure "load_data (read+prepare)" "$ROWS" "$reader" big.csv y
measure "train 1 epoch" "$MID_ROWS" "$lrtune" train mid.csv "${train_flags[@]}" --out out
measure "train 1 epoch" "$ROWS" "$lrtune" train big.csv "${train_flags[@]}" --out out
measure "mpirun -np 2 train --data-parallel" "$ROWS" "${launch[@]}" "$lrtune" train big.csv "${train_flags[@]}" --data-parallel --out out
measure "tune" "$TUNE_ROWS" "$lrtune" tune tune.csv "${tune_flags[@]}" --out out
measure "mpirun -np 2 tune" "$TUNE_ROWS" "${launch[@]}" "$lrtune" tune tune.csv "${tune_flags[@]}" --out out

echo
echo "# wall and CPU (user+sys, all processes) in s; peak RSS of the largest process in MiB (under mpirun: one rank);"
echo "# train_s: the training's own seconds (metrics.json train_seconds; tune: tuning.json total_seconds);"
echo "# load: the 1-minute load average before the command"
printf '%-34s %9s %8s %9s %8s %9s %5s\n' command rows wall_s cpu_s rss_MiB train_s load
printf '%s\n' "${results[@]}"
echo "# total $(($(date +%s) - start)) s"
