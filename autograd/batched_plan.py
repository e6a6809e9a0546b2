"""How the batched engine lays one sample's graph out over a batch (compile time only).

:class:`~autograd.batched.BatchedTape` keeps every node's values for the whole
batch as one row of a (rows x batch) matrix. This module decides, once, which
node gets which row and which nodes run together:

- **Sums fused.** ``a + b + c + d`` written as Python adds is a chain of binary
  adds, one level each; a chain whose inner adds feed nothing else becomes one
  *sum* node of all its terms (an ``autograd.sum`` node is one already). Its
  forward pass still adds the terms one after another, left to right, so every
  value is the float the chain gives; only the levels are gone.
- **Groups.** Nodes with the same op at the same depth do not depend on one
  another, so each such group runs as one NumPy call (a sum group: one call per term).
- **Rows.** Each group's nodes get consecutive rows, so its output is a slice
  of the matrix; the leaves every sample shares (the parameters) get one block,
  in the order the groups first read them, so a layer's weights are a slice too.
- **Columns.** Each input position of a group reads a set of rows. Where those
  rows are a slice (with a step), a row repeated, a slice tiled (every neuron
  of a layer reads the layer's inputs) or a slice with each row repeated, the
  read is a view of the matrix (shaped ``(r, m, batch)`` for the last two),
  never a copy; only irregular reads gather rows.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import ops

__all__ = ["Column", "Group", "Plan", "plan"]

Array = Any


class Column:
    """How one input position of a group reads its rows (and sends gradients back to them).

    ``kind`` is ``"slice"`` (rows ``start``, ``start + step``, ...), ``"row"`` (one row for every
    node), ``"tile"`` (rows ``start .. start + m - 1``, again for each of ``r`` blocks), ``"repeat"``
    (each of rows ``start .. start + r - 1`` ``m`` times) or ``"take"`` (any rows, gathered)."""

    __slots__ = ("kind", "start", "stop", "step", "index", "needs_grad", "order", "unique", "starts")

    def __init__(self, kind: str, index: Array, start: int = 0, stop: int = 0, step: int = 1) -> None:
        self.kind, self.index, self.start, self.stop, self.step = kind, index, start, stop, step
        self.needs_grad = False
        self.order: Optional[Array] = None  # for "take" with a row read twice: sort, then add runs up
        self.unique: Optional[Array] = None
        self.starts: Optional[Array] = None
        if kind == "take" and len(np.unique(index)) < len(index):
            self.order = np.argsort(index, kind="stable")
            self.unique, self.starts = np.unique(index[self.order], return_index=True)

    def __repr__(self) -> str:
        return f"Column({self.kind}, {self.start}:{self.stop}:{self.step})"


class Group:
    """Nodes of one op at one depth, in rows ``out_start .. out_stop - 1``. ``shape`` is
    ``(r, m)`` when the group runs as an ``(r, m, batch)`` block (a tiled or repeated read),
    else None. ``op`` is None for a sum group (``columns`` are then its terms, in order);
    ``blocks`` are runs of term columns whose rows form one ``(nodes, terms)`` block."""

    __slots__ = ("op", "forward", "local", "out_start", "out_stop", "shape", "columns", "blocks", "needs_grad")

    def __init__(self, op: Optional[ops.Op], out_start: int, size: int, columns: List[Column],
                 shape: Optional[Tuple[int, int]]) -> None:
        self.op = op
        self.forward: Any = None
        self.local: Any = None
        self.out_start, self.out_stop = out_start, out_start + size
        self.shape = shape
        self.columns = columns
        self.blocks: List[Tuple[int, int, int]] = []  # (first column, count, first row)
        self.needs_grad = any(c.needs_grad for c in columns)


class Plan:
    """The whole layout: ``rows`` of the matrix, where each node lives, the groups in order."""

    def __init__(self) -> None:
        self.rows = 0
        self.row: Dict[Any, int] = {}
        #: A fused inner add: (the sum node it is part of, how many of its first terms it adds up).
        self.fused: Dict[Any, Tuple[Any, int]] = {}
        self.terms: Dict[Any, List[Any]] = {}
        self.groups: List[Group] = []
        self.shared: List[Any] = []
        self.shared_start = 0
        self.constants: List[Tuple[int, float]] = []


def _is_sum(node: Any) -> bool:
    fn = node._fn
    return fn is ops.ADD or fn is ops.SUM


def plan(order: Sequence[Any], inputs: Sequence[Any]) -> Plan:
    """Fuse sums, group by depth and op, lay the rows out and classify every read."""
    result = Plan()
    root = order[-1]
    parents = {node: node.parents for node in order}
    uses: Dict[Any, int] = {}
    for node in order:
        for p in parents[node]:
            uses[p] = uses.get(p, 0) + 1

    def fusable(p: Any) -> bool:
        return p in result.terms and uses[p] == 1 and p is not root

    # 1. fuse chains of adds into sums (a + b == b + a exactly, so the chain may be either of the first two)
    terms = result.terms
    for node in order:
        if node.is_leaf or not _is_sum(node):
            continue
        ins = list(parents[node])
        if len(ins) >= 2 and not fusable(ins[0]) and fusable(ins[1]):
            ins[0], ins[1] = ins[1], ins[0]
        if fusable(ins[0]):
            inner = ins[0]
            terms[node] = terms.pop(inner) + ins[1:]
            result.fused[inner] = (node, len(terms[node]) - len(ins) + 1)
        else:
            terms[node] = ins
    for inner, (owner, k) in list(result.fused.items()):  # an inner add of an inner add: point at the last sum
        while owner in result.fused:
            owner = result.fused[owner][0]
        result.fused[inner] = (owner, k)

    # 2. depth and groups (nodes of a group keep their topological order)
    depth: Dict[Any, int] = {}
    buckets: Dict[Tuple[int, Any, int], List[Any]] = {}
    for node in order:
        if node.is_leaf:
            depth[node] = 0
            continue
        if node in result.fused:
            continue
        ins = terms[node] if node in terms else parents[node]
        d = depth[node] = 1 + max(depth[p] for p in ins)
        key = (d, "sum" if node in terms else id(node._fn), len(ins))
        buckets.setdefault(key, []).append(node)
    keys = sorted(buckets, key=lambda k: k[0])  # stable: same depth keeps first-seen order

    # 3. rows: inputs, then shared leaves and constants in the order groups first read them, then groups
    row = result.row
    for i, leaf in enumerate(inputs):
        row[leaf] = i
    input_set = set(inputs)
    shared: List[Any] = []
    constants: List[Any] = []
    seen = set(inputs)

    def meet(leaf: Any) -> None:
        if leaf not in seen and leaf.is_leaf:
            seen.add(leaf)
            (constants if leaf.is_constant else shared).append(leaf)

    for key in keys:
        nodes = buckets[key]
        width = key[2]
        for k in range(width):
            for node in nodes:
                meet((terms[node] if node in terms else parents[node])[k])
    for node in order:  # a leaf no group reads: the root alone
        if node.is_leaf and node not in input_set:
            meet(node)
    result.shared_start = len(inputs)
    for leaf in shared + constants:
        row[leaf] = len(row)
    result.shared = shared
    result.constants = [(row[c], float(c.data)) for c in constants]
    start = len(row)
    for key in keys:
        for node in buckets[key]:
            row[node] = len(row)
    result.rows = len(row)

    # 4. which rows need a gradient: the shared leaves and everything made from them
    needs = {leaf: True for leaf in shared}
    for node in order:
        if not node.is_leaf and node not in result.fused:
            ins = terms[node] if node in terms else parents[node]
            needs[node] = any(needs.get(p, False) for p in ins)

    # 5. the groups, with each input position classified
    for key in keys:
        nodes = buckets[key]
        is_sum = key[1] == "sum"
        lists = [[(terms[n] if is_sum else parents[n])[k] for n in nodes] for k in range(key[2])]
        indexes = [np.array([row[p] for p in column], dtype=np.intp) for column in lists]
        shape = None if is_sum else _block_shape(indexes)
        columns = [_column(index, shape) for index in indexes]
        for column, members in zip(columns, lists):
            column.needs_grad = any(needs.get(p, False) for p in members)
        group = Group(None if is_sum else nodes[0]._fn, start, len(nodes), columns, shape)
        if is_sum:
            group.blocks = _term_blocks(columns, len(nodes))
        result.groups.append(group)
        start += len(nodes)
    return result


def _tile(index: Array) -> Optional[Tuple[int, int]]:
    """(r, m) when ``index`` is ``a .. a+m-1`` repeated ``r`` times, r, m > 1."""
    k, a = len(index), index[0]
    back = np.flatnonzero(index == a)
    if len(back) < 2:
        return None
    m = int(back[1])
    if m < 2 or k % m:
        return None
    expected = np.tile(np.arange(a, a + m), k // m)
    return (k // m, m) if np.array_equal(index, expected) else None


def _repeat(index: Array) -> Optional[Tuple[int, int]]:
    """(r, m) when ``index`` is each of ``a .. a+r-1`` repeated ``m`` times, r, m > 1."""
    k, a = len(index), index[0]
    m = int(np.argmax(index != a)) if (index != a).any() else k
    if m < 2 or k % m or k == m:
        return None
    expected = np.repeat(np.arange(a, a + k // m), m)
    return (k // m, m) if np.array_equal(index, expected) else None


def _block_shape(indexes: List[Array]) -> Optional[Tuple[int, int]]:
    """The (r, m) block an op group runs as, from its first tiled or repeated input."""
    for index in indexes:
        if len(index) > 2 and not _step(index):
            found = _tile(index) or _repeat(index)
            if found:
                return found
    return None


def _step(index: Array) -> Optional[int]:
    """The step when ``index`` is ``a, a + s, a + 2s, ...`` with s > 0 (1 for one row)."""
    if len(index) == 1:
        return 1
    d = np.diff(index)
    s = int(d[0])
    return s if s > 0 and (d == s).all() else None


def _column(index: Array, shape: Optional[Tuple[int, int]]) -> Column:
    k, a = len(index), int(index[0])
    step = _step(index)
    if step is not None:
        return Column("slice", index, a, a + step * (k - 1) + 1, step)
    if (index == a).all():
        return Column("row", index, a, a + 1)
    if shape is not None:
        if _tile(index) == shape:
            return Column("tile", index, a, a + shape[1])
        if _repeat(index) == shape:
            return Column("repeat", index, a, a + shape[0])
    return Column("take", index)


def _term_blocks(columns: List[Column], nodes: int) -> List[Tuple[int, int, int]]:
    """Runs of term columns that together read rows ``first .. first + nodes * count - 1`` in
    (node, term) order: their gradient is added back as one ``(nodes, count, batch)`` block."""
    blocks = []
    t = 0
    while t < len(columns):
        c = columns[t]
        run = 1
        if c.kind == "slice" and c.needs_grad:
            while t + run < len(columns):
                d = columns[t + run]
                if not (d.kind == "slice" and d.needs_grad and d.start == c.start + run):
                    break
                run += 1
            if nodes > 1 and any(columns[t + j].step != run for j in range(run)):
                run = 1  # the rows must be node-major: one node's terms, then the next node's
        if run > 1:
            blocks.append((t, run, c.start))
        t += run
    return blocks
