"""Ops on many Values at once: ``sum``, ``softmax`` and ``logsumexp``.

Each makes **one** node however many inputs it has (``softmax`` makes one
node per output, all sharing the same inputs), so a neuron's weighted sum or
a classifier's softmax is one step of the backward pass, one op in a
picture, and one line of a compiled tape. They are rows of the op table in
:mod:`autograd.ops` like every other op, so derivatives of any order work.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Tuple

from . import ops
from .mode import _DEFAULT, current
from .ops_nary import SoftmaxInputs, softmax_floats, softmax_outputs
from .value import Value, _constant, _is_real, _many, _node

__all__ = ["sum", "softmax", "logsumexp", "weighted_sum"]


def _inputs(who: str, values: Any) -> Tuple[Value, ...]:
    if type(values) is not list and type(values) is not tuple:
        if isinstance(values, (Value, str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(f"{who} needs a list of Values or numbers, got {type(values).__name__}: {values!r}")
        values = list(values)
    if not values:
        raise ValueError(f"{who} needs at least one value, got none")
    for v in values:
        if type(v) is not Value:
            return tuple([_as_value(who, v) for v in values])
    return tuple(values)


def _as_value(who: str, v: Any) -> Value:
    if isinstance(v, Value):
        return v
    if _is_real(v):
        return _constant(v)
    raise TypeError(f"{who} needs Values or numbers, got {type(v).__name__}: {v!r}")


def sum(values: Iterable[Any]) -> Value:  # noqa: A001 - autograd.sum, as torch.sum
    """The sum of any number of Values (or numbers) as **one** node.

    It adds left to right, so its value is exactly ``values[0] + values[1] +
    ...``; d sum / d x = 1 for every input.

    >>> from autograd import Value, sum
    >>> x, y, z = Value(1.0), Value(2.0), Value(3.5)
    >>> s = sum([x, y, z, 4])
    >>> s.data, s.op, len(s.parents)
    (10.5, 'sum', 4)
    >>> s.backward(); x.grad, z.grad
    (1.0, 1.0)
    """
    inputs = _inputs("sum()", values)
    return _many(ops.SUM, ops.SUM.forward(*[v.data for v in inputs]), inputs)


def logsumexp(values: Iterable[Any]) -> Value:
    """``log(exp(x_0) + exp(x_1) + ...)`` as one node, computed stably (the
    largest input is taken out before ``exp``, so ``logsumexp([1000, 0])`` is
    1000, not inf). d / d x_j = softmax_j.

    >>> from autograd import Value, logsumexp
    >>> a, b = Value(1000.0), Value(1000.0)
    >>> out = logsumexp([a, b])
    >>> round(out.data - 1000.0, 6)
    0.693147
    >>> out.backward(); a.grad, b.grad
    (0.5, 0.5)
    """
    inputs = _inputs("logsumexp()", values)
    return _many(ops.LOGSUMEXP, ops.LOGSUMEXP.forward(*[v.data for v in inputs]), inputs)


def softmax(values: Iterable[Any]) -> List[Value]:
    """``exp(x_i) / sum_j exp(x_j)`` for every input, as a list of Values,
    computed stably; d s_i / d x_j = s_i (1 - s_i) for i = j, -s_i s_j otherwise.

    The outputs share their inputs, and a picture draws them as one op.

    >>> from autograd import Value, softmax
    >>> x = [Value(1.0), Value(2.0), Value(3.0)]
    >>> s = softmax(x)
    >>> [round(v.data, 6) for v in s]
    [0.090031, 0.244728, 0.665241]
    >>> s[2].backward(); [round(v.grad, 6) for v in x]
    [-0.059892, -0.162803, 0.222695]
    """
    shared = SoftmaxInputs(_inputs("softmax()", values))
    xs = tuple([v.data for v in shared])
    shared.probabilities = softmax_floats(xs)  # what backward() reads
    outputs = softmax_outputs(xs, shared.probabilities)
    return [_many(op, p, shared) for op, p in zip(ops.softmax_ops(len(shared)), outputs)]


def weighted_sum(bias: Value, weights: Iterable[Value], inputs: Iterable[Value]) -> Value:
    """``bias + w_0·x_0 + w_1·x_1 + ...`` as a neuron computes it: one ``mul`` node per
    product and **one** ``sum`` node over the bias and the products, exactly
    ``autograd.sum([bias, *[w * x for w, x in zip(weights, inputs)]])`` (the same
    nodes, the same floats), made without the checks that call needs: every
    argument must already be a Value.

    The products' mul nodes are made the first time anyone reads the graph
    (``parents``: pictures, ``explain``, the orders, a tape); until then the sum keeps
    its terms and the products' floats, and ``backward()`` applies each product's rule
    at the place its node would have had, so every gradient is the same float either
    way, and a product made after ``backward()`` holds the ``.grad`` it would have got.
    Most training steps are never looked at, and a network's graph is mostly products
    (30,400 of micrograd's demo step's 38,718 nodes): not making them is most of the
    plain engine's speed on such graphs.

    >>> from autograd import Value
    >>> b, w, x = Value(0.5), [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
    >>> net = weighted_sum(b, w, x)
    >>> net.backward()
    >>> w[0].grad, x[1].grad
    (3.0, -1.0)
    >>> net.data, net.op, [(p.op, p.data, p.grad) for p in net.parents]
    (2.5, 'sum', [('', 0.5, 1.0), ('mul', 6.0, 1.0), ('mul', -4.0, 1.0)])
    """
    if current() is not _DEFAULT:  # no_grad or anomaly mode: the general path
        return sum([bias, *[w * x for w, x in zip(weights, inputs)]])
    # The products are not made as nodes yet: the sum keeps (bias, w0, x0, w1, x1, ...) and
    # the products' floats, and Value.parents makes the mul nodes the first time anyone
    # reads the graph; backward() applies their rules without making them.
    if type(weights) is not list and type(weights) is not tuple:
        weights = list(weights)  # read twice below: an iterator would be empty the second time
    if type(inputs) is not list and type(inputs) is not tuple:
        inputs = list(inputs)
    products = [w.data * x.data for w, x in zip(weights, inputs)]
    total = bias.data  # -0.0 + bias: what sum() starts with, the same float
    for d in products:
        total += d
    terms = [bias]
    for pair in zip(weights, inputs):
        terms += pair
    return _node(total, ops.SUM, tuple(terms), tuple(products))


# --- the same ops as methods of Value (attached here, so value.py need not import this module) ---

def _sum_method(self: Value, *others: Any) -> Value:
    """``self + others[0] + ...`` as one node: ``autograd.sum([self, *others])``.

    >>> s = Value(1.0).sum(2, Value(3.5))
    >>> s.data, s.op, len(s.parents)
    (6.5, 'sum', 3)
    """
    return sum([self, *others])


def _logsumexp_method(self: Value, *others: Any) -> Value:
    """``log(exp(self) + exp(others[0]) + ...)`` as one node, computed stably:
    ``autograd.logsumexp([self, *others])``.

    >>> round(Value(0.0).logsumexp(0.0).data, 6)
    0.693147
    """
    return logsumexp([self, *others])


def _softmax_method(self: Value, *others: Any) -> List[Value]:
    """``autograd.softmax([self, *others])``: one Value per input.

    >>> [round(v.data, 6) for v in Value(0.0).softmax(0.0)]
    [0.5, 0.5]
    """
    return softmax([self, *others])


Value.sum = _sum_method
Value.logsumexp = _logsumexp_method
Value.softmax = _softmax_method
