"""The examples in examples/python/ run and give a usable curve."""

import importlib.util

from conftest import ROOT


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "python" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_numpy_range_test_example():
    curve = load("numpy_range_test").main()
    assert len(curve) > 20
    assert curve.suggestions.default.found
