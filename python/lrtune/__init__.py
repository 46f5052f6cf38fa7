"""lrtune for Python: the learning-rate range test, its suggestion rules and the validated
learning-rate search, on NumPy arrays, pandas DataFrames, CSV files and your own PyTorch models.

    import lrtune
    data = lrtune.prepare("winequalityN.csv", target="quality", positive=">=6")
    curve = lrtune.find(data, finder_points=30)
    print(curve)                      # the suggestions, with explanations
    search = lrtune.tune(data)        # the validated search; search.model predicts and saves
    result = lrtune.search(make_trainer, low=1e-4, high=1e-1, default_rate=1e-3)  # over your own trainer
    lrtune.plot(curve)                # a matplotlib figure of the evidence (matplotlib optional)

Keyword arguments are the CLI's flags in snake_case with the CLI's defaults (docs/python.md).
Errors: lrtune.UsageError and lrtune.DataError are ValueErrors, lrtune.IoError an OSError.
"""

import os

from . import _lrtune
from ._lrtune import DataError, Error, IoError, NumericError, UsageError, __version__
from ._plot import plot
from ._scope import refuse_unread
from ._results import Curve, Experiment, History, Model, SearchResult, Suggestion, Suggestions, Training

__all__ = ["prepare", "find", "tune", "fit", "run", "range_test", "suggest", "search", "plot", "Dataset", "Curve",
           "Experiment", "History", "Model", "SearchResult", "Suggestion", "Suggestions", "Training", "Error", "UsageError",
           "DataError", "IoError", "NumericError", "__version__"]

# The CLI's defaults, one place: each public function takes these as keyword arguments.
_DATA = dict(target=None, positive="", task=None, class_weight="none", drop=(), keep=(), na="drop",
             na_values=(), unknown_levels="ignore", test_size=0.2, split_seed=42, delimiter=None,
             skip_rows=0, header=True, loss=None)
_MODEL = dict(layers=(128, 256, 256), activation="relu", dropout=0.0, metrics=(), optimizer="adam",
              update_form="keras", momentum=0.0, batch_size=32, seed=42)
_FINDER = dict(schedule="epoch", finder_points=100, finder_start=0.0, finder_end=10.0, rule=None)
_TRAINING = dict(epochs=100, early_stopping=None, validation_fraction=None, monitor="val_loss", patience=10,
                 min_delta=0.0, restore_best_weights=True, lr_schedule="constant", threads=0)
_SEARCH = dict(candidates=10, max_epochs=100, first_rung_epochs=4, lr_low=None, lr_high=None, refit=False,
               repeats=1, pick="tuner")


class Dataset:
    """Prepared data: ``x_train``, ``y_train``, ``x_test``, ``y_test`` (NumPy), ``feature_names``,
    ``class_names``, ``task`` and the fitted ``preprocessing`` (a dict, as a model file holds it)."""

    def __init__(self, native):
        self._native = native

    def __getattr__(self, name):
        return getattr(self.__dict__["_native"], name)

    def __repr__(self):
        n = self._native
        return (f"Dataset({n.task}: {n.x_train.shape[0]} train rows, {n.x_test.shape[0]} test rows, "
                f"{n.x_train.shape[1]} features)\n{n.task_explanation}")


def _options(given, *groups):
    """The keyword arguments with the CLI's defaults; an unknown name is a TypeError, as Python's own."""
    options = {}
    for group in groups:
        options.update(group)
    unknown = sorted(set(given) - set(options))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {', '.join(unknown)}; valid: {', '.join(sorted(options))}")
    options.update(given)
    for key in ("layers", "drop", "keep", "metrics", "na_values"):
        options[key] = list(options[key]) if options.get(key) is not None else None
    return options


