#!/usr/bin/env bash
# tune --refit, run and demo with --data-parallel under mpirun (issue 18), registered by
# tests/CMakeLists.txt when LRTUNE_MPI is ON. Against one process: the search's files (tuning.json,
# the candidates, the range test) bit for bit, the data-parallel trainings' results (tune's refit
# model and test scores; run's histories, comparison and model) within the data-parallel tolerance,
# and the ranks really shared them (some value moved in its last bits); alone, --data-parallel is
# the usual command bit for bit; only rank 0 writes; tune --data-parallel without --refit is
# refused with one line naming --refit; an experiment file's lr does not make run read in shards.
# Usage: mpi_data_parallel_tune_run.sh LRTUNE_BINARY WINE_CSV WORK_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Small and fast, as mpi_tune.sh: 3 rates + the default, 3 rungs, one thread per rank.
fast=(--layers 8 --candidates 3 --max-epochs 6 --first-rung-epochs 2 --patience 2 --schedule step --finder-points 30
  --threads 1 --seed 7 --quiet --json)
wine=(--target quality --positive '>=6')

# Two result folders (and their --json summaries beside them). exact: every file alike but for
# wall times and the flags themselves (config.toml, run.json, report.html, the model's
# settings_toml); close: the search's files (and comparison.json's "tuning") alike, every other
# number within the data-parallel tolerance, and at least one of them not the same bits.
compare() {
  python3 - "$@" <<'PY'
import csv, json, math, pathlib, struct, sys
mode, a_dir, b_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
bad, moved = [], []
SKIPPED = {"run.json", "config.toml", "report.html"}
SEARCH = ("tuning", "range_test", "suggestion", "data_")  # files of the search and the data: exact always

def same(path, x, y, exact):
    """Recursive comparison; floats within the tolerance unless exact."""
    if isinstance(x, dict) and isinstance(y, dict):
        keys = set(x) | set(y)
        for k in sorted(keys):
            if "seconds" in k or k == "settings_toml":
                continue
            if k not in x or k not in y:
                bad.append(f"{path}/{k}: only in one")
                continue
            # A class count or confusion cell can move by a row whose score sits at the threshold.
            if not exact and k in ("confusion", "per_class"):
                continue
            same(f"{path}/{k}", x[k], y[k], exact or k == "tuning")
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            bad.append(f"{path}: lengths {len(x)} vs {len(y)}")
        for i, (u, v) in enumerate(zip(x, y)):
            same(f"{path}[{i}]", u, v, exact)
    elif isinstance(x, float) or isinstance(y, float):
        if x != y:
            moved.append(path)
        tol = 0.0 if exact else 1e-5 * max(1.0, abs(x)) + (1e-3 if "accuracy" in path else 0.0)
        if not (isinstance(x, (int, float)) and isinstance(y, (int, float))) or not (
            abs(x - y) <= tol or (math.isnan(x) and math.isnan(y))):
            bad.append(f"{path}: {x} vs {y}")
    elif x != y:
        bad.append(f"{path}: {x!r} vs {y!r}")

def number(cell):
    try:
        return float(cell)
    except ValueError:
        return cell

def model(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__")
    meta = {k: json.loads(v) if v.startswith("{") else v for k, v in meta.items()}
    body = raw[8 + n :]
    tensors = {k: list(struct.unpack(f"<{(e - s) // 4}f", body[s:e])) for k, t in header.items()
               for s, e in [t["data_offsets"]]}
    return meta, tensors

names = sorted(p.relative_to(a_dir) for p in a_dir.rglob("*") if p.is_file())
if sorted(p.relative_to(b_dir) for p in b_dir.rglob("*") if p.is_file()) != names:
    bad.append("different files")
for name in names:
    a, b = a_dir / name, b_dir / name
    if not b.exists() or name.name in SKIPPED or name.suffix in (".png", ".svg"):
        continue
    exact = mode == "exact" or name.name.startswith(SEARCH)
    if name.suffix == ".json":
        same(str(name), json.loads(a.read_text()), json.loads(b.read_text()), exact)
    elif name.suffix == ".safetensors":
        (ma, ta), (mb, tb) = model(a), model(b)
        same(f"{name} metadata", ma, mb, exact)
        scale = max(abs(w) for t in ta.values() for w in t)
        for k in ta:
            if ta[k] != tb.get(k):
                moved.append(f"{name}:{k}")
            if k not in tb or len(ta[k]) != len(tb[k]) or max(
                    abs(u - v) for u, v in zip(ta[k], tb[k])) > (0 if exact else 1e-5 * scale):
                bad.append(f"{name}: tensor {k}")
    elif name.parts[0] == "charts" and name.suffix != ".dat":
        continue  # gnuplot scripts name the .dat files compared here
    elif exact:
        if a.read_bytes() != b.read_bytes():
            bad.append(str(name))
    else:  # .csv (commas), .dat (gnuplot's spaces): cell by cell, numbers within the tolerance
        def cells(path):
            lines = path.read_text().splitlines()
            rows = csv.reader(lines) if path.suffix == ".csv" else (line.split() for line in lines)
            return [[number(c) for c in row] for row in rows]
        same(str(name), cells(a), cells(b), False)
# The other run's --json summary, beside its folder.
ja, jb = a_dir.parent / "json", b_dir.parent / "json"
same("--json", json.loads(ja.read_text()), json.loads(jb.read_text()), mode == "exact")
if mode == "close" and not moved:
    bad.append("every value the same bits: were the trainings shared over the ranks?")
if bad:
    print(f"  {mode}: differ: " + "; ".join(bad[:8]), file=sys.stderr)
    sys.exit(1)
PY
}

# 1. Each command plainly in one process, with --data-parallel in one process, and over two ranks.
runs=(
  "tune ${wine[*]} ${fast[*]} --refit"
  "run ${wine[*]} ${fast[*]} --epochs 3 --repeats 2"
  "demo ${fast[*]} --epochs 3"
)
for i in "${!runs[@]}"; do
  read -r -a command <<<"${runs[$i]}"
  source=("$data")
  [ "${command[0]}" = demo ] && source=()
  mkdir "single$i" "alone$i" "spread$i"
  (cd "single$i" && "$lrtune" "${command[0]}" "${source[@]}" "${command[@]:1}" --out out >json 2>log) ||
    fail "lrtune ${runs[$i]}: $(cat "single$i/log")"
  (cd "alone$i" && "$lrtune" "${command[0]}" "${source[@]}" "${command[@]:1}" --data-parallel --out out >json 2>log) ||
    fail "lrtune ${runs[$i]} --data-parallel: $(cat "alone$i/log")"
  (cd "spread$i" && "${launch[@]}" "$lrtune" "${command[0]}" "${source[@]}" "${command[@]:1}" --data-parallel \
    --out out >json 2>log) || fail "mpirun lrtune ${runs[$i]} --data-parallel: $(cat "spread$i/log")"
  compare exact "single$i/out" "alone$i/out" ||
    fail "lrtune ${runs[$i]}: --data-parallel in one process changed the results (it must be the usual run)"
  compare close "single$i/out" "spread$i/out" ||
    fail "lrtune ${runs[$i]}: one process and two data-parallel ranks differ beyond the tolerance"
  # 2. Only rank 0 wrote: the out folder, its --json and the log alone; the scratch removed.
  listing=$(ls -A "spread$i" | tr '\n' ' ')
  [ "$listing" = "json log out " ] || fail "${command[0]}: unexpected entries beside the out folder: $listing"
  [ -z "$(ls -A tmp)" ] || fail "${command[0]}: rank scratch left behind: $(ls -A tmp | tr '\n' ' ')"
  grep -q '"status": "complete"' "spread$i/out/run.json" || fail "${command[0]}: run.json does not say complete"
done
# The case is the one meant: tune refit its pick for more than one epoch, run trained 2 x 2 models.
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); sys.exit(not (j["refit"] and j["model_epochs"] >= 2))' \
  single0/out/tuning.json || fail "tune did not refit for 2+ epochs: the test would see little"
