"""The op table: every primitive's forward rule beside its local derivative(s).

Each :class:`Op` row pairs ``forward(*inputs) -> float`` with
``local(out, *inputs) -> tuple`` giving ``d out / d input`` for every input.
``local`` is written with ordinary operators and with the dispatching helpers
below, so the *same* code runs on floats (a plain backward pass, forward-mode
tangents) and on ``Value`` objects (``create_graph=True``), which is what makes
derivatives of any order work: the derivative of a derivative is just another
graph.

The row is the only place an op is described. Besides the two rules it holds
what every other reader needs: its domain (:class:`Refuse` rules, checked by
``forward`` on floats and by the batched engine on arrays, with one message),
the derivative spelled for people (``formula``), the ``Value`` method that
applies it, how pictures show it, the derivatives as Python source for the
compiled tape (``code``), and NumPy rules where the float rules cannot serve
arrays, and the op in SymPy. The float pass, ``create_graph``, forward mode,
the tape, the batched engine, the expression grammar (the ``chainrule``
command, exercises), pictures, explanations and ``to_sympy`` all read these
rows; a test fails when one of them lacks an op the table has.

Adding an op means one row here, one method on ``Value`` and one row in the
op-test table; the backward pass never changes.
"""

from __future__ import annotations

import math
import operator
from functools import lru_cache
from typing import Any, Dict, Tuple

from .mode import ieee
from .oprow import VARIADIC, Family, Op, Refuse, _bind_message
from .ops_nary import LOGSUMEXP, SUM, softmax_floats, softmax_op, softmax_ops, softmax_outputs

__all__ = ["Op", "Refuse", "Family", "OPS", "FAMILIES", "CONSTANT", "VARIADIC", "pow_const", "leaky_relu_op",
           "functions", "SUM", "LOGSUMEXP", "softmax_op", "softmax_ops", "softmax_floats", "softmax_outputs"]

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


class _Stop(float):
    """A local derivative of 0 that is a mask, as PyTorch's ``where`` backward
    (relu for x <= 0, ``x ** 0``): times anything, inf and nan included, it is 0.

    >>> STOP * math.inf, STOP * math.nan, STOP == 0.0
    (0.0, 0.0, True)
    """

    __slots__ = ()

    def __mul__(self, other: Any) -> float:
        return self  # still a mask: a product along a path through it stays 0

    __rmul__ = __mul__


#: The masking zero (see :class:`_Stop`); rows that return it set ``stops=True``.
STOP = _Stop(0.0)


class _Masked:
    """The array form of :data:`STOP`, for ``np_local``: a local derivative ``value`` whose
    positions where ``mask`` holds are masking zeros. Times the upstream gradient it is
    ``where(mask, 0, value * upstream)``, PyTorch's where backward. (NumPy is passed in.)"""

    __slots__ = ("np", "mask", "value")

    def __init__(self, np: Any, mask: Any, value: Any) -> None:
        self.np, self.mask, self.value = np, mask, value

    def __mul__(self, upstream: Any) -> Any:
        return self.np.where(self.mask, 0.0, self.value * upstream)

    __rmul__ = __mul__
def _exp(x: Any) -> Any:
    return math.exp(x) if _is_number(x) else x.exp()


def _erf(x: Any) -> Any:
    return math.erf(x) if _is_number(x) else x.erf()


# Normal distribution: Phi(x) = (1 + erf(x / sqrt 2)) / 2, phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _gelu_local(out: Any, x: Any) -> Tuple[Any]:
    # d/dx x Phi(x) = Phi(x) + x phi(x)
    return (0.5 * (1.0 + _erf(x * _SQRT1_2)) + x * (_exp(-0.5 * (x * x)) * _INV_SQRT_2PI),)


def _silu_local(out: Any, x: Any) -> Tuple[Any]:
    # d/dx x s(x) = s + x s (1 - s), s = sigmoid(x)
    s = _sigmoid(x)
    return (s * (1.0 + x * (1.0 - s)),)


def _sign(x: Any) -> float:
    # d|x|/dx; PyTorch's convention gives 0 at the kink (and for nan).
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _singular_div(a: float, b: Any) -> Any:
    """``a / b`` where ``b`` may be an exact zero at a singular point (sqrt at 0):
    on floats that is IEEE's +-inf (its sign from both signs, so 1/(2 sqrt(-0.0)) is
    -inf, as in PyTorch); on Values the ``div`` op does the same inside a backward pass."""
    if _is_number(b) and b == 0:
        if not a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _over(a: Any, b: Any) -> Any:
    """``a / b`` in a derivative: IEEE's inf or nan for a float ``b`` of 0 (a graph built by a
    ``create_graph`` pass may divide by 0 there), never ZeroDivisionError."""
    if _is_number(b) and b == 0:
        return _singular_div(a, b)
    return a / b


