"""Global switches: whether ops record a graph, and whether anomalies raise.

The switches are process-wide (not per thread), which suits a teaching engine;
both context managers restore the previous setting on exit, so they nest.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled"]


class _Mode:
    __slots__ = ("grad_enabled", "anomaly")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False


state = _Mode()


class _GradSwitch:
    """Set whether ops record a graph inside a ``with`` block or a decorated function."""

    _enabled = True

    def __init__(self, func: Optional[Callable[..., Any]] = None) -> None:
        self._func = func
        self._previous: List[bool] = []
        if func is not None:
            functools.update_wrapper(self, func)

    def __enter__(self) -> None:
        self._previous.append(state.grad_enabled)
        state.grad_enabled = self._enabled

    def __exit__(self, *exc: Any) -> None:
        state.grad_enabled = self._previous.pop()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._func is None:  # @no_grad(): decorate the function given now
            (func,) = args
            return type(self)(func)
        with self:  # @no_grad: run the decorated function
            return self._func(*args, **kwargs)


class no_grad(_GradSwitch):
    """Record no graph inside the block; also a decorator, with or without ``()``.

    Results are plain leaves: cheap to make, nothing to backpropagate.

    >>> from autograd import Value, no_grad
    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y.parents
    (9.0, ())
    >>> @no_grad
    ... def square(v):
    ...     return v * v
    >>> square(x).parents
    ()
    """

    _enabled = False


class enable_grad(_GradSwitch):
    """Record the graph again inside a ``no_grad`` block (also a decorator).

    >>> from autograd import Value, no_grad, enable_grad
    >>> x = Value(3.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * x
    >>> len(y.parents)
    2
    """

    _enabled = True


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
