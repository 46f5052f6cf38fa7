#!/usr/bin/python3
"""Golden values for lrtune's schedules (tests/optim/test_schedules.cpp), written by
PyTorch's own schedulers: OneCycleLR (two-phase cosine, three-phase linear, and others),
CyclicLR (triangular, triangular2, exp_range) and warm-up + cosine composed from LinearLR
and CosineAnnealingLR with SequentialLR. The value at step s is read after s calls of
scheduler.step(). Run with Debian's interpreter:
    /usr/bin/python3 tools/gen_schedule_golden.py > tests/resources/optim/schedule_golden.json
"""
import json
import warnings

import torch

warnings.filterwarnings("ignore")


def record(make_scheduler, steps, momentum_key="momentum"):
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    lrs, momenta = [], []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        momenta.append(optimizer.param_groups[0][momentum_key])
        optimizer.step()
        scheduler.step()
    return lrs, momenta


cases = []


def one_cycle(total, **kw):
    lrs, momenta = record(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, total_steps=total, **kw), total)
    params = {"total_steps": total}
    params.update(kw)
    cases.append({"kind": "one_cycle", "params": params, "learning_rates": lrs, "momenta": momenta})


one_cycle(100, max_lr=0.1)                                             # PyTorch defaults: cos, two phases
one_cycle(100, max_lr=0.1, anneal_strategy="linear", three_phase=True)  # linear up, down, annihilation
one_cycle(57, max_lr=0.05, pct_start=0.25, anneal_strategy="cos", three_phase=True)
one_cycle(23, max_lr=1.0, pct_start=0.4, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0,
          base_momentum=0.8, max_momentum=0.9)
one_cycle(162 * 3, max_lr=0.007)


def cyclic(steps, **kw):
    lrs, momenta = record(lambda o: torch.optim.lr_scheduler.CyclicLR(o, **kw), steps)
    cases.append({"kind": "cyclic", "params": kw, "learning_rates": lrs, "momenta": momenta})


cyclic(40, base_lr=0.001, max_lr=0.006, step_size_up=5, mode="triangular")
cyclic(40, base_lr=0.001, max_lr=0.006, step_size_up=4, step_size_down=6, mode="triangular2")
cyclic(40, base_lr=0.001, max_lr=0.01, step_size_up=3, mode="exp_range", gamma=0.95)
cyclic(30, base_lr=0.01, max_lr=0.1, step_size_up=7, step_size_down=2, mode="triangular", base_momentum=0.85,
       max_momentum=0.95)


def warmup_cosine(steps, peak, start_factor, warmup, total, eta_min):
    def make(o):
        for g in o.param_groups:
            g["lr"] = peak
        warm = torch.optim.lr_scheduler.LinearLR(o, start_factor=start_factor, end_factor=1.0, total_iters=warmup)
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total - warmup, eta_min=eta_min)
        return torch.optim.lr_scheduler.SequentialLR(o, [warm, cosine], milestones=[warmup])
    lrs, _ = record(make, steps)
    cases.append({"kind": "warmup_cosine",
                  "params": {"peak": peak, "warmup_start": peak * start_factor, "warmup_steps": warmup,
                             "total_steps": total, "final_rate": eta_min},
                  "learning_rates": lrs})


warmup_cosine(51, 0.01, 0.1, 10, 50, 0.0)
warmup_cosine(31, 0.5, 0.01, 5, 30, 0.001)

print(json.dumps({"torch": torch.__version__, "cases": cases}))