def _singular_pow(x: Any, p: Any) -> Any:
    """``x ** p`` inside a derivative, with IEEE results where Python raises:
    ``0 ** negative`` is +inf and a result too large for a float is +-inf."""
    if _is_number(x) and _is_number(p):
        if x == 0 and p < 0:
            return math.inf
        try:
            return x ** p
        except OverflowError:
            return math.copysign(math.inf, x) if float(p).is_integer() and p % 2 else math.inf
    return x ** p


def _power_rule(x: Any, n: Any) -> Any:
    """d(x^n)/dx = n x^(n-1). For n = 0 it is a masking 0 (x^0 is 1 everywhere), as in
    PyTorch, never 0 * inf. ``float()`` reads a Value's data: ``==`` on Values is identity."""
    if float(n) == 0:
        if not _is_number(n) and not _is_number(x) and float(x) == 0:
            # A variable exponent of 0 at a base of 0, in a derivative graph: 0 here, but
            # n x^(n-1) has no value to differentiate (0 * inf), as in PyTorch.
            return _zero_without_derivative(n, x)
        return STOP
    return n * _singular_pow(x, n - 1)


def _zero_without_derivative(u: Any, a: Any) -> Any:
    """The Value 0 that PyTorch's ``where(a == 0, 0, expression of u and a)`` gives inside a
    derivative graph at a base ``a`` of 0: its own derivatives are nan, as PyTorch's are
    there (the expression it stands for, ``u·log a`` or ``u·a^(u-1)``, is 0·inf)."""
    return a._zero_without_derivative(u)  # a Value method, as x.log() above: value imports this module


# --- domains: each rule once, read by the float forward rules and by the batched engine ---

_DIV_ZERO = Refuse(lambda a, b: b == 0, ZeroDivisionError, "div(): division by zero, {0!r} / {1!r}")
_LOG_DOMAIN = Refuse(lambda x: x <= 0, ValueError, "log() needs a positive input, got {0!r}")
_SQRT_DOMAIN = Refuse(lambda x: x < 0, ValueError, "sqrt() needs a non-negative input, got {0!r}")
_POW_ZERO = Refuse(lambda a, b: (a == 0) & (b < 0), ZeroDivisionError,
                   "pow(): 0.0 cannot be raised to the negative power {1!r}")
_POW_NEGATIVE = Refuse(lambda a, b: (a < 0) & (b % 1 != 0), ValueError,  # b % 1 is nan for inf and nan
                       "pow(): a negative base ({0!r}) needs an integer exponent, got {1!r}")
_POW_OVERFLOW = "pow(): {0!r} ** {1!r} is too large for a float"
_EXP_OVERFLOW = "exp(): exp({0!r}) is too large for a float"


def _finite(name: str) -> Refuse:
    return Refuse(lambda x: abs(x) == math.inf, ValueError, name + "() needs a finite input, got {0!r}")


_SIN_DOMAIN, _COS_DOMAIN = _finite("sin"), _finite("cos")


# --- forward rules on floats, with their domain checks ---------------------------------

# A backward pass with create_graph=True builds its derivatives out of these same ops. A
# derivative at a singular point is inf or nan there, as in PyTorch, not an error: so each
# refusal below first asks ``ieee()`` (true only inside such a pass) and then gives IEEE's
# result. The question is asked only on the refusing branch, never on the common path.

def _div_fwd(a: float, b: float) -> float:
    if b == 0:
        if ieee():
            return _singular_div(a, b)
        raise _DIV_ZERO.exception(a, b)
    return a / b


def _pow_fwd(a: float, b: float) -> float:
    if a == 0 and b < 0:
        if ieee():
            return math.inf
        raise _POW_ZERO.exception(a, b)
    if a < 0 and not float(b).is_integer():  # also inf and nan, which int() cannot take
        if ieee():
            return math.nan
        raise _POW_NEGATIVE.exception(a, b)
    try:
        return a ** b
    except OverflowError:
        if ieee():
            return _singular_pow(a, b)
        raise OverflowError(_POW_OVERFLOW.format(a, b)) from None


