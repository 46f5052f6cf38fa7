#!/usr/bin/python3
"""Golden values for lrtune's metrics against scikit-learn (tests/nn/test_metrics_sklearn.cpp).

Regression cases (r2_score, mean_absolute_error): random values, tied targets, a constant target
predicted exactly and not (force_finite), two outputs. Classification cases (f1_score macro with
the labels inferred, precision / recall / F1 per class with labels=range(K) and zero_division=0,
confusion_matrix with labels=range(K)): probability rows with ties (the first maximum wins, as
numpy's argmax and lrtune's), a known class absent from both y_true and y_pred, a class only
predicted, a class only true.

Two implementations: scikit-learn itself, and the definitions written out here in plain Python.
With sklearn importable both run and must agree to 1e-12, and sklearn's values are printed; without
it the definitions' values are printed and the header says so. Prints C++ to paste between the
markers of tests/nn/test_metrics_sklearn.cpp:
    /usr/bin/python3 tools/golden_metrics.py
"""
import math
import random

try:
    import numpy as np
    from sklearn import metrics as skm
except ImportError:  # Debian's python3-sklearn is not installed
    skm = None

rng = random.Random(20240615)


# ---- the definitions, in plain Python ------------------------------------------------------------
def r2(y, p):
    """Uniform average over outputs of 1 - SS_res / SS_tot; SS_tot = 0 gives 1 (exact) or 0."""
    outputs = len(y[0])
    scores = []
    for j in range(outputs):
        col = [r[j] for r in y]
        mean = math.fsum(col) / len(col)
        ss_res = math.fsum((r[j] - q[j]) ** 2 for r, q in zip(y, p))
        ss_tot = math.fsum((v - mean) ** 2 for v in col)
        scores.append((1.0 if ss_res == 0 else 0.0) if ss_tot == 0 else 1.0 - ss_res / ss_tot)
    return math.fsum(scores) / outputs


def mae(y, p):
    return math.fsum(abs(a - b) for r, q in zip(y, p) for a, b in zip(r, q)) / (len(y) * len(y[0]))


def confusion(t, p, classes):
    m = [[0] * classes for _ in range(classes)]
    for a, b in zip(t, p):
        m[a][b] += 1
    return m


def per_class(m):
    k = len(m)
    tp = [m[c][c] for c in range(k)]
    actual = [sum(m[c]) for c in range(k)]
    predicted = [sum(m[r][c] for r in range(k)) for c in range(k)]
    ratio = lambda a, b: a / b if b else 0.0
    precision = [ratio(tp[c], predicted[c]) for c in range(k)]
    recall = [ratio(tp[c], actual[c]) for c in range(k)]
    f1 = [ratio(2 * tp[c], actual[c] + predicted[c]) for c in range(k)]
    return precision, recall, f1, actual, predicted


def macro_f1(m):
    _, _, f1, actual, predicted = per_class(m)
    present = [f for f, a, p in zip(f1, actual, predicted) if a or p]
    return math.fsum(present) / len(present)


def first_argmax(row):
    return max(range(len(row)), key=lambda j: (row[j], -j))


# ---- the cases --------------------------------------------------------------------------------------
def regression_cases():
    draw = lambda n, k: [[round(rng.uniform(-3, 3), 4) for _ in range(k)] for _ in range(n)]
    y = draw(9, 1)
    tied = [[v] for v in (1.0, 1.0, 2.5, 2.5, 2.5, -1.0, 4.0, 4.0)]
    tied_pred = [[v] for v in (1.0, 1.5, 2.0, 2.5, 3.5, -0.5, 4.0, 3.0)]
    constant = [[2.0]] * 5
    two = draw(7, 2)
    return [
        ("random", y, [[round(v[0] + rng.gauss(0, 0.8), 4)] for v in y]),
        ("tied_targets", tied, tied_pred),
        ("constant_exact", constant, constant),
        ("constant_missed", constant, [[2.0], [2.5], [2.0], [1.0], [2.0]]),
        ("two_outputs", two, [[round(v + rng.gauss(0, 1.0), 4) for v in r] for r in two]),
        ("worse_than_mean", y, [[-v[0]] for v in y]),
    ]


