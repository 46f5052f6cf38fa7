#!/usr/bin/python3
"""The search of `lrtune tune`, done by PyTorch, for a side-by-side wall time (issue 16).

It replays the schedule of one `lrtune tune` run, read from that run's `tuning.json`: the same
candidate rates (extensions included), the same rungs (which candidates train in each, to which
epoch target), and for every unit (candidate x seed) the same number of epochs, so both sides do
the same work and the wall times compare. The work per unit-epoch is what lrtune's lockstep
unit does (src/tune/lockstep.cpp): one epoch of mini-batches (a fresh permutation per epoch,
every candidate the same batches), Adam in Keras' form, the epoch's training loss and accuracy,
then the validation loss and accuracy on the held-out part, the patience rule, and a copy of
the weights at each improvement. After the rungs, each extension trains alone (as lrtune adds them
one at a time), then every candidate with a finite loss restores its best weights and computes
the per-row validation losses (the pick's noise test), and the pick's model is scored on the test
split and saved. Before the search, the same per-step range test (100 mini-batches, 1e-7 to 10).

Units are spread over `--workers` processes (default 2), one torch thread each, dynamically (the
next unit goes to the next free process), as lrtune spreads them over its worker threads. A
unit's state (weights, moments, best weights, batch-order RNG) travels between processes as
NumPy arrays between rungs: a few MB per unit per rung, milliseconds.

What it does not do: decide. The cuts, the slow-starter guard, the early stops and the pick are
lrtune's, taken from the JSON (their arithmetic is microseconds; the epochs they decide are the
cost). It reports where its own patience rule would have stopped each unit, and it checks that
it trained exactly the epochs lrtune did (exit 1 if not).

The data are prepared as lrtune prepares them (tools/compare_frameworks.py does the same): dropna,
a two-level text column as one 0/1 column (1 = the second level in sorted order), more levels
one-hot, train_test_split(test_size=0.2, random_state=42), StandardScaler on the train rows; the
tuner's validation part is train_test_split(train rows, test_size=0.2, random_state=seed). Row
counts and the scaler means are checked against lrtune's data_steps.json and tuning.json.

Usage:
    /usr/bin/python3 bench/torch_search.py DATA --target COL [--positive RULE] \
        --lrtune-out DIR [--workers 2] [--out result.json]
DIR is the output folder of `lrtune tune DATA ... --out DIR` (tuning.json, data_steps.json).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing as mp  # noqa: E402
import operator  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
import torch  # noqa: E402

BETA1, BETA2, EPS = 0.9, 0.999, 1e-7  # Keras' Adam, lrtune's default form
HIDDEN = (128, 256, 256)
T0 = time.perf_counter()

# ------------------------------------------------------------------------------------------ data

_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
        ">": operator.gt, "<": operator.lt}


def positive_mask(y, rule):
    for sym in (">=", "<=", "==", "!=", ">", "<"):
        if rule.startswith(sym):
            return _OPS[sym](pd.to_numeric(y), float(rule[len(sym):]))
    return y.astype(str) == rule


def prepare(path, target, positive, test_size=0.2, split_seed=42):
    frame = pd.read_csv(path).dropna()
    y = frame.pop(target)
    for col in [c for c in frame.columns if frame[c].dtype == object]:
        levels = sorted(frame[col].unique())
        if len(levels) == 2:
            frame[col] = (frame[col] == levels[1]).astype(np.float64)
        else:
            frame = pd.get_dummies(frame, columns=[col])
    if positive is not None:
        task, labels = "binary", positive_mask(y, positive).to_numpy().astype(np.int64)
        classes = [0, 1]
    else:
        classes = np.sort(y.unique())
        task = "binary" if len(classes) == 2 else "multiclass"
        labels = np.searchsorted(classes, y.to_numpy())
    x = frame.to_numpy(dtype=np.float64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, labels, test_size=test_size, random_state=split_seed)
    mean, scale = x_tr.mean(axis=0), x_tr.std(axis=0)
    scale[scale == 0] = 1.0
    return dict(task=task, classes=len(classes), features=list(frame.columns), mean=mean,
                x_train=((x_tr - mean) / scale).astype(np.float32), y_train=y_tr,
                x_test=((x_te - mean) / scale).astype(np.float32), y_test=y_te)


def check_against_lrtune(d, lrtune_out, tuning, x_fit, x_val):
    """Row counts and scaler means must be lrtune's; returns a one-line note."""
    steps = json.load(open(os.path.join(lrtune_out, "data_steps.json")))
    by_name = {s["step"]: s.get("details", {}) for s in steps}
    split = by_name.get("split", {})
    notes = []
    if (split.get("train"), split.get("test")) != (len(d["y_train"]), len(d["y_test"])):
        sys.exit(f"torch_search: lrtune split {split.get('train')}/{split.get('test')} rows, "
                 f"this script {len(d['y_train'])}/{len(d['y_test'])}")
    if (tuning["training_rows"], tuning["validation_rows"]) != (len(x_fit), len(x_val)):
        sys.exit(f"torch_search: lrtune's search trained on {tuning['training_rows']} rows and "
                 f"validated on {tuning['validation_rows']}, this script {len(x_fit)}/{len(x_val)}")
    notes.append(f"rows: train {split['train']}, test {split['test']}, search {len(x_fit)} + "
                 f"validation {len(x_val)} (as lrtune's)")
    scaler = by_name.get("scale", {})
    if "offset" in scaler and len(scaler["offset"]) == len(d["mean"]):
        # feature order may differ (where a text column's 0/1 column goes): compare sorted values
        ours, theirs = np.sort(d["mean"]), np.sort(np.asarray(scaler["offset"], dtype=np.float64))
        err = float(np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))))
        if err > 1e-6:
            sys.exit(f"torch_search: scaler means differ from lrtune's (max relative {err:.2e})")
        notes.append(f"scaler means equal to lrtune's (max rel. diff {err:.1e}, {len(ours)} features)")
    else:
        notes.append("scaler means NOT compared (no scale step in data_steps.json or feature count differs: "
                     f"{len(scaler.get('offset', []))} vs {len(d['mean'])})")
    return "; ".join(notes)