def _exp_fwd(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        if ieee():
            return math.inf
        raise OverflowError(_EXP_OVERFLOW.format(x)) from None


def _log_fwd(x: float) -> float:
    if x <= 0:  # nan passes: log(nan) is nan, as in PyTorch
        if ieee():
            return -math.inf if x == 0 else math.nan
        raise _LOG_DOMAIN.exception(x)
    return math.log(x)


def _sqrt_fwd(x: float) -> float:
    if x < 0:
        if ieee():
            return math.nan
        raise _SQRT_DOMAIN.exception(x)
    return math.sqrt(x)


def _sin_fwd(x: float) -> float:
    if math.isinf(x):
        raise _SIN_DOMAIN.exception(x)
    return math.sin(x)


def _cos_fwd(x: float) -> float:
    if math.isinf(x):
        raise _COS_DOMAIN.exception(x)
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
    return 0.0 if x <= 0 else x  # nan in, nan out


def _relu_local(out: Any, x: Any) -> Tuple[Any]:
    return (STOP if x <= 0 else 1.0,)  # nan: 1, as PyTorch's where(x <= 0, 0, grad)


def _gelu_fwd(x: float) -> float:
    # The exact GELU (PyTorch's default): x Phi(x), Phi the standard normal CDF.
    return 0.5 * x * (1.0 + math.erf(x * _SQRT1_2))


def _silu_fwd(x: float) -> float:
    return x * _sigmoid_fwd(x)


def _pow_locals(out: Any, a: Any, b: Any) -> Tuple[Any, Any]:
    # d(a^b)/da = b a^(b-1) (a masking 0 for b = 0);  d(a^b)/db = a^b log a, which is 0 at
    # a = 0 when b >= 0 (PyTorch's convention: a plain 0, which times an inf upstream is nan,
    # as PyTorch multiplies it) and has no real value for a < 0 (nan).
    da = _power_rule(a, b)
    if a > 0:
        db = out * _log(a)
    elif float(a) == 0 and b >= 0:
        # In a derivative graph (Values), PyTorch's where() makes this 0 with nan derivatives.
        db = 0.0 if _is_number(a) else _zero_without_derivative(out, a)
    else:
        db = math.nan
    return da, db


# --- NumPy rules, only where the float rules above cannot take arrays -----------------
# Each takes the numpy module first (autograd itself imports only the standard library).

def _np_sigmoid(np: Any, x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_erf(np: Any, x: Any) -> Any:
    # NumPy has no erf: math.erf element by element gives the float rule's very numbers.
    return np.frompyfunc(math.erf, 1, 1)(x).astype(float)


def _np_gelu_local(np: Any, out: Any, x: Any) -> Tuple[Any]:
    return (0.5 * (1.0 + _np_erf(np, x * _SQRT1_2)) + x * (np.exp(-0.5 * (x * x)) * _INV_SQRT_2PI),)


def _np_silu_local(np: Any, out: Any, x: Any) -> Tuple[Any]:
    s = _np_sigmoid(np, x)
    return (s * (1.0 + x * (1.0 - s)),)


def _np_pow(np: Any, a: Any, b: Any) -> Any:
    return np.power(a, b)


def _np_pow_locals(np: Any, out: Any, a: Any, b: Any) -> Tuple[Any, Any]:
    da = _Masked(np, b == 0, b * np.power(a, b - 1))
    db = np.where(a > 0, out * np.log(np.where(a > 0, a, 1.0)), np.where((a == 0) & (b >= 0), 0.0, np.nan))
    return da, db


# --- the table ---------------------------------------------------------------------
# Each row: name, symbol, arity, forward, local (d out / d inputs), the same as formulas;
# then what other readers need. ``code`` must be the very expressions ``local`` evaluates.

ADD = Op("add", "+", 2, operator.add, lambda out, a, b: (1.0, 1.0), ("1", "1"),
         method="__add__", commutative=True, code=("1.0", "1.0"),
         sympy=lambda sp, num, a, b: a + b)
SUB = Op("sub", "-", 2, operator.sub, lambda out, a, b: (1.0, -1.0), ("1", "-1"),
         method="__sub__", label="a − b", code=("1.0", "-1.0"), sympy=lambda sp, num, a, b: a - b)
MUL = Op("mul", "*", 2, operator.mul, lambda out, a, b: (b, a), ("{b}", "{a}"),
         method="__mul__", commutative=True, code=("{b}", "{a}"), sympy=lambda sp, num, a, b: a * b)
DIV = Op("div", "/", 2, _div_fwd, lambda out, a, b: (_over(1.0, b), _over(-out, b)), ("1/{b}", "-{a}/{b}²"),
         method="__truediv__", label="a / b", refuse=(_DIV_ZERO,), code=("(1.0 / {b})", "(-{o} / {b})"),
         np_forward=lambda np, a, b: a / b, sympy=lambda sp, num, a, b: a / b)
POW = Op("pow", "**", 2, _pow_fwd, _pow_locals, ("{b}·{a}^({b}-1)", "{o}·log({A})"),
         method="__pow__", label="a ** b", refuse=(_POW_ZERO, _POW_NEGATIVE), overflow=_POW_OVERFLOW,
         np_forward=_np_pow, np_local=_np_pow_locals, stops=True, sympy=lambda sp, num, a, b: a ** b)
NEG = Op("neg", "neg", 1, operator.neg, lambda out, x: (-1.0,), ("-1",), method="__neg__", code=("-1.0",),
         sympy=lambda sp, num, a: -a)
EXP = Op("exp", "exp", 1, _exp_fwd, lambda out, x: (out,), ("exp({A})",),
         overflow=_EXP_OVERFLOW, code=("{o}",), np_forward=lambda np, x: np.exp(x),
         sympy=lambda sp, num, a: sp.exp(a))
LOG = Op("log", "log", 1, _log_fwd, lambda out, x: (1.0 / x,), ("1/{a}",),
         refuse=(_LOG_DOMAIN,), code=("(1.0 / {a})",), np_forward=lambda np, x: np.log(x),
         sympy=lambda sp, num, a: sp.log(a))
SQRT = Op("sqrt", "sqrt", 1, _sqrt_fwd, lambda out, x: (_singular_div(0.5, out),), ("1/(2·sqrt({A}))",),
          refuse=(_SQRT_DOMAIN,), np_forward=lambda np, x: np.sqrt(x), sympy=lambda sp, num, a: sp.sqrt(a))
TANH = Op("tanh", "tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), ("1 - tanh({A})²",),
          code=("(1.0 - {o} * {o})",), np_forward=lambda np, x: np.tanh(x), sympy=lambda sp, num, a: sp.tanh(a))
SIGMOID = Op("sigmoid", "sigmoid", 1, _sigmoid_fwd, lambda out, x: (out * (1.0 - out),),
             ("sigmoid({A})·(1 - sigmoid({A}))",), code=("({o} * (1.0 - {o}))",), np_forward=_np_sigmoid,
             sympy=lambda sp, num, a: 1 / (1 + sp.exp(-a)))
RELU = Op("relu", "relu", 1, _relu_fwd, _relu_local, ("1 if {a} > 0 else 0",),
          code=("(STOP if {a} <= 0 else 1.0)",), np_forward=lambda np, x: np.where(x <= 0, 0.0, x),
          np_local=lambda np, out, x: (_Masked(np, x <= 0, 1.0),), stops=True,
          sympy=lambda sp, num, a: sp.Piecewise((0, a <= 0), (a, True)))
SOFTPLUS = Op("softplus", "softplus", 1, _softplus_fwd, lambda out, x: (_sigmoid(x),), ("sigmoid({A})",),
              code=("SIGMOID({a})",),  # SIGMOID: the sigmoid row's forward (autograd.tapegen.INLINE_NAMES)
              np_forward=lambda np, x: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))),
              np_local=lambda np, out, x: (_np_sigmoid(np, x),), sympy=lambda sp, num, a: sp.log(1 + sp.exp(a)))
