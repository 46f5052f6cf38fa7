#!/usr/bin/python3
"""lrtune against PyTorch and scikit-learn on the same data, model, optimizer and epochs (issue 14).

For each set (default: the development sets digits, multiclass, and diabetes, regression) it
trains lrtune's default model with `lrtune train --lr 0.001 --early-stopping=false`, the same
model written in PyTorch, and scikit-learn's MLPClassifier/MLPRegressor (as configured in the
issue, and once more with Keras' epsilon and zero initial biases), with seeds 0..N-1, and
prints per framework the test metrics' mean ± sample std, the seconds per training and, per
metric, whether the difference from lrtune is within noise (|diff| < 2 standard errors of the
difference of two means). It does not tune anything and touches no file outside --work.

The data is prepared here as pandas + scikit-learn would (dropna, one-hot for text columns,
train_test_split(test_size=0.2, random_state=42), StandardScaler fitted on train; a regression
target standardised with the train mean and population std, metrics back in target units), and
before any training the script checks that lrtune's split is the same: its train/test row
counts (data_steps.json) and its test rows in order (test_predictions.csv).

Usage (from the repository root, after building lrtune_cli):
    nice -n 19 /usr/bin/python3 tools/compare_frameworks.py [--lrtune build/lrtune]
        [--data ../shared/data/study] [--seeds 5] [--epochs-digits 50] [--epochs-diabetes 100]
Every framework runs on one thread (torch.set_num_threads(1), BLAS threads 1), as lrtune's
`train` does, so the seconds compare like with like on a shared machine.
"""
import os

# One BLAS thread before numpy is imported: lrtune's `train` runs on one core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import csv
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

HIDDEN = (128, 256, 256)  # lrtune's default --layers
LR = 1e-3
BATCH = 32
# Keras' Adam defaults, which lrtune uses (SEED.md §2); scikit-learn's epsilon is 1e-8.
BETA1, BETA2, EPS_KERAS = 0.9, 0.999, 1e-7
SPLIT_SEED, TEST_SIZE = 42, 0.2
SKLEARN_MATCHED = "scikit-learn, eps 1e-7, zero biases"

METRICS = {
    "multiclass": [("accuracy", "test_accuracy"), ("macro_f1", "test_macro_f1")],
    "regression": [("rmse", "test_rmse"), ("mae", "test_mae"), ("r2", "test_r2")],
}


class DataSet:
    """One CSV prepared as lrtune prepares it: split, scaled, and (regression) a scaled target."""

    def __init__(self, path, target, task):
        self.path, self.target, self.task = Path(path), target, task
        frame = pd.read_csv(self.path).dropna()
        y = frame.pop(target)
        text = [c for c in frame.columns if frame[c].dtype == object]
        if text:  # lrtune: two levels -> one 0/1 column, more -> one-hot; none in these sets
            frame = pd.get_dummies(frame, columns=text)
        train_x, test_x, train_y, test_y = train_test_split(
            frame, y, test_size=TEST_SIZE, random_state=SPLIT_SEED)
        self.test_rows = list(test_x.index)  # pandas labels = 0-based data rows after dropna of nothing
        self.n_train, self.n_test = len(train_x), len(test_x)
        scaler = StandardScaler().fit(train_x.to_numpy(dtype=np.float64))
        self.x_train = scaler.transform(train_x.to_numpy(dtype=np.float64))
        self.x_test = scaler.transform(test_x.to_numpy(dtype=np.float64))
        if task == "multiclass":
            self.classes = np.sort(y.unique())  # lrtune: labels sorted, y = class index
            self.y_train = np.searchsorted(self.classes, train_y.to_numpy())
            self.y_test = np.searchsorted(self.classes, test_y.to_numpy())
        else:
            self.y_train = train_y.to_numpy(dtype=np.float64)
            self.y_test = test_y.to_numpy(dtype=np.float64)
            self.y_mean = self.y_train.mean()
            self.y_std = self.y_train.std()  # population std, as StandardScaler
            self.y_train_scaled = (self.y_train - self.y_mean) / self.y_std

    def outputs(self):
        return len(self.classes) if self.task == "multiclass" else 1

    def score(self, predicted):
        """Test metrics of class indices (multiclass) or values in target units (regression)."""
        if self.task == "multiclass":
            return {"accuracy": accuracy_score(self.y_test, predicted),
                    "macro_f1": f1_score(self.y_test, predicted, average="macro")}
        return {"rmse": math.sqrt(mean_squared_error(self.y_test, predicted)),
                "mae": mean_absolute_error(self.y_test, predicted),
                "r2": r2_score(self.y_test, predicted)}


