"""Checks ``fit`` runs before training, so every engine refuses bad data and bad
learning rates with the same words, naming the argument and the value."""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, List, Sequence

from autograd import Value

__all__ = ["scheduled_lr", "check_rows", "check_labels"]


def scheduled_lr(schedule: Callable[[int], float], epoch: int) -> float:
    """The learning rate ``schedule`` gives for ``epoch``, refused (as ``SGD(lr=...)`` refuses it)
    unless it is a finite number >= 0."""
    lr = schedule(epoch)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr < 0:
        raise ValueError(f"fit() schedule returned {lr!r} for epoch {epoch}; "
                         "a learning rate must be a finite number >= 0")
    return float(lr)


def _check_number(where: str, x: Any) -> None:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"fit() {where} must be a number, got {type(x).__name__}: {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"fit() {where} is {x!r}; training data must be finite numbers")


def check_rows(what: str, model: Any, X: Sequence[Any]) -> None:
    """Every row of ``X`` the way the model itself checks one (``MLP expects 2 inputs, got 1``),
    so every engine refuses bad data with the same words; plus no NaN or inf."""
    nin = getattr(model, "nin", None)
    if type(nin) is not int:
        return  # a model of your own: it checks its inputs itself
    who = type(model).__name__
    for r, row in enumerate(X):
        if isinstance(row, Value):
            continue
        if isinstance(row, numbers.Real) and not isinstance(row, bool):
            cells: List[Any] = [row]
        elif isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
            raise TypeError(f"fit() {what}[{r}]: {who} expects a sequence of {nin} numbers or Values, "
                            f"got {type(row).__name__}: {row!r}")
        else:
            cells = list(row)
        if len(cells) != nin:
            raise ValueError(f"fit() {what}[{r}]: {who} expects {nin} input{'s' if nin != 1 else ''}, got {len(cells)}")
        for i, cell in enumerate(cells):
            if not isinstance(cell, Value):
                _check_number(f"{what}[{r}][{i}]", cell)


def check_labels(what: str, y: Sequence[Any]) -> None:
    for r, label in enumerate(y):
        items = label if isinstance(label, (list, tuple)) else [label]
        for k, t in enumerate(items):
            if isinstance(t, Value):
                continue
            where = f"{what}[{r}]" + (f"[{k}]" if isinstance(label, (list, tuple)) else "")
            if isinstance(t, numbers.Real) and not isinstance(t, bool) and not math.isfinite(t):
                raise ValueError(f"fit() {where} is {t!r}; labels must be finite numbers")
