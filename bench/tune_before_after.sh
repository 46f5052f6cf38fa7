#!/usr/bin/env bash
# Whole `lrtune tune --threads 2` runs of two builds, alternately (before, after, before, after ...),
# on shuttle and letter_recognition: `uptime` before each, wall and CPU (user + sys), the search's
# unit-epochs and pick, and CPU per unit-epoch (a change that rounds differently can move the
# early stops, so compare per unit-epoch). Also says whether the two builds' tuning.json agree.
# Usage: BEFORE=/tmp/old/lrtune AFTER=build/lrtune ROUNDS=2 bash bench/tune_before_after.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${LRTUNE_DATA_DIR:-../shared/data}
out=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$out"
sets=${SETS:-shuttle letter_recognition}
rounds=${ROUNDS:-2}
echo "commit $(git rev-parse --short HEAD), $(date -u '+%F %T') UTC, outputs in $out"
for set in $sets; do
  case $set in
    shuttle) file=$data_dir/study/shuttle.csv target=Class ;;
    letter_recognition) file=$data_dir/study/letter_recognition.csv target=lettr ;;
    *) echo "unknown data set $set" >&2; exit 2 ;;
  esac
  for round in $(seq 1 "$rounds"); do
    for build in before after; do
      binary=$BEFORE
      [[ $build == after ]] && binary=$AFTER
      run=$set-$build-$round
      echo "uptime before $run: $(uptime)"
      start=$(date +%s.%N)
      /usr/bin/time -f "%U %S" -o "$out/cpu-$run" "$binary" tune "$file" --target "$target" --threads 2 --quiet \
        --out "$out/$run" >/dev/null
      wall=$(echo "$(date +%s.%N) - $start" | bc)
      read -r user sys <"$out/cpu-$run"
      /usr/bin/python3 - "$out/$run/tuning.json" "$run" "$wall" "$user" "$sys" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
run, wall, user, sys_s = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
cpu, epochs = user + sys_s, j["epochs_cost"]
print(f"{run}: wall {wall:.1f} s, CPU {cpu:.1f} s (user {user} + sys {sys_s}), search {j['search_seconds']:.1f} s, "
      f"unit-epochs {epochs:.0f}, pick {j['pick']}, CPU per unit-epoch {1000 * cpu / epochs:.0f} ms")
EOF
    done
  done
  # Timings aside, does the change alter the search? (lines of tuning.json that differ)
  diff <(grep -v -E 'seconds|_s"' "$out/$set-before-1/tuning.json") \
    <(grep -v -E 'seconds|_s"' "$out/$set-after-1/tuning.json") | grep -c '^[<>]' |
    sed "s/^/$set: lines of tuning.json (timings aside) that differ between before and after: /" || true
done