# ---------------------------------------------------------------------------------- worker side

G = {}  # per-process data: x_fit, y_fit, x_val, y_val, task, outputs


def worker_init(arrays, task, outputs):
    torch.set_num_threads(1)
    G.update(arrays)
    G["task"], G["outputs"] = task, outputs
    G["xf"] = torch.from_numpy(arrays["x_fit"])
    G["xv"] = torch.from_numpy(arrays["x_val"])
    if task == "multiclass":
        G["yf"] = torch.from_numpy(arrays["y_fit"].astype(np.int64))
        G["yv"] = torch.from_numpy(arrays["y_val"].astype(np.int64))
        G["loss"] = torch.nn.CrossEntropyLoss()
        G["row_loss"] = torch.nn.CrossEntropyLoss(reduction="none")
    else:
        G["yf"] = torch.from_numpy(arrays["y_fit"].astype(np.float32)).unsqueeze(1)
        G["yv"] = torch.from_numpy(arrays["y_val"].astype(np.float32)).unsqueeze(1)
        G["loss"] = torch.nn.BCEWithLogitsLoss()
        G["row_loss"] = torch.nn.BCEWithLogitsLoss(reduction="none")


def build_model(n_in, outputs, seed):
    torch.manual_seed(seed)
    widths = (n_in,) + HIDDEN
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(widths[-1], outputs))  # sigmoid/softmax sit in the loss
    model = torch.nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, torch.nn.Linear):  # Keras: Glorot uniform, zero biases
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    return model


def correct(logits, y):
    if G["task"] == "multiclass":
        return int((logits.argmax(1) == y).sum())
    return int(((logits > 0) == (y > 0.5)).sum())


