"""The batched engine: one sample's graph, traced once, run over a whole batch with NumPy.

Training a small network runs the same graph for every row of the data. A
:class:`BatchedTape` records that graph once, from one sample, and then
evaluates it for all rows at once: node ``i`` becomes row ``i`` of a
(nodes x batch) matrix. Nodes at the same depth with the same op do not
depend on one another, so each such group runs as one NumPy operation (the 16
multiplications of a layer's neurons, say). The backward pass walks the groups
in reverse and sums each shared leaf's gradient over the batch.

The rules are the rows of :mod:`autograd.ops`: an op's float rules where they
take arrays, the NumPy rules in the same row where they do not, and the row's
domain rules and messages. Needs NumPy:
``pip install 'chainrule[fast]'``.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import ops
from .engine import topological_order
from .errors import check_value, shown
from .value import Value

try:
    import numpy as np
except ImportError as error:  # pragma: no cover - exercised without NumPy only
    raise ImportError("the batched engine needs NumPy: pip install 'chainrule[fast]'") from error

__all__ = ["BatchedTape", "compile_batched"]

Array = Any
Rule = Tuple[Callable[..., Array], Callable[..., Tuple[Any, ...]]]


# --- each op's rules over arrays, read from its row in autograd.ops -----------------

def _first_bad(bad: Array, inputs: Sequence[Array]) -> List[float]:
    """The inputs at the first position where ``bad`` holds, as floats (for the message)."""
    arrays = np.broadcast_arrays(*inputs, bad)
    where = np.flatnonzero(arrays[-1])[0]
    return [float(a.flat[where]) for a in arrays[:-1]]


def _rule(op: ops.Op) -> Rule:
    """``(forward, local)`` over arrays for ``op``: its NumPy rules where the row has them, its
    float rules where those take arrays, and its domain (refused inputs, overflow) checked with
    the row's own messages."""
    compute = op.forward if op.np_forward is None else partial(op.np_forward, np)
    local = op.local if op.np_local is None else partial(op.np_local, np)
    refuse, overflow = op.refuse, op.overflow
    if not refuse and overflow is None:
        return compute, local

    def forward(*inputs: Array) -> Array:
        for rule in refuse:
            bad = rule.when(*inputs)
            if np.any(bad):
                raise rule.exception(*_first_bad(bad, inputs))
        out = compute(*inputs)
        if overflow is not None:
            bad = ~np.isfinite(out)
            for x in inputs:
                bad &= np.isfinite(x)
            if np.any(bad):
                raise OverflowError(overflow.format(*_first_bad(bad, inputs)))
        return out

    return forward, local


# --- the tape -------------------------------------------------------------------------

class _Group:
    """Nodes of one op at one depth: run together as one NumPy call."""

    __slots__ = ("forward", "local", "out", "inputs", "scatter")

    def __init__(self, rule: Rule, out: List[int], inputs: List[List[int]]) -> None:
        self.forward, self.local = rule
        self.out = np.array(out)
        self.inputs = [np.array(column) for column in inputs]
        # Gradients flow back into the inputs; where one input row appears more
        # than once in the group (x0 feeding 16 neurons), the contributions to it
        # must be summed first, since G[idx] += C would keep only one of them.
        self.scatter = [_Scatter(column) for column in self.inputs]


class _Scatter:
    __slots__ = ("index", "unique", "order", "starts")

    def __init__(self, index: Array) -> None:
        self.index = index
        self.unique: Optional[Array] = None
        self.order: Array = None
        self.starts: Array = None
        if len(np.unique(index)) < len(index):
            self.order = np.argsort(index, kind="stable")
            self.unique, self.starts = np.unique(index[self.order], return_index=True)

    def add(self, G: Array, contribution: Array) -> None:
        if self.unique is None:
            G[self.index] += contribution
        else:
            G[self.unique] += np.add.reduceat(contribution[self.order], self.starts, axis=0)