# ---------------------------------------------------------------------------------------- lrtune

def lrtune_command(binary, data, epochs, seed, out):
    return ["nice", "-n", "19", str(binary), "train", str(data.path), "--target", data.target,
            "--lr", str(LR), "--epochs", str(epochs), "--early-stopping=false", "--seed", str(seed),
            "--out", str(out), "--quiet", "--json"]


def run_lrtune(binary, data, epochs, seed, work):
    out = work / f"lrtune-{data.path.stem}-seed{seed}"
    start = time.perf_counter()
    done = subprocess.run(lrtune_command(binary, data, epochs, seed, out),
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"compare_frameworks: lrtune train on {data.path.name} seed {seed} exited "
                 f"{done.returncode}: {done.stderr.strip()}")
    summary = json.loads(done.stdout)
    if summary.get("epochs_run") != epochs or summary.get("stop_reason") != "completed":
        sys.exit(f"compare_frameworks: lrtune ran {summary.get('epochs_run')} of {epochs} epochs "
                 f"({summary.get('stop_reason')}) on {data.path.name} seed {seed}; expected all")
    metrics = {name: summary[key] for name, key in METRICS[data.task]}
    return metrics, summary["train_seconds"], wall, out


def check_split(data, out):
    """lrtune's split must be the one this script trains the others on, row for row."""
    steps = json.loads((out / "data_steps.json").read_text())
    split = next(s for s in steps if s["step"] == "split")["details"]
    if (split["train"], split["test"]) != (data.n_train, data.n_test):
        sys.exit(f"compare_frameworks: lrtune split {data.path.name} into {split['train']} train / "
                 f"{split['test']} test rows, scikit-learn into {data.n_train} / {data.n_test}")
    with open(out / "test_predictions.csv", newline="") as f:
        rows = [int(r["row"]) for r in csv.DictReader(f)]
    if rows != data.test_rows:
        first = next(i for i, (a, b) in enumerate(zip(rows, data.test_rows)) if a != b) \
            if len(rows) == len(data.test_rows) else min(len(rows), len(data.test_rows))
        sys.exit(f"compare_frameworks: lrtune's test rows of {data.path.name} differ from "
                 f"train_test_split(random_state={SPLIT_SEED}) at position {first}")
    return f"{split['train']} train / {split['test']} test rows, test rows identical in order"


# --------------------------------------------------------------------------------------- PyTorch

def keras_adam_step(params, grads, m, v, step):
    """Keras' (TF 2) Adam, the form lrtune trains with by default: epsilon after the bias
    correction of the step size (torch.optim.Adam adds it to sqrt(v_hat) instead, SEED.md §2).
    lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t);  w -= lr_t * m / (sqrt(v) + eps)"""
    lr_t = LR * math.sqrt(1.0 - BETA2 ** step) / (1.0 - BETA1 ** step)
    for p, g, m_i, v_i in zip(params, grads, m, v):
        m_i.mul_(BETA1).add_(g, alpha=1.0 - BETA1)
        v_i.mul_(BETA2).addcmul_(g, g, value=1.0 - BETA2)
        p.addcdiv_(m_i, v_i.sqrt().add_(EPS_KERAS), value=-lr_t)


def run_torch(data, epochs, seed):
    torch.manual_seed(seed)
    widths = (data.x_train.shape[1],) + HIDDEN
    layers = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(widths[-1], data.outputs()))  # softmax sits in the loss
    model = torch.nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, torch.nn.Linear):  # Keras: Glorot uniform, zero biases
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    params = list(model.parameters())
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]

    x = torch.tensor(data.x_train, dtype=torch.float32)  # float32, as Keras and lrtune train
    if data.task == "multiclass":
        y = torch.tensor(data.y_train, dtype=torch.long)
        loss_fn = torch.nn.CrossEntropyLoss()  # categorical cross-entropy from the logits
    else:
        y = torch.tensor(data.y_train_scaled, dtype=torch.float32).unsqueeze(1)
        loss_fn = torch.nn.MSELoss()
    order = np.random.RandomState(seed)  # a fresh permutation every epoch, last batch kept
    n, step = len(x), 0
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.from_numpy(order.permutation(n))
        for lo in range(0, n, BATCH):
            idx = perm[lo:lo + BATCH]
            loss = loss_fn(model(x[idx]), y[idx])
            grads = torch.autograd.grad(loss, params)
            step += 1
            with torch.no_grad():
                keras_adam_step(params, grads, m, v, step)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        out = model(torch.tensor(data.x_test, dtype=torch.float32)).numpy().astype(np.float64)
    if data.task == "multiclass":
        predicted = out.argmax(axis=1)
    else:
        predicted = out[:, 0] * data.y_std + data.y_mean
    return data.score(predicted), seconds


