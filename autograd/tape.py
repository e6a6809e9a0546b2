"""Compiled tapes: record a graph once, replay it many times.

Training runs the same graph shape over and over; only the numbers in the
leaves change (a new input row, updated weights). :func:`compile` takes the
topological order once and turns it into two straight-line Python functions,
one line per node, that call each op's own ``forward`` and ``local`` rules
from :mod:`autograd.ops`. Replaying skips everything that makes building a
graph slow (allocating Values, sorting, dispatch), and gives the very same
floats: the same rules, applied in the same order as ``backward()``.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional, Tuple

from . import ops
from .engine import backward_order
from .value import Value

__all__ = ["Tape", "compile"]


class Tape:
    """A recorded graph that can be re-evaluated from its leaves' current data.

    >>> from autograd import Value, compile
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> loss = (x * w + 1).tanh() ** 2
    >>> tape = compile(loss)
    >>> tape.forward() == loss.data
    True

    Change a leaf and replay: the same numbers as building the graph anew.

    >>> w.data = 0.5
    >>> rebuilt = (x * w + 1).tanh() ** 2
    >>> tape.forward() == rebuilt.data
    True
    >>> tape.backward()                   # fills x.grad and w.grad
    >>> replayed = (x.grad, w.grad)
    >>> x.grad = w.grad = 0.0
    >>> rebuilt.backward()
    >>> replayed == (x.grad, w.grad)
    True
    """

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile() needs a Value, got {type(root).__name__}")
        order = backward_order(root)
        order.reverse()  # the chain rule's own order, so replays match backward() bit for bit
        self.root = root
        #: The leaves the tape reads (Values you made, not the constants numbers became).
        self.leaves: List[Value] = [v for v in order if v._a is None and v._fn is not ops.CONSTANT]
        self.size = len(order)
        self._nodes = order
        self._position = {node: i for i, node in enumerate(order)}
        self._values: Optional[Tuple[float, ...]] = None
        self._forward, self._backward = _generate(order, self.leaves)

    def forward(self) -> float:
        """Recompute every node from the leaves' current ``.data``; return the root's value.

        Domain errors (log of a negative, ...) raise as they would when
        building the graph. The Value nodes themselves are not updated; see
        :meth:`sync`.
        """
        self._values = self._forward()
        return self._values[-1]

    def value(self, node: Value) -> float:
        """``node``'s value in the last :meth:`forward` (any node of the graph).

        >>> from autograd import Value, compile
        >>> x = Value(1.0); h = x * 2; tape = compile(h + 1)
        >>> x.data = 4.0; _ = tape.forward(); tape.value(h), h.data
        (8.0, 2.0)
        """
        if self._values is None:
            self.forward()
        assert self._values is not None
        try:
            return self._values[self._position[node]]
        except KeyError:
            raise ValueError(f"value(): {node!r} is not a node of this tape's graph") from None

    def backward(self, gradient: float = 1.0) -> None:
        """Add d root / d leaf x ``gradient`` to every leaf's ``.grad``, exactly
        as ``root.backward()`` would on a freshly built graph (using the values
        of the last :meth:`forward`, which is run first if there was none)."""
        if self._values is None:
            self.forward()
        self._backward(self._values, float(gradient))

    def sync(self) -> None:
        """Write the last replay's values into every node's ``.data``, so the
        Value graph (for drawing, or ``backward()``) shows the same numbers."""
        if self._values is None:
            self.forward()
        assert self._values is not None
        for node, value in zip(self._nodes, self._values):
            node.data = value

    def __repr__(self) -> str:
        return f"<Tape of {self.size} nodes, {len(self.leaves)} leaves>"


def compile(root: Value) -> Tape:  # noqa: A001 - the name users expect (torch.compile)
    """Record ``root``'s graph as a :class:`Tape` for fast replay.

    >>> from autograd import Value, compile
    >>> a = Value(3.0)
    >>> compile(a * a + 1).forward()
    10.0
    """
    return Tape(root)


#: The local derivatives the generated code inlines instead of calling ``op.local``:
#: each row's ``code`` in :mod:`autograd.ops` (Python expressions of ``{o}``, the
#: output, and ``{a}``, ``{b}``, the inputs; tests check them bit for bit against
#: ``local``). Every other op is called through its own ``local``.
INLINE_LOCALS: Dict[str, Tuple[str, ...]] = {name: op.code for name, op in ops.OPS.items() if op.code is not None}

#: Compiled code by source: graphs of one shape (each mini-batch of a training
#: run, say) differ only in their leaves and constants, which the code reads by
#: name from its globals, so they share one compiled code object.
_code_cache: Dict[str, Any] = {}
_CODE_CACHE_SIZE = 8


def _generate(order: List[Value], leaves: List[Value]) -> Tuple[Any, Any]:
    """Source for ``forward() -> values`` and ``backward(values, seed)``, compiled.

    The names in the generated code: ``v{i}``/``g{i}`` are node i's value and
    gradient (nodes in topological order), ``L{j}`` leaf j, ``c{i}`` the
    constant node i, ``f{k}``/``l{k}`` the forward and local rules of op k.
    """
    env: Dict[str, Any] = {}
    op_keys: Dict[int, str] = {}  # id(op) -> k

    def op_key(op: ops.Op) -> str:
        key = op_keys.get(id(op))
        if key is None:
            key = op_keys[id(op)] = str(len(op_keys))
            env["f" + key], env["l" + key] = op.forward, op.local
        return key

    index = {node: i for i, node in enumerate(order)}
    leaf_index = {node: j for j, node in enumerate(leaves)}
    for j, leaf in enumerate(leaves):
        env[f"L{j}"] = leaf

    forward = ["def forward():"]
    for i, node in enumerate(order):
        if node._a is None:
            if node._fn is ops.CONSTANT:
                env[f"c{i}"] = node.data
                source = f"c{i}"
            else:
                source = f"L{leaf_index[node]}.data"
        else:
            args = ", ".join(f"v{index[p]}" for p in node.parents)
            source = f"f{op_key(node._fn)}({args})"  # type: ignore[arg-type]
        forward.append(f"    v{i} = {source}")
    forward.append(f"    return ({', '.join(f'v{i}' for i in range(len(order)))},)")

    # Gradients only for nodes that lead to a leaf of ours (constants need none).
    needs = [False] * len(order)
    for i, node in enumerate(order):
        needs[i] = node in leaf_index or any(needs[index[p]] for p in node.parents)
    root = len(order) - 1
    backward = ["def backward(values, seed):", f"    ({', '.join(f'v{i}' for i in range(len(order)))},) = values"]
    backward.append(f"    g{root} = seed")
    started = {root}
    for i in range(root, -1, -1):
        node = order[i]
        if node._a is None or not needs[i]:
            continue
        inputs = [index[p] for p in node.parents]
        inline = node._fn.code  # type: ignore[union-attr]
        if inline is not None and len(inline) == len(inputs):
            names = {"o": f"v{i}", "a": f"v{inputs[0]}", "b": f"v{inputs[-1]}"}
            targets = [expression.format(**names) for expression in inline]
        else:
            targets = [f"d{n}" for n in range(len(inputs))]
            args = ", ".join(f"v{k}" for k in inputs)
            backward.append(f"    {', '.join(targets)}, = l{op_key(node._fn)}(v{i}, {args})")  # type: ignore[arg-type]
        for target, k in zip(targets, inputs):
            if not needs[k]:
                continue
            if k in started:
                backward.append(f"    g{k} += {target} * g{i}")
            else:  # 0.0 + x, exactly what backward() computes from a zeroed grad
                started.add(k)
                backward.append(f"    g{k} = 0.0 + {target} * g{i}")
    for node, j in leaf_index.items():
        i = index[node]
        gradient = f"g{i}" if i in started else "0.0"
        backward.append(f"    old = L{j}.grad")
        backward.append(f"    L{j}.grad = old + {gradient} if old else {gradient}")

    source = "\n".join(forward) + "\n\n" + "\n".join(backward) + "\n"
    code = _code_cache.pop(source, None)
    if code is None:
        code = builtins.compile(source, f"<tape of {len(order)} nodes>", "exec")
    _code_cache[source] = code
    while len(_code_cache) > _CODE_CACHE_SIZE:
        del _code_cache[next(iter(_code_cache))]
    exec(code, env)
    return env["forward"], env["backward"]
