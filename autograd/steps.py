"""The backward pass as data: one :class:`Step` per edge, in the order
``backward()`` applies the chain rule.

The steps are computed by replaying the engine's rule, without touching any
``.grad``: walk :func:`~autograd.backward_order` and, for each node and each of
its parents in argument order::

    grad[parent] += local_derivative * grad[node]

so the last step into each node leaves exactly the gradient ``backward()``
gives it. :func:`autograd.explain` puts these steps into words, and
``viz`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from . import notation
from .engine import backward_order
from .errors import check_real, check_value
from .value import Value

__all__ = ["Step", "backprop_steps", "node_names", "local_rule", "fmt", "NEURON_LEVEL_EDGES"]


def fmt(x: Any, digits: int = 4) -> str:
    """A number with ``digits`` significant digits (a Value shows its data).

    >>> fmt(0.70710678), fmt(-3.0), fmt(1234567.0), fmt(-0.0)
    ('0.7071', '-3', '1.235e+06', '0')
    """
    if not isinstance(x, (int, float)):
        x = getattr(x, "data", x)
    x = float(x)
    if x == 0:
        x = 0.0  # no "-0"
    return format(x, f".{digits}g")


class _GraphStep:
    """What a step of any view shares: ``root``, read from the step's ``graph``."""

    graph: notation.GraphNames

    @property
    def root(self) -> Value:
        """The output whose graph this step belongs to (the Value the backward pass starts from)."""
        return self.graph.root


@dataclass(frozen=True)
class Step(_GraphStep):
    """One application of the chain rule, along the edge ``parent -> node``.

    ``index`` is the position in the backward pass (0 for the first edge);
    ``position`` says which argument of ``node``'s op ``parent`` is (0, 1);
    ``local`` is ∂node/∂parent, ``upstream`` is dL/dnode (complete by the time
    the step runs), ``contribution = upstream * local`` and the parent's
    accumulated gradient goes from ``parent_grad_before`` to
    ``parent_grad_after``. ``final`` is True on the last step into ``parent``,
    when its gradient is complete. ``node_name``/``parent_name`` are the
    names :func:`node_names` gives; ``rule`` is the local derivative as a
    formula of those names (``''`` for an op whose row has no formula).
    ``graph`` holds the names of the whole graph, shared by its steps.
    Text comes from :mod:`autograd.notation`.
    """

    index: int
    node: Value
    parent: Value
    position: int
    local: float
    upstream: float
    contribution: float
    parent_grad_before: float
    parent_grad_after: float
    final: bool
    node_name: str
    parent_name: str
    rule: str
    graph: notation.GraphNames = field(repr=False, compare=False)

    @property
    def op(self) -> str:
        """The name of the op that made ``node`` (``'mul'``, ``'tanh'``, ...)."""
        return self.node.op

    @property
    def root_name(self) -> str:
        """The root's name (``L`` when it has no label)."""
        return self.graph.table("text").root_name

    def symbolic(self, root_name: Optional[str] = None, format: str = "text") -> str:
        """The rule this step applies, in symbols (see :func:`autograd.notation.symbolic`).

        >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
        >>> backprop_steps(y)[0].symbolic()
        'dy/dx += ∂y/∂x'
        """
        return notation.symbolic(self, format=format, root_name=root_name)

    def equation(self, root_name: Optional[str] = None, digits: int = 4, format: str = "text") -> str:
        """The step, formula first, then numbers (see :func:`autograd.notation.step`).
        ``root_name`` renames the root (default: its own name).

        >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w"); b = Value(1.0, label="b")
        >>> y = (x * w + b).tanh(); y.label = "y"
        >>> print(backprop_steps(y)[0].equation())
        dy/d(x·w + b) += ∂y/∂(x·w + b) = 1 − tanh(x·w + b)² = 1.0
        >>> print(backprop_steps(y)[4].equation())
        dy/dw += dy/d(x·w) · ∂(x·w)/∂w = 1.0 · x = 1.0 · 2.0 = 2.0
        """
        return notation.step(self, digits=digits, format=format, root_name=root_name)

    def result(self, root_name: Optional[str] = None, digits: int = 4, format: str = "text") -> str:
        """The parent's gradient after the step (see :func:`autograd.notation.result`).

        >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
        >>> [s.result() for s in backprop_steps(y)]
        ['dy/dx = 2.0', 'dy/dx = 2.0 + 2.0 = 4.0 (complete)']
        """
        return notation.result(self, digits=digits, format=format, root_name=root_name)


def node_names(root: Value) -> Dict[Value, str]:
    """The one name of every node in ``root``'s graph (see :func:`autograd.notation.node_names`).

    >>> x = Value(2.0, label="x")
    >>> list(node_names((x * 3 + x).tanh()).values())
    ['x', '3', 'x·3', 'x·3 + x', 'L']
    """
    check_value("node_names", "root", root)
    return notation.node_names(root)


