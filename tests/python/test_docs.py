"""docs/python.md's session runs as written: its ```python blocks, in order, from the
repository root (where its ../shared/data path points)."""

import os
import re

import pytest

from conftest import DATA_DIR, ROOT


def test_python_md_session_runs(monkeypatch, cli):
    if not (DATA_DIR / "winequalityN.csv").exists():
        pytest.skip("wine not found")
    text = (ROOT / "docs" / "python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    code = "\n".join(blocks).replace("../shared/data", os.fspath(DATA_DIR))
    namespace = {}
    exec(compile(code, "docs/python.md", "exec"), namespace)
    assert namespace["curve"].suggested_rate is None or namespace["curve"].suggested_rate > 0
    assert namespace["proba"].shape[1] == 2
    # The CLI lines in the comments print the same figures for the same seed.
    wine = DATA_DIR / "winequalityN.csv"
    flags = {"target": "quality", "positive": ">=6", "layers": [32]}
    curve = cli("find", wine, dict(flags, finder_points=8), "range_test.json")
    assert namespace["curve"].to_dict()["losses"] == curve["losses"]
    metrics = cli("train", wine, dict(flags, lr=0.003, epochs=3), "metrics.json")
    assert namespace["training"].to_dict()["test_accuracy"] == metrics["test_accuracy"]