class Unit:
    """One candidate x seed, rebuilt in whichever process trains it next."""

    def __init__(self, state):
        self.s = state
        self.model = build_model(G["xf"].shape[1], G["outputs"], state["seed"])
        self.params = list(self.model.parameters())
        if state.get("params") is not None:
            with torch.no_grad():
                for p, a in zip(self.params, state["params"]):
                    p.copy_(torch.from_numpy(a))
            self.m = [torch.from_numpy(a) for a in state["m"]]
            self.v = [torch.from_numpy(a) for a in state["v"]]
            self.best = [torch.from_numpy(a) for a in state["best"]]
            self.rng = np.random.RandomState()
            self.rng.set_state(state["rng"])
        else:
            self.m = [torch.zeros_like(p) for p in self.params]
            self.v = [torch.zeros_like(p) for p in self.params]
            self.best = [p.detach().clone() for p in self.params]
            self.rng = np.random.RandomState(state["seed"])

    def adam(self, grads, lr):
        s = self.s
        s["step"] += 1
        lr_t = lr * math.sqrt(1.0 - BETA2 ** s["step"]) / (1.0 - BETA1 ** s["step"])
        torch._foreach_mul_(self.m, BETA1)
        torch._foreach_add_(self.m, grads, alpha=1.0 - BETA1)
        torch._foreach_mul_(self.v, BETA2)
        torch._foreach_addcmul_(self.v, grads, grads, value=1.0 - BETA2)
        denom = torch._foreach_sqrt(self.v)
        torch._foreach_add_(denom, EPS)
        torch._foreach_addcdiv_(self.params, self.m, denom, value=-lr_t)

    def epoch(self, batch):
        s, xf, yf, loss_fn = self.s, G["xf"], G["yf"], G["loss"]
        n = xf.shape[0]
        perm = torch.from_numpy(self.rng.permutation(n))
        total, right = 0.0, 0
        for lo in range(0, n, batch):
            idx = perm[lo:lo + batch]
            xb, yb = xf[idx], yf[idx]
            logits = self.model(xb)
            loss = loss_fn(logits, yb)
            grads = torch.autograd.grad(loss, self.params)
            with torch.no_grad():
                self.adam(list(grads), s["lr"])
                total += float(loss) * len(idx)
                right += correct(logits, yb)
        with torch.no_grad():  # validation, as lrtune's unit does after every epoch
            logits = self.model(G["xv"])
            val = float(loss_fn(logits, G["yv"]))
            correct(logits, G["yv"])
        s["epochs"] += 1
        s["val_losses"].append(val)
        if math.isfinite(val) and val < s["best_loss"] - s["min_delta"]:
            s["best_loss"], s["best_epoch"], s["wait"] = val, s["epochs"], 0
            with torch.no_grad():
                for b, p in zip(self.best, self.params):
                    b.copy_(p)
        else:
            s["wait"] += 1
            if s["own_stop"] is None and (s["wait"] >= s["patience"] or not math.isfinite(val)):
                s["own_stop"] = s["epochs"]  # where this side's own rule would have stopped

    def state(self):
        s = dict(self.s)
        s["params"] = [p.detach().numpy().copy() for p in self.params]
        s["m"] = [a.numpy() for a in self.m]
        s["v"] = [a.numpy() for a in self.v]
        s["best"] = [a.numpy() for a in self.best]
        s["rng"] = self.rng.get_state()
        return s


def train_task(args):
    state, target, batch = args
    t = time.perf_counter()
    unit = Unit(state)
    while unit.s["epochs"] < target:
        unit.epoch(batch)
    out = unit.state()
    out["seconds"] = out.get("seconds", 0.0) + time.perf_counter() - t
    return out


def row_losses_task(state):
    unit = Unit(state)
    with torch.no_grad():
        for p, b in zip(unit.params, unit.best):
            p.copy_(b)
        return G["row_loss"](unit.model(G["xv"]), G["yv"]).reshape(-1).numpy()


