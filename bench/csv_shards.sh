#!/usr/bin/env bash
# Reading a big table in parts (issue 18): generates the table (bench/make_big_table.py, as
# bench/big_table.sh does) in a temp folder, then measures with /usr/bin/time -v:
#   - read_csv of the whole file (build/bench/read_big_table);
#   - rank 0's planning pass alone (read_csv_shard CSV --plan 2);
#   - read_csv_shard on one process (the whole file as one part: the sharded path's own cost);
#   - mpirun -np 2 read_csv_shard: each rank reads its half (both ranks on this machine); each rank
#     prints its own wall, CPU and peak RSS.
# Usage: bash bench/csv_shards.sh [BUILD_DIR]   ROWS=5000000 by default, SMALL=1 for 200000;
#   TABLE=FILE reuses a table made before; KEEP=1 keeps the temp folder. Prints the load
#   (uptime) before each command: the machine may be shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
whole=$build/bench/read_big_table
parts=$build/bench/read_csv_shard
for f in "$whole" "$parts"; do
  [ -x "$f" ] || { echo "csv_shards.sh: $f not found; build it first (cmake --build build --target read_big_table read_csv_shard)" >&2; exit 2; }
done
[ "${SMALL:-0}" = 1 ] && ROWS=${ROWS:-200000}
ROWS=${ROWS:-5000000}
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)

work=$(mktemp -d "${TMPDIR:-/tmp}/csv_shards.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cd "$work"
table=${TABLE:-$work/big.csv}
[ -f "$table" ] || /usr/bin/python3 "$here/make_big_table.py" "$table" --rows "$ROWS"
echo "# commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "# table $table: $(du -h "$table" | cut -f1), $(($(wc -l <"$table") - 1)) rows"

# measure LABEL COMMAND...: the command's own lines, then wall, CPU (user+sys of all its
# processes) and the peak RSS of its largest process, with the load before it.
measure() {
  local label=$1
  shift
  echo "## $label: $* (uptime before: $(uptime | sed 's/.*load/load/'))"
  /usr/bin/time -v -o time.txt "$@"
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
              /User time/ {u = $2} /System time/ {sy = $2} /Maximum resident set size/ {rss = $2 / 1024}
              END {printf "   wall %.2f s, CPU %.2f s (user+sys), peak RSS %.0f MiB (largest process)\n", wall, u + sy, rss}' time.txt
}

measure "read_csv, whole file" "$whole" "$table"
measure "planning pass alone (rank 0's share of read_csv_shard)" "$parts" "$table" --plan 2
measure "read_csv_shard, 1 process (1 part)" "$parts" "$table"
measure "read_csv_shard, mpirun -np 2 (1 of 2 parts per rank)" mpirun -np 2 --oversubscribe "${as_root[@]}" "$parts" "$table"
