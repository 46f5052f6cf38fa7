"""The result classes of the lrtune package: small read-only views over the JSON forms the
library returns (the same the CLI writes), with NumPy arrays for the per-point and per-epoch
numbers, ``to_dict()`` for the plain form and a ``repr`` that reads well in a notebook."""

import numpy as np


def _array(values):
    # The library writes non-finite numbers as "nan"/"inf" strings (JSON has none); float() reads them.
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


class _Result:
    """Attributes are the JSON form's keys; ``to_dict()`` returns that form."""

    def __init__(self, data):
        self._data = data

    def to_dict(self):
        return self._data

    def __getattr__(self, name):
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._data))


def _rate(rate):
    return "none" if rate is None or (isinstance(rate, float) and np.isnan(rate)) else f"{float(rate):.3g}"


class Suggestion(_Result):
    """One rule's answer: ``name``, ``found``, ``learning_rate``, ``index``, ``explanation``."""

    @property
    def learning_rate(self):
        rate = self._data.get("learning_rate")
        return float(rate) if self._data.get("found") and rate is not None else None

    def __repr__(self):
        return f"Suggestion({self.name}: {_rate(self.learning_rate)}; {self.explanation})"


class Suggestions(_Result):
    """Every rule's suggestion on one curve, and the default rule: ``suggestions[name]``."""

    def __init__(self, data):
        super().__init__(data)
        self._by_name = {s["name"]: Suggestion(s) for s in data["suggestions"]}

    def __getitem__(self, name):
        return self._by_name[name]

    def __iter__(self):
        return iter(self._by_name.values())

    @property
    def default(self):
        return self._by_name[self._data["default_rule"]]

    def __repr__(self):
        lines = [f"  {'*' if s.name == self.default_rule else ' '} {s.name:<15} {_rate(s.learning_rate):>9}  "
                 f"{s.explanation}" for s in self]
        return "Suggestions (* = default)\n" + "\n".join(lines)


class Curve(_Result):
    """A range test's curve: ``learning_rates``, ``losses``, ``smoothed_losses`` (NumPy arrays),
    ``stop_reason``, ``suggestions`` and ``suggested_rate`` (the default rule's, or None)."""

    _ARRAYS = ("learning_rates", "losses", "smoothed_losses", "validation_losses", "step_seconds")

    def __getattr__(self, name):
        if name in Curve._ARRAYS:
            return _array(self.__dict__["_data"].get(name, []))
        if name == "metrics":
            return {k: _array(v) for k, v in self.__dict__["_data"].get("metrics", {}).items()}
        if name == "suggestions":
            return Suggestions(self.__dict__["_data"]["suggestions"])
        return super().__getattr__(name)

    @property
    def suggested_rate(self):
        return self.suggestions.default.learning_rate

    def __len__(self):
        return len(self._data["learning_rates"])

    def __repr__(self):
        return (f"Curve({len(self)} points, {self.mode}, {self.stop_reason}; "
                f"suggested {_rate(self.suggested_rate)} by {self.suggestions.default_rule})\n{self.suggestions!r}")


class History(_Result):
    """One training's epochs: ``history["loss"]`` and every other column as a NumPy array,
    ``columns``, and how it ended (``stop_reason``, ``best_epoch``)."""

    def __init__(self, data):
        super().__init__(data)
        records = data["records"]
        # The logged order (loss, metrics, val_*, lr) when the library gives it; else first seen.
        names = ["epoch", *data.get("columns", [])] + [k for r in records for k in r]
        self.columns = [n for n in dict.fromkeys(names) if any(n in r for r in records)]
        self._columns = {n: _array([r.get(n) for r in records]) for n in self.columns}

    def __getitem__(self, name):
        return self._columns[name]

    def __getattr__(self, name):
        summary = self.__dict__["_data"]["summary"]
        if name in summary:
            return summary[name]
        return super().__getattr__(name)

    def __len__(self):
        return len(self._data["records"])

    def __repr__(self):
        return f"History({len(self)} epochs, {self.stop_reason}, columns {', '.join(self.columns)})"


class Model:
    """A trained network with its task: ``predict(X)``, ``predict_proba(X)`` (classifiers) and
    ``save(path)`` (a model file as ``lrtune train`` writes; needs data from a table)."""

    def __init__(self, native):
        self._native = native

    def predict_proba(self, X):
        if self._native.task == "regression":
            raise ValueError("predict_proba: a regression model has no class probabilities; use predict")
        out = self._native.outputs(np.asarray(X, dtype=float))
        return np.hstack([1.0 - out, out]) if out.shape[1] == 1 else out

    def predict(self, X):
        """Class numbers (0, 1, ...) for classifiers, values in the target's units for regression."""
        out = self._native.outputs(np.asarray(X, dtype=float))
        if self._native.task == "regression":
            return out[:, 0]
        return (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)

    def save(self, path):
        self._native.save(str(path))

    def __getattr__(self, name):
        return getattr(self.__dict__["_native"], name)

    def __repr__(self):
        return f"Model({self.task}, {self.parameter_count} parameters)"


class Training(_Result):
    """One training: ``learning_rate``, ``seed``, ``epochs_run``, ``test_*`` scores,
    ``history`` (History) and ``model`` (Model)."""

    def __init__(self, data):
        data = dict(data)
        native = data.pop("model")
        self.history = History(data.pop("history"))
        self.model = Model(native) if native is not None else None
        super().__init__(data)

    @property
    def test(self):
        return {k[len("test_"):]: v for k, v in self._data.items() if k.startswith("test_")}

    def __repr__(self):
        scores = ", ".join(f"{k} {v:.4f}" for k, v in self.test.items() if isinstance(v, float))
        return (f"Training(lr {_rate(self.learning_rate)}, {self.epochs_run} epochs, {self.stop_reason}"
                f"{'; test ' + scores if scores else ''})")


class SearchResult(_Result):
    """The validated search: ``learning_rate`` (the pick), ``candidates``, ``rungs``,
    ``explanation``, ``curve`` (its range test), ``model`` and ``test`` scores when there is a test split."""

    def __init__(self, data, model, test):
        super().__init__(data)
        self.model = Model(model) if model is not None else None
        self.test = test

    @property
    def curve(self):
        return Curve(self._data["range_test"])

    def __repr__(self):
        return (f"SearchResult(pick {_rate(self.learning_rate)}, best epoch {self.best_epoch + 1}, "
                f"{len(self.candidates)} candidates)\n{self.decision or self.explanation}")


class Experiment(_Result):
    """``lrtune.run``'s result: the ``comparison`` (as comparison.json), the ``curve``, the
    ``search``, the trainings of each side (``default_runs``, ``tuned_runs``) and the delivered ``model``."""

    def __init__(self, data):
        super().__init__(data["comparison"])
        self.curve = Curve(data["range_test"])
        self.search = SearchResult(data["search"], None, None) if data["search"] is not None else None
        self.default_runs = [Training(r) for r in data["default_runs"]]
        self.tuned_runs = [Training(r) for r in data["tuned_runs"]]
        self.model = self.tuned_runs[0].model if self.tuned_runs else None

    def __repr__(self):
        sides = "; ".join(f"{name} lr {_rate(runs[0].learning_rate)}: {runs[0]!r}"
                          for name, runs in (("default", self.default_runs), ("tuned", self.tuned_runs)) if runs)
        return f"Experiment({self.task}, rule {self.rule})\n{sides}"
