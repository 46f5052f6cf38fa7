#!/usr/bin/python3
"""A big synthetic CSV for the big-table measurements (issue 18): N rows, 20 numeric features
x0..x19 and a binary target y drawn from a noisy logistic rule on them, so a network can learn it.

  /usr/bin/python3 bench/make_big_table.py OUT.csv [--rows 5000000] [--seed 18]

Same rows and seed -> the same file, byte for byte. numpy only (Debian's python3-numpy).
The numbers are written with a fixed width (sign or leading zero, 3 integer digits, 4 decimals:
"-012.3456", "0045.1000"), formatted by digit arithmetic on whole arrays: numpy's own number
formatting (savetxt, char.mod) would take minutes for 5 million rows. Written in chunks of
250,000 rows, so memory stays small whatever N is.
"""
import argparse
import sys

import numpy as np

FEATURES = 20
CHUNK = 250_000
DECIMALS = 4
INT_DIGITS = 3
WIDTH = 1 + INT_DIGITS + 1 + DECIMALS  # sign, digits, '.', decimals


def fixed_width_text(x: np.ndarray) -> np.ndarray:
    """(n, k) floats with |x| < 1000 -> (n, k, WIDTH) ASCII bytes, rounded to DECIMALS places."""
    q = np.rint(np.abs(x) * 10**DECIMALS).astype(np.int64)
    out = np.empty(x.shape + (WIDTH,), dtype=np.uint8)
    out[..., 0] = np.where(x < 0, ord("-"), ord("0"))
    digits = INT_DIGITS + DECIMALS
    positions = [p for p in range(1, WIDTH) if p != 1 + INT_DIGITS]  # the digit places, left to right
    for k, p in enumerate(positions):
        out[..., p] = (q // 10 ** (digits - 1 - k)) % 10 + ord("0")
    out[..., 1 + INT_DIGITS] = ord(".")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the CSV file to write")
    parser.add_argument("--rows", type=int, default=5_000_000, help="data rows (default 5,000,000)")
    parser.add_argument("--seed", type=int, default=18, help="the generator's seed (default 18)")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error(f"--rows {args.rows}: expected at least 1")
    rng = np.random.default_rng(args.seed)
    # The rule: a fixed weight vector; features on different scales and offsets (so the scaler
    # has work to do); logistic noise on the logit, so about 10 % of the labels go against it.
    weights = rng.normal(0.0, 1.0, FEATURES)
    scales = rng.uniform(0.5, 20.0, FEATURES)
    offsets = rng.uniform(-50.0, 50.0, FEATURES)
    header = ",".join([f"x{j}" for j in range(FEATURES)] + ["y"])
    with open(args.out, "wb") as out:
        out.write((header + "\n").encode("ascii"))
        for start in range(0, args.rows, CHUNK):
            n = min(CHUNK, args.rows - start)
            z = rng.normal(0.0, 1.0, (n, FEATURES))
            logit = z @ weights / np.sqrt(FEATURES) * 3.0 + rng.logistic(0.0, 1.0, n)
            x = np.clip(z * scales + offsets, -999.9999, 999.9999)
            # A row: 20 fields and a comma after each, then the target digit and a newline.
            row = np.empty((n, FEATURES * (WIDTH + 1) + 2), dtype=np.uint8)
            cells = row[:, : FEATURES * (WIDTH + 1)].reshape(n, FEATURES, WIDTH + 1)
            cells[:, :, :WIDTH] = fixed_width_text(x)
            cells[:, :, WIDTH] = ord(",")
            row[:, -2] = np.where(logit > 0.0, ord("1"), ord("0"))
            row[:, -1] = ord("\n")
            out.write(row.tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
