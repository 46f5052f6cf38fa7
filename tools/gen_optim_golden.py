#!/usr/bin/python3
"""Golden values for lrtune's optimizers (tests/optim/test_optimizer.cpp).

Keras forms: a float64 numpy implementation written here from the published update
formulas (docs/optim.md). PyTorch forms: torch.optim itself, float32, with the model's
four tensors W1 (3,4), b1 (4), W2 (4,2), b2 (2) as separate parameters, so per-tensor
state (and any per-tensor step counter) is exercised. Run with Debian's interpreter:
    /usr/bin/python3 tools/gen_optim_golden.py > tests/resources/optim/optimizer_golden.json
"""
import json

import numpy as np
import torch

SHAPES = [(3, 4), (4,), (4, 2), (2,)]
SIZES = [int(np.prod(s)) for s in SHAPES]
N = sum(SIZES)
STEPS = 8

rng = np.random.RandomState(20240601)
INITIAL = rng.normal(0.0, 0.5, N).astype(np.float32)
# Gradient scales change from step to step, so amsgrad's running maximum matters.
SCALES = [1.0, 3.0, 0.2, 0.5, 2.0, 0.1, 1.0, 0.3]
GRADS = [(rng.normal(0.0, 1.0, N) * s).astype(np.float32) for s in SCALES]
GRADS[2][5] = 0.0  # an exact zero gradient
LR_FACTORS = [1.0, 0.5, 2.0, 1.5, 0.3, 3.0, 0.7, 1.2]
MOMENTA = [0.95, 0.9, 0.85, 0.8, 0.85, 0.9, 0.95, 0.9]


# ---- Keras forms (float64, from the formulas) ----------------------------------------
def keras_run(name, options, lrs, momenta):
    w = INITIAL.astype(np.float64)
    o = dict(options)
    slots = {}
    out = []
    for t, (g32, lr) in enumerate(zip(GRADS, lrs), start=1):
        g = g32.astype(np.float64)
        if momenta is not None:
            o["beta_1" if name in ("adam", "adamw") else "momentum"] = momenta[t - 1]
        if name == "sgd":
            mu = o.get("momentum", 0.0)
            if mu != 0.0:
                v = slots.setdefault("v", np.zeros(N))
                v[:] = mu * v - lr * g
                if o.get("nesterov", False):
                    w = w + mu * v - lr * g
                else:
                    w = w + v
            else:
                w = w - lr * g
        elif name in ("adam", "adamw"):
            b1, b2, eps = o["beta_1"], o["beta_2"], o["epsilon"]
            w = w - w * o.get("weight_decay", 0.0) * lr
            m = slots.setdefault("m", np.zeros(N))
            v = slots.setdefault("v", np.zeros(N))
            m[:] = b1 * m + (1 - b1) * g
            v[:] = b2 * v + (1 - b2) * g * g
            denom_v = v
            if o.get("amsgrad", False):
                vh = slots.setdefault("vh", np.zeros(N))
                vh[:] = np.maximum(vh, v)
                denom_v = vh
            lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            w = w - lr_t * m / (np.sqrt(denom_v) + eps)
        elif name == "rmsprop":
            rho, mu, eps = o["rho"], o.get("momentum", 0.0), o["epsilon"]
            v = slots.setdefault("v", np.zeros(N))
            v[:] = rho * v + (1 - rho) * g * g
            if o.get("centered", False):
                a = slots.setdefault("a", np.zeros(N))
                a[:] = rho * a + (1 - rho) * g
                d = v - a * a + eps
            else:
                d = v + eps
            inc = lr * g / np.sqrt(d)
            if mu > 0:
                b = slots.setdefault("b", np.zeros(N))
                b[:] = mu * b + inc
                w = w - b
            else:
                w = w - inc
        elif name == "adagrad":
            s = slots.setdefault("s", np.full(N, o["initial_accumulator_value"]))
            s[:] = s + g * g
            w = w - lr * g / np.sqrt(s + o["epsilon"])
        out.append(w.tolist())
    return out


