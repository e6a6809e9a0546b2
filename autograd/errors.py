"""Exceptions raised by autograd beyond the built-in ones."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["AnomalyError", "GradcheckError"]


class AnomalyError(FloatingPointError):
    """An op produced NaN or inf while :func:`~autograd.detect_anomaly` was on."""


class GradcheckError(AssertionError):
    """``gradcheck`` found an analytic gradient that disagrees with finite differences."""


class Node:
    """The base class of :class:`~autograd.Value` (it adds nothing, not even a slot), so
    that the checks below, which the engine runs, know a Value without importing the module
    that imports the engine."""

    __slots__ = ()


def shown(x: object, limit: int = 80) -> str:
    """``repr(x)``, cut to ``limit`` characters, for error messages."""
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_value(who: str, arg: str, x: object) -> None:
    """Raise a TypeError naming ``who()``, the argument and the value unless ``x`` is a Value.

    >>> check_value("explain", "root", 3.0)
    Traceback (most recent call last):
    ...
    TypeError: explain() root must be a Value, got float: 3.0
    """
    if not isinstance(x, Node):
        raise TypeError(f"{who}() {arg} must be a Value, got {type(x).__name__}: {shown(x)}")


def check_real(who: str, arg: str, x: object, finite: bool = False) -> float:
    """``x`` as a float, or a TypeError (not an int or float; bool and complex refused) or a
    ValueError (not finite, when ``finite``) naming ``who()``, the argument and the value.

    >>> check_real("backprop", "seed", True)
    Traceback (most recent call last):
    ...
    TypeError: backprop() seed must be an int or float, got bool: True
    """
    import numbers

    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}() {arg} must be an int or float, got {type(x).__name__}: {shown(x)}")
    try:
        value = float(x)
    except OverflowError:
        raise ValueError(f"{who}() {arg} is too large for a float: {shown(x)}") from None
    if finite and not math.isfinite(value):
        raise ValueError(f"{who}() {arg} must be finite, got {value!r}")
    return value


def check_flag(who: str, arg: str, x: object) -> None:
    """Raise a TypeError naming ``who()``, the argument and the value unless ``x`` is a bool."""
    if not isinstance(x, bool):
        raise TypeError(f"{who}() {arg} must be True or False, got {type(x).__name__}: {shown(x)}")


def check_seed(who: str, arg: str, x: object) -> Any:
    """A backward pass's seed: a Value as it is, a real number as a float (bool and complex refused)."""
    if isinstance(x, Node):
        return x
    return check_real(who, arg, x)
