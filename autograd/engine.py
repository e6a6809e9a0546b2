"""The backward pass: a topological order without recursion, then the chain
rule applied once per edge.

Everything here is duck-typed on the node's ``_prev`` (its inputs), ``_fn``
(its :class:`~autograd.ops.Op`) and ``data``, so this module does not import
``Value``.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List

from .errors import AnomalyError
from .mode import state

__all__ = ["topological_order", "backprop", "describe"]


def topological_order(root: Any) -> List[Any]:
    """Every node ``root`` depends on, inputs before the nodes made from them.

    An explicit stack replaces recursion, so a chain of a million nodes is as
    fine as a chain of ten.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> [v.label or v.op for v in topological_order(y)]
    ['x', 'mul', 'tanh']
    """
    order: List[Any] = []
    seen = {id(root)}
    stack = [(root, iter(root._prev))]
    while stack:
        node, inputs = stack[-1]
        for parent in inputs:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent._prev)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def backprop(root: Any, seed: Any = 1.0, create_graph: bool = False) -> Dict[Any, Any]:
    """d root / d node for every node ``root`` depends on, as a dict.

    Walks the nodes from the root back to the leaves and, for each edge
    ``node -> parent``, applies the chain rule::

        grad[parent] += local_derivative * grad[node]

    A node used many times receives one contribution per use. With
    ``create_graph=True`` the local derivatives are computed from the
    ``Value`` nodes themselves, so the gradients are ``Value`` graphs that can
    be differentiated again. Nothing is written to ``.grad``; see
    :meth:`Value.backward` for that.
    """
    grads: Dict[Any, Any] = {root: seed}
    anomaly = state.anomaly
    for node in reversed(topological_order(root)):
        inputs = node._prev
        if not inputs:
            continue
        upstream = grads[node]
        if create_graph:
            locals_ = node._fn.local(node, *inputs)
        else:
            locals_ = node._fn.local(node.data, *[p.data for p in inputs])
        for parent, local in zip(inputs, locals_):
            contribution = local * upstream
            if anomaly:
                _check_backward(node, parent, local, upstream, contribution)
            if parent in grads:
                grads[parent] = grads[parent] + contribution
            else:
                grads[parent] = contribution
    return grads


def describe(node: Any) -> str:
    """``label=data`` for a labelled node, just the data otherwise."""
    return f"{node.label}={node.data!r}" if node.label else repr(node.data)


def _finite(x: Any) -> bool:
    return math.isfinite(x if isinstance(x, (int, float)) else x.data)


def check_forward(out: Any, op: Any, inputs: Any) -> None:
    """Raise :class:`AnomalyError` if ``out`` (made by ``op``) is NaN or inf."""
    if not _finite(out):
        args = ", ".join(describe(p) for p in inputs)
        raise AnomalyError(f"{op.name} produced {out.data!r} from inputs {args}")


def _check_backward(node: Any, parent: Any, local: Any, upstream: Any, contribution: Any) -> None:
    if not _finite(contribution):
        value = lambda x: x if isinstance(x, (int, float)) else x.data  # noqa: E731
        raise AnomalyError(
            f"backward through {node._fn.name} ({describe(node)}): the gradient for its input "
            f"{describe(parent)} is {value(contribution)!r} "
            f"(local derivative {value(local)!r} x upstream gradient {value(upstream)!r})"
        )
