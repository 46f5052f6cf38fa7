#!/usr/bin/python3
"""Group a `perf report` of `lrtune tune` into where the time goes (issue 16).

    perf record -e cpu-clock -g -o perf.data -- ./build/lrtune tune ...
    perf report -i perf.data --no-children --sort dso,symbol --stdio -g none > self.txt
    perf report -i perf.data --children --sort symbol --stdio -g none > children.txt
    /usr/bin/python3 bench/perf_groups.py self.txt children.txt

Self time per symbol is put into one group by the first pattern it matches (GEMM, activations,
optimizer, loss, validation/prediction, data/bookkeeping, other); inclusive (children) time is
printed for the functions that mark a phase (validation, best-weight copies, range test), which
include the GEMMs they call.
"""
import re
import sys

GROUPS = [
    ("GEMM (Eigen gebp/gemm kernels, packing)", r"gebp|gemm|gemv|general_matrix|pack_lhs|pack_rhs|"
     r"triangular|blas|GeneralProduct|product_evaluator|lazyproduct|matmul|outer"),
    ("activations (bias + ReLU, softmax, their gradients)", r"relu|activation|bias|softmax|sigmoid|tanh|dropout"),
    ("optimizer (Adam)", r"adam|optim|Adam|momentum|rmsprop|adagrad"),
    ("loss", r"loss|cross_?entropy|bce|Loss|logsumexp"),
    ("validation/prediction", r"validate|predict|evaluate|row_losses|inference"),
    ("data/bookkeeping (batch gather, shuffle, copies, malloc, metrics)",
     r"gather|shuffle|permut|memcpy|memmove|memset|malloc|free|new|delete|state|copy|assign|"
     r"metric|accuracy|MiniBatch|batch|random|mt19937|Patience|TrainingUnit|"
     r"csv|parse|json|prepare|split|Table|Column|fmt|string|std::"),
    ("kernel (page faults, scheduling, syscalls)", r"\[k\]|kernel"),
]


def parse(path):
    rows = []
    for line in open(path, errors="replace"):
        m = re.match(r"\s+([0-9.]+)%\s+(?:([0-9.]+)%\s+)?(.*)$", line)
        if not m or line.lstrip().startswith("#"):
            continue
        pct = float(m.group(1))
        rest = m.group(3).strip()
        rows.append((pct, float(m.group(2)) if m.group(2) else None, rest))
    return rows


def main():
    self_rows = parse(sys.argv[1])
    totals = {name: 0.0 for name, _ in GROUPS}
    totals["other"] = 0.0
    top = {name: [] for name in totals}
    for pct, _, sym in self_rows:
        for name, pattern in GROUPS:
            if re.search(pattern, sym, re.IGNORECASE if "kernel" not in name else 0):
                break
        else:
            name = "other"
        totals[name] += pct
        if len(top[name]) < 4:
            top[name].append(f"{sym[-90:]} {pct:.1f}%")
    print("| group (self time) | share of samples | largest symbols |")
    print("| --- | --- | --- |")
    for name, total in totals.items():
        print(f"| {name} | {total:.1f} % | {'; '.join(top[name])} |")
    if len(sys.argv) > 2:
        print()
        print("Inclusive (children) time of phase functions:")
        for pct, self_pct, sym in parse(sys.argv[2]):
            if re.search(r"validate|best_row_losses|restore_best|LRFinder::run|train_batch|end_epoch|"
                         r"train_to|write_report|prepare|read_csv|Tuner::search|fit\b|Adam.*step|"
                         r"forward|backward|main$", sym):
                print(f"  {pct:5.1f} %  {sym[-120:]}")


if __name__ == "__main__":
    main()
