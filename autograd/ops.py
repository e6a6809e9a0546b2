"""The op table: every primitive's forward rule beside its local derivative(s).

Each :class:`Op` pairs ``forward(*inputs) -> float`` with
``local(out, *inputs) -> tuple`` giving ``d out / d input`` for every input.
``local`` is written with ordinary operators and with the dispatching helpers
below, so the *same* code runs on floats (a plain backward pass) and on
``Value`` objects (``create_graph=True``), which is what makes derivatives of
any order work: the derivative of a derivative is just another graph.

Adding an op means adding one row here and one method on ``Value``; the
backward pass never changes. Forward rules check their domain and raise at
once with the op's name and the offending value.
"""

from __future__ import annotations

import math
import operator
from functools import lru_cache
from typing import Any, Callable, Optional, Tuple

__all__ = ["Op", "OPS", "CONSTANT", "pow_const", "leaky_relu_op"]

Local = Callable[..., Tuple[Any, ...]]


class Op:
    """A primitive operation: its name, forward rule and local derivatives.

    ``formula`` spells each local derivative for people: ``{a}``, ``{b}`` are
    the inputs' names (bracketed when they are expressions), ``{A}`` the first
    input's bare name (inside a function's brackets), ``{o}`` the output's. It is
    text only, for explanations and pictures; the numbers come from ``local``.

    >>> MUL.forward(3.0, 4.0), MUL.local(12.0, 3.0, 4.0), MUL.formula
    (12.0, (4.0, 3.0), ('{b}', '{a}'))
    """

    __slots__ = ("name", "symbol", "arity", "forward", "local", "formula", "param")

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int,
        forward: Callable[..., float],
        local: Local,
        formula: Tuple[str, ...] = (),
        param: Optional[float] = None,
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.local = local
        self.formula = formula
        self.param = param

    def __repr__(self) -> str:
        return f"<op {self.symbol}>"


# --- helpers that work on a float or on a Value -----------------------------------

def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


def _sin(x: Any) -> Any:
    return math.sin(x) if _is_number(x) else x.sin()


def _cos(x: Any) -> Any:
    return math.cos(x) if _is_number(x) else x.cos()


def _sigmoid(x: Any) -> Any:
    return _sigmoid_fwd(x) if _is_number(x) else x.sigmoid()


def _log(x: Any) -> Any:
    return _log_fwd(x) if _is_number(x) else x.log()


def _sign(x: Any) -> float:
    # d|x|/dx; PyTorch's convention gives 0 at the kink.
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _singular_div(a: float, b: Any) -> Any:
    """``a / b`` where ``b`` may be an exact 0 at a singular point (sqrt at 0):
    on floats that is +-inf as in PyTorch; on Values the ``div`` op raises."""
    if _is_number(b) and b == 0:
        return math.copysign(math.inf, a) if a else math.nan
    return a / b


def _singular_pow(x: Any, p: Any) -> Any:
    """``x ** p`` inside a derivative, where ``0 ** negative`` means +inf."""
    if _is_number(x) and _is_number(p) and x == 0 and p < 0:
        return math.inf
    return x ** p


def _power_rule(x: Any, n: Any) -> Any:
    """d(x^n)/dx = n x^(n-1). For n = 0 at x = 0 that is 0 (x^0 is 1 everywhere),
    as in PyTorch, not 0 * inf. ``float()`` reads a Value's data: ``==`` on
    Values is identity."""
    if float(n) == 0 and float(x) == 0:
        return 0.0
    return n * _singular_pow(x, n - 1)


# --- forward rules with their domain checks ------------------------------------------

def _div_fwd(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"div(): division by zero, {a!r} / {b!r}")
    return a / b


def _pow_fwd(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"pow(): 0.0 cannot be raised to the negative power {b!r}")
    if a < 0 and not float(b).is_integer():  # also inf and nan, which int() cannot take
        raise ValueError(f"pow(): a negative base ({a!r}) needs an integer exponent, got {b!r}")
    try:
        return a ** b
    except OverflowError:
        raise OverflowError(f"pow(): {a!r} ** {b!r} is too large for a float") from None


