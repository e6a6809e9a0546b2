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
from .engine import backward_order, topological_order
from .errors import check_real, check_value
from .ops import VARIADIC
from .value import Value

__all__ = ["Step", "backprop_steps", "node_names", "local_rule", "fmt"]


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


@dataclass(frozen=True)
class Step:
    """One application of the chain rule, along the edge ``parent -> node``.

    ``index`` is the position in the backward pass (0 for the first edge);
    ``position`` says which argument of ``node``'s op ``parent`` is (0, 1);
    ``local`` is d node / d parent, ``upstream`` is d root / d node (complete
    by the time the step runs), ``contribution = local * upstream`` and the
    parent's accumulated gradient goes from ``parent_grad_before`` to
    ``parent_grad_after``. ``final`` is True on the last step into ``parent``,
    when its gradient is complete. ``node_name``/``parent_name`` are the
    names :func:`node_names` gives; ``rule`` is the local derivative as a
    formula of those names (``''`` for an op it does not know).
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
    def root(self) -> Value:
        """The Value the backward pass starts from."""
        return self.graph.root

    @property
    def op(self) -> str:
        """The name of the op that made ``node`` (``'mul'``, ``'tanh'``, ...)."""
        return self.node.op

    def symbolic(self, root_name: str = "L") -> str:
        """The rule this step applies, in names.

        >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
        >>> backprop_steps(y)[0].symbolic()
        'dL/dx += dy/dx × dL/dy'
        """
        r, n, p = _d(root_name), _d(self.node_name), _d(self.parent_name)
        return f"d{r}/d{p} += d{n}/d{p} × d{r}/d{n}"

    def equation(self, root_name: str = "L", digits: int = 4) -> str:
        """The step with its numbers: ``dL/dparent += local × upstream = contribution``.

        >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
        >>> backprop_steps(y)[0].equation()
        'dL/dx += 3 × 1 = 3'
        """
        return (
            f"d{_d(root_name)}/d{_d(self.parent_name)} += {fmt(self.local, digits)} × {fmt(self.upstream, digits)}"
            f" = {fmt(self.contribution, digits)}"
        )

    def result(self, root_name: str = "L", digits: int = 4) -> str:
        """The parent's gradient after the step.

        >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
        >>> [s.result() for s in backprop_steps(y)]
        ['dL/dx = 0 + 2 = 2', 'dL/dx = 2 + 2 = 4 (complete)']
        """
        done = " (complete)" if self.final else ""
        return (
            f"d{_d(root_name)}/d{_d(self.parent_name)} = {fmt(self.parent_grad_before, digits)} + "
            f"{fmt(self.contribution, digits)} = {fmt(self.parent_grad_after, digits)}{done}"
        )


def _d(name: str) -> str:
    """A name ready to follow a ``d``: wrapped in parentheses unless it is a plain word.

    >>> _d("w1"), _d("x1*w1"), _d("layers.0.w")
    ('w1', '(x1*w1)', 'layers.0.w')
    """
    plain = name.replace("_", "").replace(".", "").replace("#", "")
    return name if plain.isalnum() else f"({name})"


def node_names(root: Value) -> Dict[Value, str]:
    """A unique, stable name for every node of ``root``'s graph, in topological order.

    A labelled node is called by its label; an unlabelled one ``v<i>``, where
    ``i`` is its position in :func:`autograd.topological_order`. An unlabelled
    root is called ``L``. A label used by several nodes gets ``#2``, ``#3``...
    on its later uses. Constants are named by their value.

    >>> x = Value(2.0, label="x")
    >>> names = node_names((x * 3 + x).tanh())
    >>> list(names.values())
    ['x', '3', 'v2', 'v3', 'L']
    """
    check_value("node_names", "root", root)
    order = topological_order(root)
    names: Dict[Value, str] = {}
    used: Dict[str, int] = {}
    labels = {v.label for v in order if v.label}
    for i, v in enumerate(order):
        if v.label:
            base = v.label
        elif v is root and "L" not in labels:
            base = "L"
        elif v.is_constant:
            base = fmt(v.data)
        else:
            base = f"v{i}"
        count = used.get(base, 0) + 1
        used[base] = count
        names[v] = base if count == 1 or v.is_constant else f"{base}#{count}"
    return names


def local_rule(node: Value, position: int, names: Optional[Dict[Value, str]] = None) -> str:
    """``d node / d parent`` as a formula in the nodes' names ('' if unknown),
    from the op's ``formula`` in :mod:`autograd.ops`.

    >>> a, b = Value(2.0, label="a"), Value(5.0, label="w")
    >>> y = a * b; y.label = "y"
    >>> local_rule(y, 0), local_rule(y, 1), local_rule(y.tanh(), 0)
    ('dy/da = w', 'dy/dw = a', 'dL/dy = 1 - tanh(y)²')
    >>> local_rule(a ** 3, 0), local_rule(a.leaky_relu(0.1), 0)
    ('dL/da = 3·a^2', 'dL/da = 1 if a > 0 else 0.1')
    """
    check_value("local_rule", "node", node)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < max(1, len(node.parents)):
        raise (TypeError if not isinstance(position, int) or isinstance(position, bool) else ValueError)(
            f"local_rule() position must be the index of one of the node's {len(node.parents)} inputs, "
            f"got {position!r}")
    fn = node._fn
    parents = node.parents
    if fn is None or not parents or not fn.formula:
        return ""
    if fn.arity == VARIADIC:  # one rule for every input; softmax's own input (position = param) has its own
        template = fn.formula[0] if len(fn.formula) == 1 or position == fn.param else fn.formula[1]
    elif position < len(fn.formula):
        template = fn.formula[position]
    else:
        return ""
    names = names if names is not None else node_names(node)

    def name(v: Value) -> str:
        return _d(names.get(v, "?"))

    fields = {
        "a": name(parents[0]),
        "A": names.get(parents[0], "?"),
        "b": name(parents[1]) if len(parents) > 1 else "",
        "o": name(node),
        "x": name(parents[position]),
        "j": str(position),
    }
    formula = template.format(**fields)
    return f"d{_d(names.get(node, '?'))}/d{_d(names.get(parents[position], '?'))} = {formula}"


def backprop_steps(root: Value, seed: float = 1.0) -> List[Step]:
    """The backward pass from ``root``, one :class:`Step` per edge, in the order
    ``root.backward()`` applies them. No ``.grad`` is changed.

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
    names = node_names(root)
    graph = notation.GraphNames(root)
    grads: Dict[Value, float] = {root: check_real("backprop_steps", "seed", seed, finite=True)}
    pending: List[Any] = []
    for node in backward_order(root):
        parents = node.parents
        if not parents:
            continue
        upstream = grads[node]
        for position, (parent, local) in enumerate(zip(parents, node.local_derivatives())):
            contribution = local * upstream
            before = grads.get(parent, 0.0)
            after = before + contribution  # exactly as the engine: parent.grad += local * node.grad
            grads[parent] = after
            pending.append((node, parent, position, local, upstream, contribution, before, after))
    last: Dict[Value, int] = {}
    for i, record in enumerate(pending):
        last[record[1]] = i
    return [
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
            rule=local_rule(node, position, names),
            graph=graph,
        )
        for i, (node, parent, position, local, upstream, contribution, before, after) in enumerate(pending)
    ]
