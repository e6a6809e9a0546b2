r"""Forward mode as data and in words: the tangent ``dn/dx`` of every node, inputs first.

:func:`forward_steps` replays :func:`autograd.forward.tangents` one edge at a
time, as :func:`autograd.backprop_steps` replays the backward pass, giving one
:class:`ForwardStep` per edge::

    dn/dx += ∂n/∂s · ds/dx

in the order forward mode applies them (the order the values were computed),
so a step page or the playground can show either order of the chain rule.
:func:`explain_forward` writes one line per node, through :mod:`autograd.notation`::

    dn/dx = ∂n/∂s · ds/dx + ∂n/∂b · db/dx = 1.0 · 2.0 + 1.0 · 0.0 = 2.0

It is what ``explain(root, mode="forward", wrt=x)`` prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from . import notation
from .engine import topological_order
from .value import Value

__all__ = ["ForwardStep", "forward_steps", "explain_forward"]

#: How far forward mode may stray from the backward pass (relative) before it is called a bug.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class ForwardStep:
    r"""One application of the chain rule in forward mode, along the edge ``parent -> node``.

    ``index`` is the position in the forward pass; ``position`` which input of
    ``node``'s op ``parent`` is; ``local`` is ``∂node/∂parent``;
    ``parent_tangent`` is ``dparent/dx`` (complete: inputs come first);
    ``contribution = local · parent_tangent``, and ``node``'s tangent goes from
    ``tangent_before`` to ``tangent_after``. ``final`` is True on the last step
    into ``node``, when its tangent is complete, ``first`` True on the first. ``wrt`` is x; ``graph`` holds
    the names every view uses (:class:`autograd.notation.GraphNames`).
    """

    index: int
    node: Value
    parent: Value
    position: int
    local: float
    parent_tangent: float
    contribution: float
    tangent_before: float
    tangent_after: float
    final: bool
    first: bool
    wrt: Value
    graph: notation.GraphNames = field(repr=False, compare=False)

    @property
    def root(self) -> Value:
        """The output whose graph this step belongs to."""
        return self.graph.root

    @property
    def node_name(self) -> str:
        """``node``'s name, as every view writes it."""
        return self.graph.table("text").name(self.node)

    @property
    def parent_name(self) -> str:
        """``parent``'s name, as every view writes it."""
        return self.graph.table("text").name(self.parent)

    def symbolic(self, format: str = "text") -> str:
        r"""The rule the step applies: ``dn/dx += ∂n/∂s · ds/dx``.

        >>> x = Value(2.0, label="x"); n = x * 3; n.label = "n"
        >>> forward_steps(n, x)[0].symbolic()
        'dn/dx += ∂n/∂x · dx/dx'
        """
        t = self.graph.table(_base(format))
        X, N, P = t.arg(self.wrt), t.arg(self.node), t.arg(self.parent)
        lhs = notation.total(N, X, t.format) + (r" \mathrel{+}= " if t.format == "latex" else " += ")
        return _finish(lhs + notation.local(N, P, t.format) + _times(t.format) + notation.total(P, X, t.format),
                       format)

    def equation(self, digits: int = 4, format: str = "text") -> str:
        r"""The step with its formula and numbers: ``dn/dx += ∂n/∂s · ds/dx = w · 1.0 = 2.0 · 1.0 = 2.0``.

        >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
        >>> h = x * w; h.label = "h"
        >>> [s.equation() for s in forward_steps(h, x)]
        ['dh/dx += ∂h/∂x · dx/dx = w · 1.0 = -3.0 · 1.0 = -3.0', 'dh/dx += ∂h/∂w · dw/dx = x · 0.0 = 2.0 · 0.0 = 0.0']
        """
        t = self.graph.table(_base(format))
        X, N, P = t.arg(self.wrt), t.arg(self.node), t.arg(self.parent)
        lhs = notation.total(N, X, t.format) + (r" \mathrel{+}= " if t.format == "latex" else " += ")
        term = _Term(self.node, self.position, self.local, self.parent_tangent)
        parts = [notation.local(N, P, t.format) + _times(t.format) + notation.total(P, X, t.format)]
        parts += _numbers([term], t, self.root, digits)
        return _finish(lhs + " = ".join(parts), format)

    def result(self, digits: int = 4, format: str = "text") -> str:
        r"""``node``'s tangent after the step (``(complete)`` on its last step).

        >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
        >>> [s.result() for s in forward_steps(y, x)]
        ['dy/dx = 2.0', 'dy/dx = 2.0 + 2.0 = 4.0 (complete)']
        """
        t = self.graph.table(_base(format))
        base = t.format
        lhs = notation.total(t.arg(self.node), t.arg(self.wrt), base)
        after = notation.number(self.tangent_after, digits, base)
        if self.first:
            text = f"{lhs} = {after}"
        else:
            sign = ("-" if base == "latex" else notation.MINUS) if self.contribution < 0 else "+"
            text = (f"{lhs} = {notation.number(self.tangent_before, digits, base)} {sign} "
                    f"{notation.number(abs(self.contribution), digits, base)} = {after}")
        if self.final:
            text += r" \quad \text{(complete)}" if base == "latex" else " (complete)"
        return _finish(text, format)


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


