#!/usr/bin/python3
"""Golden values for lrtune's losses (tests/nn/test_golden_losses.cpp): a fixed Dense layer
(logits = X W + b) and batch, then each loss's value, dL/dlogits, dL/dW and dL/db.

Cases: softmax cross-entropy from the logits with K=3 and K=26 (torch.nn.functional.cross_entropy),
binary cross-entropy from the logits of one sigmoid output (binary_cross_entropy_with_logits), MSE,
MAE and Huber with delta 1 on two linear outputs (torch's mse_loss, l1_loss, huber_loss, mean over
elements; Huber's residuals lie on both sides of delta), MAE with a residual of exactly zero (an
input row of zeros makes the logits equal the bias in any precision, and the target copies it), and
each loss sample-weighted (reduction='none' times the row's weight, summed, divided by the number
of elements: Keras' SUM_OVER_BATCH_SIZE, which lrtune's weighted losses follow).

Two implementations: PyTorch in float64 (autograd), and the published formulas written out here in
plain Python floats with math.fsum. With torch importable both run, must agree to 1e-12, and the
torch values are printed; without it the formulas' values are printed and the header says so.
Prints C++ to paste between the markers of tests/nn/test_golden_losses.cpp:
    /usr/bin/python3 tools/golden_losses.py
"""
import math
import random

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # Debian's python3-torch is not installed
    torch = None

rng = random.Random(20240614)


def draw(rows, cols, low=-1.0, high=1.0):
    # 6 decimals: exact to write, and the C++ side reads the same doubles.
    return [[round(rng.uniform(low, high), 6) for _ in range(cols)] for _ in range(rows)]


def one_hot(labels, classes):
    return [[1.0 if j == k else 0.0 for j in range(classes)] for k in labels]


# ---- the formulas, in plain Python --------------------------------------------------------------
def dense(X, W, b):
    return [[math.fsum(x[f] * W[f][j] for f in range(len(W))) + b[j] for j in range(len(b))] for x in X]


def softmax_ce(Z, Y, w):
    """sum_i w_i (-sum_j y_ij log_softmax(z_i)_j) / n and its gradient (softmax sum_j y - y) w_i / n."""
    n = len(Z)
    value, grad = [], []
    for z, y, wi in zip(Z, Y, w):
        m = max(z)
        lse = m + math.log(math.fsum(math.exp(v - m) for v in z))
        value.append(wi * math.fsum(-yj * (zj - lse) for zj, yj in zip(z, y)))
        ysum = math.fsum(y)
        grad.append([wi * (math.exp(zj - lse) * ysum - yj) / n for zj, yj in zip(z, y)])
    return math.fsum(value) / n, grad


def elementwise(Z, Y, w, term, derivative):
    """sum_ij w_i term(z_ij, y_ij) / N and its gradient w_i derivative(z_ij, y_ij) / N, N = elements."""
    count = len(Z) * len(Z[0])
    value = math.fsum(wi * term(z, y) for zr, yr, wi in zip(Z, Y, w) for z, y in zip(zr, yr)) / count
    grad = [[wi * derivative(z, y) / count for z, y in zip(zr, yr)] for zr, yr, wi in zip(Z, Y, w)]
    return value, grad


def bce_term(z, y):
    # -y log(sigmoid z) - (1 - y) log(1 - sigmoid z), written so that neither log overflows
    return max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def huber_term(r, delta=1.0):
    return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - 0.5 * delta)


def sign(r):
    return (r > 0) - (r < 0)


FORMULAS = {
    "cce": lambda Z, Y, w: softmax_ce(Z, Y, w),
    "bce": lambda Z, Y, w: elementwise(Z, Y, w, bce_term, lambda z, y: sigmoid(z) - y),
    "mse": lambda Z, Y, w: elementwise(Z, Y, w, lambda z, y: (z - y) ** 2, lambda z, y: 2 * (z - y)),
    "mae": lambda Z, Y, w: elementwise(Z, Y, w, lambda z, y: abs(z - y), lambda z, y: sign(z - y)),
    "huber": lambda Z, Y, w: elementwise(Z, Y, w, lambda z, y: huber_term(z - y),
                                         lambda z, y: max(-1.0, min(1.0, z - y))),
}


def reference(loss, X, W, b, Y, w):
    Z = dense(X, W, b)
    value, dZ = FORMULAS[loss](Z, Y, w)
    dW = [[math.fsum(X[i][f] * dZ[i][j] for i in range(len(X))) for j in range(len(b))] for f in range(len(W))]
    db = [math.fsum(dZ[i][j] for i in range(len(X))) for j in range(len(b))]
    return value, dZ, dW, db


