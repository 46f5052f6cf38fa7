"""lrtune.search over a pure-NumPy trainer (logistic regression by mini-batch SGD): the search end to
end, its records against the trainer run by hand, the range test's interval, errors from the
trainer and from the options, and Ctrl-C."""

import os
import signal
import time

import numpy as np
import pytest

import lrtune


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 5))
    w = np.array([1.5, -2.0, 0.5, 0.0, 1.0])
    y = (X @ w + rng.normal(scale=1.0, size=400) > 0).astype(float)
    return X[:300], y[:300], X[300:], y[300:]


X, Y, X_VAL, Y_VAL = _data()


def _row_losses(w, b, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


class LogisticTrainer:
    """Logistic regression, SGD in batches of 32, batch order from the seed; fold f holds out a
    different validation part when folds > 1 (here: one fixed part, fold ignored)."""

    def __init__(self, lr, seed, fold, rows=True):
        self.lr, self.rows = lr, rows
        self.rng = np.random.RandomState(seed)
        self.w = self.rng.normal(scale=0.01, size=X.shape[1])
        self.b = 0.0

    def train_epoch(self):
        order = self.rng.permutation(len(X))
        for start in range(0, len(X), 32):
            idx = order[start:start + 32]
            p = 1.0 / (1.0 + np.exp(-(X[idx] @ self.w + self.b)))
            g = p - Y[idx]
            self.w -= self.lr * X[idx].T @ g / len(idx)
            self.b -= self.lr * g.mean()
        rows = _row_losses(self.w, self.b, X_VAL, Y_VAL)
        return (float(rows.mean()), rows) if self.rows else float(rows.mean())


QUICK = dict(low=1e-3, high=3.0, default_rate=1e-2, candidates=5, first_rung_epochs=2, max_epochs=8, patience=3)


def _without_timings(d):
    return {k: v for k, v in d.items() if not k.endswith("seconds") and k != "rungs"}


def test_search_end_to_end_matches_the_trainer_run_by_hand():
    result = lrtune.search(LogisticTrainer, **QUICK)
    assert isinstance(result, lrtune.SearchResult)
    assert result.model is None and result.test is None
    rates = [c["learning_rate"] for c in result.candidates]
    assert rates == sorted(rates) and 1e-2 in rates
    assert result.learning_rate in rates
    assert result.low == 1e-3 and result.high == 3.0
    # The default's records are its trainer's losses, epoch by epoch.
    default = result.candidates[result.default_candidate]
    by_hand = LogisticTrainer(1e-2, 0, 0)
    expected = [by_hand.train_epoch()[0] for _ in default["validation_losses"][0]]
    np.testing.assert_array_equal(np.array(default["validation_losses"][0]), np.array(expected))
    # SGD at 1e-2 for 8 epochs underfits: a larger rate beats it by more than the paired noise.
    assert result.learning_rate > 1e-2
    assert "paired validation rows" in result.decision
    assert repr(result).startswith("SearchResult(pick ")
    again = lrtune.search(LogisticTrainer, **QUICK)
    assert _without_timings(again.to_dict()) == _without_timings(result.to_dict())


def test_search_without_row_losses_says_there_is_no_noise_estimate():
    result = lrtune.search(lambda lr, seed, fold: LogisticTrainer(lr, seed, fold, rows=False), **QUICK)
    assert "no noise estimate exists" in result.decision


def test_search_over_the_range_test_interval():
    model = LogisticTrainer(1e-3, 0, 0)

    def step(lr):
        model.lr = lr
        return model.train_epoch()[0]

    curve = lrtune.range_test(step, start=1e-4, end=10.0, num=20, mode="epoch")
    options = {k: v for k, v in QUICK.items() if k not in ("low", "high")}
    result = lrtune.search(LogisticTrainer, range_test=curve, **options)
    assert len(result.curve) == len(curve)
    assert 0 < result.low < result.high
    assert "range test" in result.explanation


class TrainerBroke(Exception):
    pass


def test_an_error_in_train_epoch_is_raised_unchanged():
    class Broken(LogisticTrainer):
        def train_epoch(self):
            if self.lr > 1.0:
                raise TrainerBroke("CUDA out of memory")
            return super().train_epoch()

    with pytest.raises(TrainerBroke, match="CUDA out of memory"):
        lrtune.search(Broken, **QUICK)


def test_ctrl_c_stops_the_search_after_the_current_epoch():
    epochs = []

    class Interrupted(LogisticTrainer):
        def train_epoch(self):
            epochs.append(self.lr)
            if len(epochs) == 3:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)  # an epoch long enough for the 20 ms signal poll to see it
            return super().train_epoch()

    with pytest.raises(KeyboardInterrupt):
        lrtune.search(Interrupted, **QUICK)
    # The epoch under way when Ctrl-C came finishes; no other starts.
    assert len(epochs) == 3


@pytest.mark.parametrize("bad, message", [
    (dict(candidates=1), "candidates = 1 must be >= 2"),
    (dict(default_rate=None), "default_rate is required"),
    (dict(low=None, high=None), "the interval is required"),
    (dict(keep_fraction=1.0), "keep_fraction = 1 must be in"),
    (dict(folds=0), "folds = 0"),
])
def test_bad_options_are_value_errors(bad, message):
    with pytest.raises(ValueError, match=message):
        lrtune.search(LogisticTrainer, **{**QUICK, **bad})


def test_a_bad_answer_from_train_epoch_is_a_value_error():
    class Words(LogisticTrainer):
        def train_epoch(self):
            return "fine"

    with pytest.raises(ValueError, match="returned a str"):
        lrtune.search(Words, **QUICK)

    with pytest.raises(ValueError, match="without a train_epoch"):
        lrtune.search(lambda lr, seed, fold: object(), **QUICK)


def test_threads_take_turns_at_the_gil_and_give_the_same_search():
    one = lrtune.search(LogisticTrainer, **QUICK)
    three = lrtune.search(LogisticTrainer, **{**QUICK, "threads": 3})
    assert three.threads == 3
    assert {**_without_timings(three.to_dict()), "threads": 1} == _without_timings(one.to_dict())
