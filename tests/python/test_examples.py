"""The examples in examples/python/ run and give a usable curve."""

import importlib.util

import pytest

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


def test_torch_search_example(wine):
    pytest.importorskip("torch")
    curve, suggestions, result = load("torch_search").main(str(wine), candidates=3, max_epochs=3,
                                                           first_rung_epochs=1, patience=2, finder_points=40)
    assert len(curve) > 10
    assert suggestions.default.found
    assert 0 < result.low < result.high
    assert result.learning_rate in [c["learning_rate"] for c in result.candidates]
    assert "range test" in result.explanation
