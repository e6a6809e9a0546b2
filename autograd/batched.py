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

from typing import Any, List, Optional, Sequence, Tuple

from .engine import topological_order
from .errors import check_value, shown
from .value import Value

try:
    import numpy as np
except ImportError as error:  # pragma: no cover - exercised without NumPy only
    raise ImportError("the batched engine needs NumPy: pip install 'chainrule[fast]'") from error

from .batched_plan import Group, plan  # noqa: E402 - after NumPy's check, which names the extra
from .batched_rows import _adder, _reader, _rule  # noqa: E402, F401 - _rule: each op's rules on arrays

__all__ = ["BatchedTape", "compile_batched"]

Array = Any


def _linear(run: _Run, V: Array, P: Array, G: Array, S: Array, up: Array) -> None:
    """The backward pass of a sum of products ``w[n, j] * x[j]`` (see ``Group.linear``): the weights'
    gradient summed over the batch, ``up @ x.T``, and the inputs', ``w.T @ up``."""
    w, x, terms, x_needs, first_shared = run.linear  # type: ignore[misc]
    k = up.shape[0]
    X = V[x:x + terms]
    w -= first_shared
    S[w:w + k * terms] += (up @ X.T).reshape(-1)
    if x_needs:
        W = P[w:w + k * terms, 0].reshape(k, terms)
        G[x:x + terms] += W.T @ up


class _Run:
    """A group, ready to run: its plan, its rules and its readers and adders."""

    __slots__ = ("index", "forward", "local", "start", "stop", "shape", "is_sum", "reads", "adds", "needs",
                 "blocks", "loose", "linear", "stage")

    def __init__(self, index: int, group: Group, first_shared: int) -> None:
        self.index = index
        self.is_sum = group.op is None
        if not self.is_sum:
            self.forward, self.local = _rule(group.op)  # type: ignore[arg-type]
        self.start, self.stop, self.shape = group.out_start, group.out_stop, group.shape
        self.reads = [_reader(c, group.shape, first_shared) for c in group.columns]
        self.adds = [_adder(c, group.shape, first_shared) if c.needs_grad else None for c in group.columns]
        self.needs = group.needs_grad and not group.folded
        self.linear = None if group.linear is None else (*group.linear, first_shared)
        self.stage = group.stage  # (first row, nodes of the sum, terms per node): see Group.stage
        self.blocks = [] if group.linear is not None else group.blocks  # a linear sum's block: _linear
        in_block = {t + j for t, count, _ in group.blocks for j in range(count)}
        #: a sum's term columns added back one by one (the others go back as blocks)
        self.loose = [add for t, add in enumerate(self.adds) if add is not None and t not in in_block]


