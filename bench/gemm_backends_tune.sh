#!/usr/bin/env bash
# Issue 16: whole `lrtune tune` runs with Eigen's GEMM against a -DLRTUNE_BLAS=ON build (the dense
# layers' float GEMMs by serial OpenBLAS), with the kernels OpenBLAS picks and with its AVX-512
# SkylakeX kernels forced, on shuttle and letter_recognition. Prints `uptime`, wall and CPU
# (user + sys) per run with the search's unit-epochs and pick (a GEMM that rounds differently
# changes the early stops, so compare CPU per unit-epoch), and keeps the outputs.
# The option was dropped after the measurement; build the BLAS binary at commit be36d65:
#   git worktree add /tmp/blas be36d65 && cmake -S /tmp/blas -B /tmp/blas/build -DLRTUNE_BLAS=ON \
#     && cmake --build /tmp/blas/build --target lrtune_cli
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
    search=$(/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1]));
print(f\"search_seconds {j['search_seconds']:.1f}, unit-epochs {j['epochs_cost']:.0f}, pick {j['pick']}\")" \
      "$out/$set-$run/tuning.json")
    cpu=$(echo "$user + $sys" | bc)
    printf '%s %s: wall %.1f s, CPU %.1f s (user %s + sys %s), %s\n' "$set" "$run" "$wall" "$cpu" "$user" "$sys" "$search"
  done
done