def classification_cases():
    def rows(labels_true, classes, avoid=()):
        # probabilities in tenths so that ties are common; `avoid` classes never score highest
        out = []
        for t in labels_true:
            r = [rng.randint(0, 4) / 10 for _ in range(classes)]
            if rng.random() < 0.6:
                r[t] = 0.5
            for a in avoid:
                r[a] = 0.0
            out.append(r)
        return out

    cases = []
    t = [rng.choice([0, 1, 2, 4]) for _ in range(14)]  # class 3 never true
    cases.append(("absent_from_both", t, rows(t, 5, avoid=(3,)), 5))
    t = [rng.choice([0, 1, 2]) for _ in range(12)]
    p = rows(t, 4)
    p[0] = [0.1, 0.1, 0.1, 0.6]  # class 3 only predicted
    cases.append(("only_predicted", t, p, 4))
    t = [rng.choice([0, 1, 2, 3]) for _ in range(12)]
    t[0] = 3
    cases.append(("only_true", t, rows(t, 4, avoid=(3,)), 4))
    t = [rng.choice([0, 1]) for _ in range(10)]
    ties = [[0.5, 0.5, 0.0] if i % 3 == 0 else ([0.2, 0.2, 0.6] if i % 3 == 1 else [0.3, 0.7, 0.0]) for i in range(10)]
    cases.append(("all_ties", t, ties, 3))
    return cases


# ---- scikit-learn -------------------------------------------------------------------------------------
def sklearn_regression(y, p):
    return skm.r2_score(np.array(y), np.array(p)), skm.mean_absolute_error(np.array(y), np.array(p))


def sklearn_classification(t, pred, classes):
    labels = list(range(classes))
    macro = skm.f1_score(t, pred, average="macro", zero_division=0)
    precision, recall, f1, support = skm.precision_recall_fscore_support(t, pred, labels=labels, average=None,
                                                                         zero_division=0)
    matrix = skm.confusion_matrix(t, pred, labels=labels)
    return macro, list(precision), list(recall), list(f1), list(support), matrix.tolist()


def flatten(v):
    """Nested lists, tuples or numpy arrays to one flat list of numbers."""
    if hasattr(v, "tolist"):
        v = v.tolist()  # numpy arrays and scalars become lists and Python numbers
    return [x for item in v for x in flatten(item)] if isinstance(v, (list, tuple)) else [v]


def close(a, b):
    fa, fb = flatten(a), flatten(b)
    return len(fa) == len(fb) and all(abs(float(x) - float(y)) <= 1e-12 for x, y in zip(fa, fb))


def cpp_list(values):
    return "{" + ", ".join(repr(float(x)) for x in flatten(values)) + "}"


def main():
    source = "scikit-learn " + __import__("sklearn").__version__ + ", checked against the definitions" if skm else \
        "the definitions in plain Python (sklearn not installed; rerun with python3-sklearn to check against it)"
    print("// ---- generated by tools/golden_metrics.py: " + source + " ----")
    print("const std::vector<RegressionCase> kRegression = {")
    for name, y, p in regression_cases():
        r2_value, mae_value = r2(y, p), mae(y, p)
        if skm is not None:
            got = sklearn_regression(y, p)
            if not close(list(got), [r2_value, mae_value]):
                raise SystemExit(name + ": sklearn and the definitions disagree")
            r2_value, mae_value = (float(v) for v in got)  # numpy scalars print as plain floats
        print("    {\"%s\", %d, %d, %s, %s, /*r2*/ %r, /*mae*/ %r}," % (name, len(y), len(y[0]), cpp_list(y), cpp_list(p),
                                                                      r2_value, mae_value))
    print("};")
    print("const std::vector<ClassificationCase> kClassification = {")
    for name, t, probabilities, classes in classification_cases():
        pred = [first_argmax(r) for r in probabilities]
        m = confusion(t, pred, classes)
        precision, recall, f1, support, _ = per_class(m)
        values = [macro_f1(m), precision, recall, f1, support, m]
        if skm is not None:
            got = sklearn_classification(t, pred, classes)
            if not close(list(got[:5]), values[:5]) or got[5] != m:
                raise SystemExit(name + ": sklearn and the definitions disagree")
            values = [float(got[0])] + list(got[1:])
        print("    {\"%s\", %d, %d," % (name, len(t), classes))
        print("     /*y_true*/ {%s}," % ", ".join(str(v) for v in t))
        print("     /*probabilities*/ %s," % cpp_list(probabilities))
        print("     /*macro_f1*/ %r," % values[0])
        for field, v in zip(("precision", "recall", "f1"), values[1:4]):
            print("     /*%s*/ %s," % (field, cpp_list(v)))
        print("     /*support*/ {%s}," % ", ".join(str(int(v)) for v in values[4]))
        print("     /*confusion*/ {%s}}," % ", ".join(str(int(v)) for r in values[5] for v in r))
    print("};")
    print("// ---- end of generated values ----")


if __name__ == "__main__":
    main()