class BatchedTape:
    """One sample's graph, run over a batch of samples at once.

    ``root`` is the graph for one sample; ``inputs`` are its leaves that change
    from sample to sample (the features, and the label if it is a Value). Every
    other leaf is shared by all samples (the parameters), and constants stay
    constant.

    Every node's value for every row is the float the plain engine computes for
    that row (a chain of adds is fused into one sum, still added left to right);
    each shared leaf's gradient is the batch's sum of the per-row gradients, added
    in another order than a loop over rows would (equal up to rounding).

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
        if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
            raise TypeError(f"compile_batched() inputs must be a list of leaf Values, got {type(inputs).__name__}: "
                            f"{inputs!r}")
        self.inputs = list(inputs)
        members = set(order)
        for position, leaf in enumerate(self.inputs):
            check_value("compile_batched", f"inputs[{position}]", leaf)
            if leaf not in members or not leaf.is_leaf:
                raise ValueError(f"compile_batched() inputs[{position}] is not a leaf of the graph: {leaf!r}")
        if len(set(self.inputs)) < len(self.inputs):
            raise ValueError("compile_batched() inputs holds the same leaf twice")
        layout = plan(order, self.inputs)
        #: The leaves every sample shares (parameters), in the order of their rows:
        #: their ``.grad`` gets the batch's sum.
        self.shared: List[Value] = layout.shared
        self.size = len(order)
        self._layout = layout
        self._root = layout.row[root]
        self._shared = (layout.shared_start, layout.shared_start + len(layout.shared))
        self._runs = [_Run(i, g, layout.shared_start) for i, g in enumerate(layout.groups)]
        self._back = [run for run in reversed(self._runs) if run.needs]
        first, last = self._shared
        reading = [c for g in layout.groups for c in g.columns if not c.shared and
                   ((c.index >= first) & (c.index < last)).any()]  # reads that mix shared leaves with other rows
        self._mixed = any(c.needs_grad for c in reading)  # ... and add gradients to the shared leaves' rows of G
        self._fill = bool(reading) or first <= self._root < last  # ... so V needs the shared leaves' rows too
        # the rows of G the backward pass reads: the outputs of the groups it runs, the root, and the
        # shared leaves' rows where mixed reads add to them (the products of linear sums are never read)
        spans = sorted([(run.start, run.stop) for run in self._back] + [(self._root, self._root + 1)]
                       + ([(first, last)] if self._mixed else []))
        self._zero: List[Tuple[int, int]] = []
        for a, b in spans:
            if self._zero and a <= self._zero[-1][1]:
                self._zero[-1] = (self._zero[-1][0], max(b, self._zero[-1][1]))
            else:
                self._zero.append((a, b))
        self._shared_values: Array = np.empty((0, 1))
        self._reads: List[Any] = [None] * len(self._runs)
        self._values: Optional[Array] = None
        self._grads: Optional[Array] = None

    def _matrix(self, batch: int) -> Array:
        V = self._values
        if V is None or V.shape[1] != batch:
            V = np.empty((self._layout.rows, batch))
            for row, value in self._layout.constants:
                V[row] = value
            self._grads = np.empty_like(V)
        return V

    def forward(self, batch: Any) -> Array:
        """Evaluate the graph for every row of ``batch`` (rows of input values,
        in the order of ``inputs``); return the root's value for each row."""
        columns = _rows(batch, len(self.inputs))
        V = self._matrix(columns.shape[0])
        self._values = None  # until this pass has finished
        V[:len(self.inputs)] = columns.T
        a, b = self._shared
        P = self._shared_values = np.fromiter([v.data for v in self.shared], float, b - a)[:, None]
        if self._fill:
            V[a:b] = P
        reads = self._reads
        with np.errstate(all="ignore"):  # a rule's domain is checked by the rule, with the op's message
            for i, run in enumerate(self._runs):
                if run.stage is not None:
                    self._staged(run, V, P, i)
                    continue
                ins = [read(V, P) for read in run.reads]
                out = V[run.start:run.stop]
                if run.is_sum:  # left to right, as the chain of adds (and autograd.sum) adds
                    if len(ins) == 1:
                        out[...] = ins[0]
                        continue
                    np.add(ins[0], ins[1], out=out)
                    for x in ins[2:]:
                        out += x
                    continue
                if run.shape is not None:
                    out = out.reshape(*run.shape, -1)
                out[...] = run.forward(*ins)
                reads[i] = ins
        self._values = V
        return V[self._root].copy()

    def _staged(self, run: _Run, V: Array, P: Array, i: int) -> None:
        """A linear sum's products, written into its staging rows, or the sum of those rows."""
        row, k, width = run.stage  # type: ignore[misc]
        block = V[row:row + k * width].reshape(k, width, -1)
        if not run.is_sum:  # a mul group (see batched_plan._find_linear): straight into the staging rows
            ins = [read(V, P) for read in run.reads]
            a, b = ins
            np.multiply(a, b, out=block[:, 1:] if run.shape is not None else block[0, 1:])
            self._reads[i] = ins
            return
        block[:, 0] = run.reads[0](V, P)  # the first term (a bias): then every term in one block
        out = V[run.start:run.stop]
        if V.shape[1] > 1:  # reduced over the middle axis, NumPy adds the terms one after another
            np.add.reduce(block, axis=1, out=out)
            return
        np.add(block[:, 0], block[:, 1], out=out)  # one row: the reduction would add pairwise
        for t in range(2, width):
            out += block[:, t]

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
        layout = self._layout
        if node in layout.row:
            return self._row(layout.row[node])
        if node in layout.fused:  # an inner add of a fused sum: its first k terms, added as the chain adds
            owner, k = layout.fused[node]
            rows = [layout.row[t] for t in layout.terms[owner][:k]]
            total = self._row(rows[0])
            for r in rows[1:]:
                total += self._row(r)
            return total
        raise ValueError(f"value(): {node!r} is not a node of this tape's graph")

    def _row(self, row: int) -> Array:
        """A copy of one row's values (a shared leaf's value repeated for every row of the batch)."""
        V = self._values
        assert V is not None
        a, b = self._shared
        if a <= row < b:
            return np.full(V.shape[1], self._shared_values[row - a, 0])
        return V[row].copy()

    def gradients(self, weights: Any = 1.0) -> Array:
        """The sum over rows of ``weights[row]`` x d root[row] / d leaf for every shared
        leaf, as an array in the order of :attr:`shared` (``.grad`` is left alone).

        >>> from autograd import Value, compile_batched
        >>> x, w = Value(0.0), Value(3.0)
        >>> tape = compile_batched(w * x, [x]); _ = tape.forward([[1.0], [2.0]])
        >>> tape.gradients().tolist(), w.grad
        ([3.0], 0.0)
        """
        if self._values is None:
            raise RuntimeError("backward() needs a forward() first")
        V, G = self._values, self._grads
        assert G is not None
        a, b = self._shared
        S = np.zeros(b - a)  # the shared leaves' gradients, summed over the batch
        for start, stop in self._zero:
            G[start:stop] = 0.0
        G[self._root] = _weights(weights, V.shape[1])
        reads = self._reads
        with np.errstate(all="ignore"):  # inf and nan derivatives at singular points, as in backward()
            for run in self._back:
                up = G[run.start:run.stop]
                if run.is_sum:  # every term's local derivative is 1
                    if run.linear is not None:
                        _linear(run, V, self._shared_values, G, S, up)
                    for _, count, row in run.blocks:
                        block = G[row:row + up.shape[0] * count].reshape(up.shape[0], count, -1)
                        block += up[:, None]
                    for add in run.loose:
                        add(G, S, up)
                    continue
                out = V[run.start:run.stop]
                if run.shape is not None:
                    up, out = up.reshape(*run.shape, -1), out.reshape(*run.shape, -1)
                ins = reads[run.index]
                for local, adder in zip(run.local(out, *ins), run.adds):
                    if adder is None:
                        continue
                    c = up if (type(local) is float and local == 1.0) else local * up
                    if isinstance(c, np.ndarray):  # not a masking zero (relu's STOP) times everything
                        adder(G, S, c)
        if self._mixed:  # some reads mixed shared leaves with other rows: they added to G's rows
            S += G[a:b].sum(axis=1)
        elif a <= self._root < b:  # the root is a shared leaf itself
            S[self._root - a] += G[self._root].sum()
        return S

    def backward(self, weights: Any = 1.0) -> None:
        """Add sum over rows of ``weights[row]`` x d root[row] / d leaf to each shared
        leaf's ``.grad`` (``weights=1/len(batch)`` for a mean), using the last forward."""
        sums = self.gradients(weights).tolist()
        for leaf, g in zip(self.shared, sums):
            old = leaf.grad
            leaf.grad = old + g if old else g

    def __repr__(self) -> str:
        return f"<BatchedTape of {self.size} nodes in {len(self._runs)} groups, {len(self.inputs)} inputs>"


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