def local_rule(node: Value, position: int, names: Optional[Dict[Value, str]] = None) -> str:
    """``∂node/∂parent = formula`` in the nodes' names ('' when the op row has no formula),
    from the op's ``formula`` in :mod:`autograd.ops`; ``names`` is accepted for
    compatibility and ignored (names come from ``node``'s graph).

    >>> a, b = Value(2.0, label="a"), Value(5.0, label="w")
    >>> y = a * b; y.label = "y"
    >>> local_rule(y, 0), local_rule(y, 1), local_rule(y.tanh(), 0)
    ('∂y/∂a = w', '∂y/∂w = a', '∂L/∂y = 1 − tanh(y)²')
    >>> local_rule(a ** 3, 0), local_rule(a.leaky_relu(0.1), 0)
    ('∂L/∂a = 3·a²', '∂L/∂a = 1 if a > 0 else 0.1')
    """
    check_value("local_rule", "node", node)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < max(1, len(node.parents)):
        raise (TypeError if not isinstance(position, int) or isinstance(position, bool) else ValueError)(
            f"local_rule() position must be the index of one of the node's {len(node.parents)} inputs, "
            f"got {position!r}")
    if not node.parents:
        return ""
    return _rule_text(node, position, notation.GraphNames(node))


def _rule_text(node: Value, position: int, graph: notation.GraphNames) -> str:
    table = graph.table("text")
    text = notation._formula(node, position, table)
    if not text:
        return ""
    return f"{notation.local(table.arg(node), table.arg(node.parents[position]))} = {text}"


#: ``backprop_steps(root)`` (``level="auto"``) gives neuron-level steps when the backward pass has more
#: edges than this and the graph has labelled units to group them by; edge-level steps otherwise.
NEURON_LEVEL_EDGES = 50
LEVELS = ("auto", "edge", "neuron")


def backprop_steps(root: Value, seed: float = 1.0, level: str = "auto") -> List[Any]:
    """The backward pass from ``root``, one :class:`Step` per edge, in the order
    ``root.backward()`` applies them. No ``.grad`` is changed. A number inside the
    expression is not differentiated, so it gets no step.

    ``level="neuron"`` groups the edges into one
    :class:`~autograd.neurons.NeuronStep` per unit (a model's neuron: its δ and
    its weights' gradients together; see :mod:`autograd.neurons`).
    ``level="auto"`` (the default) gives neuron steps when there are more than
    :data:`NEURON_LEVEL_EDGES` (50) edges and the graph has labelled units
    that at least halve the number of steps (an expression without labels stays
    edge by edge); ``level="edge"`` always gives edge steps.

    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> n = x * w; n.label = "n"
    >>> y = n.tanh(); y.label = "y"
    >>> for s in backprop_steps(y):
    ...     print(s.index, s.node_name, "->", s.parent_name, fmt(s.local), fmt(s.upstream), fmt(s.parent_grad_after))
    0 y -> n 0.42 1 0.42
    1 n -> x -0.5 0.42 -0.21
    2 n -> w 2 0.42 0.8399

    The last step into each node leaves the gradient ``backward()`` gives it:

    >>> y.backward()
    >>> backprop_steps(y)[-1].parent_grad_after == w.grad
    True
    """
    check_value("backprop_steps", "root", root)
    if level not in LEVELS:
        raise ValueError(f"backprop_steps() level must be 'auto', 'edge' or 'neuron', got {level!r}")
    graph = notation.GraphNames(root)
    names = graph.table("text").names
    grads: Dict[Value, float] = {root: check_real("backprop_steps", "seed", seed, finite=True)}
    pending: List[Any] = []
    for node in backward_order(root):
        parents = node.parents
        if not parents:
            continue
        upstream = grads[node]
        for position, (parent, local) in enumerate(zip(parents, node.local_derivatives())):
            if parent.is_constant:  # a number in the expression: not differentiated, no step
                continue
            contribution = local * upstream
            before = grads.get(parent, 0.0)
            after = before + contribution  # exactly as the engine: parent.grad += local * node.grad
            grads[parent] = after
            pending.append((node, parent, position, local, upstream, contribution, before, after))
    last: Dict[Value, int] = {}
    for i, record in enumerate(pending):
        last[record[1]] = i
    edges = [
        Step(
            index=i,
            node=node,
            parent=parent,
            position=position,
            local=local,
            upstream=upstream,
            contribution=contribution,
            parent_grad_before=before,
            parent_grad_after=after,
            final=last[parent] == i,
            node_name=names[node],
            parent_name=names[parent],
            rule=_rule_text(node, position, graph),
            graph=graph,
        )
        for i, (node, parent, position, local, upstream, contribution, before, after) in enumerate(pending)
    ]
    if level == "edge" or (level == "auto" and len(edges) <= NEURON_LEVEL_EDGES):
        return edges
    from .neurons import neuron_steps

    units = neuron_steps(edges)
    if level == "auto" and (len(units) < 2 or 2 * len(units) > len(edges)):
        return edges
    return units
