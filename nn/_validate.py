"""Checks ``fit`` runs before training, so every engine refuses bad data and bad
learning rates with the same words, naming the argument and the value."""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, List, Sequence

from autograd import Value

__all__ = ["scheduled_lr", "check_data", "check_model", "check_rows", "check_labels"]


def scheduled_lr(schedule: Callable[[int], float], epoch: int) -> float:
    """The learning rate ``schedule`` gives for ``epoch``, refused (as ``SGD(lr=...)`` refuses it)
    unless it is a finite number >= 0."""
    lr = schedule(epoch)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr < 0:
        raise ValueError(f"fit() schedule returned {lr!r} for epoch {epoch}; "
                         "a learning rate must be a finite number >= 0")
    return float(lr)


def _check_number(who: str, where: str, x: Any) -> None:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}() {where} must be a number, got {type(x).__name__}: {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"{who}() {where} is {x!r}; training data must be finite numbers")


def check_data(who: str, X: Any, y: Any = None) -> None:
    """``X`` (and ``y``) must be sequences of the same, non-zero length."""
    for arg, given in (("X", X), ("y", y)):
        if arg == "y" and y is None:
            continue
        if isinstance(given, (str, bytes)) or not hasattr(given, "__len__"):
            raise TypeError(f"{who}() {arg} must be a sequence (a list of rows), got {type(given).__name__}: {given!r}")
    if y is not None and len(X) != len(y):
        raise ValueError(f"{who}() got {len(X)} rows of X but {len(y)} labels in y")
    if len(X) == 0:
        raise ValueError(f"{who}() X needs at least one row")


def check_rows(what: str, model: Any, X: Sequence[Any], who: str = "fit") -> None:
    """Every row of ``X`` the way the model itself checks one (``MLP expects 2 inputs, got 1``),
    so every engine refuses bad data with the same words; plus no NaN or inf."""
    nin = getattr(model, "nin", None)
    if type(nin) is not int:
        return  # a model of your own: it checks its inputs itself
    caller, who = who, type(model).__name__
    for r, row in enumerate(X):
        if isinstance(row, Value):
            continue
        if isinstance(row, numbers.Real) and not isinstance(row, bool):
            cells: List[Any] = [row]
        elif isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
            raise TypeError(f"{caller}() {what}[{r}]: {who} expects a sequence of {nin} numbers or Values, "
                            f"got {type(row).__name__}: {row!r}")
        else:
            cells = list(row)
        if len(cells) != nin:
            raise ValueError(
                f"{caller}() {what}[{r}]: {who} expects {nin} input{'s' if nin != 1 else ''}, got {len(cells)}")
        for i, cell in enumerate(cells):
            if not isinstance(cell, Value):
                _check_number(caller, f"{what}[{r}][{i}]", cell)


def check_labels(what: str, y: Sequence[Any]) -> None:
    for r, label in enumerate(y):
        items = label if isinstance(label, (list, tuple)) else [label]
        for k, t in enumerate(items):
            if isinstance(t, Value):
                continue
            where = f"{what}[{r}]" + (f"[{k}]" if isinstance(label, (list, tuple)) else "")
            if isinstance(t, numbers.Real) and not isinstance(t, bool) and not math.isfinite(t):
                raise ValueError(f"fit() {where} is {t!r}; labels must be finite numbers")


def check_model(who: str, model: Any) -> None:
    """``model`` must be callable (a Module, or a function of one input row)."""
    if not callable(model):
        raise TypeError(f"{who}() model must be a model or a function of one input row, got {type(model).__name__}: "
                        f"{model!r}")