class BatchedTape:
    """One sample's graph, run over a batch of samples at once.

    ``root`` is the graph for one sample; ``inputs`` are its leaves that change
    from sample to sample (the features, and the label if it is a Value). Every
    other leaf is shared by all samples (the parameters), and constants stay
    constant.

    >>> from autograd import Value, compile_batched
    >>> x, y = Value(0.0, label="x"), Value(0.0, label="y")
    >>> w, b = Value(2.0, label="w"), Value(1.0, label="b")
    >>> loss = (w * x + b - y) ** 2                  # one sample's squared error
    >>> tape = compile_batched(loss, inputs=[x, y])
    >>> tape.forward([[1.0, 3.0], [2.0, 5.0], [0.0, 0.0]]).tolist()   # rows (x, y)
    [0.0, 0.0, 1.0]
    >>> tape.backward()                              # adds the batch's sum of gradients
    >>> w.grad, b.grad
    (0.0, 2.0)
    """

    def __init__(self, root: Value, inputs: Sequence[Value]) -> None:
        check_value("compile_batched", "root", root)
        order = topological_order(root)
        index = {node: i for i, node in enumerate(order)}
        if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
            raise TypeError(f"compile_batched() inputs must be a list of leaf Values, got {type(inputs).__name__}: "
                            f"{inputs!r}")
        self.inputs = list(inputs)
        for position, leaf in enumerate(self.inputs):
            check_value("compile_batched", f"inputs[{position}]", leaf)
            if leaf not in index or not leaf.is_leaf:
                raise ValueError(f"compile_batched() inputs[{position}] is not a leaf of the graph: {leaf!r}")
        input_set = set(self.inputs)
        #: The leaves every sample shares (parameters): their ``.grad`` gets the batch's sum.
        self.shared = [v for v in order if v.is_leaf and not v.is_constant and v not in input_set]
        self.size = len(order)
        self._root = len(order) - 1
        self._index = index
        self._input_rows = np.array([index[v] for v in self.inputs], dtype=int)
        self._shared_rows = np.array([index[v] for v in self.shared], dtype=int)
        self._constants = [(index[v], v.data) for v in order if v.is_constant]
        self._groups = self._schedule(order, index)
        self._values: Optional[Array] = None

    @staticmethod
    def _schedule(order: List[Value], index: Dict[Value, int]) -> List[_Group]:
        depth = [0] * len(order)
        buckets: Dict[Tuple[int, int, int], List[int]] = defaultdict(list)
        for i, node in enumerate(order):
            if node.is_leaf:
                continue
            depth[i] = 1 + max(depth[index[p]] for p in node.parents)
            buckets[(depth[i], id(node._fn), len(node.parents))].append(i)  # n-ary ops: one count per group
        groups = []
        for key in sorted(buckets, key=lambda k: k[0]):
            rows = buckets[key]
            first = order[rows[0]]
            columns = [[index[order[i].parents[k]] for i in rows] for k in range(len(first.parents))]
            groups.append(_Group(_rule(first._fn), rows, columns))  # type: ignore[arg-type]
        return groups

    def forward(self, batch: Any) -> Array:
        """Evaluate the graph for every row of ``batch`` (rows of input values,
        in the order of ``inputs``); return the root's value for each row."""
        columns = _rows(batch, len(self.inputs))
        V = np.empty((self.size, columns.shape[0]))
        V[self._input_rows] = columns.T
        V[self._shared_rows] = np.array([v.data for v in self.shared])[:, None]
        for row, value in self._constants:
            V[row] = value
        with np.errstate(all="ignore"):  # a rule's domain is checked by the rule, with the op's message
            for group in self._groups:
                V[group.out] = group.forward(*[V[column] for column in group.inputs])
        self._values = V
        return V[self._root].copy()

    def value(self, node: Value) -> Array:
        """``node``'s value for every row of the last :meth:`forward` (any node of the graph).

        >>> from autograd import Value, compile_batched
        >>> x = Value(0.0); h = x * 2; y = h + 1
        >>> tape = compile_batched(y, [x]); _ = tape.forward([[1.0], [5.0]])
        >>> tape.value(h).tolist()
        [2.0, 10.0]
        """
        if self._values is None:
            raise RuntimeError("value() needs a forward() first")
        try:
            return self._values[self._index[node]].copy()
        except KeyError:
            raise ValueError(f"value(): {node!r} is not a node of this tape's graph") from None

    def backward(self, weights: Any = 1.0) -> None:
        """Add sum over rows of ``weights[row]`` x d root[row] / d leaf to each shared
        leaf's ``.grad`` (``weights=1/len(batch)`` for a mean), using the last forward."""
        if self._values is None:
            raise RuntimeError("backward() needs a forward() first")
        V = self._values
        G = np.zeros_like(V)
        G[self._root] = _weights(weights, V.shape[1])
        with np.errstate(all="ignore"):  # inf and nan derivatives at singular points, as in backward()
            for group in reversed(self._groups):
                upstream = G[group.out]
                locals_ = group.local(V[group.out], *[V[column] for column in group.inputs])
                for local, scatter in zip(locals_, group.scatter):
                    scatter.add(G, upstream if (type(local) is float and local == 1.0) else local * upstream)
        sums = G[self._shared_rows].sum(axis=1).tolist()
        for leaf, g in zip(self.shared, sums):
            old = leaf.grad
            leaf.grad = old + g if old else g

    def __repr__(self) -> str:
        return f"<BatchedTape of {self.size} nodes in {len(self._groups)} groups, {len(self.inputs)} inputs>"


def compile_batched(root: Value, inputs: Sequence[Value]) -> BatchedTape:
    """Trace ``root`` (one sample's graph) for batched evaluation; see :class:`BatchedTape`."""
    return BatchedTape(root, inputs)


def _rows(batch: Any, width: int) -> Array:
    """``batch`` as a 2-D float array of rows of ``width`` numbers, or an error naming forward() and batch."""
    if isinstance(batch, (str, bytes)) or not hasattr(batch, "__len__"):
        raise TypeError(f"forward() batch must be rows of {width} numbers, got {type(batch).__name__}: {batch!r}")
    try:
        columns = np.asarray(batch, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"forward() batch must be rows of {width} numbers, got {shown(batch)}") from None
    if columns.ndim != 2 or columns.shape[1] != width:
        raise ValueError(f"forward() batch must be rows of {width} input values, got an array of shape {columns.shape}")
    return columns


def _weights(weights: Any, rows: int) -> Any:
    """``weights`` as a number or one number per row, or an error naming backward() and weights."""
    if isinstance(weights, bool) or weights is None or isinstance(weights, (str, bytes)):
        raise TypeError(f"backward() weights must be a number or one number per row, got "
                        f"{type(weights).__name__}: {weights!r}")
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"backward() weights must be a number or one number per row, got {shown(weights)}") from None
    if w.ndim > 1 or (w.ndim == 1 and w.shape[0] != rows):
        raise ValueError(f"backward() weights must be a number or {rows} numbers (one per row), got shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError(f"backward() weights must be finite, got {shown(weights)}")
    return w