SIN = Op("sin", "sin", 1, _sin_fwd, lambda out, x: (_cos(x),), ("cos({A})",), refuse=(_SIN_DOMAIN,),
         np_forward=lambda np, x: np.sin(x), np_local=lambda np, out, x: (np.cos(x),),
         sympy=lambda sp, num, a: sp.sin(a))
COS = Op("cos", "cos", 1, _cos_fwd, lambda out, x: (-_sin(x),), ("-sin({A})",), refuse=(_COS_DOMAIN,),
         np_forward=lambda np, x: np.cos(x), np_local=lambda np, out, x: (-np.sin(x),),
         sympy=lambda sp, num, a: sp.cos(a))
ABS = Op("abs", "abs", 1, abs, lambda out, x: (_sign(x),), ("sign({A})",),
         np_local=lambda np, out, x: (np.where(x > 0, 1.0, np.where(x < 0, -1.0, 0.0)),),
         sympy=lambda sp, num, a: sp.Abs(a))
ATAN = Op("atan", "atan", 1, math.atan, lambda out, x: (1.0 / (1.0 + x * x),), ("1/(1 + {a}²)",),
          code=("(1.0 / (1.0 + {a} * {a}))",), np_forward=lambda np, x: np.arctan(x),
          sympy=lambda sp, num, a: sp.atan(a))