def range_test_task(args):
    """fastai's per-step range test: 100 mini-batches, lr 1e-7 -> 10, smoothed, stop at 4x min."""
    seed, batch, points = args
    unit = Unit(dict(seed=seed, lr=0.0, step=0))
    xf, yf, loss_fn = G["xf"], G["yf"], G["loss"]
    n = xf.shape[0]
    q = (10.0 / 1e-7) ** (1.0 / (points - 1))
    lr, avg, best, curve = 1e-7, 0.0, math.inf, []
    perm, pos = torch.from_numpy(unit.rng.permutation(n)), 0
    for step in range(1, points + 1):
        if pos >= n:
            perm, pos = torch.from_numpy(unit.rng.permutation(n)), 0
        idx = perm[pos:pos + batch]
        pos += batch
        loss = loss_fn(unit.model(xf[idx]), yf[idx])
        lv = float(loss)
        avg = 0.98 * avg + 0.02 * lv
        smoothed = avg / (1 - 0.98 ** step)
        curve.append((lr, lv, smoothed))
        if step > 1 and (smoothed > 4 * best or not math.isfinite(smoothed)):
            break
        best = min(best, smoothed)
        grads = torch.autograd.grad(loss, unit.params)
        with torch.no_grad():
            unit.adam(list(grads), lr)
        lr *= q
    return curve


