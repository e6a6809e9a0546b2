"""What an op row is: :class:`Op`, its domain rules (:class:`Refuse`) and
parametrised families (:class:`Family`). The rows themselves are in
:mod:`autograd.ops`; docs/architecture.md says how each interpreter reads them.
"""

from __future__ import annotations

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


def _bind_message(message: str, position: int, value: float) -> str:
    """``message`` with input ``position`` written in as ``value``."""
    return message.replace(f"{{{position}!r}}", repr(value))


class Op:
    """A primitive operation: one row of the table, read by every interpreter.

    ``formula`` spells each local derivative for people: ``{a}``, ``{b}`` are
    the inputs' names (bracketed when they are expressions), ``{A}`` the first
    input's bare name (inside a function's brackets), ``{o}`` the output's. It is
    text only, for explanations and pictures; the numbers come from ``local``.

    >>> from autograd.ops import LOG, MUL, SUB
    >>> MUL.forward(3.0, 4.0), MUL.local(12.0, 3.0, 4.0), MUL.formula
    (12.0, (4.0, 3.0), ('{b}', '{a}'))
    >>> MUL.method, MUL.commutative, SUB.label, LOG.refuse[0].when(-1.0)
    ('__mul__', True, 'a − b', True)
    """

    __slots__ = ("name", "symbol", "arity", "forward", "local", "formula", "param", "method", "label",
                 "commutative", "refuse", "overflow", "code", "np_forward", "np_local", "stops")

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
    ) -> None:
        #: The op's name (``Value.op``, error messages, the tables).
        self.name = name
        #: A short sign: the infix operator for ``+ - * / **``, else the name.
        self.symbol = symbol
        #: The number of inputs, or :data:`VARIADIC`.
        self.arity = arity
        #: ``forward(*inputs) -> float``, refusing inputs outside the domain.
        self.forward = forward
        #: ``local(out, *inputs) -> tuple``: d out / d input, on floats or on Values.
        self.local = local
        #: Each local derivative as text, for people.
        self.formula = formula
        #: The fixed number of a parametrised op (the 3 of ``x ** 3``, leaky_relu's slope).
        self.param = param
        #: The ``Value`` method that applies the op (dunder for an operator).
        self.method = method if method is not None else name
        #: What a picture writes in the op's node.
        self.label = label if label is not None else symbol
        #: True when the inputs can be swapped (pictures label the inputs of other ops a, b, ...).
        self.commutative = commutative
        #: The domain: inputs these rules match are refused, by floats and arrays alike.
        self.refuse = refuse
        #: The message (formatted with the inputs) when a finite input gives a result too large for a float.
        self.overflow = overflow
        #: ``local`` as Python expressions of ``{o}``, ``{a}``, ``{b}``, for the compiled tape (bit for bit).
        self.code = code
        #: ``np_forward(np, *arrays)``, only where ``forward`` cannot take arrays (no domain check: see refuse).
        self.np_forward = np_forward
        #: ``np_local(np, out, *arrays)``, only where ``local`` cannot take arrays.
        self.np_local = np_local
        #: True when a zero local derivative is a mask, as PyTorch's ``where`` backward: it stops
        #: any upstream gradient, inf and nan included (relu, and pow at exponent 0). On floats
        #: and Values ``local`` returns :data:`autograd.ops.STOP` there; ``np_local`` returns
        #: ``autograd.ops._Masked`` arrays.
        self.stops = stops

    @property
    def is_function(self) -> bool:
        """True when the op is called by name (``x.exp()``, ``exp(x)``), not written as an operator."""
        return not self.method.startswith("__")

    def __repr__(self) -> str:
        return f"<op {self.symbol}>"


class Family:
    """Ops with a fixed number in them, one row per number, made on demand.

    >>> from autograd.ops import FAMILIES
    >>> FAMILIES["leaky_relu"].make(0.2).param, FAMILIES["leaky_relu"].default
    (0.2, 0.01)
    """

    __slots__ = ("name", "make", "param", "default", "method", "example")

    def __init__(self, name: str, make: Callable[[float], Op], param: str, default: Optional[float],
                 method: str, example: float) -> None:
        self.name = name
        self.make = make
        #: What the number is called (``slope``), and its default (None: it must be given).
        self.param = param
        self.default = default
        #: The ``Value`` method that makes a row of this family.
        self.method = method
        #: A number to make a typical row with (tests and docs).
        self.example = example

    @property
    def is_function(self) -> bool:
        """True when the family is called by name with its number: ``leaky_relu(x, 0.1)``."""
        return not self.method.startswith("__")
