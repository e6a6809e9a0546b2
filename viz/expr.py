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
from typing import Dict, Mapping, Optional, Tuple

from autograd import Value
from autograd import expr as _expr
from autograd.expr import FUNCTIONS, MAX_LENGTH, ExpressionError

__all__ = ["ExpressionError", "FUNCTIONS", "check_expression", "evaluate", "MAX_LENGTH"]


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
