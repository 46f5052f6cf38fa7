#!/usr/bin/env python3
"""Checks `lrtune predict`'s output against two independent implementations: the numpy reader
(tools/read_lrtune_model.py, in float64 from the float32 weights) and, when torch imports, a
torch nn.Sequential built from the same tensors (float32). Every row must be there with the same
id, the same unscored rows must carry the same reasons, and each prediction column must agree.

Usage:
  python3 tools/check_predict.py MODEL DATA.csv PREDICTIONS.csv [--tolerance 1e-5]

Prints the largest absolute difference per column for each reference; a regression value is
judged in model units (the difference divided by the target scaler's std: the network's float32
outputs carry about 1e-7 relative error, which the std scales up in target units); a class column
counts the rows whose class differs (a row whose reference probabilities tie within the tolerance is not
counted: either class is right). Exits 1 when any difference exceeds the tolerance, a class
differs or the rows disagree; 0 otherwise. Producing the predictions is lrtune's.
"""
import argparse
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import read_lrtune_model as reader  # noqa: E402


def read_predictions(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def torch_outputs(model, x):
    """The network as torch layers from the file's tensors, float32, in eval mode (dropout off)."""
    import torch

    activations = {"relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh(),
                   "leaky_relu": torch.nn.LeakyReLU(0.2), "elu": torch.nn.ELU(1.0), "gelu": torch.nn.GELU(),
                   "softmax": torch.nn.Softmax(dim=1)}
    layers = []
    width = model.architecture["input_dim"]
    for spec in model.architecture["layers"]:
        if spec["type"] == "dropout":
            layers.append(torch.nn.Dropout(spec["rate"]))
            continue
        linear = torch.nn.Linear(width, spec["units"])
        with torch.no_grad():
            kernel = torch.from_numpy(np.array(model.tensors[spec["name"] + "/kernel"]))  # (in, out)
            linear.weight.copy_(kernel.T)  # torch keeps (out, in)
            linear.bias.copy_(torch.from_numpy(np.array(model.tensors[spec["name"] + "/bias"])))
        layers.append(linear)
        if spec["activation"] != "linear":
            layers.append(activations[spec["activation"]])
        width = spec["units"]
    net = torch.nn.Sequential(*layers).eval()
    with torch.no_grad():
        return net(torch.from_numpy(np.asarray(x, dtype=np.float32))).double().numpy()


def tie_margin(model, preds, i):
    """How far row i's reference is from changing class: |p - 0.5| (binary), top two apart (multiclass)."""
    if model.task == "binary":
        return abs(preds["probability"][i] - 0.5)
    p = sorted((preds["p_" + c][i] for c in model.classes), reverse=True)
    return p[0] - p[1]


def compare(model, name, preds, scored, got, header, tolerance):
    """Prints one line per prediction column; returns whether every column is within tolerance."""
    ok = True
    index = {r: k for k, r in enumerate(scored)}
    for j, column in enumerate(header):
        if column in ("row", "reason"):
            continue
        if column == "class":
            differ = ties = 0
            for r, cells in got.items():
                if r not in index:
                    continue
                want = preds["class"][index[r]]
                if str(want) != cells[j]:
                    if tie_margin(model, preds, index[r]) <= tolerance:
                        ties += 1
                    else:
                        differ += 1
            print(f"  {name:6s} {column:24s} rows with another class: {differ}" + (f" (and {ties} at a tie)" if ties else ""))
            ok = ok and differ == 0
            continue
        worst = 0.0
        for r, cells in got.items():
            if r in index:
                worst = max(worst, abs(float(cells[j]) - float(preds[column][index[r]])))
        if column == "value" and model.target_scaler:
            # The network computes in float32 (about 1e-7 relative) in model units; a value in
            # target units carries that error times the target's std, so the tolerance applies to
            # the difference in model units.
            judged = worst / model.target_scaler["std"]
            print(f"  {name:6s} {column:24s} largest |difference|: {worst:.3g} "
                  f"({judged:.3g} in model units, /std {model.target_scaler['std']:.6g}: judged)")
        else:
            judged = worst
            print(f"  {name:6s} {column:24s} largest |difference|: {worst:.3g}")
        ok = ok and judged <= tolerance
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("predictions")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()

    model = reader.Model(args.model)
    columns, rows = reader.read_csv_columns(args.data)
    x, scored, unscored = reader.apply_preprocessing(model.preprocessing, columns, rows)
    header, lines = read_predictions(args.predictions)
    want_header, want_rows = reader.predict_rows(model, args.data)
    print(f"{args.predictions}: task {model.task}, {len(lines)} rows ({len(unscored)} without a prediction), "
          f"columns {header}")
    ok = True
    if header != want_header:
        print(f"  header differs: expected {want_header}")
        return 1
    got = {}
    for cells in lines:
        got[int(cells[0])] = cells
    ids = [int(cells[0]) for cells in lines]
    if ids != list(range(rows)):
        print(f"  row ids are not 0..{rows - 1} in order")
        ok = False
    for r, reason in unscored:
        if r in got and (got[r][-1] != reason or any(got[r][1:-1])):
            print(f"  row {r}: expected empty predictions and reason {reason!r}, got {got[r]}")
            ok = False
    for r in scored:
        if r in got and got[r][-1] != "":
            print(f"  row {r}: a reason where a prediction was expected: {got[r][-1]!r}")
            ok = False

    references = [("numpy", reader.forward(model, x))] if scored else []
    try:
        import torch  # noqa: F401
        if scored:
            references.append(("torch", torch_outputs(model, x)))
    except ImportError:
        print("  torch: not installed, numpy only")
    for name, outputs in references:
        ok = compare(model, name, reader.task_predictions(model, outputs), scored, got, header, args.tolerance) and ok
    print("OK" if ok else f"FAILED (tolerance {args.tolerance:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
