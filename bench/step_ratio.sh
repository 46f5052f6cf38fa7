#!/usr/bin/env bash
# Issue 16: the step / bare-chain ratio of bench_engine, for one or more bench_engine binaries run
# alternately (e.g. a build before and after a change), ROUNDS times each, on core 0. Prints
# `uptime` and the user + sys CPU seconds of every run (/usr/bin/time), then per binary and round
# the median CPU time of BM_BareGemmChain, BM_BareGemmChainWithKernel (absent from binaries that
# predate it), BM_ForwardBackward and BM_TrainingStep, and the step's ratio to each chain.
# Usage: ROUNDS=3 bash bench/step_ratio.sh build/bench/bench_engine /tmp/old/bench_engine
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
out=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$out"
[ $# -ge 1 ] || set -- build/bench/bench_engine
echo "commit $(git rev-parse --short HEAD), $(date -u '+%F %T') UTC, results in $out"
for round in $(seq 1 "$rounds"); do
  for i in $(seq 1 $#); do
    bench=${!i}
    echo "round $round, binary $i ($bench): uptime $(uptime)"
    /usr/bin/time -f "  user %U s, sys %S s, wall %e s" taskset -c 0 "$bench" \
      --benchmark_filter='BareGemmChain$|BareGemmChainWithKernel|ForwardBackward|TrainingStep$' \
      --benchmark_min_time=1 --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
      --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/$i-$round.json" >/dev/null
  done
done
/usr/bin/python3 - "$out" "$rounds" "$#" "$@" <<'EOF'
import json, sys
out, rounds, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = ["BM_BareGemmChain", "BM_BareGemmChainWithKernel", "BM_ForwardBackward", "BM_TrainingStep"]
print("| binary | round | " + " | ".join(names) + " | step / chain | step / chain with kernel |")
print("| --- " * (len(names) + 4) + "|")
for i in range(1, count + 1):
    for r in range(1, rounds + 1):
        data = json.load(open(f"{out}/{i}-{r}.json"))
        med = {b["run_name"]: b["cpu_time"] / 1000 for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
        cells = [f"{med[n]:.1f}" if n in med else "-" for n in names]
        step, chain, kchain = med["BM_TrainingStep"], med["BM_BareGemmChain"], med.get("BM_BareGemmChainWithKernel")
        ratio_k = f"{step / kchain:.2f}" if kchain else "-"
        print(f"| {sys.argv[3 + i]} | {r} | " + " | ".join(cells) + f" | {step / chain:.2f} | {ratio_k} |")
print("(median CPU us of 5 repetitions)")
EOF
