#!/usr/bin/env python3
"""Reads an lrtune model file with numpy only and prints its layers, or predicts a CSV of
already-preprocessed rows. The reference for docs/model-file.md; also checks the format rules
(offsets cover the data exactly) so it can vouch for files our C++ writer made.

Usage:
  python3 tools/read_lrtune_model.py model.safetensors            # summary
  python3 tools/read_lrtune_model.py model.safetensors x.csv      # predictions of rows of x (no header)
"""
import json
import struct
import sys

import numpy as np


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


ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "softmax": lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True),
}


def predict(tensors, architecture, x):
    a = x.astype(np.float32)
    for layer in architecture["layers"]:
        if layer["type"] == "dense":  # dropout is the identity at inference
            a = ACTIVATIONS[layer["activation"]](a @ tensors[layer["name"] + "/kernel"] + tensors[layer["name"] + "/bias"])
    return a


def main():
    tensors, metadata = read_safetensors(sys.argv[1])
    assert metadata.get("format") == "lrtune.model", "not an lrtune model file"
    architecture = json.loads(metadata["architecture"])
    if len(sys.argv) > 2:
        x = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
        np.savetxt(sys.stdout, predict(tensors, architecture, x), fmt="%.9g")
        return
    print(f"lrtune {metadata.get('lrtune_version')}, loss {metadata['loss']}, input_dim {architecture['input_dim']}")
    for name, t in tensors.items():
        print(f"  {name:20s} {t.shape}")
    print("settings:", metadata["settings"])


if __name__ == "__main__":
    main()
