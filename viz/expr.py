"""Safe arithmetic expressions for the ``chainrule`` command.

The grammar and its whitelist live in :mod:`autograd.expr` (standard library
only, so exercises and the browser playground parse exactly what the command
line parses); this module gives them the command line's wording: a missing
variable is to be given ``with --at``.

>>> out, leaves = evaluate("x*y + 1", {"x": 2.0, "y": 3.0})
>>> out.data
7.0
"""

from __future__ import annotations

import ast
import math
from typing import Callable, Dict, Mapping, Optional, Tuple

from autograd import Value
from autograd import expr as _expr
from autograd.expr import FUNCTIONS, MAX_LENGTH, ExpressionError

__all__ = ["ExpressionError", "FUNCTIONS", "check_expression", "evaluate", "MAX_LENGTH", "parse_pairs"]


def check_expression(text: str, names: Optional[Mapping[str, object]] = None) -> ast.Expression:
    """:func:`autograd.expr.check_expression`, asking for missing values ``with --at``.

    >>> check_expression("x + y", names={"x": 1.0})
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: unknown name 'y': give its value with --at y=... (given: x)
    """
    return _expr.check_expression(text, names, option="--at")


def evaluate(text: str, values: Mapping[str, float], label_width: int = 24) -> Tuple[Value, Dict[str, Value]]:
    """:func:`autograd.expr.evaluate`, asking for missing values ``with --at``.

    >>> evaluate("tanh(x) + y", {"x": 1.0})
    Traceback (most recent call last):
    ...
    autograd.expr.ExpressionError: unknown name 'y': give its value with --at y=... (given: x)
    """
    return _expr.evaluate(text, values, label_width, option="--at")


def parse_pairs(
    text: str,
    fail: Callable[[str, str, str], Exception],
    unique: bool = False,
) -> Dict[str, float]:
    """Parse ``"x=2 w=-3, b=6.88"`` into finite floats; the caller words the errors.

    ``fail(problem, name, raw)`` builds the exception raised, ``problem`` being
    one of ``"pair"`` (no ``=``; ``raw`` is the whole pair), ``"name"`` (not an
    identifier), ``"function"`` (a function's name), ``"twice"`` (only with
    ``unique``; otherwise the last value wins), ``"number"`` and ``"finite"``
    (``raw`` is the value's text).

    >>> parse_pairs("x=2 w=-3, b=6.88", lambda problem, name, raw: ValueError(problem))
    {'x': 2.0, 'w': -3.0, 'b': 6.88}
    >>> parse_pairs("x=1 x=inf", lambda problem, name, raw: ValueError(f"{problem}: {name} {raw}"))
    Traceback (most recent call last):
    ...
    ValueError: finite: x inf
    """
    values: Dict[str, float] = {}
    for part in text.replace(",", " ").split():
        name, sep, number = part.partition("=")
        if not sep:
            raise fail("pair", name, part)
        if not name.isidentifier():
            raise fail("name", name, part)
        if name in FUNCTIONS:
            raise fail("function", name, part)
        if unique and name in values:
            raise fail("twice", name, part)
        try:
            value = float(number)
        except ValueError:
            raise fail("number", name, number) from None
        if not math.isfinite(value):
            raise fail("finite", name, number)
        values[name] = value
    return values