# ------------------------------------------------------------------------------------ main side

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--target", required=True)
    ap.add_argument("--positive")
    ap.add_argument("--lrtune-out", required=True, help="folder of the `lrtune tune` run to replay")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42, help="lrtune's --seed (CLI default 42)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--patience", type=int, default=10)
    ap.add_argument("--min-delta", type=float, default=0.0)
    ap.add_argument("--validation-fraction", type=float, default=0.2)
    ap.add_argument("--out", help="JSON with the timings and the epochs trained per unit")
    ap.add_argument("--rungs", type=int, help="replay only the first N rungs (no extensions, no pick): "
                    "to compare with the sum of lrtune's rung seconds when the whole search is too long")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    say = (lambda *x: None) if a.quiet else (lambda *x: print(*x, flush=True))

    tuning = json.load(open(os.path.join(a.lrtune_out, "tuning.json")))
    repeats = tuning["repeats"]
    if tuning.get("validation_splits", 1) != 1:
        sys.exit("torch_search: a small-data search (several validation parts) is not replayed")
    d = prepare(a.data, a.target, a.positive)
    fit_idx, val_idx = train_test_split(np.arange(len(d["y_train"])), test_size=a.validation_fraction,
                                        random_state=a.seed)
    arrays = dict(x_fit=d["x_train"][fit_idx], y_fit=d["y_train"][fit_idx],
                  x_val=d["x_train"][val_idx], y_val=d["y_train"][val_idx])
    note = check_against_lrtune(d, a.lrtune_out, tuning, arrays["x_fit"], arrays["x_val"])
    outputs = d["classes"] if d["task"] == "multiclass" else 1
    say(f"{os.path.basename(a.data)}: {d['task']}, {len(d['features'])} features -> {outputs} outputs; {note}")
    t_prep = time.perf_counter() - T0

    cands = tuning["candidates"]
    states = {}
    for c, cand in enumerate(cands):
        for r in range(repeats):
            states[(c, r)] = dict(c=c, r=r, seed=a.seed + r, lr=cand["learning_rate"], step=0, epochs=0,
                                  val_losses=[], best_loss=math.inf, best_epoch=0, wait=0,
                                  patience=a.patience, min_delta=a.min_delta, own_stop=None, params=None)

    ctx = mp.get_context("fork")
    timings = {}
    with ctx.Pool(a.workers, initializer=worker_init, initargs=(arrays, d["task"], outputs)) as pool:
        t = time.perf_counter()
        curve = pool.apply(range_test_task, ((a.seed, a.batch_size, 100),))
        timings["range_test_s"] = time.perf_counter() - t
        t_search = time.perf_counter()
        rung_seconds = []

        def run(jobs):
            # dynamic: the next unit goes to the next free process (lrtune's parallel_for)
            for out in pool.imap_unordered(train_task, jobs, chunksize=1):
                states[(out["c"], out["r"])] = out

        rungs = tuning["rungs"] if a.rungs is None else tuning["rungs"][:a.rungs]
        for k, rung in enumerate(rungs):
            t = time.perf_counter()
            jobs = []
            for c in rung["candidates"]:
                for r in range(repeats):
                    target = min(rung["epochs"], cands[c]["epochs_trained"][r])
                    if states[(c, r)]["epochs"] < target:
                        jobs.append((states[(c, r)], target, a.batch_size))
            run(jobs)
            rung_seconds.append(time.perf_counter() - t)
            say(f"  rung {k}: {len(jobs)} units to {rung['epochs']} epochs, {rung_seconds[-1]:.1f} s")
        for c, cand in enumerate(cands):  # extensions, one at a time, as lrtune adds them
            if cand.get("extension") and a.rungs is None:
                t = time.perf_counter()
                run([(states[(c, r)], cand["epochs_trained"][r], a.batch_size) for r in range(repeats)])
                say(f"  extension lr {cand['learning_rate']:.3g}: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        finite = [c for c, cand in enumerate(cands) if isinstance(cand["score"], (int, float))
                  and math.isfinite(cand["score"]) and a.rungs is None]
        list(pool.map(row_losses_task, [states[(c, r)] for c in finite for r in range(repeats)], chunksize=1))
        timings["pick_row_losses_s"] = time.perf_counter() - t
        timings["search_s"] = time.perf_counter() - t_search
        timings["rungs_s"] = rung_seconds

    # The pick's best weights (seed 0) become the model: test loss and accuracy, saved.
    pick = states[(tuning["pick"], 0)]
    torch.set_num_threads(1)
    worker_init(arrays, d["task"], outputs)
    unit = Unit(pick)
    with torch.no_grad():
        for p, b in zip(unit.params, unit.best):
            p.copy_(b)
        xt = torch.from_numpy(d["x_test"])
        if d["task"] == "multiclass":
            yt = torch.from_numpy(d["y_test"].astype(np.int64))
        else:
            yt = torch.from_numpy(d["y_test"].astype(np.float32)).unsqueeze(1)
        logits = unit.model(xt)
        test_loss, test_acc = float(G["loss"](logits, yt)), correct(logits, yt) / len(yt)
    if a.out:
        torch.save(unit.model.state_dict(), os.path.splitext(a.out)[0] + ".pt")

    # Same work? Epochs per unit against lrtune's epochs_trained.
    ours = {f"{c}/{r}": s["epochs"] for (c, r), s in states.items()}
    if a.rungs is None:
        theirs = {f"{c}/{r}": cands[c]["epochs_trained"][r] for c in range(len(cands)) for r in range(repeats)}
    else:  # epochs at the end of rung N: min(rung target, epochs trained) for the rungs' members
        theirs = {f"{c}/{r}": 0 for c in range(len(cands)) for r in range(repeats)}
        for rung in rungs:
            for c in rung["candidates"]:
                for r in range(repeats):
                    theirs[f"{c}/{r}"] = min(rung["epochs"], cands[c]["epochs_trained"][r])
        timings["lrtune_rungs_s"] = sum(rung["seconds"] for rung in rungs)
        timings["lrtune_rungs_cost"] = sum(rung["epochs_cost"] for rung in rungs)
    same = ours == theirs
    total = sum(ours.values())
    own_stops = {f"{c}/{r}": s["own_stop"] for (c, r), s in states.items()}
    agree = sum(1 for (c, r), s in states.items()
                if cands[c]["status"] == "early_stopped" and s["own_stop"] == s["epochs"])
    result = dict(data=os.path.basename(a.data), task=d["task"], features=len(d["features"]), outputs=outputs,
                  units=len(states), unit_epochs=total, lrtune_epochs_cost=tuning["epochs_cost"],
                  same_epochs_per_unit=same, epochs_per_unit=ours, own_early_stop_epoch=own_stops,
                  own_stop_agrees_with_lrtune=agree, data_check=note, prepare_s=t_prep, **timings,
                  range_test_points=len(curve), test_loss=test_loss, test_accuracy=test_acc,
                  pick_learning_rate=tuning["learning_rate"], torch=torch.__version__,
                  blas=torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0],
                  total_s=time.perf_counter() - T0)
    say(f"  {len(states)} units, {total} unit-epochs (lrtune: {tuning['epochs_cost']:g}), epochs per unit "
        f"{'identical' if same else 'DIFFERENT'}; search {timings['search_s']:.1f} s, total "
        f"{result['total_s']:.1f} s; test loss {test_loss:.4f}, accuracy {test_acc:.4f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
    if not same:
        sys.exit("torch_search: the epochs per unit differ from lrtune's")


if __name__ == "__main__":
    main()