# ---------------------------------------------------------------------------------- scikit-learn

class _ZeroBiases:
    """Mixin: Keras' initial biases (zero) in scikit-learn's MLP, which draws them uniform like the
    weights. Overrides the private `_init_coef` (scikit-learn 1.2); the weights are drawn as before."""

    def _init_coef(self, fan_in, fan_out, dtype):
        coef, intercept = super()._init_coef(fan_in, fan_out, dtype)
        return coef, np.zeros_like(intercept)


class MatchedClassifier(_ZeroBiases, MLPClassifier):
    pass


class MatchedRegressor(_ZeroBiases, MLPRegressor):
    pass


def run_sklearn(data, epochs, seed, matched=False):
    """MLPClassifier/MLPRegressor: same layers, Adam (scikit-learn's is Keras' form: epsilon after
    the bias correction), rate, batch and epochs, no L2 (alpha=0) and no early stop (tol=0 with
    n_iter_no_change=epochs can never trigger). As configured in the issue it differs in: epsilon
    1e-8, biases initialised uniform like the weights (not zero), float64, and the regressor's loss
    is half the squared error (Adam is nearly invariant to that scale). `matched` removes the first
    two (epsilon 1e-7, zero biases), to tell whether they explain a gap."""
    options = dict(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                   learning_rate_init=LR, beta_1=BETA1, beta_2=BETA2, batch_size=BATCH,
                   max_iter=epochs, alpha=0.0, shuffle=True, early_stopping=False,
                   n_iter_no_change=epochs, tol=0.0, random_state=seed)
    if matched:
        options["epsilon"] = EPS_KERAS
        kind = MatchedClassifier if data.task == "multiclass" else MatchedRegressor
    else:
        kind = MLPClassifier if data.task == "multiclass" else MLPRegressor
    model = kind(**options)
    target = data.y_train if data.task == "multiclass" else data.y_train_scaled
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # it reaches max_iter by design
        model.fit(data.x_train, target)
    seconds = time.perf_counter() - start
    if model.n_iter_ != epochs:
        sys.exit(f"compare_frameworks: scikit-learn stopped after {model.n_iter_} of {epochs} epochs")
    predicted = model.predict(data.x_test)
    if data.task == "regression":
        predicted = predicted * data.y_std + data.y_mean
    return data.score(predicted), seconds


# -------------------------------------------------------------------------------------- the table

def mean_std(values):
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def verdict(ours, theirs):
    """Difference of means against the standard error of that difference,
    sqrt(s1^2/n1 + s2^2/n2); within noise when |diff| < 2 SE."""
    (m1, s1), (m2, s2) = mean_std(ours), mean_std(theirs)
    se = math.sqrt(s1 ** 2 / len(ours) + s2 ** 2 / len(theirs))
    diff = m2 - m1
    within = abs(diff) < 2 * se
    ratio = abs(diff) / se if se > 0 else (0.0 if diff == 0 else math.inf)
    return diff, se, ratio, within


