#!/usr/bin/env python3
"""Prints the study's development/evaluation split (docs/study.md) from the collection's
manifest: stratum = task x (rows >= 2000), order by SHA-256 of the file name, alternate
evaluation, development, ...; and the one-against-the-rest class of each multiclass set
(the most frequent class with a share of at most 50 %, ties: first in sorted order).
Standard library only. Usage: python3 tools/study_split.py [../shared/data/study]"""
import collections
import csv
import hashlib
import json
import sys
from pathlib import Path


def split(sets):
    strata = collections.defaultdict(list)
    for s in sets:
        strata[(s["task"], s["rows"] >= 2000)].append(s)
    sides = {}
    for key in sorted(strata):
        ordered = sorted(strata[key], key=lambda s: hashlib.sha256(s["file"].encode()).hexdigest())
        for i, s in enumerate(ordered):
            sides[s["file"]] = (key, "evaluation" if i % 2 == 0 else "development")
    return sides


def positive_class(path, target):
    with open(path, newline="") as f:
        counts = collections.Counter(row[target] for row in csv.DictReader(f))
    n = sum(counts.values())
    candidates = [(-c, k) for k, c in counts.items() if c / n <= 0.5]
    count, name = min(candidates)
    return name, -count / n


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/study")
    sets = json.loads((folder / "manifest.json").read_text())
    sides = split(sets)
    for s in sets:
        (task, large), side = sides[s["file"]]
        digest = hashlib.sha256(s["file"].encode()).hexdigest()[:8]
        line = f"{s['file']:28} {task:10} {'>=2000' if large else '<2000':6} {s['rows']:6} {digest} {side}"
        if task == "multiclass":
            name, share = positive_class(folder / s["file"], s["target"])
            line += f"  positive={name!r} ({share:.1%})"
        print(line)
    print("winequalityN.csv             recipe                   6497 -        development")


if __name__ == "__main__":
    main()
