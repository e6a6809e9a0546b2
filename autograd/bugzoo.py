"""The bug zoo: four broken backward passes, kept so a class can watch them fail.

Every scalar autograd engine written by hand meets the same bugs. Each one here
runs the real op table's local derivatives, and differs from the engine's
backward pass in exactly one way:

- ``recursive``: each node pushes its gradient into its inputs and recurses into
  them at once, with no topological order. A node used twice is visited twice,
  and pushes its whole gradient so far each time: for ``a = x*y; z = a + a``,
  ``x`` gets ``3y`` instead of ``2y``.
- ``assign``: ``parent.grad = ...`` instead of ``+=``, so a node used twice keeps
  the contribution of its last use only.
- ``no-zero``: the root's gradient is set to 1 and nothing else is zeroed, so a
  second ``backward()`` on the same graph adds into the intermediate nodes again
  and the leaves get more than twice their gradient (micrograd's behaviour).
- ``depth``: a recursive topological sort (micrograd's ``build_topo``). Right
  answers, until a graph is deeper than Python's recursion limit: then the
  ``RecursionError`` such an engine's user sees.

>>> from autograd import Value
>>> x, y = Value(3.0, label="x"), Value(2.0, label="y")
>>> a = x * y
>>> z = a + a
>>> backward(z, bug="recursive"); x.grad        # 3y, not 2y
6.0
>>> sorted(BUGS)
['assign', 'depth', 'no-zero', 'recursive']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List

from .value import Value

__all__ = ["Bug", "BUGS", "backward"]


@dataclass(frozen=True)
class Bug:
    """A broken backward pass: its ``name``, what is wrong (``mistake``), what it
    does to the numbers (``symptom``) and the right way (``fix``)."""

    name: str
    mistake: str
    symptom: str
    fix: str
    run: Callable[[Value], None]


def _inputs(node: Value) -> List[Any]:
    """(input, local derivative) for every input that takes a gradient (numbers do not)."""
    return [(p, d) for p, d in zip(node.parents, node.local_derivatives()) if not p.is_constant]


def _topological(root: Value) -> List[Value]:
    """Inputs before the nodes made from them, without recursion (as the engine does)."""
    from .engine import graph_order

    return [v for v in graph_order(root) if not v.is_constant]


def _recursive(root: Value) -> None:
    # The bug, written as a stack so that it is this bug alone (not also ``depth``):
    #     def push(node):
    #         for parent, local in inputs(node):
    #             parent.grad += local * node.grad
    #             push(parent)
    root.grad = 1.0
    stack = [(root, 0)]
    while stack:
        node, i = stack.pop()
        inputs = _inputs(node)
        if i < len(inputs):
            parent, local = inputs[i]
            parent.grad += local * node.grad
            stack.append((node, i + 1))   # the next input, after this one's whole subtree
            stack.append((parent, 0))


def _assign(root: Value) -> None:
    root.grad = 1.0
    for node in reversed(_topological(root)):
        for parent, local in _inputs(node):
            parent.grad = local * node.grad   # the bug: = instead of +=


def _no_zero(root: Value) -> None:
    root.grad = 1.0                           # the bug: no other .grad is zeroed first
    for node in reversed(_topological(root)):
        for parent, local in _inputs(node):
            parent.grad += local * node.grad


def _depth(root: Value) -> None:
    topo: List[Value] = []
    visited = set()

    def build(v: Value) -> None:              # the bug: one Python frame per level of the graph
        if v not in visited:
            visited.add(v)
            for child in v.parents:
                build(child)
            topo.append(v)

    build(root)
    for node in topo:                         # otherwise a right pass: zeroed, then +=
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(topo):
        for parent, local in _inputs(node):
            parent.grad += local * node.grad


BUGS: Dict[str, Bug] = {b.name: b for b in (
    Bug("recursive", "each node pushes its gradient into its inputs and recurses into them at once, "
        "with no topological order",
        "a node used twice pushes its gradient twice, the second time with the first push already in it: "
        "for a = x*y; z = a + a, x gets 3y instead of 2y",
        "visit the nodes in reverse topological order, so a node passes its gradient on only once it is complete",
        _recursive),
    Bug("assign", "parent.grad = local * node.grad instead of +=",
        "a node used more than once keeps the contribution of its last use only: for z = a + a, dz/da is 1, not 2",
        "accumulate: parent.grad += local * node.grad", _assign),
    Bug("no-zero", "the root's gradient is set to 1 but the other nodes' gradients are not zeroed first",
        "a second backward() on the same graph adds into the intermediate nodes again, so the leaves get "
        "more than twice their gradient: 3wy instead of 2wy for L = x*y*w",
        "zero every node's gradient before the pass (or build a new graph each step)", _no_zero),
    Bug("depth", "a recursive topological sort: one Python stack frame per level of the graph",
        "right answers until the graph is deeper than Python's recursion limit (about 1000), "
        "then RecursionError: maximum recursion depth exceeded",
        "sort with an explicit stack, as autograd.engine does: any depth works", _depth),
)}


def backward(root: Value, bug: str) -> None:
    """Run the broken backward pass ``bug`` from ``root``, filling ``.grad`` as it does.

    Like micrograd, it sets ``root.grad`` to 1; start from a fresh graph (or
    ``root.zero_grad()``) unless you are watching ``no-zero``.

    >>> from autograd import Value, gradcheck
    >>> x, y, w = Value(3.0), Value(2.0), Value(-1.0)
    >>> L = x * y * w
    >>> backward(L, bug="no-zero"); x.grad
    -2.0
    >>> backward(L, bug="no-zero"); x.grad         # 3·w·y: a right engine gives 2·w·y = -4
    -6.0
    >>> def f(x, y):
    ...     a = x * y
    ...     return a + a
    >>> gradcheck(f, 3.0, 2.0, backward=lambda out: backward(out, bug="assign"))
    Traceback (most recent call last):
    ...
    autograd.errors.GradcheckError: gradcheck: d f / d input 1 (at 2.0) is 3.0 by backward() but 5.99999... ...
    """
    if not isinstance(root, Value):
        raise TypeError(f"bugzoo.backward() needs a Value, got {type(root).__name__}: {root!r}")
    if bug not in BUGS:
        raise ValueError(f"bugzoo.backward(): unknown bug {bug!r}; the zoo has {', '.join(BUGS)}")
    BUGS[bug].run(root)
