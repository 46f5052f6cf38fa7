#!/usr/bin/python3
"""pandas.read_csv speed (MB/s) on the file bench_csv writes, for the side-by-side figure.

    ./build/bench/bench_csv                      # writes /tmp/lrtune_bench_numeric.csv once
    taskset -c 0 /usr/bin/python3 bench/bench_pandas_csv.py [path]

pandas' C parser is single-threaded; the best of three runs is reported (CPU time, as
Google Benchmark's bytes_per_second, and wall time) for its default
float parser ("high", not always correctly rounded) and for float_precision="round_trip"
(correctly rounded, as lrtune's fast_float is).
"""
import os
import sys
import time

import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LRTUNE_BENCH_CSV", "/tmp/lrtune_bench_numeric.csv")
if not os.path.exists(path):
    sys.exit(f"{path}: missing; run ./build/bench/bench_csv first (it writes the file)")
mb = os.path.getsize(path) / 1e6
print(f"pandas {pd.__version__}, {path}: {mb:.1f} MB")
for label, kwargs in [("default (float_precision=high)", {}), ("float_precision=round_trip", {"float_precision": "round_trip"})]:
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, **kwargs)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    print(f"pandas.read_csv {label}: CPU {best_cpu * 1e3:.0f} ms = {mb / best_cpu:.0f} MB/s; "
          f"wall {best_wall * 1e3:.0f} ms = {mb / best_wall:.0f} MB/s ({frame.shape[0]} rows x {frame.shape[1]} cols)")
