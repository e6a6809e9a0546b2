"""Numeric differentiation: finite differences, and why their step size is a compromise.

``(f(x + h) - f(x)) / h`` tends to ``f'(x)`` as ``h`` shrinks, but a computer
subtracts two nearly equal floats: each carries a rounding error of about
``ε·|f|`` (``ε ≈ 2.2e-16``), which the division by ``h`` magnifies. So the
error first falls with ``h`` (truncation error: ``∝ h`` for the forward
difference, ``∝ h²`` for the central one) and then rises again (rounding
error ``∝ ε/h``): on log-log axes, a V. :func:`step_size_errors` measures it
against the exact derivative from reverse mode; ``viz.plot_step_size_errors``
draws it.
"""

from __future__ import annotations

from typing import Any, Callable, List, NamedTuple, Optional, Sequence

from .functional import grad
from .value import Value, _is_real, _type_error

__all__ = ["finite_difference", "step_size_errors", "StepError", "SCHEMES"]

#: The difference quotients, and the order of their truncation error in ``h``.
SCHEMES = {"forward": 1, "backward": 1, "central": 2}


def _check(who: str, f: Any, x: Any, scheme: Any) -> None:
    if not callable(f):
        raise TypeError(f"{who}() needs a function, got {type(f).__name__}: {f!r}")
    if not _is_real(x):
        raise _type_error(f"{who}() x", x)
    if scheme not in SCHEMES:
        raise ValueError(f"{who}() scheme must be 'forward', 'backward' or 'central', got {scheme!r}")


def _evaluate(who: str, f: Callable[[Value], Any], x: float) -> float:
    out = f(Value(x))
    if isinstance(out, Value):
        return out.data
    if _is_real(out):
        return float(out)
    raise TypeError(f"{who}() needs f to return a Value or a number, got {type(out).__name__}: {out!r}")


def finite_difference(f: Callable[[Value], Any], x: float, h: float = 1e-6, scheme: str = "central") -> float:
    """``f'(x)`` approximated from values of ``f`` alone, with step ``h``.

    ``scheme="forward"``: ``(f(x+h) - f(x)) / h``; ``"backward"``:
    ``(f(x) - f(x-h)) / h``; ``"central"``: ``(f(x+h) - f(x-h)) / 2h``.
    ``f`` takes a Value (so ``x.sin()`` works) and returns a Value or a number.

    >>> finite_difference(lambda x: x ** 3, 2.0, h=1e-3, scheme="forward")  # exact: 12
    12.006000999997823
    >>> round(finite_difference(lambda x: x ** 3, 2.0, h=1e-3), 9)  # central: error h² = 1e-6
    12.000001
    """
    _check("finite_difference", f, x, scheme)
    if not _is_real(h) or not h > 0:
        raise ValueError(f"finite_difference() h must be a positive number, got {h!r}")
    x, h = float(x), float(h)
    if scheme == "forward":
        return (_evaluate("finite_difference", f, x + h) - _evaluate("finite_difference", f, x)) / h
    if scheme == "backward":
        return (_evaluate("finite_difference", f, x) - _evaluate("finite_difference", f, x - h)) / h
    return (_evaluate("finite_difference", f, x + h) - _evaluate("finite_difference", f, x - h)) / (2 * h)


class StepError(NamedTuple):
    """One step size ``h``, the finite difference it gives and its distance from the exact derivative.

    >>> step_size_errors(lambda x: x * x, 3.0, steps=[0.5], scheme="forward")
    [StepError(h=0.5, estimate=6.5, error=0.5)]
    """

    h: float
    estimate: float
    error: float


def default_steps() -> List[float]:
    """Step sizes from 1 down to 1e-16, four per decade.

    >>> steps = default_steps(); len(steps), steps[0], steps[4], steps[-1]
    (65, 1.0, 0.1, 1e-16)
    """
    return [10.0 ** (-k / 4) for k in range(65)]


def step_size_errors(f: Callable[[Value], Any], x: float, steps: Optional[Sequence[float]] = None,
                     scheme: str = "central", exact: Optional[float] = None) -> List[StepError]:
    """The finite difference of ``f`` at ``x`` for every step size in ``steps``, with
    its error ``|estimate - exact|``.

    ``exact`` defaults to the derivative by reverse mode (:func:`~autograd.grad`).
    ``steps`` defaults to :func:`default_steps` (1 down to 1e-16). The error is
    smallest near ``h ≈ √ε ≈ 1e-8`` for the forward difference and
    ``h ≈ ∛ε ≈ 1e-5`` for the central one; smaller steps are worse, not better.

    >>> rows = step_size_errors(lambda x: x.exp(), 1.0, steps=[1e-1, 1e-8, 1e-15], scheme="forward")
    >>> [f"{r.error:.0e}" for r in rows]  # truncation, the sweet spot, rounding
    ['1e-01', '7e-09', '4e-01']
    """
    _check("step_size_errors", f, x, scheme)
    hs = default_steps() if steps is None else list(steps)
    if not hs:
        raise ValueError("step_size_errors() steps is empty")
    for i, h in enumerate(hs):
        if not _is_real(h) or not h > 0:
            raise ValueError(f"step_size_errors() steps[{i}] must be a positive number, got {h!r}")
    if exact is None:
        exact = grad(f)(float(x))
    elif not _is_real(exact):
        raise _type_error("step_size_errors() exact", exact)
    rows = []
    for h in hs:
        estimate = finite_difference(f, x, h, scheme)
        rows.append(StepError(float(h), estimate, abs(estimate - float(exact))))
    return rows
