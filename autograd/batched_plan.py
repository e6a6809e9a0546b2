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

    __slots__ = ("kind", "start", "stop", "step", "index", "needs_grad", "shared", "order", "unique", "starts")

    def __init__(self, kind: str, index: Array, start: int = 0, stop: int = 0, step: int = 1) -> None:
        self.kind, self.index, self.start, self.stop, self.step = kind, index, start, stop, step
        self.needs_grad = False
        #: every row it reads is a shared leaf's: its gradient is wanted summed over the batch only
        self.shared = False
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

    __slots__ = ("op", "forward", "local", "out_start", "out_stop", "shape", "columns", "blocks", "needs_grad",
                 "linear", "folded", "stage")

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
        #: a sum group whose block of terms is a mul group's products w[n, j] * x[j]: (first weight
        #: row, first x row, x rows, whether x needs a gradient); its backward pass is two matrix products
        self.linear: Optional[Tuple[int, int, int, bool]] = None
        #: a mul group whose backward pass its sum group does (see ``linear``)
        self.folded = False
        #: where a linear sum with a first term (a bias) stages its terms: rows ``stage ..`` hold, node
        #: by node, the first term and then the mul group's products (which the mul group writes there),
        #: so the sum is one reduction over consecutive rows, still left to right
        self.stage: Optional[Tuple[int, int, int]] = None  # (first row, nodes of the sum, 1 + products per node)


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


def plan(order: Sequence[Any], inputs: Sequence[Any]) -> Plan:
    """Fuse sums, group by depth and op, lay the rows out and classify every read."""
    result = Plan()
    n = len(order)
    root = n - 1
    place = {node: i for i, node in enumerate(order)}  # nodes are numbered by their place in ``order``
    parents = [[place[p] for p in node.parents] for node in order]
    fns = [node._fn for node in order]
    uses = [0] * n
    for ins in parents:
        for p in ins:
            uses[p] += 1
    add, sum_ = ops.ADD, ops.SUM

    # 1. fuse chains of adds into sums (a + b == b + a exactly, so the chain may be either of the first two)
    terms: Dict[int, List[int]] = {}
    fused: Dict[int, List[int]] = {}  # inner add -> [its sum, how many first terms it adds up]
    for i in range(n):
        if fns[i] is not add and fns[i] is not sum_:
            continue
        ins = parents[i]
        first = ins[0]
        if len(ins) >= 2 and not (first in terms and uses[first] == 1) and ins[1] in terms and uses[ins[1]] == 1:
            ins = [ins[1], first, *ins[2:]]
            first = ins[0]
        if first in terms and uses[first] == 1:  # (an input of a node is never the root)
            terms[i] = terms.pop(first) + ins[1:]
            fused[first] = [i, len(terms[i]) - len(ins) + 1]
        else:
            terms[i] = list(ins)
    for inner in reversed(list(fused)):  # an inner add of an inner add: point at the last sum
        owner = fused[inner][0]
        if owner in fused:
            fused[inner][0] = fused[owner][0]

    # 2. depth and groups (nodes of a group keep their topological order)
    depth = [0] * n
    buckets: Dict[Tuple[int, Any, int], List[int]] = {}
    for i in range(n):
        ins = terms.get(i) or parents[i]
        if not ins or i in fused:
            continue
        d = depth[i] = 1 + max([depth[p] for p in ins])
        key = (d, "sum" if i in terms else id(fns[i]), len(ins))
        if key in buckets:
            buckets[key].append(i)
        else:
            buckets[key] = [i]
    keys = sorted(buckets, key=lambda k: k[0])  # stable: same depth keeps first-seen order
    reads = {i: terms.get(i) or parents[i] for key in keys for i in buckets[key]}

    # 3. rows: inputs, then shared leaves and constants in the order groups first read them, then groups
    row = [-1] * n
    for r, leaf in enumerate(inputs):
        row[place[leaf]] = r
    shared: List[int] = []
    constants: List[int] = []
    constant = ops.CONSTANT
    for key in keys:
        nodes = buckets[key]
        for k in range(key[2]):
            for i in nodes:
                p = reads[i][k]
                if row[p] == -1 and not parents[p]:
                    row[p] = -2  # met
                    (constants if fns[p] is constant else shared).append(p)
    if not parents[root] and row[root] == -1:  # a graph of one leaf
        (constants if fns[root] is constant else shared).append(root)
    next_row = len(inputs)
    for p in shared + constants:
        row[p] = next_row
        next_row += 1
    start = next_row
    for key in keys:
        for i in buckets[key]:
            row[i] = next_row
            next_row += 1
    result.rows = next_row
    result.shared_start = len(inputs)
    result.shared = [order[p] for p in shared]
    result.constants = [(row[p], float(order[p].data)) for p in constants]
    result.row = {order[i]: row[i] for i in range(n) if row[i] >= 0}
    result.fused = {order[i]: (order[owner], k) for i, (owner, k) in fused.items()}
    result.terms = {order[i]: [order[t] for t in ts] for i, ts in terms.items()}

    # 4. which nodes need a gradient: the shared leaves and everything made from them
    needs = [False] * n
    for p in shared:
        needs[p] = True
    for key in keys:
        for i in buckets[key]:
            needs[i] = any([needs[p] for p in reads[i]])

    # 5. the groups, with each input position classified
    first_shared, end_shared = len(inputs), len(inputs) + len(shared)
    for key in keys:
        nodes = buckets[key]
        is_sum = key[1] == "sum"
        lists = [[reads[i][k] for i in nodes] for k in range(key[2])]
        indexes = [np.array([row[p] for p in column], dtype=np.intp) for column in lists]
        shape = None if is_sum else _block_shape(indexes)
        columns = [_column(index, shape) for index in indexes]
        for column, members in zip(columns, lists):
            column.needs_grad = any([needs[p] for p in members])
            index = column.index
            column.shared = bool(len(index)) and bool(((index >= first_shared) & (index < end_shared)).all())
        group = Group(None if is_sum else fns[nodes[0]], start, len(nodes), columns, shape)
        if is_sum:
            group.blocks = _term_blocks(columns, len(nodes))
        result.groups.append(group)
        start += len(nodes)
    group_nodes = [buckets[key] for key in keys]
    _find_linear(result.groups, uses, group_nodes)
    _stage(result, group_nodes, order)
    return result


