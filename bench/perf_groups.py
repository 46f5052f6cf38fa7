#!/usr/bin/python3
"""Group a `perf report` of `lrtune tune` into where the time goes (issue 16).

    perf record -e cpu-clock -g -o perf.data -- ./build/lrtune tune ...
    perf report -i perf.data --no-children --sort dso,symbol --stdio -g none > self.txt
    perf report -i perf.data --children --sort symbol --stdio -g none > children.txt
    /usr/bin/python3 bench/perf_groups.py self.txt children.txt

Self time per symbol is put into one group by the first pattern it matches (GEMM, activations,
optimizer, loss, data/bookkeeping; validation is not a symbol of its own: its forward passes run the same GEMM
kernels); inclusive (children) time is
printed for the functions that mark a phase (validation, best-weight copies, range test), which
include the GEMMs they call.
"""
import re
import sys

GROUPS = [
    ("kernel (interrupts, page faults, scheduling)", r"\[k\]"),
    ("matrix products (the engine's kernels: tile_product, dense_product, input_gradient, weight_gradient; "
     "Eigen's gebp, packing, blocking)",
     r"tile_product|dense_product|input_gradient|weight_gradient|gebp|gemm|gemv|general_matrix|pack_lhs|"
     r"pack_rhs|BlockingSizes|triangular|GeneralProduct|product_evaluator"),
    ("optimizer (Adam)", r"adam|Optimizer::|momentum|rmsprop|adagrad|pow"),
    ("activations and bias (ReLU and its gradient, bias add, bias gradient)",
     r"activat|relu|dense_forward|dense_backward|dense_input_gradient|bias|dropout"),
    ("loss (softmax cross-entropy / BCE and its gradient)", r"loss|cross_?entropy|bce|log_sum_exp|expf|logf|xflowf"),
    ("data/bookkeeping (gradient zeroing, batch gather, shuffle, metrics, layer glue, CSV, files)",
     r"."),
]


def short(sym):
    """The symbol without its template arguments (innermost first), e.g. BasicSequential<>::forward."""
    sym = sym.split("] ", 1)[-1].strip()
    while True:
        shorter = re.sub(r"<[^<>]*>", "<>", sym)
        if shorter == sym:
            return sym
        sym = shorter.replace("<<>>", "<>")


def parse(path):
    rows = []
    for line in open(path, errors="replace"):
        m = re.match(r"\s+([0-9.]+)%\s+(?:([0-9.]+)%\s+)?(.*)$", line)
        if not m or line.lstrip().startswith("#"):
            continue
        pct = float(m.group(1))
        rest = re.sub(r"(\s+-)+\s*$", "", m.group(3)).strip()  # perf's empty trailing columns
        rows.append((pct, float(m.group(2)) if m.group(2) else None, rest))
    return rows


def main():
    self_rows = parse(sys.argv[1])
    totals = {name: 0.0 for name, _ in GROUPS}
    totals["other"] = 0.0
    top = {name: [] for name in totals}
    for pct, _, sym in self_rows:
        for name, pattern in GROUPS:
            if re.search(pattern, sym):
                break
        else:
            name = "other"
        totals[name] += pct
        if len(top[name]) < 4:
            top[name].append(f"`{short(sym)}` {pct:.1f} %")
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
                print(f"  {pct:5.1f} %  {short(sym)}")


if __name__ == "__main__":
    main()
