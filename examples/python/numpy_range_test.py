"""The generic range test over a training step written in NumPy only: logistic regression by
mini-batch gradient descent on a synthetic problem, swept from 1e-5 to 100 with lrtune.range_test,
then every rule's suggestion. Run: PYTHONPATH=build/python /usr/bin/python3 examples/python/numpy_range_test.py
(tests/python/test_examples.py runs it). The same shape serves a PyTorch step: train one batch at
lr, return the loss; restoring the model afterwards is the caller's."""

import numpy as np

import lrtune


def make_step(X, y, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    start = X.shape[0]  # reshuffled at the first step

    def step(lr):
        nonlocal start, order
        if start + batch_size > X.shape[0]:
            order, start = rng.permutation(X.shape[0]), 0
        rows = order[start:start + batch_size]
        start += batch_size
        p = 1.0 / (1.0 + np.exp(-np.clip(X[rows] @ w, -30, 30)))
        w[:] -= lr * X[rows].T @ (p - y[rows]) / len(rows)  # dL/dw of the mean cross-entropy
        return float(-np.mean(y[rows] * np.log(p + 1e-12) + (1 - y[rows]) * np.log(1 - p + 1e-12)))

    order = None
    return step


def main():
    rng = np.random.default_rng(42)
    X = rng.normal(size=(2000, 5))
    y = (X @ np.array([1.5, -2.0, 0.5, 0.0, 1.0]) + rng.normal(scale=0.5, size=2000) > 0).astype(float)
    curve = lrtune.range_test(make_step(X, y), start=1e-5, end=100.0, num=150)
    print(curve)
    return curve


if __name__ == "__main__":
    main()