ERF = Op("erf", "erf", 1, math.erf, lambda out, x: (_TWO_OVER_SQRT_PI * _exp(-(x * x)),), ("2/√π·exp(-{a}²)",),
         np_forward=_np_erf, np_local=lambda np, out, x: (_TWO_OVER_SQRT_PI * np.exp(-(x * x)),),
         sympy=lambda sp, num, a: sp.erf(a))
GELU = Op("gelu", "gelu", 1, _gelu_fwd, _gelu_local, ("Φ({A}) + {a}·φ({A})",),
          np_forward=lambda np, x: 0.5 * x * (1.0 + _np_erf(np, x * _SQRT1_2)), np_local=_np_gelu_local,
          sympy=lambda sp, num, a: a / 2 * (1 + sp.erf(a / sp.sqrt(2))))
SILU = Op("silu", "silu", 1, _silu_fwd, _silu_local, ("sigmoid({A})·(1 + {a}·(1 - sigmoid({A})))",),
          np_forward=lambda np, x: x * _np_sigmoid(np, x), np_local=_np_silu_local,
          sympy=lambda sp, num, a: a / (1 + sp.exp(-a)))

#: A leaf made from a plain number inside an expression (the ``2`` in ``x * 2``).
CONSTANT = Op("constant", "const", 0, float, lambda out: ())

#: Only in derivative graphs (``create_graph=True``, higher orders): the conventional 0 of
#: pow's derivatives at a base of 0, PyTorch's ``where(a == 0, 0, ...)``; its derivatives are
#: nan there, as PyTorch's (see :func:`_zero_without_derivative`). Not a row users apply.
WHERE = Op("where", "where", 2, lambda u, a: 0.0, lambda out, u, a: (math.nan, math.nan), ("nan", "nan"),
           sympy=lambda sp, num, u, a: sp.Integer(0))


def _short(x: float) -> str:
    return format(x + 0.0, ".4g")  # + 0.0: no "-0"


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
        method="__pow__",
        refuse=(_POW_ZERO.bind(1, n), _POW_NEGATIVE.bind(1, n)),
        overflow=_bind_message(_POW_OVERFLOW, 1, n),
        np_forward=lambda np, x: np.power(x, n),
        np_local=lambda np, out, x: (_Masked(np, True, 0.0) if n == 0 else n * np.power(x, n - 1),),
        stops=n == 0,
        sympy=lambda sp, num, a: a ** num(n),
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
        label=f"leaky_relu({_short(slope)})",
        np_forward=lambda np, x: np.where(x > 0, x, slope * x),
        np_local=lambda np, out, x: (np.where(x > 0, 1.0, slope),),
        sympy=lambda sp, num, a: sp.Piecewise((num(slope) * a, a <= 0), (a, True)),
    )


#: Every fixed op by name.
OPS: Dict[str, Op] = {op.name: op for op in (ADD, SUB, MUL, DIV, POW, NEG, EXP, LOG, SQRT, TANH,
                                             SIGMOID, RELU, SOFTPLUS, SIN, COS, ABS, ATAN, ERF, GELU, SILU,
                                             SUM, LOGSUMEXP)}

#: The parametrised ops: ``x ** 3`` (a number exponent) and ``leaky_relu(x, slope)``.
FAMILIES: Dict[str, Family] = {
    "pow": Family("pow", pow_const, "exponent", None, "__pow__", 3.0),
    "leaky_relu": Family("leaky_relu", leaky_relu_op, "slope", 0.01, "leaky_relu", 0.1),
}


def functions() -> Dict[str, Any]:
    """The ops called by name, as in ``tanh(x)``: name -> its :class:`Op` or :class:`Family`.

    >>> list(functions())[:4], "add" in functions()
    (['exp', 'log', 'sqrt', 'tanh'], False)
    """
    named: Dict[str, Any] = {name: op for name, op in OPS.items() if op.is_function}
    named.update((name, family) for name, family in FAMILIES.items() if family.is_function)
    return named

