"""Keyword arguments a call accepts but would not read, refused with the reason (as the CLI
refuses a flag its command does not read: src/cli/flag_scope.cpp). A setting silently ignored
would look like it took effect."""

from ._lrtune import UsageError

_RANGE_TEST = ("schedule", "finder_points", "finder_start", "finder_end", "rule")
_SEARCH = ("candidates", "max_epochs", "first_rung_epochs", "lr_low", "lr_high", "refit", "threads")
_STOPPING = ("monitor", "patience", "min_delta", "restore_best_weights")


def _reason(call, name, options):
    """Why `call` with these options does not read `name`; None when it does."""
    searches = call == "tune" or (call == "fit" and options["lr"] == "auto" and options["pick"] == "tuner")
    if call == "tune":
        if name in ("epochs", "early_stopping", "monitor", "restore_best_weights"):
            return "tune stops each candidate on its validation loss (patience, min_delta, max_epochs)"
        if name in ("lr_schedule", "pick"):
            return "tune trains every candidate at a constant rate and always returns its search's pick"
    if call in ("fit", "run") and name == "refit":
        return f"{call} trains its own model at the picked rate"
    if call == "fit" and options["lr"] != "auto" and (name in _RANGE_TEST or name in _SEARCH or name == "pick"):
        return f"fit(lr={options['lr']!r}) was given its rate: it runs no range test and no search"
    if options["pick"] == "finder" and name in _SEARCH and name != "threads" and call in ("fit", "run"):
        return f"{call}(pick='finder') takes the range test's suggestion and does not search"
    if searches and options["schedule"] == "epoch" and name in _RANGE_TEST and name != "rule":
        return ("the search bounds its interval with fastai's per-mini-batch range test; schedule='step' "
                "sets its points (the per-epoch range test is find's and run's)")
    if call in ("fit", "run") and not options["early_stopping"] and name in _STOPPING:
        return "early stopping is off here: add early_stopping=True"
    return None


def refuse_unread(call, given, options):
    """Raises UsageError for the first keyword in `given` that `call` would not read."""
    for name in given:
        reason = _reason(call, name, options)
        if reason is not None:
            raise UsageError(f"{call}: {name}= is not used here; {reason}")
