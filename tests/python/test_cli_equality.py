"""The same seed gives the same numbers from Python as from the CLI, on wine: the range test
(find) and one training (fit at a given rate)."""

import numpy as np

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
