"""What an op row is: :class:`Op`, its domain rules (:class:`Refuse`) and
parametrised families (:class:`Family`). The rows themselves are in
:mod:`autograd.ops`; docs/architecture.md says how each interpreter reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

__all__ = ["Op", "Refuse", "Family", "VARIADIC"]

Local = Callable[..., Tuple[Any, ...]]
#: ``arity`` of an op that takes any number of inputs (one derivative per input in ``local``).
VARIADIC = -1


class Refuse:
    """A domain rule: inputs for which ``when(*inputs)`` is true are refused
    with ``error(message.format(*inputs))``.

    ``when`` is written with ``< <= == != | &`` only, so it runs unchanged on
    floats and, element by element, on NumPy arrays.

    >>> rule = Refuse(lambda x: x < 0, ValueError, "sqrt() needs a non-negative input, got {0!r}")
    >>> rule.when(-1.0), rule.exception(-1.0)
    (True, ValueError('sqrt() needs a non-negative input, got -1.0'))
    """

    __slots__ = ("when", "error", "message")

    def __init__(self, when: Callable[..., Any], error: type, message: str) -> None:
        self.when = when
        self.error = error
        self.message = message

    def exception(self, *inputs: Any) -> Exception:
        """The error to raise for ``inputs``."""
        return self.error(self.message.format(*inputs))

    def bind(self, position: int, value: float) -> Refuse:
        """The same rule with the last input, number ``position``, fixed to ``value``
        (``x ** 3`` from ``a ** b``).

        >>> from autograd.ops import _POW_ZERO
        >>> _POW_ZERO.bind(1, -2.0).exception(0.0)
        ZeroDivisionError('pow(): 0.0 cannot be raised to the negative power -2.0')
        """
        when = self.when
        return Refuse(lambda *xs: when(*xs, value), self.error, _bind_message(self.message, position, value))

    def __repr__(self) -> str:
        return f"<refuse {self.error.__name__}: {self.message!r}>"


def _called_by_name(method: str) -> bool:
    return not method.startswith("__")  # a dunder method is an operator: x + y, -x, x ** 2


def _bind_message(message: str, position: int, value: float) -> str:
    """``message`` with input ``position`` written in as ``value``."""
    return message.replace(f"{{{position}!r}}", repr(value))


class Op:
    """A primitive operation: one row of the table, read by every interpreter.

    - ``name`` (``Value.op``, messages), ``symbol`` (the infix operator for
      ``+ - * / **``, else the name), ``arity`` (or :data:`VARIADIC`);
    - ``forward(*floats) -> float``, refusing inputs outside the domain;
    - ``local(out, *inputs) -> tuple``: d out / d input for each input, on
      floats or on Values;
    - ``formula``: each local derivative spelled for people: ``{a}``, ``{b}`` are
      the inputs' names (bracketed when they are expressions), ``{A}`` the first
      input's bare name (inside a function's brackets), ``{o}`` the output's. It
      is text only, for explanations and pictures; the numbers come from ``local``;
    - ``param``: the fixed number of a parametrised op (the 3 of ``x ** 3``);
    - ``method``: the ``Value`` method that applies it (a dunder for an operator);
    - ``label``: what a picture writes in the op's node; ``commutative``: whether
      the inputs may be swapped (pictures label the inputs of other ops a, b, ...);
    - ``refuse``: the domain, :class:`Refuse` rules that hold on floats and arrays
      alike; ``overflow``: the message (formatted with the inputs) when finite
      inputs give a result too large for a float;
    - ``code``: ``local`` as Python expressions of ``{o}``, ``{a}``, ``{b}``, which
      the compiled tape inlines (they must be ``local``'s very expressions);
    - ``np_forward(np, *arrays)``, ``np_local(np, out, *arrays)``: NumPy rules,
      only where ``forward`` or ``local`` cannot take arrays (the batched engine
      checks ``refuse`` and ``overflow`` itself);
    - ``stops``: True when a zero local derivative is a mask, as PyTorch's ``where``
      backward: it stops any upstream gradient, inf and nan included (relu, and pow at
      exponent 0). On floats and Values ``local`` returns :data:`autograd.ops.STOP` there;
      arrays are masked by the batched engine;
    - ``sympy(sp, number, *expressions)``: the op in SymPy (``number`` turns a
      float into a SymPy number), for :func:`autograd.symbolic.to_sympy`.

    >>> from autograd.ops import LOG, MUL, SUB
    >>> MUL.forward(3.0, 4.0), MUL.local(12.0, 3.0, 4.0), MUL.formula
    (12.0, (4.0, 3.0), ('{b}', '{a}'))
    >>> MUL.method, MUL.commutative, SUB.label, LOG.refuse[0].when(-1.0)
    ('__mul__', True, 'a − b', True)
    """

    __slots__ = ("name", "symbol", "arity", "forward", "local", "formula", "param", "method", "label",
                 "commutative", "refuse", "overflow", "code", "np_forward", "np_local", "stops", "sympy")

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int,
        forward: Callable[..., float],
        local: Local,
        formula: Tuple[str, ...] = (),
        param: Optional[float] = None,
        *,
        method: Optional[str] = None,
        label: Optional[str] = None,
        commutative: bool = False,
        refuse: Tuple[Refuse, ...] = (),
        overflow: Optional[str] = None,
        code: Optional[Tuple[str, ...]] = None,
        np_forward: Optional[Callable[..., Any]] = None,
        np_local: Optional[Callable[..., Tuple[Any, ...]]] = None,
        stops: bool = False,
        sympy: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.name, self.symbol, self.arity = name, symbol, arity
        self.forward, self.local, self.formula, self.param = forward, local, formula, param
        self.method = method if method is not None else name
        self.label = label if label is not None else symbol
        self.commutative, self.refuse, self.overflow, self.code = commutative, refuse, overflow, code
        self.np_forward, self.np_local, self.sympy = np_forward, np_local, sympy
        self.stops = stops

    @property
    def is_function(self) -> bool:
        """True when the op is called by name (``x.exp()``, ``exp(x)``), not written as an operator."""
        return _called_by_name(self.method)

    def __repr__(self) -> str:
        return f"<op {self.symbol}>"


@dataclass(frozen=True)
class Family:
    """Ops with a fixed number in them, one row per number, made on demand.

    ``param`` is what the number is called (``slope``) and ``default`` its
    default (None: it must be given); ``method`` the ``Value`` method that makes
    a row of the family; ``example`` a number to make a typical row with.

    >>> from autograd.ops import FAMILIES
    >>> FAMILIES["leaky_relu"].make(0.2).param, FAMILIES["leaky_relu"].default
    (0.2, 0.01)
    """

    name: str
    make: Callable[[float], Op]
    param: str
    default: Optional[float]
    method: str
    example: float

    @property
    def is_function(self) -> bool:
        """True when the family is called by name with its number: ``leaky_relu(x, 0.1)``."""
        return _called_by_name(self.method)
