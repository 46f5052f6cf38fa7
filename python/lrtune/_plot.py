"""lrtune.plot: the evidence of a result as a matplotlib figure, the charts the CLI's report draws.
matplotlib is optional: it is imported only here, when a figure is asked for."""

import numpy as np

from ._results import Curve, Experiment, History, SearchResult, Training, _array

_MISSING = ("lrtune.plot needs matplotlib, which is not installed: on Debian `apt-get install python3-matplotlib` "
            "(or `pip install matplotlib` in your environment)")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(_MISSING) from error
    return plt


def plot(result, ax=None, title=None):
    """Draws a result and returns its matplotlib Figure:

    - a Curve (``find``, ``range_test``, ``SearchResult.curve``): loss against learning rate on a
      log axis, the smoothed loss and every rule's suggestion, the default rule's bold;
    - a SearchResult (``tune``): each candidate's validation score against its rate, the smoothed
      scores the pick ranks, the default rate and the pick marked;
    - a History, or a Training (``fit``): loss per epoch, each validation column, the best epoch;
    - an Experiment (``run``): its range-test curve.

    ``ax``: draw into these axes instead of a new figure. Raises ImportError (with how to install
    it) when matplotlib is missing, TypeError for anything else."""
    if isinstance(result, Experiment):
        result = result.curve
    if isinstance(result, Training):
        result = result.history
    draw = {Curve: _curve, SearchResult: _search, History: _history}.get(type(result))
    if draw is None:
        raise TypeError(f"lrtune.plot draws a Curve, SearchResult, History, Training or Experiment; "
                        f"got {type(result).__name__}")
    plt = _pyplot()
    if ax is None:
        figure, ax = plt.subplots(figsize=(8, 5))
    else:
        figure = ax.figure
    draw(result, ax)
    if title is not None:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return figure


def _curve(curve, ax):
    rates = curve.learning_rates
    ax.plot(rates, curve.losses, color="tab:blue", alpha=0.35, linewidth=1, label="loss")
    smoothed = curve.smoothed_losses
    if len(smoothed) == len(rates) and not np.all(np.isnan(smoothed)):
        ax.plot(rates, smoothed, color="tab:blue", linewidth=2, label="smoothed loss")
        reference = smoothed
    else:
        reference = curve.losses
    validation = curve.validation_losses
    if len(validation) == len(rates) and not np.all(np.isnan(validation)):
        ax.plot(rates, validation, color="tab:orange", linewidth=1.5, label="validation loss")
    suggestions = curve.suggestions
    markers = iter("ov^sDP*Xph")
    for suggestion in suggestions:
        rate = suggestion.learning_rate
        if rate is None:
            continue
        index = suggestion.index
        y = reference[index] if isinstance(index, int) and 0 <= index < len(reference) else np.interp(
            np.log(rate), np.log(rates), reference)
        is_default = suggestion.name == suggestions.default_rule
        ax.plot([rate], [y], linestyle="none", marker=next(markers, "o"), markersize=10 if is_default else 7,
                markeredgecolor="black" if is_default else "none",
                label=f"{suggestion.name}{' (default)' if is_default else ''}: {rate:.3g}")
    _limit_to_finite(ax, reference)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss")
    ax.set_title(f"Range test ({curve.mode}, {len(curve)} points, {curve.stop_reason})")


def _limit_to_finite(ax, losses):
    """A diverged tail would squash the curve: the y range follows the finite part, up to 4x its
    lowest point's distance from the first loss, as the CLI's chart does."""
    finite = losses[np.isfinite(losses)]
    if finite.size < 2:
        return
    low, first = finite.min(), finite[0]
    top = min(finite.max(), first + 4 * max(first - low, 1e-12) if first > low else finite.max())
    margin = 0.05 * (top - low) if top > low else 1.0
    ax.set_ylim(low - margin, top + margin)


def _search(search, ax):
    candidates = search.candidates
    rates = np.array([c["learning_rate"] for c in candidates], dtype=float)
    scores = _array([c["score"] for c in candidates])
    smoothed = _array([c["smoothed_score"] for c in candidates])
    spread = _array([c["score_std"] for c in candidates])
    finite = np.isfinite(scores)
    if search.repeats > 1:
        ax.errorbar(rates[finite], scores[finite], yerr=np.nan_to_num(spread[finite]), linestyle="none",
                    marker="o", color="tab:blue", capsize=3, label="score (mean ± sd over seeds)")
    else:
        ax.plot(rates[finite], scores[finite], linestyle="none", marker="o", color="tab:blue", label="score")
    shown = np.isfinite(smoothed)
    ax.plot(rates[shown], smoothed[shown], color="tab:blue", linewidth=1.5, alpha=0.6, label="smoothed score")
    for i in np.flatnonzero(~finite):
        ax.axvline(rates[i], color="tab:red", alpha=0.3, linestyle=":")
    default, pick = search.default_candidate, search.pick
    ax.plot([rates[default]], [scores[default]], linestyle="none", marker="s", markersize=11, markerfacecolor="none",
            markeredgecolor="black", label=f"default rate {rates[default]:.3g}")
    ax.plot([rates[pick]], [scores[pick]], linestyle="none", marker="*", markersize=15, color="tab:green",
            label=f"pick {rates[pick]:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("best validation loss")
    ax.set_title(f"Validated search: {len(candidates)} candidates, {len(search.rungs)} rungs"
                 f"{' (diverged: dotted)' if not finite.all() else ''}")


def _history(history, ax):
    epochs = np.arange(1, len(history) + 1)
    names = [n for n in history.columns if n == "loss" or n == "val_loss"]
    for name in names:
        ax.plot(epochs, history[name], marker="." if len(history) < 30 else None, label=name)
    best = history.to_dict()["summary"].get("best_epoch")
    if isinstance(best, int) and best >= 0:
        ax.axvline(best + 1, color="gray", linestyle="--", label=f"best epoch {best + 1}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(f"Training: {len(history)} epochs, {history.stop_reason}")
