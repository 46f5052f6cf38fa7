# Sourced by the mpirun tests (mpi_*.sh LRTUNE_BINARY WINE_CSV WORK_DIR): a fresh work folder,
# the launcher and the failure counter they share. Sets lrtune, data, work, launch, failures, fail,
# and close_results (two runs' metrics and histories within the data-parallel tolerance).
lrtune=$1 data=$2 work=$3
[ -n "${LRTUNE_DATA_DIR:-}" ] && data="$LRTUNE_DATA_DIR/winequalityN.csv"  # as the other tests
rm -rf "$work"
mkdir -p "$work/tmp"
cd "$work"
# TMPDIR: where the ranks other than 0 build their scratch copy; it must be empty afterwards.
export TMPDIR="$work/tmp"
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)  # CI containers run as root
launch=(mpirun -np 2 --oversubscribe "${as_root[@]}")
failures=0
test_name=$(basename "$0" .sh)
fail() {
  echo "$test_name: FAIL: $*" >&2
  failures=$((failures + 1))
}

# Two runs' metrics.json and history.csv: the same keys and columns, every number within the
# tolerance. Float summation order is all that differs (docs/scale.md): 1e-5 relative on losses
# and scores after ~500 steps (measured: about 1e-8); a count-based score (accuracy) may also move
# by one row in 1/rows where a prediction lies at the threshold.
close_results() {
  python3 - "$1" "$2" <<'PY'
import csv, json, math, pathlib, sys
a_dir, b_dir = (pathlib.Path(p) for p in sys.argv[1:3])
bad = []
def close(name, x, y, rows=None):
    tol = 1e-5 * max(1.0, abs(x)) + (1.0 / rows if rows and "accuracy" in name else 0.0)
    if not (math.isfinite(x) and math.isfinite(y) and abs(x - y) <= tol):
        bad.append(f"{name}: {x} vs {y}")
a = json.loads((a_dir / "metrics.json").read_text())
b = json.loads((b_dir / "metrics.json").read_text())
if sorted(a) != sorted(b):
    bad.append("metrics.json keys differ")
test_rows = sum(a["per_class"]["support"]) if "per_class" in a else None
for key, x in a.items():
    if key.startswith("test_") and isinstance(x, (int, float)):
        close(key, x, b[key], test_rows)
if a["epochs_run"] != b["epochs_run"]:
    bad.append(f"epochs_run {a['epochs_run']} vs {b['epochs_run']}")
ha = list(csv.DictReader(open(a_dir / "history.csv")))
hb = list(csv.DictReader(open(b_dir / "history.csv")))
if len(ha) != len(hb) or (ha and ha[0].keys() != hb[0].keys()):
    bad.append("history.csv shapes differ")
for ra, rb in zip(ha, hb):
    for k in ra:
        if "seconds" not in k:
            close(f"history {k} epoch {ra.get('epoch')}", float(ra[k]), float(rb[k]), 5000)
if bad:
    print("  differ: " + "; ".join(bad[:8]), file=sys.stderr)
    sys.exit(1)
PY
}
