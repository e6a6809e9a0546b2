r"""Forward mode as data and in words: the tangent ``dn/dx`` of every node, inputs first.

:func:`forward_steps` replays :func:`autograd.forward.tangents` one edge at a
time, as :func:`autograd.backprop_steps` replays the backward pass, giving one
:class:`ForwardStep` per edge::

    dn/dx += ∂n/∂s · ds/dx

in the order forward mode applies them (the order the values were computed),
so a step page or the playground can show either order of the chain rule.
:func:`explain_forward` writes one line per node, through :mod:`autograd.notation`::

    dn/dx = ∂n/∂s · ds/dx + ∂n/∂b · db/dx = 1.0 · 2.0 + 1.0 · 0.0 = 2.0

(:mod:`autograd.forward_explain`); it is what ``explain(root, mode="forward", wrt=x)`` prints.
:func:`forward_steps_data` gives the steps as JSON-ready records for pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from . import notation
from .engine import topological_order
from .forward_explain import _base, _check, _finish, _not_in_graph, _numbers, _Term, _times
from .steps import _GraphStep
from .value import Value

__all__ = ["ForwardStep", "forward_steps", "forward_steps_data"]


@dataclass(frozen=True)
class ForwardStep(_GraphStep):
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
        parts += _numbers([term], t, digits)
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
        text = notation._accumulated(lhs, self.first, self.tangent_before, self.contribution,
                            self.tangent_after, self.final, digits, base)
        return _finish(text, format)

    @property
    def node_name(self) -> str:
        """``node``'s name, as every view writes it."""
        return self.graph.table("text").name(self.node)

    @property
    def parent_name(self) -> str:
        """``parent``'s name, as every view writes it."""
        return self.graph.table("text").name(self.parent)


# --- the steps ----------------------------------------------------------------------------------

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


def forward_steps_data(root: Value, wrt: Value, digits: int = 4) -> Dict[str, Any]:
    r"""The forward pass from ``wrt`` as JSON-ready data, for a step page or the playground.

    Node ids are ``v<i>``, ``i`` being the node's place in
    :func:`~autograd.topological_order` (the ids ``draw_graph`` and the backprop
    step page use); edges are ``e<i>_<position>``, op boxes ``op<i>``. Every
    text is already written in the shared notation; ``...Full`` numbers are
    ``repr`` of the float. ``tangents`` holds every leaf's starting tangent
    (``wrt``: 1, others: 0); each step then completes a node's tangent edge by edge.
    ``rootTangent`` is ``droot/dwrt`` (what ``backward()`` puts in ``wrt.grad``) and
    ``end`` says so in words. A step's ``rule`` is its edge's local derivative
    (:func:`autograd.notation.edge`) and ``out`` the id of the op's edge into ``node``.

    >>> x = Value(1.0, label="x"); w = Value(-0.5, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> data = forward_steps_data(y, x)
    >>> data["wrt"], data["wrtId"], data["tangents"], len(data["steps"])
    ('x', 'v0', {'v0': '1.0', 'v1': '0.0'}, 3)
    >>> step = data["steps"][-1]
    >>> step["node"], step["parent"], step["edge"], step["tangent"], step["final"]
    ('v3', 'v2', 'e3_0', '-0.3932', True)
    >>> step["equation"]
    'dy/dx += ∂y/∂(x·w) · d(x·w)/dx = (1 − tanh(x·w)²) · (-0.5) = 0.7864 · (-0.5) = -0.3932'
    >>> step["rule"], data["end"]
    ('∂y/∂(x·w) = 1 − tanh(x·w)² = 0.7864', 'dy/dx = -0.3932, the gradient backward() gives x')
    """
    steps = forward_steps(root, wrt)
    order = topological_order(root)
    index = {v: i for i, v in enumerate(order)}
    names = notation.node_names(root)
    end = steps[-1].tangent_after if steps else (1.0 if root is wrt else 0.0)
    graph = steps[0].graph if steps else notation.GraphNames(root)
    table = graph.table("text")
    return {
        "root": f"v{index[root]}",
        "rootName": names[root],
        "wrt": names[wrt],
        "wrtId": f"v{index[wrt]}",
        "tangents": {f"v{index[v]}": notation.number(1.0 if v is wrt else 0.0, digits)
                     for v in order if v.is_leaf and not v.is_constant},
        "rootTangent": notation.number(end, digits),
        "rootTangentFull": repr(end),
        "end": (f"{notation.total(table.arg(root), table.arg(wrt))} = {notation.number(end, digits)}, "
                f"the gradient backward() gives {table.name(wrt)}"),
        "steps": [_record(s, index, digits) for s in steps],
    }


def _record(s: ForwardStep, index: Dict[Value, int], digits: int) -> Dict[str, Any]:
    i = index[s.node]
    return {
        "node": f"v{i}",
        "parent": f"v{index[s.parent]}",
        "op": f"op{i}",
        "edge": f"e{i}_{s.position}",
        "out": f"e{i}",
        "tangent": notation.number(s.tangent_after, digits),
        "tangentFull": repr(s.tangent_after),
        "local": notation.number(s.local, digits),
        "localFull": repr(s.local),
        "first": s.first,
        "final": s.final,
        "head": (f"Step {s.index + 1}: from {s.parent_name} forward through the {s.node.op} "
                 f"that makes {s.node_name}"),
        "symbolic": s.symbolic(),
        "rule": notation._edge(s.node, s.position, s.local, s.graph.table("text"), digits),
        "equation": s.equation(digits),
        "equationFull": s.equation(17),
        "result": s.result(digits),
    }