def _numbers(terms: List[_Term], table: Any, root: Value, digits: int) -> List[str]:
    """After the symbols: the formulas with the tangents' numbers (when a formula says more than
    its number), then the numbers, then the sum."""
    base = table.format
    times = _times(base)
    plus = " + "
    tangents = [_factor(notation.number(t.tangent, digits, base), base) for t in terms]
    values = [notation.number(t.local, digits, base) for t in terms]
    rules = []
    for t, v in zip(terms, values):
        rule = notation.formula(t.node, t.position, base, root=root)
        rules.append(v if not rule or _is_number(rule) else rule)
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


# --- the steps ----------------------------------------------------------------------------------

def _check(who: str, root: Any, wrt: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who}() needs a Value, got {type(root).__name__}: {root!r}")
    if not isinstance(wrt, Value):
        raise TypeError(f"{who}() wrt must be a Value in the graph (forward mode follows one input), "
                        f"got {type(wrt).__name__}: {wrt!r}")


def forward_steps(root: Value, wrt: Value) -> List[ForwardStep]:
    r"""Forward mode from ``wrt`` to ``root``, one :class:`ForwardStep` per edge, in the order
    forward mode applies them: nodes in :func:`~autograd.topological_order` (inputs first),
    each node's inputs in argument order. ``wrt``'s tangent is 1, every other leaf's 0;
    a number inside an expression is a constant and gets no step. No ``.grad`` is changed.

    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> n = x * w; n.label = "n"
    >>> y = n.tanh(); y.label = "y"
    >>> for s in forward_steps(y, x):
    ...     print(s.index, s.parent_name, "->", s.node_name, s.local, s.parent_tangent, round(s.tangent_after, 4))
    0 x -> n -0.5 1.0 -0.5
    1 w -> n 2.0 0.0 -0.5
    2 n -> y 0.41997434161402614 -0.5 -0.21

    The last step's tangent is the gradient ``backward()`` gives:

    >>> y.backward(); forward_steps(y, x)[-1].tangent_after == x.grad
    True
    """
    _check("forward_steps", root, wrt)
    order = topological_order(root)
    if wrt not in set(order):
        raise ValueError(_not_in_graph("forward_steps", root, wrt))
    graph = notation.GraphNames(root)
    tangent: Dict[Value, float] = {}
    records: List[Tuple[Value, Value, int, float, float, float, float, float, bool]] = []
    for node in order:
        if node is wrt:
            tangent[node] = 1.0
            continue
        parents = node.parents
        if not parents:
            tangent[node] = 0.0
            continue
        locals_ = node.local_derivatives()
        t = 0.0
        first = True
        for position, (parent, local) in enumerate(zip(parents, locals_)):
            if parent.is_constant:  # a number in the expression: not differentiated
                continue
            contribution = local * tangent[parent]
            before = t
            t = contribution if first else t + contribution  # as forward mode: da·ta + db·tb
            records.append((node, parent, position, local, tangent[parent], contribution, before, t, first))
            first = False
        tangent[node] = t
    last: Dict[Value, int] = {}
    for i, r in enumerate(records):
        last[r[0]] = i
    return [
        ForwardStep(index=i, node=node, parent=parent, position=position, local=local, parent_tangent=pt,
                    contribution=c, tangent_before=before, tangent_after=after, final=last[node] == i,
                    first=first, wrt=wrt, graph=graph)
        for i, (node, parent, position, local, pt, c, before, after, first) in enumerate(records)
    ]


def _not_in_graph(who: str, root: Value, wrt: Value) -> str:
    shown = repr(wrt.label) if wrt.label else repr(wrt)
    return f"{who}(): wrt={shown} is not in the graph of {notation.node_names(root)[root]}; it does not depend on it"


# --- in words ------------------------------------------------------------------------------------

FORMATS = notation.FORMATS


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
        numbers = _numbers(terms, table, root, digits)
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