[ "$(ls single1/out/history_*seed*.csv | wc -l)" = 4 ] || fail "run --repeats 2 did not write 4 histories"

# 3. An experiment file's lr (train's key) does not make run read the file in shards: its search
# still sees every row (the same candidates as above; run's search is the same with --repeats 2).
printf '[training]\nlr = 0.01\ndata_parallel = true\n' >exp.toml
mkdir config
(cd config && "${launch[@]}" "$lrtune" run "$data" --config ../exp.toml "${wine[@]}" "${fast[@]}" --epochs 3 \
  --out out >json 2>log) || fail "mpirun lrtune run --config (lr, data_parallel): $(cat config/log)"
cmp -s single1/out/tuning_candidates.csv config/out/tuning_candidates.csv ||
  fail "run with lr in its experiment file searched other rows under mpirun --data-parallel"

# 4. tune --data-parallel without --refit: one line naming --refit, exit 2 (usage), no folder.
set +e
"$lrtune" tune "$data" "${wine[@]}" "${fast[@]}" --data-parallel --out refused >refused.log 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "tune --data-parallel without --refit exited $code, want 2: $(cat refused.log)"
grep -q -- "--refit" refused.log || fail "tune --data-parallel without --refit does not name --refit: $(cat refused.log)"
[ ! -e refused ] || fail "tune --data-parallel without --refit left a folder"

if [ "$failures" -gt 0 ]; then
  echo "mpi_data_parallel_tune_run: $failures check(s) failed" >&2
  exit 1
fi
echo "mpi_data_parallel_tune_run: tune --refit, run and demo over two data-parallel ranks: the search bit for bit," \
  "the trainings within the tolerance; alone bit for bit; only rank 0 wrote; tune without --refit refused"
