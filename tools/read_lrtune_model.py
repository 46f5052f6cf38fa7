#!/usr/bin/env python3
"""Reads an lrtune model file with numpy only: prints its layers, or predicts the raw rows of a
CSV as `lrtune predict` does (the file's preprocessing applied: imputer, one-hot encoding, scaler;
the output layer; the target scaler), or gives the raw outputs for already-preprocessed rows. The
reference for docs/model-file.md; it also checks the format rules (offsets cover the data exactly)
so it can vouch for files our C++ writer made. It leaves comparing with lrtune to check_predict.py.

Usage:
  python3 tools/read_lrtune_model.py model.safetensors                 # summary
  python3 tools/read_lrtune_model.py model.safetensors new.csv         # predict's CSV for raw rows (header row)
  python3 tools/read_lrtune_model.py model.safetensors --features x.csv  # outputs for preprocessed rows (no header)
"""
import csv
import io
import json
import math
import struct
import sys

import numpy as np

# lrtune's CSV reader (include/lrtune/data/csv.hpp): these cells are missing, compared after
# trimming spaces and tabs.
MISSING_TOKENS = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    end = 0
    for begin, stop, name in spans:
        assert begin == end, f"gap or overlap before {name}"
        end = stop
    assert end == len(data), "trailing bytes"
    tensors = {}
    for name, v in header.items():
        assert v["dtype"] == "F32", name
        begin, stop = v["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:stop], dtype="<f4").reshape(v["shape"])
    return tensors, metadata


class Model:
    """A model file's parts: tensors, architecture, loss, preprocessing (dicts as in the JSON)."""

    def __init__(self, path):
        self.tensors, self.metadata = read_safetensors(path)
        assert self.metadata.get("format") == "lrtune.model", "not an lrtune model file"
        self.architecture = json.loads(self.metadata["architecture"])
        self.loss = self.metadata["loss"]
        self.preprocessing = json.loads(self.metadata["preprocessing"])
        target = self.preprocessing["target"]
        self.task = target["rule"]["kind"]  # binary | multiclass | regression
        self.classes = target["classes"]
        self.target_scaler = target.get("scaler")  # {"mean", "std"}: regression trained on (y - mean) / std

    def dense_layers(self):
        return [layer for layer in self.architecture["layers"] if layer["type"] == "dense"]

    def output_activation(self):
        return self.dense_layers()[-1]["activation"]


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


ERF = np.vectorize(math.erf)
ACTIVATIONS = {  # Keras' defaults, as include/lrtune/nn/activations.hpp
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "gelu": lambda z: 0.5 * z * (1 + ERF(z / math.sqrt(2))),
    "softmax": softmax,
}


def forward(model, x, dtype=np.float64):
    """The network's outputs (rows, units) for preprocessed rows x; dropout is the identity here.
    The weights are float32; dtype float64 gives a reference free of float32 rounding."""
    a = np.asarray(x, dtype=np.float32).astype(dtype)
    for layer in model.dense_layers():
        kernel = model.tensors[layer["name"] + "/kernel"].astype(dtype)
        bias = model.tensors[layer["name"] + "/bias"].astype(dtype)
        a = ACTIVATIONS[layer["activation"]](a @ kernel + bias)
    return a


def detect_delimiter(header_line):
    """The most frequent of , ; and tab outside quotes (',' when none occurs), as lrtune reads."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    return next(d for d in (",", ";", "\t") if counts[d] == best) if best > 0 else ","


def read_csv_columns(path):
    """Header names and the raw text of each column (a list per column), RFC 4180."""
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if r]  # a final line break makes no row
    header, body = rows[0], rows[1:]
    return {name: [r[j] if j < len(r) else "" for r in body] for j, name in enumerate(header)}, len(body)


def is_missing(cell):
    return cell.strip(" \t") in MISSING_TOKENS


def parse_number(cell, column, row):
    text = cell.strip(" \t")
    try:
        if "_" in text:  # Python reads 1_000; lrtune does not
            raise ValueError(text)
        return float(text)
    except ValueError:
        raise SystemExit(f"data row {row}, column {column!r}: expected a number, found {cell!r}")


def columns_phrase(what, names):
    quoted = [f'"{n}"' for n in names]
    return f"{what} value in column {quoted[0]}" if len(names) == 1 else f"{what} values in columns {', '.join(quoted)}"


def apply_preprocessing(pre, columns, rows):
    """What FittedPreprocessing::apply makes of raw columns: (x (scored rows, features) float64,
    row labels of the scored rows, [(row, reason)] of the others)."""
    sources = pre["source_columns"]
    absent = [c["name"] for c in sources if c["name"] not in columns]
    if absent:
        raise SystemExit(f"the data lacks the model's columns {absent}")
    values = {}  # name -> list of float (numeric, NaN when missing) or str/None (categorical)
    for c in sources:
        name = c["name"]
        if c["type"] == "numeric":
            values[name] = [math.nan if is_missing(v) else parse_number(v, name, r) for r, v in enumerate(columns[name])]
        else:
            values[name] = [None if is_missing(v) else v for v in columns[name]]
    for fill in pre.get("imputer", []):  # fills missing cells only (not inf)
        col = values[fill["column"]]
        for r in range(rows):
            if (fill["type"] == "numeric" and math.isnan(col[r])) or (fill["type"] != "numeric" and col[r] is None):
                col[r] = fill["value"]
    scored, unscored = [], []
    for r in range(rows):
        missing = [c["name"] for c in sources
                   if (values[c["name"]][r] is None if c["type"] != "numeric" else math.isnan(values[c["name"]][r]))]
        infinite = [c["name"] for c in sources if c["type"] == "numeric" and math.isinf(values[c["name"]][r])]
        if missing or infinite:
            reason = columns_phrase("missing", missing) if missing else ""
            if infinite:
                reason += ("; " if reason else "") + columns_phrase("infinite", infinite)
            unscored.append((r, reason))
        else:
            scored.append(r)
    encoder = pre["encoder"]
    width = len(pre["numeric_features"]) + sum(len(e["outputs"]) for e in encoder["columns"])
    x = np.zeros((len(scored), width))
    for j, name in enumerate(pre["numeric_features"]):
        x[:, j] = [values[name][r] for r in scored]
    offset = len(pre["numeric_features"])
    for e in encoder["columns"]:
        for i, r in enumerate(scored):
            level = values[e["column"]][r]
            if level not in e["levels"]:
                if encoder["unknown"] == "error":
                    raise SystemExit(f"data row {r}, column {e['column']!r}: level {level!r} was not seen at fit time")
                continue  # all zeros
            if e["binary"]:
                x[i, offset] = 1.0 if level == e["positive_level"] else 0.0
            else:
                x[i, offset + e["levels"].index(level)] = 1.0
        offset += len(e["outputs"])
    scaler = pre["scaler"]
    if scaler["kind"] != "none":
        x = (x - np.asarray(scaler["offset"], dtype=np.float64)) / np.asarray(scaler["scale"], dtype=np.float64)
    return x, scored, unscored


def task_predictions(model, outputs):
    """The model's outputs read as the task: a dict of column -> per-row values (probabilities,
    class, or value in target units), in predict's column order."""
    out = {}
    activation = model.output_activation()
    if model.task == "regression":
        z = outputs[:, 0]
        s = model.target_scaler
        out["value"] = z * s["std"] + s["mean"] if s else z
        return out
    if model.task == "binary":
        p = outputs[:, 0]
        if activation == "linear":  # logits (binary_crossentropy from_logits)
            p = 1 / (1 + np.exp(-p))
        out["probability"] = p
        out["class"] = (p > 0.5).astype(int)
        return out
    p = softmax(outputs) if activation == "linear" else outputs
    for j, name in enumerate(model.classes):
        out["p_" + name] = p[:, j]
    out["class"] = [model.classes[int(k)] for k in np.argmax(p, axis=1)]  # ties: the first
    return out


