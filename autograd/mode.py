"""Global switches: whether ops record a graph, and whether anomalies raise.

The switches are process-wide (not per thread), which suits a teaching engine;
both context managers restore the previous setting on exit, so they nest.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled"]


class _Mode:
    __slots__ = ("grad_enabled", "anomaly")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False


state = _Mode()


@contextmanager
def no_grad() -> Iterator[None]:
    """Record no graph inside the block (also usable as a decorator).

    Results are plain leaves: cheap to make, nothing to backpropagate.

    >>> from autograd import Value, no_grad
    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y.parents
    (9.0, ())
    """
    previous = state.grad_enabled
    state.grad_enabled = False
    try:
        yield
    finally:
        state.grad_enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again inside a ``no_grad`` block.

    >>> from autograd import Value, no_grad, enable_grad
    >>> x = Value(3.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * x
    >>> len(y.parents)
    2
    """
    previous = state.grad_enabled
    state.grad_enabled = True
    try:
        yield
    finally:
        state.grad_enabled = previous


def is_grad_enabled() -> bool:
    """Whether ops currently record a graph.

    >>> from autograd import is_grad_enabled, no_grad
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return state.grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise :class:`~autograd.AnomalyError` at the first op whose output, or
    whose gradient during ``backward()``, is NaN or infinite.

    The message names the op, its inputs and their labels, so the culprit is
    found where it happens rather than at the loss, many ops later.

    >>> from autograd import Value, detect_anomaly
    >>> a = Value(1e200, label="a")
    >>> with detect_anomaly():
    ...     a * a
    Traceback (most recent call last):
    ...
    autograd.errors.AnomalyError: mul produced inf from inputs a=1e+200, a=1e+200
    """
    previous = state.anomaly
    state.anomaly = True
    try:
        yield
    finally:
        state.anomaly = previous


def is_anomaly_enabled() -> bool:
    """Whether :func:`detect_anomaly` is active."""
    return state.anomaly