def _stage(result: Plan, members: List[List[int]], order: Sequence[Any]) -> None:
    """Give each linear sum with a first term its staging rows (see ``Group.stage``)."""
    by_start = {g.out_start: (g, nodes) for g, nodes in zip(result.groups, members)}
    for group in result.groups:
        if group.linear is None or group.blocks[0][0] != 1:
            continue
        first, terms, row = group.blocks[0]
        mul, nodes = by_start[row]
        k = group.out_stop - group.out_start
        stage = result.rows
        group.stage = mul.stage = (stage, k, terms + 1)
        result.rows += k * (terms + 1)
        for position, i in enumerate(nodes):  # product j of node n: row 1 + j of the node's terms
            n, j = divmod(position, terms)
            result.row[order[i]] = stage + n * (terms + 1) + 1 + j


def _find_linear(groups: List[Group], uses: List[int], members: List[List[int]]) -> None:
    """Mark each sum group whose terms after the first are, node by node, the products
    ``w[n, j] * x[j]`` of one mul group read by nothing else (a layer of neurons): its backward
    pass is then ``d w = up @ x.T`` (summed over the batch) and ``d x = w.T @ up``."""
    by_start = {g.out_start: (g, nodes) for g, nodes in zip(groups, members)}
    for group in groups:
        if group.op is not None or len(group.blocks) != 1:
            continue
        first, terms, row = group.blocks[0]
        if first > 1 or first + terms != len(group.columns):  # the terms, after at most one other (a bias)
            continue
        k = group.out_stop - group.out_start
        found = by_start.get(row)
        if found is None:
            continue
        mul, nodes = found
        if mul.op is not ops.MUL or mul.out_stop - mul.out_start != k * terms or any(uses[n] != 1 for n in nodes):
            continue
        for w, x in ((0, 1), (1, 0)):
            cw, cx = mul.columns[w], mul.columns[x]
            if not (cw.shared and cw.kind == "slice" and cw.step == 1) or cx.shared:
                continue
            if mul.shape == (k, terms) and cx.kind == "tile" or k == 1 and cx.kind == "slice" and cx.step == 1:
                group.linear = (cw.start, cx.start, terms, cx.needs_grad)
                mul.folded = True
                break


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
        if c.kind == "slice" and c.needs_grad and not c.shared:
            while t + run < len(columns):
                d = columns[t + run]
                if not (d.kind == "slice" and d.needs_grad and not d.shared and d.start == c.start + run):
                    break
                run += 1
            if nodes > 1 and any(columns[t + j].step != run for j in range(run)):
                run = 1  # the rows must be node-major: one node's terms, then the next node's
        if run > 1:
            blocks.append((t, run, c.start))
        t += run
    return blocks
