"""Tables of bench_gemm_backends' JSON results (bench/gemm_backends.sh): per product and per step,
Eigen's median CPU microseconds against each OpenBLAS set-up's, and OpenBLAS / Eigen."""
import json
import sys


def medians(path):
    with open(path) as f:
        data = json.load(f)
    times = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median":
            times[b["run_name"]] = b["cpu_time"] / 1000.0  # ns -> us
    return data["context"].get("openblas", "?"), times


def main(paths):
    runs = [medians(p) for p in paths]
    names = [p.rsplit("/", 1)[-1].removesuffix(".json") for p in paths]
    for name, (config, _) in zip(names, runs):
        print(f"- {name}: {config}")
    eigen_keys = [k for k in runs[0][1] if "eigen/" in k]
    header = "| product | Eigen us | " + " | ".join(f"OpenBLAS {n} us (ratio)" for n in names) + " |"
    print()
    print(header)
    print("|" + " --- |" * (2 + len(names)))
    for key in sorted(eigen_keys, key=lambda k: (not k.startswith("BM_"), k)):
        blas_key = key.replace("eigen/", "blas/")
        # Eigen's figure: the median over the set-ups' runs (each binary run times Eigen too).
        eigen = sorted(r[1][key] for r in runs)[len(runs) // 2]
        cells = [f"{r[1][blas_key]:.2f} ({r[1][blas_key] / eigen:.2f})" for r in runs]
        label = key.replace("eigen/", "")
        if label.startswith("BM_"):
            label = f"**{label}**"
        print(f"| {label} | {eigen:.2f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
