"""NumPy only: the range test over a plain Python step function, the suggestion rules on a
curve, and find/tune/fit on arrays."""

import numpy as np

import lrtune


def test_range_test_over_a_python_step():
    # A quadratic bowl trained by gradient descent: the loss falls, then blows up past lr = 1.
    state = {"w": 5.0}

    def step(lr):
        state["w"] -= lr * 2.0 * state["w"]
        return state["w"] ** 2

    curve = lrtune.range_test(step, start=1e-4, end=10.0, num=60)
    assert curve.stop_reason in ("diverged", "non_finite_loss") and len(curve) < 60
    assert np.all(np.diff(curve.learning_rates) > 0)
    assert curve.suggestions["minimum"].found and curve.suggestions["minimum"].learning_rate < 1.0
    assert "Suggestions" in repr(curve)


def test_suggest_on_any_curve():
    lrs = np.logspace(-5, 0, 50)
    losses = 1.0 / (1.0 + 100 * lrs) + np.where(lrs > 0.1, (lrs - 0.1) * 20, 0.0)
    suggestions = lrtune.suggest(lrs, losses, rule="minimum")
    assert suggestions.default.name == "minimum" and suggestions.default.found
    assert suggestions["valley"].explanation


def test_find_tune_fit_on_arrays():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    curve = lrtune.find(X, y, layers=[8], finder_points=5)
    assert len(curve) == 5
    search = lrtune.tune(X[:300], y[:300], X[300:], y[300:], layers=[8], candidates=2, max_epochs=2,
                         first_rung_epochs=1, finder_points=20, schedule="step")
    assert search.learning_rate > 0 and search.model is not None and "accuracy" in search.test
    training = lrtune.fit(X[:300], y[:300], X[300:], y[300:], lr=0.01, layers=[8], epochs=3)
    assert training.history["loss"].shape == (3,)
    assert training.model.predict(X[300:]).shape == (100,)


def test_fit_without_test_rows_and_history_order():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int)
    training = lrtune.fit(X, y, lr=0.01, layers=[8], epochs=2, validation_fraction=0.2)
    assert training.test == {} and len(training.history) == 2
    # Keras's order: the training's columns, then validation's (the records alone would sort them).
    columns = training.history.columns
    assert columns.index("loss") < columns.index("accuracy") < columns.index("val_loss")
