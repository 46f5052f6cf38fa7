"""Golden values for lrtune's fastai suggestion rules (tests/finder/test_fastai_rules.cpp).

An independent, plain-Python (no numpy) transcription of the definitions of fastai's
`valley` and `slide` (fastai/callback/schedule.py, fastai 2.5+), run on fixed curves with
no trimming. Prints the expected index of each; the C++ tests hard-code them.
"""
import math
import random


def fastai_valley_index(losses):
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2), max_start, max_end, lds[max_end]


def gradient(y):  # numpy.gradient, unit spacing
    n = len(y)
    g = [0.0] * n
    g[0] = y[1] - y[0]
    g[-1] = y[-1] - y[-2]
    for k in range(1, n - 1):
        g[k] = (y[k + 1] - y[k - 1]) / 2
    return g


def fastai_slide_index(losses, lr_diff=15, thresh=0.005):
    g = gradient(losses)
    n = len(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local = l_idx
    while l_idx >= -n and abs(g[r_idx] - g[l_idx]) > thresh:
        local = l_idx
        r_idx -= 1
        l_idx -= 1
    return n + local, l_idx >= -n


def noisy_valley_curve(seed, n=40):
    rng = random.Random(seed)
    return [round(1.0 + 0.5 * math.cos(math.pi * i / (n - 1)) * (1 if i < 30 else -1) + rng.uniform(-0.05, 0.05), 4)
            for i in range(n)]


if __name__ == "__main__":
    for seed in (1, 2, 3):
        c = noisy_valley_curve(seed)
        print("valley seed", seed, c, fastai_valley_index(c))
    # slide on a curve that falls, flattens, then rises steeply: lr i = 10^(i/10 - 5)
    c = [round(2.0 - 1.5 / (1 + math.exp(-(i - 20) / 3)) + (0.002 * (i - 40) ** 2 if i > 40 else 0.0), 5)
         for i in range(60)]
    print("slide", c, fastai_slide_index(c))
