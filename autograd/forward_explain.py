r"""``explain(root, mode="forward", wrt=x)``: forward mode in words, one line per node.

Every line is written through :mod:`autograd.notation` (totals ``dn/dx``,
locals ``∂n/∂s``, formula first, then numbers, then the result)::

    dn/dx = ∂n/∂s · ds/dx + ∂n/∂b · db/dx = 1.0 · 2.0 + 1.0 · 0.0 = 2.0

The step-by-step data behind it is :func:`autograd.forward_steps.forward_steps`.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from . import notation
from .engine import topological_order
from .value import Value

__all__ = ["explain_forward"]

#: How far forward mode may stray from the backward pass (relative) before it is called a bug.
TOLERANCE = 1e-9


def _base(format: str) -> str:
    if format not in notation.FORMATS:
        raise ValueError(f"forward steps: format must be one of {', '.join(map(repr, notation.FORMATS))}, "
                         f"got {format!r}")
    return "latex" if format == "latex" else "text"


def _finish(text: str, format: str) -> str:
    return notation.render(text, format) if format in ("html", "markdown") else text


def _times(base: str) -> str:
    return r" \cdot " if base == "latex" else f" {notation.DOT} "


class _Term:
    """One input's share of a node's tangent: ``∂node/∂input · dinput/dx``."""

    __slots__ = ("node", "position", "local", "tangent")

    def __init__(self, node: Value, position: int, local: float, tangent: float) -> None:
        self.node, self.position, self.local, self.tangent = node, position, local, tangent


def _is_number(text: str) -> bool:
    try:
        float(text.replace(notation.MINUS, "-"))
    except ValueError:
        return False
    return True


def _factor(text: str, base: str) -> str:
    """A formula or number as a factor: bracketed when it is negative, a condition, or a sum
    outside any brackets (``(1 − tanh(n)²)``, but ``2·(x − 1)`` as it is)."""
    if text.startswith(("-", notation.MINUS)) or " if " in text or r"\text" in text or _sum_outside(text):
        return f"\\left({text}\\right)" if base == "latex" else f"({text})"
    return text


def _sum_outside(text: str) -> bool:
    depth = 0
    for i, c in enumerate(text):
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        elif depth == 0 and c in ("+", "-", notation.MINUS) and 0 < i < len(text) - 1 \
                and text[i - 1] == " " and text[i + 1] == " ":
            return True
    return False


def _numbers(terms: List[_Term], table: Any, digits: int) -> List[str]:
    """After the symbols: the formulas with the tangents' numbers (when a formula says more than
    its number), then the numbers, then the sum."""
    base = table.format
    times = _times(base)
    plus = " + "
    tangents = [_factor(notation.number(t.tangent, digits, base), base) for t in terms]
    values = [notation.number(t.local, digits, base) for t in terms]
    # the graph's one names table: a table per node would make the explanation quadratic
    rules = [notation._rule(t.node, t.position, table) or v for t, v in zip(terms, values)]
    parts = []
    if rules != values:
        parts.append(plus.join(f"{_factor(r, base)}{times}{tg}" for r, tg in zip(rules, tangents)))
    parts.append(plus.join(f"{_factor(v, base) if i else v}{times}{tg}"
                           for i, (v, tg) in enumerate(zip(values, tangents))))
    total = 0.0
    for i, t in enumerate(terms):  # added up as forward mode adds them
        total = t.local * t.tangent if i == 0 else total + t.local * t.tangent
    parts.append(notation.number(total, digits, base))
    return parts


def _check(who: str, root: Any, wrt: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who}() needs a Value, got {type(root).__name__}: {root!r}")
    if not isinstance(wrt, Value):
        raise TypeError(f"{who}() wrt must be a Value in the graph (forward mode follows one input), "
                        f"got {type(wrt).__name__}: {wrt!r}")


def _not_in_graph(who: str, root: Value, wrt: Value) -> str:
    shown = repr(wrt.label) if wrt.label else repr(wrt)
    return f"{who}(): wrt={shown} is not in the graph of {notation.node_names(root)[root]}; it does not depend on it"



# --- the explanation ------------------------------------------------------------------------------------

def explain_forward(root: Value, wrt: Value, format: str = "text", digits: int = 4) -> str:
    r"""Forward mode from ``wrt`` in words: the tangent of every node, inputs first.

    ``wrt``'s tangent is 1 and every other input's 0; each computed node
    ``n`` then gets ``dn/dx = Σ ∂n/∂s · ds/dx`` over its inputs ``s``, formula
    first, then numbers, then the sum. The last line checks the root's tangent
    against the gradient the backward pass gives ``wrt`` (a disagreement beyond
    ``1e-9`` relative raises ``ArithmeticError``). Formats as
    :mod:`autograd.notation`: ``"text"``, ``"markdown"`` (a table), ``"html"``,
    ``"latex"`` (an ``align*``). ``explain(root, mode="forward", wrt=x)`` calls this.

    >>> x = Value(2.0, label="x"); w = Value(3.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> L = h + x; L.label = "L"
    >>> print(explain_forward(L, x))
    forward mode from x: dx/dx = 1, every other input 0; then, inputs first, dn/dx = Σ ∂n/∂s · ds/dx
    dx/dx = 1.0
    dw/dx = 0.0
    dh/dx = ∂h/∂x · dx/dx + ∂h/∂w · dw/dx = w · 1.0 + x · 0.0 = 3.0 · 1.0 + 2.0 · 0.0 = 3.0
    dL/dx = ∂L/∂h · dh/dx + ∂L/∂x · dx/dx = 1.0 · 3.0 + 1.0 · 1.0 = 4.0
    dL/dx = 4.0, the gradient backward() gives x
    """
    _check("explain_forward", root, wrt)
    base = _base(format)
    order = topological_order(root)
    if wrt not in set(order):
        raise ValueError(_not_in_graph("explain", root, wrt))
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"explain() digits must be an int from 1 to 17, got {digits!r}")
    graph = notation.GraphNames(root)
    table = graph.table(base)
    X = table.arg(wrt)
    times = _times(base)
    tangent: Dict[Value, float] = {}
    rows: List[Tuple[str, str]] = []  # (left-hand side, right-hand side)
    for node in order:
        if node.is_constant:
            continue
        lhs = notation.total(table.arg(node), X, base)
        parents = node.parents
        if node is wrt or not parents:
            tangent[node] = 1.0 if node is wrt else 0.0
            rows.append((lhs, notation.number(tangent[node], digits, base)))
            continue
        locals_ = node.local_derivatives()
        terms = [_Term(node, i, locals_[i], tangent[p]) for i, p in enumerate(parents) if not p.is_constant]
        symbols = " + ".join(notation.local(table.arg(node), table.arg(parents[t.position]), base) + times
                             + notation.total(table.arg(parents[t.position]), X, base) for t in terms)
        numbers = _numbers(terms, table, digits)
        total = 0.0
        for i, t in enumerate(terms):
            total = t.local * t.tangent if i == 0 else total + t.local * t.tangent
        tangent[node] = total
        rows.append((lhs, " = ".join([symbols] + numbers)))
    expected = _backward_gradient(root, wrt)
    _agree(tangent[root], expected, table.name(root), table.name(wrt))
    R = table.arg(root)
    ends = (f"{notation.total(R, X, base)} = {notation.number(tangent[root], digits, base)}, "
            f"the gradient backward() gives {table.name(wrt)}")
    head = (f"forward mode from {table.name(wrt)}: {notation.total(X, X, base)} = 1, every other input 0; "
            f"then, inputs first, {notation.total('n', X, base)} = Σ {notation.local('n', 's', base)}{times}"
            f"{notation.total('s', X, base)}")
    if base == "latex":
        body = " \\\\\n".join(f"{lhs} &= {rhs}" for lhs, rhs in rows)
        return f"\\begin{{align*}}\n{body}\n\\end{{align*}}"
    if format == "markdown":
        lines = [notation.render(head, "markdown"), "", "| node | tangent |", "|---|---|"]
        lines += [f"| {notation.render(lhs, 'markdown')} | {notation.render(rhs, 'markdown')} |" for lhs, rhs in rows]
        return "\n".join(lines + ["", notation.render(ends, "markdown")])
    lines = [head] + [f"{lhs} = {rhs}" for lhs, rhs in rows] + [ends]
    return "\n".join(_finish(line, format) for line in lines)


def explain_mode(root: Value, wrt: Optional[Value], format: str, digits: int, max_paths: int) -> str:
    """``explain``'s entry for ``mode="forward"`` (``max_paths`` is for the reverse mode's paths).

    >>> x = Value(3.0, label="x")
    >>> print(explain_mode(x * x, x, "text", 4, 1000).splitlines()[-1])
    dL/dx = 6.0, the gradient backward() gives x
    """
    if wrt is None:
        raise ValueError("explain(mode='forward') needs wrt=, the input forward mode follows "
                         "(forward mode finds the derivative with respect to one input per pass)")
    return explain_forward(root, wrt, format, digits)


def _backward_gradient(root: Value, wrt: Value) -> float:
    from .engine import backprop

    g = backprop(root).get(wrt, 0.0)
    return float(getattr(g, "data", g))


def _agree(ours: float, expected: float, root_name: str, wrt_name: str) -> None:
    if ours == expected or (math.isnan(ours) and math.isnan(expected)):
        return
    if math.isfinite(ours) and math.isfinite(expected) and abs(ours - expected) <= TOLERANCE * max(
            abs(expected), abs(ours), 1e-300):
        return
    raise ArithmeticError(
        f"explain(): forward mode gives d{root_name}/d{wrt_name} = {ours!r} but the backward pass gives "
        f"{expected!r}; the chain rule says they must agree, so this is a bug in the op table or the engine")
