"""Function transforms: ``grad`` (composable to any order) and ``gradcheck``."""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Tuple, Union

from .engine import backprop
from .errors import GradcheckError
from .mode import enable_grad
from .value import Value, _is_real, _type_error, as_float

__all__ = ["grad", "gradcheck"]

ArgNums = Union[int, Sequence[int]]


def grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The function that computes the derivative of ``f`` with respect to its
    argument ``argnums`` (an int, or a tuple of ints for a tuple of partials).

    Floats in give a float out; Values in give a Value out, itself
    differentiable, so ``grad`` composes to any order. ``.grad`` fields are
    never touched, keyword arguments go to ``f`` as they are, and an
    enclosing ``no_grad()`` does not stop it (as ``torch.func.grad``).

    >>> f = lambda x: x ** 3
    >>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)
    (12.0, 12.0, 6.0)
    >>> grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (4.0, 3.0)
    """
    if not callable(f):
        raise TypeError(f"grad() f must be a function, got {type(f).__name__}: {f!r}")
    many = not isinstance(argnums, int)
    if many and not isinstance(argnums, (tuple, list)):
        raise TypeError(f"grad() argnums must be an int or a non-empty tuple of ints, got {type(argnums).__name__}: "
                        f"{argnums!r}")
    positions: Tuple[int, ...] = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions or not all(isinstance(i, int) and not isinstance(i, bool) for i in positions):
        raise TypeError(f"grad() argnums must be an int or a non-empty tuple of ints, got {argnums!r}")

    def derivative(*args: Any, **kwargs: Any) -> Any:
        for i in positions:
            if not -len(args) <= i < len(args):
                raise ValueError(f"grad() argnums {i} is out of range for {len(args)} argument(s)")
        for i in positions:
            if not isinstance(args[i], Value) and not _is_real(args[i]):
                raise _type_error(f"grad() argument {i}", args[i])
        # Every number becomes a Value, so f can call Value methods on any of its
        # arguments; anything else (a list, an option) is passed through as is.
        inputs = [a if isinstance(a, Value) or not _is_real(a) else Value(a) for a in args]
        # Any Value among the arguments may be traced by an outer grad() (a mixed
        # partial such as grad(grad(f, 0), 1)), so the result must be a Value too.
        want_values = any(isinstance(a, Value) for a in args)
        with enable_grad():  # a derivative needs the graph, even when called inside no_grad()
            out = f(*inputs, **kwargs)
            if isinstance(out, Value):
                grads = backprop(out, 1.0, create_graph=want_values)
            elif _is_real(out):
                grads = {}  # f does not depend on its inputs at all
            else:
                raise TypeError(f"grad() needs f to return a Value or a number, got {type(out).__name__}")
        results: list = []
        for i in positions:
            g = grads.get(inputs[i], 0.0)
            if want_values:
                results.append(g if isinstance(g, Value) else Value(g))
            else:
                results.append(as_float(g))
        return tuple(results) if many else results[0]

    derivative.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    derivative.__doc__ = f"Derivative of {getattr(f, '__name__', 'f')} with respect to argument(s) {argnums}."
    return derivative


def gradcheck(
    f: Callable[..., Value],
    *inputs: float,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    backward: Optional[Callable[[Value], Any]] = None,
) -> bool:
    """Check ``backward()`` against central differences at ``inputs``.

    Each partial must satisfy ``|analytic - numeric| <= atol + rtol * |numeric|``,
    where ``numeric = (f(x + eps) - f(x - eps)) / (2 eps)``. Returns True, or
    raises :class:`GradcheckError` naming the input and both numbers of the
    worst mismatch. ``backward`` checks another backward pass instead (your own,
    or one from :mod:`autograd.bugzoo`): a function called with ``f``'s output
    that fills the inputs' ``.grad``.

    >>> gradcheck(lambda x, y: (x * y).tanh() + x.exp(), 0.5, -1.5)
    True
    >>> gradcheck(lambda x: x.relu(), 0.0)  # at the kink, backward() says 0
    Traceback (most recent call last):
    ...
    autograd.errors.GradcheckError: gradcheck: d f / d input 0 (at 0.0) is 0.0 by backward() but 0.5 ...
    """
    if not callable(f):
        raise TypeError(f"gradcheck() needs a function, got {type(f).__name__}")
    if not inputs:
        raise ValueError("gradcheck() needs at least one input")
    for i, x in enumerate(inputs):
        if not _is_real(x):
            raise _type_error(f"gradcheck() input {i}", x)
    if not _is_real(eps) or not eps > 0:
        raise ValueError(f"gradcheck() eps must be a positive number, got {eps!r}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if not _is_real(tol) or not tol >= 0:
            raise ValueError(f"gradcheck() {name} must be a non-negative number, got {tol!r}")
    point = [float(x) for x in inputs]

    def evaluate(values: Sequence[float]) -> float:
        out = f(*[Value(v) for v in values])
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck() needs f to return a Value, got {type(out).__name__}")
        return out.data

    if backward is None:
        analytic = grad(f, argnums=tuple(range(len(point))))(*point)
    else:
        if not callable(backward):
            raise TypeError(f"gradcheck() backward must be a function, got {type(backward).__name__}")
        leaves = [Value(v) for v in point]
        with enable_grad():
            out = f(*leaves)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck() needs f to return a Value, got {type(out).__name__}")
        backward(out)
        analytic = tuple(float(v.grad) for v in leaves)
    worst = None  # (excess over tolerance, input index, analytic, numeric, tolerance)
    for i, a in enumerate(analytic):
        plus, minus = list(point), list(point)
        plus[i] += eps
        minus[i] -= eps
        numeric = (evaluate(plus) - evaluate(minus)) / (2 * eps)
        tolerance = atol + rtol * abs(numeric)
        if math.isfinite(a) and math.isfinite(numeric):
            excess = abs(a - numeric) - tolerance
        else:  # inf or nan on either side only agrees with the very same inf
            excess = -math.inf if a == numeric else math.inf
        if worst is None or excess > worst[0]:
            worst = (excess, i, a, numeric, tolerance)
    assert worst is not None  # there is at least one input
    excess, i, a, numeric, tolerance = worst
    if excess > 0:
        raise GradcheckError(
            f"gradcheck: d f / d input {i} (at {point[i]!r}) is {a!r} by backward() but {numeric!r} "
            f"by central differences (eps={eps!r}, |difference| {abs(a - numeric):.6g} > tolerance {tolerance:.6g})"
        )
    return True