def _table(data):
    """(path, csv_text) for a file path or a pandas DataFrame."""
    if isinstance(data, (str, os.PathLike)):
        # A file that cannot be opened is Python's own OSError (FileNotFoundError, PermissionError);
        # the library's reader calls it a DataError, the CLI's exit code for unusable input.
        with open(data, "rb"):
            pass
        return os.fspath(data), None
    if hasattr(data, "to_csv"):  # pandas: the same parser reads it as it reads a file
        return "<DataFrame>", data.to_csv(index=False)
    raise TypeError(f"expected a CSV path, a pandas DataFrame, a Dataset or arrays X, y; got {type(data).__name__}")


def prepare(data, **kwargs):
    """Reads and prepares a CSV file or a DataFrame as ``lrtune find`` does: the target rule,
    missing values, encoding, the train/test split, scaling. Returns a Dataset."""
    options = _options(kwargs, _DATA)
    if not options["target"]:
        raise UsageError("prepare: target= is required (the column to predict)")
    path, text = _table(data)
    return Dataset(_lrtune.prepare(path, text, options))


def _dataset(data, y, X_test, y_test, options):
    if isinstance(data, Dataset):
        return data._native
    if y is not None:
        def matrix(a):
            return None if a is None else _as_2d(a)
        return _lrtune.from_arrays(_as_2d(data), _as_1d(y), matrix(X_test), None if y_test is None else _as_1d(y_test),
                                   options)
    path, text = _table(data)
    if not options.get("target"):
        raise UsageError("target= is required with a CSV path or a DataFrame (the column to predict)")
    return _lrtune.prepare(path, text, options)


def _as_2d(a):
    import numpy as np
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise UsageError(f"X must be 2-D (rows, features), got shape {a.shape}")
    return a


def _as_1d(a):
    import numpy as np
    a = np.asarray(a, dtype=float)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise UsageError(f"y must be 1-D (rows,), got shape {a.shape}")
    return a


def find(data, y=None, **kwargs):
    """The range test (``lrtune find``) on a Dataset, a CSV path or DataFrame (with target=...),
    or arrays X, y (features already scaled). Returns a Curve with every rule's suggestion."""
    options = _options(kwargs, _DATA, _MODEL, _FINDER)
    return Curve(_lrtune.find(_dataset(data, y, None, None, options), options))


def tune(data, y=None, X_test=None, y_test=None, **kwargs):
    """The validated learning-rate search (``lrtune tune``) on the training rows. Returns a
    SearchResult: the pick, the candidates, the rungs, the model and its test scores."""
    options = _options(kwargs, _DATA, _MODEL, _FINDER, _TRAINING, _SEARCH)
    refuse_unread("tune", kwargs, dict(options, lr="auto"))
    result, model, test = _lrtune.tune(_dataset(data, y, X_test, y_test, options), options)
    return SearchResult(result, model, test)


def fit(data, y=None, X_test=None, y_test=None, lr="auto", **kwargs):
    """One training (``lrtune train``) at ``lr``: a number, or "auto" (the search's pick; with
    pick="finder" the range test's suggestion). Early stopping is on with "auto", off with a
    number, unless told. Returns a Training with its history, model and test scores."""
    options = _options(kwargs, _DATA, _MODEL, _FINDER, _TRAINING, _SEARCH)
    if options["early_stopping"] is None:
        options["early_stopping"] = lr == "auto"
    refuse_unread("fit", kwargs, dict(options, lr=lr))
    dataset = _dataset(data, y, X_test, y_test, options)
    if lr == "auto":
        if options["pick"] == "finder":
            rate = Curve(_lrtune.find(dataset, options)).suggestions
            rate = (rate[options["rule"]] if options["rule"] else rate.default).learning_rate
            if rate is None:
                raise DataError("fit: lr='auto', pick='finder': the range test's rule found no learning rate; "
                                "give lr=, drop pick='finder', or try schedule='step'")
        else:
            rate = _lrtune.tune(dataset, options)[0]["learning_rate"]
    else:
        rate = float(lr)
    return Training(_lrtune.fit(dataset, rate, options))