def predict_rows(model, data_path):
    """(columns, rows): predict's header and its rows (lists of cells as Python values, None for
    an empty cell), one per data row in file order."""
    columns, rows = read_csv_columns(data_path)
    x, scored, unscored = apply_preprocessing(model.preprocessing, columns, rows)
    preds = task_predictions(model, forward(model, x)) if scored else {}
    names = (["probability", "class"] if model.task == "binary" else
             ["p_" + c for c in model.classes] + ["class"] if model.task == "multiclass" else ["value"])
    table = {}
    for i, r in enumerate(scored):
        table[r] = [r] + [preds[n][i] for n in names] + [""]
    for r, reason in unscored:
        table[r] = [r] + [None] * len(names) + [reason]
    return ["row"] + names + ["reason"], [table[r] for r in range(rows)]


def format_cell(value):
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    model = Model(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--features":
        x = np.loadtxt(sys.argv[3], delimiter=",", ndmin=2)
        np.savetxt(sys.stdout, forward(model, x, np.float32), fmt="%.9g")
        return
    if len(sys.argv) > 2:
        header, rows = predict_rows(model, sys.argv[2])
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([format_cell(v) for v in row])
        return
    arch = model.architecture
    print(f"lrtune {model.metadata.get('lrtune_version')}, task {model.task}, loss {model.loss}, "
          f"input_dim {arch['input_dim']}")
    if model.task == "multiclass":
        print("classes:", model.classes)
    if model.target_scaler:
        print("target scaler:", model.target_scaler)
    for name, t in model.tensors.items():
        print(f"  {name:20s} {t.shape}")
    print("settings:", model.metadata["settings"])


if __name__ == "__main__":
    main()