# ---- PyTorch ------------------------------------------------------------------------------------
def with_torch(loss, X, W, b, Y, weights):
    """torch's own losses: their mean reduction when unweighted, else reduction='none' weighted by row."""
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    Wt, bt = t(W).requires_grad_(), t(b).requires_grad_()
    Z = t(X) @ Wt + bt
    Z.retain_grad()
    reduction = "mean" if weights is None else "none"
    if loss == "cce":
        terms = F.cross_entropy(Z, t(Y).argmax(dim=1), reduction=reduction)  # (batch) when "none"
    elif loss == "bce":
        terms = F.binary_cross_entropy_with_logits(Z, t(Y), reduction=reduction)
    elif loss == "mse":
        terms = F.mse_loss(Z, t(Y), reduction=reduction)
    elif loss == "mae":
        terms = F.l1_loss(Z, t(Y), reduction=reduction)
    else:
        terms = F.huber_loss(Z, t(Y), reduction=reduction, delta=1.0)
    if weights is None:
        value = terms
    else:
        w = t(weights) if terms.dim() == 1 else t(weights).unsqueeze(1)  # one weight per row
        value = (terms * w).sum() / terms.numel()
    value.backward()
    return value.item(), Z.grad.tolist(), Wt.grad.tolist(), bt.grad.tolist()


def flatten(v):
    """Nested lists (a value, matrices as lists of rows, vectors) to one flat list of numbers."""
    return [x for item in v for x in flatten(item)] if isinstance(v, (list, tuple)) else [v]


def agree(a, b):
    fa, fb = flatten(a), flatten(b)
    return len(fa) == len(fb) and all(abs(x - y) <= 1e-12 * max(1.0, abs(y)) for x, y in zip(fa, fb))


# ---- the cases ------------------------------------------------------------------------------------
def make_cases():
    cases = []
    X = draw(5, 4)
    for name, classes, weights in (("softmax_ce_k3", 3, None), ("softmax_ce_k3_weighted", 3, [0.5, 2.0, 0.0, 1.0, 3.25])):
        W, b = draw(4, classes, -2, 2), draw(1, classes, -0.5, 0.5)[0]
        cases.append((name, "cce", X, W, b, one_hot([0, 2, 1, 2, 0], classes), weights))
    X26 = draw(6, 4)
    W26, b26 = draw(4, 26, -2, 2), draw(1, 26, -0.5, 0.5)[0]
    cases.append(("softmax_ce_k26", "cce", X26, W26, b26, one_hot([0, 25, 7, 13, 7, 20], 26), None))
    Wr, br = draw(4, 2, -2, 2), draw(1, 2, -0.5, 0.5)[0]
    Yr = draw(5, 2, -3, 3)  # residuals on both sides of Huber's delta
    for loss in ("mse", "mae", "huber"):
        cases.append((loss, loss, X, Wr, br, Yr, None))
    # Drawn after the cases above so that their values do not move when cases are added here.
    weights = [0.5, 2.0, 0.0, 1.0, 3.25]
    for loss in ("mse", "mae", "huber"):
        cases.append((loss + "_weighted", loss, X, Wr, br, Yr, weights))
    Xb = draw(6, 3)
    Wb, bb = draw(3, 1, -2, 2), draw(1, 1, -0.5, 0.5)[0]
    Yb = [[1.0], [0.0], [0.0], [1.0], [1.0], [0.0]]
    cases.append(("bce", "bce", Xb, Wb, bb, Yb, None))
    cases.append(("bce_weighted", "bce", Xb, Wb, bb, Yb, [1.5, 0.0, 0.25, 2.0, 1.0, 0.75]))
    # Row 2 of X is zero, so its logits are the bias exactly (in float and double alike), and its
    # first target equals them: a residual of exactly 0, whose MAE gradient is sign(0) = 0.
    Xz = [list(r) for r in X]
    Xz[2] = [0.0] * len(X[0])
    Yz = [list(r) for r in Yr]
    Yz[2][0] = br[0]
    cases.append(("mae_zero_residual", "mae", Xz, Wr, br, Yz, None))
    return cases


def cpp_list(values):
    return "{" + ", ".join(repr(float(x)) for x in flatten(values)) + "}"


CPP_LOSS = {"cce": "categorical_crossentropy", "bce": "binary_crossentropy", "mse": "mean_squared_error",
            "mae": "mean_absolute_error", "huber": "huber"}


def main():
    source = "torch " + torch.__version__ + " (float64 autograd), checked against the formulas" if torch else \
        "the formulas in plain Python (torch not installed; rerun with python3-torch to check against it)"
    print("// ---- generated by tools/golden_losses.py: " + source + " ----")
    for name, loss, X, W, b, Y, weights in make_cases():
        w = weights if weights is not None else [1.0] * len(X)
        value, dZ, dW, db = reference(loss, X, W, b, Y, w)
        if torch is not None:
            got = with_torch(loss, X, W, b, Y, weights)
            if not agree(list(got), [value, dZ, dW, db]):
                raise SystemExit(name + ": torch and the formulas disagree")
            value, dZ, dW, db = got
        print("    {\"%s\", Loss::%s, %d, %d, %d," % (name, CPP_LOSS[loss], len(X), len(W), len(b)))
        for field, v in (("x", X), ("w", W), ("b", b), ("y", Y), ("sample_weights", weights or []), ("dlogits", dZ),
                         ("dw", dW), ("db", db)):
            print("     /*%s*/ %s," % (field, cpp_list(v)))
        print("     /*value*/ %r}," % value)
    print("// ---- end of generated values ----")


if __name__ == "__main__":
    main()