# ---- PyTorch forms (torch.optim itself) ---------------------------------------------
def torch_optimizer(name, o, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=1.0, momentum=o.get("momentum", 0.0), dampening=o.get("dampening", 0.0),
                               nesterov=o.get("nesterov", False))
    if name == "adam":
        return torch.optim.Adam(params, lr=1.0, betas=(o["beta_1"], o["beta_2"]), eps=o["epsilon"],
                                amsgrad=o.get("amsgrad", False))
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1.0, betas=(o["beta_1"], o["beta_2"]), eps=o["epsilon"],
                                 weight_decay=o["weight_decay"], amsgrad=o.get("amsgrad", False))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=1.0, alpha=o["rho"], eps=o["epsilon"], momentum=o.get("momentum", 0.0),
                                   centered=o.get("centered", False))
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=1.0, lr_decay=o.get("lr_decay", 0.0),
                                   initial_accumulator_value=o["initial_accumulator_value"], eps=o["epsilon"])
    raise ValueError(name)


def torch_run(name, options, lrs, momenta):
    flat = torch.tensor(INITIAL)
    params, start = [], 0
    for shape, size in zip(SHAPES, SIZES):
        params.append(torch.nn.Parameter(flat[start:start + size].clone().reshape(shape)))
        start += size
    opt = torch_optimizer(name, options, params)
    out = []
    for t, (g, lr) in enumerate(zip(GRADS, lrs)):
        gt = torch.tensor(g)
        start = 0
        for p, shape, size in zip(params, SHAPES, SIZES):
            p.grad = gt[start:start + size].clone().reshape(shape)
            start += size
        for group in opt.param_groups:
            group["lr"] = lr
            if momenta is not None:
                if "betas" in group:
                    group["betas"] = (momenta[t], group["betas"][1])
                else:
                    group["momentum"] = momenta[t]
        opt.step()
        out.append(torch.cat([p.detach().reshape(-1) for p in params]).tolist())
    return out


KERAS_DEFAULTS = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "adamw": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
              "weight_decay": 0.004},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
}
TORCH_DEFAULTS = {
    "sgd": {"learning_rate": 0.001, "momentum": 0.0, "nesterov": False, "dampening": 0.0},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "amsgrad": False},
    "adamw": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "amsgrad": False,
              "weight_decay": 0.01},
    "rmsprop": {"learning_rate": 0.01, "rho": 0.99, "momentum": 0.0, "epsilon": 1e-8, "centered": False},
    "adagrad": {"learning_rate": 0.01, "initial_accumulator_value": 0.0, "epsilon": 1e-10, "lr_decay": 0.0},
}

# (optimizer, overrides of the defaults, cycle momentum?, forms)
VARIANTS = [
    ("sgd", {"learning_rate": 0.05}, False, ("keras", "pytorch")),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9}, False, ("keras", "pytorch")),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}, False, ("keras", "pytorch")),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.8, "dampening": 0.3}, False, ("pytorch",)),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9}, True, ("keras", "pytorch")),
    ("adam", {"learning_rate": 0.01}, False, ("keras", "pytorch")),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}, False, ("keras", "pytorch")),
    ("adam", {"learning_rate": 0.01, "epsilon": 0.1}, False, ("keras", "pytorch")),  # epsilon's placement shows
    ("adam", {"learning_rate": 0.01}, True, ("keras", "pytorch")),
    ("adamw", {"learning_rate": 0.01}, False, ("keras", "pytorch")),
    ("adamw", {"learning_rate": 0.01, "amsgrad": True, "weight_decay": 0.1}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9, "centered": True}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01, "epsilon": 0.1}, False, ("keras", "pytorch")),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9}, True, ("keras", "pytorch")),
    ("adagrad", {"learning_rate": 0.1}, False, ("keras", "pytorch")),
    ("adagrad", {"learning_rate": 0.1, "epsilon": 0.1}, False, ("keras", "pytorch")),
    ("adagrad", {"learning_rate": 0.1, "lr_decay": 0.1}, False, ("pytorch",)),
]

cases = []
for name, overrides, cycle, forms in VARIANTS:
    for form in forms:
        options = dict((KERAS_DEFAULTS if form == "keras" else TORCH_DEFAULTS)[name])
        options.update(overrides)
        momenta = MOMENTA if cycle else None
        for schedule in ("varying", "constant"):
            base = options["learning_rate"]
            lrs = [base * f for f in LR_FACTORS] if schedule == "varying" else [base] * STEPS
            run = keras_run if form == "keras" else torch_run
            case = {"optimizer": name, "form": form, "options": options, "schedule": schedule,
                    "learning_rates": lrs, "params": run(name, options, lrs, momenta)}
            if momenta is not None:
                case["momenta"] = momenta
            cases.append(case)

print(json.dumps({"torch": torch.__version__, "numpy": np.__version__, "shapes": [list(s) for s in SHAPES],
                  "initial": INITIAL.tolist(), "grads": [g.tolist() for g in GRADS], "cases": cases}))
