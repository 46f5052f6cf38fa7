#!/usr/bin/python3
"""Golden values for lrtune's core splits, written by numpy and scikit-learn themselves.

Run with Debian's interpreter (python3-numpy, python3-sklearn):
    /usr/bin/python3 tools/gen_split_golden.py > tests/resources/core/sklearn_splits.json
"""
import json

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

permutations = []
for n, seed in [(1, 0), (2, 0), (10, 0), (17, 42), (100, 7), (1000, 123456789), (6463, 42), (5, 4294967295)]:
    permutations.append({"n": n, "seed": seed,
                         "permutation": np.random.RandomState(seed).permutation(n).tolist()})

splits = []
for n, test_size, seed in [(10, 0.2, 0), (11, 0.2, 0), (13, 0.3, 1), (101, 0.25, 42), (997, 0.1, 3),
                           (6463, 0.2, 42), (6463, 0.2, 0), (50, 0.5, 2024), (7, 0.33, 5)]:
    rows = np.arange(n)
    train, test = train_test_split(rows, test_size=test_size, random_state=seed)
    splits.append({"n": n, "test_size": test_size, "seed": seed,
                   "train": train.tolist(), "test": test.tolist()})

print(json.dumps({"numpy": np.__version__, "sklearn": sklearn.__version__,
                  "permutations": permutations, "splits": splits}))
