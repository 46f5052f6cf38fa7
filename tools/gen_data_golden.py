#!/usr/bin/python3
"""Golden values for lrtune's data part, written by pandas and scikit-learn themselves.

Run with Debian's interpreter (python3-pandas, python3-sklearn) from the project root:
    /usr/bin/python3 tools/gen_data_golden.py ../shared/data/winequalityN.csv > tests/resources/data/golden.json
The wine table is read from ../shared/data (never copied into the repo); the small
tables it also reads are committed in tests/resources/data/.
"""
import json
import warnings
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, StandardScaler

warnings.filterwarnings("ignore", category=UserWarning)
wine_path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/winequalityN.csv"
res = "tests/resources/data/"

# The recipe (SEED.md section 1).
df = pd.read_csv(wine_path)
rows_read = len(df)
df = df.dropna()
df["is_white_wine"] = (df["type"] == "white").astype(int)
df["is_good_wine"] = (df["quality"] >= 6).astype(int)
df = df.drop(["type", "quality"], axis=1)
X = df.drop("is_good_wine", axis=1)
y = df["is_good_wine"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler().fit(X_train)
minmax = MinMaxScaler().fit(X_train)
# A validation part drawn from the train part with its own seed.
X_tr2, X_val, y_tr2, y_val = train_test_split(X_train, y_train, test_size=0.15, random_state=7)

wine = {
    "rows_read": rows_read,
    "rows_kept": len(df),
    "positives": int(y.sum()),
    "features": list(X.columns),
    "train_labels_head": X_train.index[:5].tolist(),
    "train_raw_head": X_train.values[:5].tolist(),
    "y_train_head": y_train.values[:20].tolist(),
    "x_train_scaled_first": scaler.transform(X_train.values[:1])[0].tolist(),
    "x_test_scaled_last": scaler.transform(X_test.values[-1:])[0].tolist(),
    "standard_mean": scaler.mean_.tolist(),
    "standard_scale": scaler.scale_.tolist(),
    "minmax_min": minmax.data_min_.tolist(),
    "minmax_range": minmax.data_range_.tolist(),
    "minmax_x_train_first": minmax.transform(X_train.values[:1])[0].tolist(),
    "validation_split": {"test_size": 0.15, "seed": 7, "train_labels": X_tr2.index.tolist(),
                         "validation_labels": X_val.index.tolist()},
}

# pandas' reading of the RFC 4180 cases (default NA tokens cover the ones used there).
p = pd.read_csv(res + "pandas_cases.csv")
cases = {}
for name in p.columns:
    col = p[name]
    numeric = pd.api.types.is_numeric_dtype(col)
    cases[name] = {"numeric": bool(numeric),
                   "values": [None if pd.isna(v) else (float(v) if numeric else str(v)) for v in col]}

# SimpleImputer fitted on a train part only.
t = pd.read_csv(res + "impute_small.csv")
t_train, t_test = train_test_split(t, test_size=0.25, random_state=3)
impute = {"test_size": 0.25, "seed": 3, "train_labels": t_train.index.tolist(), "test_labels": t_test.index.tolist()}
for strategy in ["mean", "median", "most_frequent"]:
    imp = SimpleImputer(strategy=strategy).fit(t_train[["a", "b"]])
    impute[strategy] = imp.statistics_.tolist()
impute["grp_most_frequent"] = str(SimpleImputer(strategy="most_frequent").fit(t_train[["grp"]]).statistics_[0])

print(json.dumps({"pandas": pd.__version__, "sklearn": sklearn.__version__, "wine": wine,
                  "pandas_cases": cases, "impute": impute}, indent=1))
