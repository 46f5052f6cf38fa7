"""Bad input raises the exception type its kind maps to, with the library's one-line message:
usage and data errors are ValueErrors, file errors OSErrors, all lrtune.Errors; Ctrl-C inside a
step raises KeyboardInterrupt."""

import os
import signal
import threading

import numpy as np
import pytest

import lrtune


def test_version():
    assert lrtune.__version__.count(".") == 2


def test_missing_file_is_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        lrtune.prepare(str(tmp_path / "absent.csv"), target="y")


def test_unwritable_model_file_is_oserror(tmp_path):
    X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    (tmp_path / "a_file").write_text("")
    csv = tmp_path / "t.csv"
    csv.write_text("a,b,y\n" + "".join(f"{r[0]},{r[1]},{t}\n" for r, t in zip(X, y)))
    model = lrtune.fit(str(csv), target="y", lr=0.01, epochs=1, layers=[4]).model
    with pytest.raises(OSError) as info:
        model.save(tmp_path / "a_file" / "model.safetensors")
    assert isinstance(info.value, lrtune.IoError) and "\n" not in str(info.value)


def test_unknown_target_column_is_valueerror(wine):
    with pytest.raises(ValueError) as info:
        lrtune.prepare(str(wine), target="no_such_column")
    assert isinstance(info.value, lrtune.DataError) and "no_such_column" in str(info.value)


def test_bad_option_is_usage_error():
    X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    with pytest.raises(lrtune.UsageError):
        lrtune.find(X, y, optimizer="no-such-optimizer", finder_points=5)
    with pytest.raises(ValueError):
        lrtune.suggest([1e-3, 1e-2], [1.0, 0.5], rule="no-such-rule")
    with pytest.raises(TypeError):
        lrtune.find(X, y, no_such_argument=1)


def test_keyboard_interrupt_from_step():
    calls = []

    def step(lr):
        calls.append(lr)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        lrtune.range_test(step, num=50)
    assert len(calls) == 3  # within the step that saw it


def test_keyboard_interrupt_during_cpp_training():
    # SIGINT from another thread while the library trains with the GIL released: the calling
    # thread's poll turns it into the cancel flag, and KeyboardInterrupt once the library returns.
    # The training is far longer than the timer (minutes uninterrupted, with early stopping off
    # since the rate is given), so the signal lands inside it however fast the machine is.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4000, 8))
    y = (X[:, 0] > 0).astype(int)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            lrtune.fit(X, y, lr=0.01, layers=[32], epochs=20000)
    finally:
        timer.cancel()



@pytest.mark.parametrize("call, kwargs, refused, fragment", [
    ("tune", dict(epochs=5), "epochs", "max_epochs"),
    ("tune", dict(finder_points=20), "finder_points", "schedule='step'"),
    ("tune", dict(lr_schedule="cosine"), "lr_schedule", "constant rate"),
    ("fit", dict(lr=0.01, candidates=3), "candidates", "was given its rate"),
    ("fit", dict(lr=0.01, finder_points=20), "finder_points", "was given its rate"),
    ("fit", dict(lr=0.01, patience=3), "patience", "early stopping is off"),
    ("fit", dict(lr="auto", pick="finder", candidates=3), "candidates", "does not search"),
    ("run", dict(refit=True), "refit", "its own model"),
])
def test_unread_keywords_are_refused(call, kwargs, refused, fragment):
    # A setting the call would not read is an error naming it and why, never silently ignored.
    X = np.zeros((20, 2))
    y = np.arange(20) % 2
    with pytest.raises(lrtune.UsageError, match=fragment) as raised:
        if call == "run":
            lrtune.run("unused.csv", target="y", **kwargs)
        else:
            getattr(lrtune, call)(X, y, layers=[4], **kwargs)
    assert str(raised.value).startswith(f"{call}: {refused}= is not used here")


def test_read_keywords_pass():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    # The same names where the call reads them: a per-step search reads finder_points, a training
    # with early stopping reads patience.
    lrtune.tune(X, y, layers=[4], candidates=2, max_epochs=1, first_rung_epochs=1, schedule="step", finder_points=10)
    lrtune.fit(X, y, lr=0.01, layers=[4], epochs=1, early_stopping=True, patience=3)
