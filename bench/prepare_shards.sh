#!/usr/bin/env bash
# prepare() against prepare_shards on 1, 2 and 4 thread ranks (issue 18) on a generated table
# (bench/make_big_table.py: ROWS rows, 20 numeric features, binary y), with the load before the
# run. Usage: bash bench/prepare_shards.sh [BUILD_DIR]   (ROWS=1000000 by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
bench=$build/bench/prepare_shards_bench
[ -x "$bench" ] || { echo "prepare_shards.sh: $bench not found; cmake --build build --target prepare_shards_bench" >&2; exit 2; }
ROWS=${ROWS:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_big_table.py" "$tmp/big.csv" --rows "$ROWS" >/dev/null
echo "commit $(git -C "$here" rev-parse --short HEAD), $(date -u +%FT%TZ), load: $(uptime | sed 's/.*load average: //')"
/usr/bin/time -f "whole process: wall %e s, user %U s, sys %S s, peak RSS %M KiB" "$bench" "$tmp/big.csv" y ">=1" 1 2 4
