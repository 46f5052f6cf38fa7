#!/usr/bin/env bash
# Issue 16: whole `lrtune tune` runs with Eigen's GEMM against a -DLRTUNE_BLAS=ON build (the dense
# layers' float GEMMs by serial OpenBLAS), with the kernels OpenBLAS picks and with its AVX-512
# SkylakeX kernels forced, on shuttle and letter_recognition. Prints `uptime`, wall and CPU
# (user + sys) per run, whether the two OpenBLAS runs' tuning.json agree, and keeps the outputs.
# Usage: EIGEN=path/to/lrtune BLAS=path/to/lrtune-built-with-LRTUNE_BLAS bash bench/gemm_backends_tune.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${LRTUNE_DATA_DIR:-../shared/data}
out=${OUT_DIR:-$(mktemp -d)}
sets=${SETS:-shuttle letter_recognition}
echo "commit $(git rev-parse --short HEAD), $(date -u '+%F %T') UTC, outputs in $out"
for set in $sets; do
  case $set in
    shuttle) file=$data_dir/study/shuttle.csv target=Class ;;
    letter_recognition) file=$data_dir/study/letter_recognition.csv target=lettr ;;
    *) echo "unknown data set $set" >&2; exit 2 ;;
  esac
  for run in eigen blas blas-skylakex; do
    binary=$EIGEN env=()
    [[ $run == blas* ]] && binary=$BLAS
    [[ $run == blas-skylakex ]] && env=(OPENBLAS_CORETYPE=SkylakeX)
    echo "uptime before $set $run: $(uptime)"
    start=$(date +%s.%N)
    env "${env[@]}" /usr/bin/time -f "%U %S" -o "$out/cpu-$set-$run" nice "$binary" tune "$file" --target "$target" \
      --threads 2 --quiet --out "$out/$set-$run" >/dev/null
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    read -r user sys <"$out/cpu-$set-$run"
    search=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('search_seconds', '?'))" \
      "$out/$set-$run/tuning.json")
    printf '%s %s: wall %.1f s, CPU %.1f s (user %s + sys %s), search_seconds %s\n' "$set" "$run" "$wall" \
      "$(echo "$user + $sys" | bc)" "$user" "$sys" "$search"
  done
  if cmp -s <(grep -v seconds "$out/$set-blas/tuning.json") <(grep -v seconds "$out/$set-blas-skylakex/tuning.json"); then
    echo "$set: the two OpenBLAS runs' tuning.json agree (lines without 'seconds')"
  else
    echo "$set: the two OpenBLAS runs' tuning.json differ (different kernels, different rounding)"
  fi
done
