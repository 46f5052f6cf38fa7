"""lrtune.plot draws each result's evidence with matplotlib (the data on the axes are the
result's own numbers), and says how to install matplotlib when it is missing."""

import sys

import numpy as np
import pytest

import lrtune


def _bowl_curve():
    # A quadratic bowl trained by gradient descent: the loss falls, then blows up past lr = 1.
    state = {"w": 5.0}

    def step(lr):
        state["w"] -= lr * 2.0 * state["w"]
        return state["w"] ** 2

    return lrtune.range_test(step, start=1e-4, end=10.0, num=60)


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")  # no display in tests
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


def _line(ax, label):
    lines = [line for line in ax.get_lines() if line.get_label() == label]
    assert lines, f"no line '{label}' among {[line.get_label() for line in ax.get_lines()]}"
    return lines[0]


def test_curve(pyplot, tmp_path):
    curve = _bowl_curve()
    figure = lrtune.plot(curve)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(_line(ax, "loss").get_xdata(), curve.learning_rates)
    np.testing.assert_array_equal(_line(ax, "loss").get_ydata(), curve.losses)
    np.testing.assert_array_equal(_line(ax, "smoothed loss").get_ydata(), curve.smoothed_losses)
    default = curve.suggestions.default
    mark = _line(ax, f"{default.name} (default): {default.learning_rate:.3g}")
    assert mark.get_xdata()[0] == default.learning_rate
    figure.savefig(tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 1000


def test_search_and_training(pyplot):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    search = lrtune.tune(X[:300], y[:300], X[300:], y[300:], layers=[8], candidates=3, max_epochs=3,
                         first_rung_epochs=1, finder_points=20, schedule="step")
    ax = lrtune.plot(search).axes[0]
    pick = _line(ax, f"pick {search.learning_rate:.3g}")
    assert pick.get_xdata()[0] == search.learning_rate
    default = search.candidates[search.default_candidate]["learning_rate"]
    assert _line(ax, f"default rate {default:.3g}").get_xdata()[0] == default

    training = lrtune.fit(X[:300], y[:300], X[300:], y[300:], lr=0.01, layers=[8], epochs=4,
                          validation_fraction=0.2)
    figure, ax = pyplot.subplots()
    assert lrtune.plot(training, ax=ax, title="mine") is figure
    np.testing.assert_array_equal(_line(ax, "val_loss").get_ydata(), training.history["val_loss"])
    assert ax.get_title() == "mine"


def test_unknown_object(pyplot):
    with pytest.raises(TypeError, match="Curve, SearchResult"):
        lrtune.plot([1, 2, 3])


def test_missing_matplotlib_names_the_package(monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(ImportError, match="python3-matplotlib"):
        lrtune.plot(_bowl_curve())
