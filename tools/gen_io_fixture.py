#!/usr/bin/env python3
"""Writes tests/resources/io/python_model.safetensors: an lrtune model file made by hand in
Python with numpy only (the safetensors package is not needed), following the published format
(8-byte little-endian header length, JSON header, raw little-endian data). The C++ loader must
read it, proving that our format is plain safetensors and not our writer's private dialect.
Also writes python_model_expected.json: inputs and numpy's float32 forward pass.

Usage: python3 tools/gen_io_fixture.py   (from the repository root)
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "resources", "io")


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, float32 array) in data order."""
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, array in tensors:
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    rng = np.random.RandomState(1234)
    # Dense(4, relu) -> Dropout(0.25) -> Dense(1, sigmoid) on 3 inputs.
    w0 = rng.uniform(-1, 1, size=(3, 4)).astype(np.float32)
    b0 = rng.uniform(-0.1, 0.1, size=(4,)).astype(np.float32)
    w1 = rng.uniform(-1, 1, size=(4, 1)).astype(np.float32)
    b1 = rng.uniform(-0.1, 0.1, size=(1,)).astype(np.float32)
    architecture = {
        "input_dim": 3,
        "layers": [
            {"type": "dense", "name": "dense", "units": 4, "activation": "relu", "kernel_initializer": "glorot_uniform"},
            {"type": "dropout", "name": "dropout", "rate": 0.25},
            {"type": "dense", "name": "dense_1", "units": 1, "activation": "sigmoid",
             "kernel_initializer": "glorot_uniform"},
        ],
        "parameter_count": 3 * 4 + 4 + 4 * 1 + 1,
    }
    preprocessing = {
        "format": "lrtune.preprocessing", "version": 1,
        "source_columns": [{"name": n, "type": "numeric"} for n in ("alcohol", "sugar", "acidity")],
        "numeric_features": ["alcohol", "sugar", "acidity"],
        "target": {"column": "quality", "rule": {"kind": "binary", "op": ">=", "threshold": 6.0}, "classes": ["0", "1"]},
        "missing": "drop_rows",
        "encoder": {"columns": [], "unknown": "error"},
        "scaler": {"kind": "standard", "offset": [10.5, 5.4, 7.2], "scale": [1.2, 4.7, 1.3]},
        "feature_names": ["alcohol", "sugar", "acidity"],
    }
    settings = {"optimizer": {"name": "adam", "learning_rate": 0.007}, "epochs": 100, "batch_size": 32, "seed": 0}
    metadata = {
        "format": "lrtune.model",
        "format_version": "1",
        "lrtune_version": "python-fixture",
        "architecture": json.dumps(architecture),
        "loss": "binary_crossentropy",
        "preprocessing": json.dumps(preprocessing),
        "settings": json.dumps(settings),
    }
    # Python's writer order (name order) rather than ours, to show the reader does not care.
    tensors = sorted([("dense/kernel", w0), ("dense/bias", b0), ("dense_1/kernel", w1), ("dense_1/bias", b1)])
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, "python_model.safetensors"), tensors, metadata)

    x = rng.normal(size=(5, 3)).astype(np.float32)
    h = np.maximum(x @ w0 + b0, np.float32(0))
    z = h @ w1 + b1
    p = (np.float32(1) / (np.float32(1) + np.exp(-z))).astype(np.float32)
    expected = {
        "x": x.astype(float).tolist(),
        "predictions": p[:, 0].astype(float).tolist(),
        "dense/kernel": w0.astype(float).tolist(),
        "dense_1/bias": b1.astype(float).tolist(),
    }
    with open(os.path.join(OUT, "python_model_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