def _exp_fwd(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp(): exp({x!r}) is too large for a float") from None


def _log_fwd(x: float) -> float:
    if not x > 0:
        raise ValueError(f"log() needs a positive input, got {x!r}")
    return math.log(x)


def _sqrt_fwd(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt() needs a non-negative input, got {x!r}")
    return math.sqrt(x)


def _sin_fwd(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"sin() needs a finite input, got {x!r}")
    return math.sin(x)


def _cos_fwd(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"cos() needs a finite input, got {x!r}")
    return math.cos(x)


def _sigmoid_fwd(x: float) -> float:
    # Two branches so that exp never overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus_fwd(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for any x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _relu_fwd(x: float) -> float:
    return x if x > 0 else 0.0


def _pow_locals(out: Any, a: Any, b: Any) -> Tuple[Any, Any]:
    # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log a, which is 0 at a = 0 when
    # b >= 0 (PyTorch's convention) and has no real value for a < 0 (nan).
    da = _power_rule(a, b)
    if a > 0:
        db = out * _log(a)
    elif float(a) == 0 and b >= 0:
        db = 0.0
    else:
        db = math.nan
    return da, db


# --- the table ---------------------------------------------------------------------
#      name, symbol, arity, forward, local: d out / d input(s) and the same as formulas

ADD = Op("add", "+", 2, operator.add, lambda out, a, b: (1.0, 1.0), ("1", "1"))
SUB = Op("sub", "-", 2, operator.sub, lambda out, a, b: (1.0, -1.0), ("1", "-1"))
MUL = Op("mul", "*", 2, operator.mul, lambda out, a, b: (b, a), ("{b}", "{a}"))
DIV = Op("div", "/", 2, _div_fwd, lambda out, a, b: (1.0 / b, -out / b), ("1/{b}", "-{a}/{b}²"))
POW = Op("pow", "**", 2, _pow_fwd, _pow_locals, ("{b}·{a}^({b}-1)", "{o}·log({A})"))
NEG = Op("neg", "neg", 1, operator.neg, lambda out, x: (-1.0,), ("-1",))
EXP = Op("exp", "exp", 1, _exp_fwd, lambda out, x: (out,), ("exp({A})",))
LOG = Op("log", "log", 1, _log_fwd, lambda out, x: (1.0 / x,), ("1/{a}",))
SQRT = Op("sqrt", "sqrt", 1, _sqrt_fwd, lambda out, x: (_singular_div(0.5, out),), ("1/(2·sqrt({A}))",))
TANH = Op("tanh", "tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), ("1 - tanh({A})²",))
SIGMOID = Op("sigmoid", "sigmoid", 1, _sigmoid_fwd, lambda out, x: (out * (1.0 - out),),
             ("sigmoid({A})·(1 - sigmoid({A}))",))
RELU = Op("relu", "relu", 1, _relu_fwd, lambda out, x: (1.0 if x > 0 else 0.0,), ("1 if {a} > 0 else 0",))
SOFTPLUS = Op("softplus", "softplus", 1, _softplus_fwd, lambda out, x: (_sigmoid(x),), ("sigmoid({A})",))
SIN = Op("sin", "sin", 1, _sin_fwd, lambda out, x: (_cos(x),), ("cos({A})",))
COS = Op("cos", "cos", 1, _cos_fwd, lambda out, x: (-_sin(x),), ("-sin({A})",))
ABS = Op("abs", "abs", 1, abs, lambda out, x: (_sign(x),), ("sign({A})",))

#: A leaf made from a plain number inside an expression (the ``2`` in ``x * 2``).
CONSTANT = Op("constant", "const", 0, float, lambda out: ())


@lru_cache(maxsize=256)
def pow_const(n: float) -> Op:
    """``x ** n`` for a fixed number ``n``: d/dx = n x^(n-1).

    >>> pow_const(3.0).local(8.0, 2.0)
    (12.0,)
    """
    return Op(
        "pow", f"**{n:g}", 1,
        lambda x: _pow_fwd(x, n),
        lambda out, x: (_power_rule(x, n),),
        formula=(f"{n:g}·{{a}}^{n - 1:g}",),
        param=n,
    )


@lru_cache(maxsize=64)
def leaky_relu_op(slope: float) -> Op:
    """``leaky_relu`` with a given negative slope; at 0 the derivative is
    ``slope``, as in PyTorch.

    >>> leaky_relu_op(0.1).forward(-2.0), leaky_relu_op(0.1).local(-0.2, -2.0)
    (-0.2, (0.1,))
    """
    return Op(
        "leaky_relu", "leaky_relu", 1,
        lambda x: x if x > 0 else slope * x,
        lambda out, x: (1.0 if x > 0 else slope,),
        formula=(f"1 if {{a}} > 0 else {slope:g}",),
        param=slope,
    )


#: Every fixed op by name (the parametrised ones are made by the factories above).
OPS = {op.name: op for op in (ADD, SUB, MUL, DIV, POW, NEG, EXP, LOG, SQRT, TANH,
                              SIGMOID, RELU, SOFTPLUS, SIN, COS, ABS)}
