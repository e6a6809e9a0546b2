"""Why deep learning runs the chain rule backwards: counting local derivatives.

For a function of n inputs and one output, forward mode gives ``dL/dx`` for
*one* input per pass, so the whole gradient takes n passes over the graph;
reverse mode gives every ``dL/dx`` in one pass. Each pass evaluates one local
derivative ``∂node/∂input`` per edge of the graph. :func:`count_evaluations`
runs both on your graph and counts the local derivatives they evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .engine import MANY, graph_order, topological_order
from .forward import tangents
from .value import Value

__all__ = ["Evaluations", "count_evaluations"]


@dataclass(frozen=True)
class Evaluations:
    """What the two orders of the chain rule cost on one graph (see :func:`count_evaluations`).

    ``inputs`` is n, the number of inputs differentiated with respect to;
    ``edges`` the local derivatives one pass evaluates (one per edge from a
    non-constant input); ``forward`` and ``reverse`` the local derivatives the
    n forward passes and the one reverse pass evaluated, counted as they ran;
    ``forward_gradient`` and ``reverse_gradient`` what each found (the same
    numbers, up to rounding), in the order of ``wrt``.

    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> counts = count_evaluations(a * b + a)
    >>> counts.forward_passes, counts.reverse_passes, counts.ratio, counts.reverse_gradient
    (2, 1, 2.0, (4.0, 2.0))
    """

    inputs: int
    edges: int
    forward: int
    reverse: int
    forward_gradient: Tuple[float, ...]
    reverse_gradient: Tuple[float, ...]

    @property
    def forward_passes(self) -> int:
        """Forward mode needs one pass per input."""
        return self.inputs

    @property
    def reverse_passes(self) -> int:
        """Reverse mode needs one pass for the one output."""
        return 1

    @property
    def ratio(self) -> float:
        """How many times more local derivatives forward mode evaluates."""
        return self.forward / self.reverse if self.reverse else float("nan")

    def __str__(self) -> str:
        return (f"forward mode: {self.forward_passes} passes x {self.edges} local derivatives = {self.forward}\n"
                f"reverse mode: 1 pass x {self.edges} local derivatives = {self.reverse}")


def count_evaluations(root: Value, wrt: Optional[Iterable[Value]] = None) -> Evaluations:
    """Run forward mode (one pass per input) and reverse mode (one pass) on ``root``'s
    graph and count the local derivatives each evaluates.

    ``wrt`` lists the inputs (for a model's loss, ``model.parameters()``); by
    default every leaf the graph depends on, numbers in expressions left out.
    No ``.grad`` is changed.

    >>> from autograd import Value
    >>> x, w, b = Value(1.0, label="x"), Value(-2.0, label="w"), Value(0.5, label="b")
    >>> L = (x * w + b).tanh()
    >>> counts = count_evaluations(L)
    >>> counts.inputs, counts.edges, counts.forward, counts.reverse
    (3, 5, 15, 5)
    >>> print(counts)
    forward mode: 3 passes x 5 local derivatives = 15
    reverse mode: 1 pass x 5 local derivatives = 5
    >>> L.backward(); counts.reverse_gradient == (x.grad, w.grad, b.grad)
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"count_evaluations() needs a Value, got {type(root).__name__}: {root!r}")
    nodes = set(graph_order(root))
    if wrt is None:
        inputs = [v for v in topological_order(root) if v.is_leaf and not v.is_constant]
    else:
        if isinstance(wrt, Value):
            raise TypeError("count_evaluations() wrt must be a list of Values, got one Value; write wrt=[x]")
        inputs = list(wrt)
        for i, v in enumerate(inputs):
            if not isinstance(v, Value):
                raise TypeError(f"count_evaluations() wrt[{i}] must be a Value, got {type(v).__name__}: {v!r}")
            if v not in nodes:
                name = repr(v.label) if v.label else repr(v)
                raise ValueError(f"count_evaluations() wrt[{i}]={name} is not in the graph: the output "
                                 "does not depend on it")
        if len(set(inputs)) != len(inputs):
            raise ValueError("count_evaluations() wrt lists the same Value twice")
    if not inputs:
        raise ValueError("count_evaluations() found no input to differentiate with respect to")

    forward_count = [0]
    forward_gradient = []
    for x in inputs:  # forward mode: one pass per input
        forward_gradient.append(float(tangents(root, {x: 1.0}, forward_count)[root]))
    reverse_count, grads = _counted_reverse(root)
    return Evaluations(
        inputs=len(inputs),
        edges=reverse_count,
        forward=forward_count[0],
        reverse=reverse_count,
        forward_gradient=tuple(forward_gradient),
        reverse_gradient=tuple(float(grads.get(x, 0.0)) for x in inputs),
    )


def _counted_reverse(root: Value) -> Tuple[int, Dict[Value, float]]:
    """The backward pass's rule (``grad[p] += ∂n/∂p · grad[n]``, root first), counting the
    local derivatives it evaluates: one per edge from a non-constant input."""
    grads: Dict[Value, float] = {root: 1.0}
    count = 0
    order: List[Any] = graph_order(root)
    for node in reversed(order):
        a, b = node._a, node._b
        if a is None:
            continue
        g = grads.get(node, 0.0)
        inputs = a if b is MANY else (a,) if b is None else (a, b)  # MANY: an n-ary op's tuple of inputs
        locals_ = node._fn.local(node.data, *[p if type(p) is float else p.data for p in inputs])
        for p, local in zip(inputs, locals_):
            if type(p) is float or p.is_constant:
                continue
            grads[p] = grads.get(p, 0.0) + local * g
            count += 1
    return count, grads