def report(data, epochs, seeds, results, split_note):
    names = [name for name, _ in METRICS[data.task]]
    lines = [f"### {data.path.name} ({data.task}, target `{data.target}`, {epochs} epochs, seeds 0..{seeds - 1})",
             "", f"Split: {split_note}.", ""]
    header = "| framework | " + " | ".join(names) + " | fit s / training | process s / training |"
    lines += [header, "|" + " --- |" * (len(names) + 3)]
    for framework, runs in results.items():
        cells = []
        for name in names:
            mu, sd = mean_std([r["metrics"][name] for r in runs])
            cells.append(f"{mu:.4f} ± {sd:.4f}")
        fit_mu, fit_sd = mean_std([r["fit_s"] for r in runs])
        walls = [r["wall_s"] for r in runs if r.get("wall_s") is not None]
        wall = f"{np.mean(walls):.2f}" if walls else "-"
        lines.append(f"| {framework} | " + " | ".join(cells) + f" | {fit_mu:.2f} ± {fit_sd:.2f} | {wall} |")
    lines += ["", "| metric | framework | mean - lrtune's | SE of the difference | abs(diff) / SE | verdict |",
              "| --- | --- | --- | --- | --- | --- |"]
    for name in names:
        ours = [r["metrics"][name] for r in results["lrtune"]]
        for framework, runs in results.items():
            if framework == "lrtune":
                continue
            diff, se, ratio, within = verdict(ours, [r["metrics"][name] for r in runs])
            lines.append(f"| {name} | {framework} | {diff:+.4f} | {se:.4f} | {ratio:.2f} | "
                         f"{'within noise' if within else 'NOT within noise'} |")
    lines += ["", "Per seed (" + ", ".join(names) + "):", ""]
    for framework, runs in results.items():
        per_seed = "; ".join(f"{r['seed']}: " + " ".join(f"{r['metrics'][n]:.4f}" for n in names) for r in runs)
        lines.append(f"- {framework}: {per_seed}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lrtune", default="build/lrtune", help="the lrtune binary")
    parser.add_argument("--data", default="../shared/data/study", help="folder of digits.csv, diabetes.csv")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 for every framework")
    parser.add_argument("--epochs-digits", type=int, default=50)
    parser.add_argument("--epochs-diabetes", type=int, default=100)
    parser.add_argument("--work", default=None, help="folder for lrtune's outputs (default: a temporary one)")
    parser.add_argument("--json", default=None, help="also write every run's figures to this JSON file")
    args = parser.parse_args()
    if args.seeds < 2:
        parser.error("--seeds must be at least 2: the verdict needs a sample std")
    binary = Path(args.lrtune).resolve()
    if not binary.is_file():
        parser.error(f"--lrtune {args.lrtune}: no such file; build it with "
                     "`cmake --build build --target lrtune_cli`")
    torch.set_num_threads(1)
    work_holder = None
    if args.work:
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work_holder = tempfile.TemporaryDirectory(prefix="compare_frameworks-")
        work = Path(work_holder.name)

    sets = [(DataSet(Path(args.data) / "digits.csv", "digit", "multiclass"), args.epochs_digits),
            (DataSet(Path(args.data) / "diabetes.csv", "progression", "regression"), args.epochs_diabetes)]
    print(f"## lrtune vs PyTorch and scikit-learn\n\n"
          f"python {platform.python_version()}, torch {torch.__version__}, scikit-learn {sklearn.__version__}, "
          f"pandas {pd.__version__}, numpy {np.__version__}; "
          f"{platform.machine()}, {os.cpu_count()} cores, one thread per framework\n"
          f"lrtune: `{' '.join(lrtune_command(args.lrtune, sets[0][0], 'E', 'S', 'OUT'))}`\n", flush=True)
    everything = {}
    for data, epochs in sets:
        results = {"lrtune": [], "PyTorch": [], "scikit-learn": [], SKLEARN_MATCHED: []}
        split_note = None
        for seed in range(args.seeds):
            metrics, fit_s, wall_s, out = run_lrtune(binary, data, epochs, seed, work)
            if split_note is None:
                split_note = check_split(data, out)
            results["lrtune"].append({"seed": seed, "metrics": metrics, "fit_s": fit_s, "wall_s": wall_s})
            metrics, fit_s = run_torch(data, epochs, seed)
            results["PyTorch"].append({"seed": seed, "metrics": metrics, "fit_s": fit_s, "wall_s": None})
            metrics, fit_s = run_sklearn(data, epochs, seed)
            results["scikit-learn"].append({"seed": seed, "metrics": metrics, "fit_s": fit_s, "wall_s": None})
            metrics, fit_s = run_sklearn(data, epochs, seed, matched=True)
            results[SKLEARN_MATCHED].append({"seed": seed, "metrics": metrics, "fit_s": fit_s, "wall_s": None})
            print(f"  {data.path.name} seed {seed} done", file=sys.stderr, flush=True)
        print(report(data, epochs, args.seeds, results, split_note) + "\n", flush=True)
        everything[data.path.name] = {"epochs": epochs, "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=2) + "\n")
    if work_holder:
        work_holder.cleanup()


if __name__ == "__main__":
    main()
