"""The same seed gives the same numbers from Python as from the CLI, on wine: the range test
(find), one training (fit at a given rate), the search (tune) and the whole recipe (run); and a
pandas DataFrame prepares as the file it was read from."""

import numpy as np
import pytest

import lrtune
from conftest import WINE_FLAGS


def test_find_matches_cli(wine, cli):
    options = dict(WINE_FLAGS, finder_points=5)
    expected = cli("find", wine, options, "range_test.json")
    curve = lrtune.find(str(wine), **options)
    np.testing.assert_array_equal(curve.learning_rates, np.array(expected["learning_rates"], dtype=float))
    np.testing.assert_array_equal(curve.losses, np.array(expected["losses"], dtype=float))
    assert curve.to_dict()["suggestions"] == expected["suggestions"]


def test_fit_matches_cli(wine, cli):
    options = dict(WINE_FLAGS, epochs=2)
    expected = cli("train", wine, dict(options, lr=0.003), "metrics.json")
    training = lrtune.fit(str(wine), lr=0.003, **options)
    for key in ("learning_rate", "seed", "epochs_run", "test_loss", "test_accuracy", "confusion"):
        assert training.to_dict()[key] == expected[key], key
    assert len(training.history) == 2


def test_prepared_data_and_model(wine, tmp_path):
    data = lrtune.prepare(str(wine), target="quality", positive=">=6")
    assert data.task == "binary" and data.x_train.shape[1] == len(data.feature_names)
    training = lrtune.fit(data, lr=0.003, epochs=1, layers=[8], seed=1)
    proba = training.model.predict_proba(data.x_test)
    assert proba.shape == (data.x_test.shape[0], 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    accuracy = float((training.model.predict(data.x_test) == data.y_test).mean())
    assert abs(accuracy - training.test["accuracy"]) < 1e-6
    training.model.save(tmp_path / "model.safetensors")
    assert (tmp_path / "model.safetensors").stat().st_size > 0


def _without_timings(value):
    """The JSON form without wall-clock fields (seconds, threads), which differ between two runs."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items()
                if not (k.endswith("seconds") or k in ("threads", "step_seconds"))}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


# A small search: 3 log-spaced rates plus the default, rungs of 1 and 2 epochs, 3 epochs at most.
SEARCH_FLAGS = dict(WINE_FLAGS, candidates=3, first_rung_epochs=1, max_epochs=3, schedule="step", finder_points=20)


def test_tune_matches_cli(wine, cli):
    expected = cli("tune", wine, SEARCH_FLAGS, "tuning.json")
    search = lrtune.tune(str(wine), **SEARCH_FLAGS)
    got = _without_timings(search.to_dict())
    expected = _without_timings(expected)
    for key in ("learning_rate", "best_epoch", "low", "high", "pick", "decision", "explanation", "candidates",
                "rungs", "range_test"):
        assert got[key] == expected[key], key
    assert len(search.candidates) >= 4  # the default rate joins the three


def test_run_matches_cli(wine, cli):
    options = dict(SEARCH_FLAGS, epochs=3)
    expected = _without_timings(cli("run", wine, options, "comparison.json"))
    experiment = lrtune.run(str(wine), **options)
    got = _without_timings(experiment.to_dict())
    # The CLI adds where it ran (command, out); everything else is the same.
    assert sorted(got) == sorted(set(expected) - {"command", "out"})
    for key in got:
        assert got[key] == expected[key], key
    assert experiment.tuned_runs[0].learning_rate == expected["tuned_learning_rate"]


def test_dataframe_equals_file(wine):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(wine)
    from_frame = lrtune.prepare(frame, target="quality", positive=">=6")
    from_file = lrtune.prepare(str(wine), target="quality", positive=">=6")
    np.testing.assert_array_equal(from_frame.x_train, from_file.x_train)
    np.testing.assert_array_equal(from_frame.y_test, from_file.y_test)
    assert from_frame.feature_names == from_file.feature_names
    # The whole recipe from a DataFrame, as a notebook user calls it.
    experiment = lrtune.run(frame, target="quality", positive=">=6", layers=[8], epochs=2, candidates=2,
                            first_rung_epochs=1, max_epochs=2, finder_points=10)
    assert experiment.tuned_learning_rate > 0 and experiment.model is not None
