"""How the batched engine runs one group: each op's rules over arrays, reading a group's rows,
and adding its gradients back (see :mod:`autograd.batched`). Needs NumPy."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from . import ops
from .batched_plan import Column

__all__: List[str] = []

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


# --- reading rows and adding gradients back, by the shape of a column's rows ----------

def _reader(column: Column, shape: Optional[Tuple[int, int]], first_shared: int) -> Callable[[Array, Array], Array]:
    """``(V, P) -> the rows column reads``: a view of the matrix ``V``, shaped ``(r, m, batch)`` in
    a block group; for a column of shared leaves, of their values ``P`` (one column: broadcast)."""
    source = 1 if column.shared else 0
    offset = first_shared if column.shared else 0
    a, b, s = column.start - offset, column.stop - offset, column.step
    kind = column.kind
    if kind == "slice":
        if shape is None:
            return lambda *VP: VP[source][a:b:s]
        r, m = shape
        return lambda *VP: VP[source][a:b:s].reshape(r, m, -1)
    if kind == "row":
        return (lambda *VP: VP[source][a:b]) if shape is None else (lambda *VP: VP[source][a:b][None])
    if kind == "tile":
        return lambda *VP: VP[source][a:b][None]
    if kind == "repeat":
        return lambda *VP: VP[source][a:b][:, None]
    index = column.index - offset
    if shape is None:
        return lambda *VP: VP[source][index]
    r, m = shape
    return lambda *VP: VP[source][index].reshape(r, m, -1)


def _adder(column: Column, shape: Optional[Tuple[int, int]],
           first_shared: int) -> Callable[[Array, Array, Array], None]:
    """``(G, S, c) -> None``: add the contribution ``c`` (one row per node of the group) to the
    gradient rows ``G`` of what the column read, summing where one row was read by several nodes;
    for a column of shared leaves, add its sum over the batch to their entries of ``S``."""
    if column.shared:
        return _shared_adder(column, shape, first_shared)
    a, b, s = column.start, column.stop, column.step
    kind = column.kind
    if kind == "slice":
        def add_slice(G: Array, S: Array, c: Array) -> None:
            v = G[a:b:s]
            v += c if shape is None else c.reshape(v.shape)
        return add_slice
    if kind == "row":
        axes = 0 if shape is None else (0, 1)

        def add_row(G: Array, S: Array, c: Array) -> None:
            G[a] += c.sum(axis=axes)
        return add_row
    if kind in ("tile", "repeat"):
        axis = 0 if kind == "tile" else 1

        def add_block(G: Array, S: Array, c: Array) -> None:
            G[a:b] += c.sum(axis=axis)
        return add_block
    index, unique, order, starts = column.index, column.unique, column.order, column.starts
    k = len(index)
    if unique is None or starts is None:
        def add_take(G: Array, S: Array, c: Array) -> None:
            G[index] += c if shape is None else c.reshape(k, -1)
        return add_take

    def add_runs(G: Array, S: Array, c: Array) -> None:  # G[index] += c would keep one of two contributions to a row
        flat = c if shape is None else c.reshape(k, -1)
        G[unique] += np.add.reduceat(flat[order], starts, axis=0)
    return add_runs


def _shared_adder(column: Column, shape: Optional[Tuple[int, int]],
                  first_shared: int) -> Callable[[Array, Array, Array], None]:
    a, b, s = column.start - first_shared, column.stop - first_shared, column.step
    kind = column.kind
    if kind == "slice":
        def add_slice(G: Array, S: Array, c: Array) -> None:
            S[a:b:s] += c.sum(axis=-1).reshape(-1)
        return add_slice
    if kind == "row":
        def add_row(G: Array, S: Array, c: Array) -> None:
            S[a] += c.sum()
        return add_row
    if kind in ("tile", "repeat"):
        axes = (0, 2) if kind == "tile" else (1, 2)

        def add_block(G: Array, S: Array, c: Array) -> None:
            S[a:b] += c.sum(axis=axes)
        return add_block
    index = column.index - first_shared
    k = len(index)

    def add_take(G: Array, S: Array, c: Array) -> None:  # add.at: a leaf read twice gets both
        np.add.at(S, index, c.reshape(k, -1).sum(axis=-1))
    return add_take
