"""Compiled tapes: record a graph once, replay it many times.

Training runs the same graph shape over and over; only the numbers in the
leaves change (a new input row, updated weights). :func:`compile` takes the
topological order once and turns it into straight-line Python, one line per
node, that applies each op's own ``forward`` and ``local`` rules from
:mod:`autograd.ops` (see :mod:`autograd.tapegen`). Replaying skips everything that makes building a
graph slow (allocating Values, sorting, dispatch), and gives the very same
floats: the same rules, applied in the same order as ``backward()``.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from . import ops
from .engine import backward_order
from .errors import check_value
from .ops_nary import SoftmaxInputs, softmax_floats
from .tapegen import generate
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
        check_value("compile", "root", root)
        order = backward_order(root)
        order.reverse()  # the chain rule's own order, so replays match backward() bit for bit
        self.root = root
        #: The leaves the tape reads (Values you made, not the constants numbers became).
        self.leaves: List[Value] = [v for v in order if v._a is None and v._fn is not ops.CONSTANT]
        self.size = len(order)
        self._nodes = order
        self._position: Optional[Dict[Value, int]] = None  # made by value() when first asked
        self._values: Optional[List[float]] = None
        self._saved: List[float] = []
        self._program = generate(order, self.leaves)

    def forward(self) -> float:
        """Recompute every node from the leaves' current ``.data``; return the root's value.

        Domain errors (log of a negative, ...) raise as they would when
        building the graph. The Value nodes themselves are not updated; see
        :meth:`sync`.
        """
        values: List[float] = []
        saved: List[float] = []  # each softmax's probabilities, for the backward pass
        leaves, constants = self.leaves, self._program.constants
        for chunk, first, first_leaf, first_constant, first_saved in self._program.forwards:
            values += chunk(values, leaves, constants, first, first_leaf, first_constant, saved, first_saved)
        self._values, self._saved = values, saved
        return values[-1]

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
        if self._position is None:
            self._position = {node: i for i, node in enumerate(self._nodes)}
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
        values, saved, seed = self._values, self._saved, float(gradient)
        grads = [0.0] * self.size
        for chunk, first, first_saved in self._program.backwards:
            chunk(values, grads, seed, first, saved, first_saved)
        for leaf, i in zip(self.leaves, self._program.leaf_positions):
            g, old = grads[i], leaf.grad
            leaf.grad = old + g if old else g

    def sync(self) -> None:
        """Write the last replay's values into every node's ``.data``, so the
        Value graph (for drawing, or ``backward()``) shows the same numbers."""
        if self._values is None:
            self.forward()
        assert self._values is not None
        for node, value in zip(self._nodes, self._values):
            node.data = value
        for node in self._nodes:  # each softmax's probabilities, as its forward pass saved them
            a = node._a
            if type(a) is SoftmaxInputs:
                a.probabilities = softmax_floats(tuple([p.data for p in a]))

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
