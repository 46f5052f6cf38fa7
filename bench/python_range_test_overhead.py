#!/usr/bin/python3
"""The per-step bookkeeping cost of lrtune.range_test over a Python step (issue 17): the same torch
MLP on wine swept one mini-batch per rate by lrtune.range_test(step_fn) and by a plain Python loop
in the torch-lr-finder style (exponential schedule, smoothed loss with bias correction, stop when
the smoothed loss exceeds diverge_factor x the best). Both do the same torch work per step; the
difference of their per-step times is what the binding adds (the GIL handover, the library's
schedule, smoothing, divergence check, and the curve's suggestions at the end).

Run: PYTHONPATH=build/python /usr/bin/python3 bench/python_range_test_overhead.py [winequalityN.csv]
Prints the median per-step time of each side over interleaved runs and their difference."""

import statistics
import sys
import time

import numpy as np
import torch

import lrtune

START, END, NUM, DIVERGE, BETA, BATCH = 1e-6, 1.0, 100, 4.0, 0.98, 64


def data(path):
    d = lrtune.prepare(path, target="quality", positive=">=6")
    return (torch.tensor(d.x_train, dtype=torch.float32),
            torch.tensor(np.asarray(d.y_train).reshape(-1), dtype=torch.float32))


def make_step(x, y):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=START)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    position = 0

    def step(lr):
        nonlocal position
        rows = order[position:position + BATCH]
        position = (position + BATCH) % (len(x) - BATCH)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x[rows]).squeeze(1), y[rows])
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def plain_loop(step):
    """torch-lr-finder's loop: returns the number of steps taken."""
    smoothed, best = 0.0, float("inf")
    for i in range(NUM):
        lr = START * (END / START) ** (i / (NUM - 1))
        loss = step(lr)
        smoothed = BETA * smoothed + (1 - BETA) * loss
        value = smoothed / (1 - BETA ** (i + 1))
        best = min(best, value)
        if value > DIVERGE * best:
            return i + 1
    return NUM


def with_lrtune(step):
    return len(lrtune.range_test(step, start=START, end=END, num=NUM, smoothing_beta=BETA, diverge_factor=DIVERGE))


def main(path="../shared/data/winequalityN.csv", runs=15):
    torch.set_num_threads(1)
    x, y = data(path)
    times = {"plain loop": [], "lrtune.range_test": []}
    counts = {name: set() for name in times}
    for _ in range(runs):  # interleaved, so drifts in machine load hit both alike
        for name, sweep in (("plain loop", plain_loop), ("lrtune.range_test", with_lrtune)):
            step = make_step(x, y)
            t0 = time.perf_counter()
            steps = sweep(step)
            times[name].append((time.perf_counter() - t0) / steps)
            counts[name].add(steps)
    for name, per_step in times.items():
        print(f"{name:18s} {1e6 * statistics.median(per_step):8.1f} us/step (median of {runs}; "
              f"steps per sweep {sorted(counts[name])})")
    difference = statistics.median(times["lrtune.range_test"]) - statistics.median(times["plain loop"])
    print(f"difference         {1e6 * difference:8.1f} us/step")


if __name__ == "__main__":
    main(*sys.argv[1:2])
