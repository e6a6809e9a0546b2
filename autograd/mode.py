"""The switches: whether ops record a graph, and whether anomalies raise.

Each switch belongs to the thread (and the asyncio task) that set it, as in
PyTorch: a ``no_grad()`` block in one thread never turns recording off in
another, however their blocks overlap. The setting lives in a
:mod:`contextvars` variable, so a new thread starts with recording on and
anomaly detection off, and an asyncio task sees the setting of the code that
created it but its own changes stay its own. Both context managers restore
the previous setting on exit, so they nest.
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, Optional

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled", "collector_paused"]


class Mode:
    """One setting of both switches (immutable), with the setting it replaced."""

    __slots__ = ("grad_enabled", "anomaly", "ieee", "previous")

    def __init__(self, grad_enabled: bool, anomaly: bool, previous: Optional[Mode] = None,
                 ieee: bool = False) -> None:
        self.grad_enabled = grad_enabled
        self.anomaly = anomaly
        #: True inside a backward pass that builds its derivatives from Values: there a derivative
        #: at a singular point is inf or nan (IEEE, as PyTorch), not a domain error.
        self.ieee = ieee
        self.previous = previous


_DEFAULT = Mode(True, False)
_MODE: ContextVar[Mode] = ContextVar("autograd_mode", default=_DEFAULT)

#: ``current()`` is the calling thread's (or task's) :class:`Mode`; ops read it once per node.
current = _MODE.get


def _push(grad_enabled: bool, anomaly: bool) -> None:
    mode = _MODE.get()
    _MODE.set(Mode(grad_enabled, anomaly, mode, mode.ieee))


def ieee() -> bool:
    """Whether ops give IEEE results (inf, nan) instead of domain errors: only while a
    backward pass builds derivatives out of Values (``create_graph=True``)."""
    return _MODE.get().ieee


@contextmanager
def ieee_results() -> Iterator[None]:
    """Inside the block, ops give inf or nan where they would refuse their input."""
    mode = _MODE.get()
    _MODE.set(Mode(mode.grad_enabled, mode.anomaly, mode, True))
    try:
        yield
    finally:
        _pop()


def _pop() -> None:
    previous = _MODE.get().previous
    _MODE.set(previous if previous is not None else _DEFAULT)


def reset() -> None:
    """Back to recording on and anomaly detection off in the calling thread
    (for test fixtures that must not inherit a leaked switch)."""
    _MODE.set(_DEFAULT)


class _GradSwitch:
    """Set whether ops record a graph inside a ``with`` block or a decorated function.

    The object keeps no state of its own (the previous setting is kept with
    the thread's), so one instance can be shared by threads and tasks.
    """

    _enabled = True

    def __init__(self, func: Optional[Callable[..., Any]] = None) -> None:
        self._func = func
        if func is not None:
            functools.update_wrapper(self, func)

    def __enter__(self) -> None:
        _push(self._enabled, _MODE.get().anomaly)

    def __exit__(self, *exc: Any) -> None:
        _pop()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._func is None:  # @no_grad(): decorate the function given now
            (func,) = args
            return type(self)(func)
        with self:  # @no_grad: run the decorated function
            return self._func(*args, **kwargs)


class no_grad(_GradSwitch):
    """Record no graph inside the block; also a decorator, with or without ``()``.

    Results are plain leaves: cheap to make, nothing to backpropagate. The
    switch is per thread and per asyncio task, as in PyTorch.

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
    """Whether ops record a graph in the calling thread (or asyncio task).

    >>> from autograd import is_grad_enabled, no_grad
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _MODE.get().grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise :class:`~autograd.AnomalyError` at the first op whose output, or
    whose gradient during ``backward()``, is NaN or infinite.

    The message names the op, its inputs and their labels, so the culprit is
    found where it happens rather than at the loss, many ops later. Like
    ``no_grad()``, the switch is per thread and per asyncio task.

    >>> from autograd import Value, detect_anomaly
    >>> a = Value(1e200, label="a")
    >>> with detect_anomaly():
    ...     a * a
    Traceback (most recent call last):
    ...
    autograd.errors.AnomalyError: mul produced inf from inputs a=1e+200, a=1e+200
    """
    _push(_MODE.get().grad_enabled, True)
    try:
        yield
    finally:
        _pop()


def is_anomaly_enabled() -> bool:
    """Whether :func:`detect_anomaly` is active in the calling thread (or asyncio task).

    >>> from autograd import detect_anomaly, is_anomaly_enabled
    >>> with detect_anomaly():
    ...     is_anomaly_enabled()
    True
    >>> is_anomaly_enabled()
    False
    """
    return _MODE.get().anomaly


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold CPython's cyclic garbage collector for the block, then give it back
    as it was (also on an error; a collector the caller had switched off stays off).

    A graph of Values holds no reference cycles, so reference counting frees
    it the moment nobody refers to it; while a big graph is being built, the
    collector would only rescan every live object again and again, a cost that
    grows with the graph. ``nn.fit`` runs each training step inside this.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