def run(data, **kwargs):
    """The whole recipe (``lrtune run``): prepare, range test, the validated search, trainings at
    the optimizer's default rate and at the tuned one, test scores. Returns an Experiment."""
    options = _options(kwargs, _DATA, _MODEL, _FINDER, _TRAINING, _SEARCH)
    if options["early_stopping"] is None:
        options["early_stopping"] = True
    refuse_unread("run", kwargs, dict(options, lr="auto"))
    return Experiment(_lrtune.run(_dataset(data, None, None, None, options), options))


def range_test(step_fn, start=1e-7, end=10.0, num=100, mode="step", spacing="exponential", smoothing_beta=None,
               diverge_factor=4.0, rule=None):
    """The range test over any training step: ``step_fn(lr)`` trains one mini-batch (mode="step")
    or one epoch (mode="epoch") at ``lr`` and returns its loss (a number, or a dict with "loss",
    optionally "validation_loss" and metrics). Restoring your model afterwards is yours.
    diverge_factor: stop when the smoothed loss exceeds this multiple of the best (0: never).
    Returns a Curve."""
    return Curve(_lrtune.range_test(step_fn, float(start), float(end), int(num), mode, spacing, smoothing_beta,
                                    float(diverge_factor), rule or ""))


def suggest(learning_rates, losses, rule=None, mode="step"):
    """Every suggestion rule on any curve (the losses as the rules should read them, e.g.
    smoothed); ``rule`` marks the default. Returns Suggestions."""
    import numpy as np
    return Suggestions(_lrtune.suggest(np.asarray(learning_rates, dtype=float).tolist(),
                                       np.asarray(losses, dtype=float).tolist(), mode, rule or ""))


def search(make_trainer, low=None, high=None, default_rate=None, range_test=None, candidates=10,
           first_rung_epochs=4, rung_growth=2.0, keep_fraction=0.5, keep_improving=True, max_epochs=100, patience=10,
           min_delta=0.0, noise_margin=2.0, max_extensions=2, decades_below_minimum=2.0, repeats=1, folds=1, seed=0,
           threads=1):
    """The validated search (the Tuner's rungs, halving, early stopping and noise-aware pick) over
    your own trainer. ``make_trainer(lr, seed, fold)`` returns a fresh model's trainer; its
    ``train_epoch()`` trains one more epoch and returns the validation loss, or ``(loss, row_losses)``
    with the loss of every validation row (a 1-D array; it lets the pick measure its noise).
    The interval: ``low`` and ``high``, or ``range_test`` (a Curve of ``lrtune.range_test``).
    ``default_rate`` (required) is the rate you would train at without a search. Each candidate
    trains ``repeats`` x ``folds`` units (seed + r, fold f). Early stopping and the best epoch are
    lrtune's (``result.best_epoch``); keeping the best weights is your trainer's. With threads > 1
    calls overlap only where your code releases the GIL (torch kernels do). Ctrl-C stops the
    search after the current epoch and raises KeyboardInterrupt; an exception in your code
    propagates unchanged. Returns a SearchResult (its model and test are None)."""
    options = dict(low=low, high=high, default_rate=default_rate, candidates=candidates,
                   first_rung_epochs=first_rung_epochs, rung_growth=rung_growth, keep_fraction=keep_fraction,
                   keep_improving=keep_improving, max_epochs=max_epochs, patience=patience, min_delta=min_delta,
                   noise_margin=noise_margin, max_extensions=max_extensions,
                   decades_below_minimum=decades_below_minimum, repeats=repeats, folds=folds, seed=seed,
                   threads=threads)
    if range_test is not None:
        import json
        curve = range_test.to_dict() if hasattr(range_test, "to_dict") else range_test
        options["range_test"] = json.dumps(curve)
    return SearchResult(_lrtune.search(make_trainer, options), None, None)
