"""The backward pass: a topological order without recursion, then the chain
rule applied once per edge.

Everything here is duck-typed on the node's inputs ``_a`` and ``_b`` (None
where absent, a float for a number in the expression that nobody has looked
at yet), its ``_fn`` (an :class:`~autograd.ops.Op`), ``data`` and ``grad``, so
this module does not import ``Value``. The backward pass walks Values only; the
orders made for reading (:func:`topological_order`, :func:`backward_order`)
include the constants, as Values.
"""

from __future__ import annotations

import math
import threading
from operator import attrgetter
from typing import Any, Callable, Dict, List, Optional, Set

from .errors import AnomalyError, check_flag, check_seed, check_value
from .mode import current, ieee_results
from .ops import ADD as _ADD
from .ops import CONSTANT as _CONSTANT
from .ops import MUL as _MUL
from .ops import OPS as _OPS
from .ops import SIGMOID as _SIGMOID
from .ops import STOP as _STOP
from .ops import SUM as _SUM
from .ops_nary import SoftmaxInputs


class _Many:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MANY"

    def __reduce__(self) -> str:
        return "MANY"  # copies and pickles of a graph keep the one marker

    def __copy__(self) -> _Many:
        return self

    def __deepcopy__(self, memo: Any) -> _Many:
        return self


#: The ``_b`` of a node of an n-ary op, whose ``_a`` is the tuple of its inputs.
MANY: Any = _Many()

#: Held while a weighted sum's products are made (``Value._make_products``) and while
#: ``backward()`` walks a graph with products not made yet, so neither sees the other
#: half done. Reentrant: nothing inside either takes it twice, but it costs nothing.
PRODUCTS = threading.RLock()

#: What an op row's ``code`` may call: ``SIGMOID`` is the sigmoid row's forward rule,
#: ``STOP`` the masking zero (see :mod:`autograd.ops`).
CODE_NAMES: Dict[str, Any] = {"SIGMOID": _SIGMOID.forward, "STOP": _STOP}


def _unary_rules() -> Dict[Any, Callable[[float, float], Any]]:
    """d out / d input of every one-input row that spells its rule as ``code``, as a
    function of (output, input) made from that code: the float pass calls it instead of
    ``local``, without building a tuple."""
    return {op: eval(f"lambda o, a: {op.code[0].format(o='o', a='a')}", dict(CODE_NAMES))  # noqa: S307
            for op in _OPS.values() if op.arity == 1 and op.code is not None}


_UNARY_FAST = _unary_rules()
_grad = attrgetter("grad")

__all__ = ["topological_order", "backward_order", "graph_order", "backprop", "backward", "chain_rule", "describe"]


def topological_order(root: Any) -> List[Any]:
    """Every node ``root`` depends on, inputs before the nodes made from them,
    first inputs first: the order to read a forward pass in.

    An explicit stack replaces recursion, so a chain of a million nodes is as
    fine as a chain of ten.

    >>> from autograd import Value
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = (x * w + x).tanh()
    >>> [v.label or v.op for v in topological_order(y)]
    ['x', 'w', 'mul', 'add', 'tanh']
    """
    check_value("topological_order", "root", root)
    return _depth_first(root, first_input_first=True, constants=True)


def backward_order(root: Any) -> List[Any]:
    """The nodes in the order ``backward()`` visits them: ``root`` first, and each
    node before everything it was made from, first branches first.

    >>> from autograd import Value
    >>> x1, w1, x2, w2 = (Value(v, label=n) for v, n in [(2, "x1"), (-3, "w1"), (0, "x2"), (1, "w2")])
    >>> y = x1 * w1 + x2 * w2
    >>> [v.label or v.op for v in backward_order(y)]
    ['add', 'mul', 'x1', 'w1', 'mul', 'x2', 'w2']
    """
    check_value("backward_order", "root", root)
    order = _depth_first(root, first_input_first=False, constants=True)
    order.reverse()
    return order


def graph_order(root: Any) -> List[Any]:
    """The Values the backward pass visits, inputs first (constants that are
    still plain numbers left out): the order it runs the chain rule in, reversed."""
    return _backward_order(root, False)


def _general(create_graph: bool) -> bool:
    # The general pass (Value gradients, or anomaly checks) works on every input as a
    # Value, constants and a neuron's products included.
    return create_graph or current().anomaly


def _pass_order(root: Any, create_graph: bool) -> List[Any]:
    # The general pass must see (and clean up) every input as a Value, constants too.
    if _general(create_graph):
        return _depth_first(root, first_input_first=False, constants=True)
    return _backward_order(root, False)


def _backward_order(root: Any, unmade: bool) -> List[Any]:
    # _depth_first(root, first_input_first=False, constants=False), written for speed.
    # A node is expanded once: it goes back on the stack under a None, then its inputs
    # on top; when the None comes up, everything above it (its inputs) has been emitted,
    # so the node below it is emitted next. One set, no node looked at twice.
    # With ``unmade`` (backward() alone), a weighted sum whose products are not made yet
    # (see Value._make_products) stays so, and _ProductSteps take the products' places;
    # without it, its products are made when it is reached.
    order: List[Any] = []
    seen: Set[Any] = set()
    stack = [root]
    emit, push, pop, add = order.append, stack.append, stack.pop, seen.add
    many, product_steps = MANY, _ProductSteps
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in seen:
            continue
        add(node)
        push(node)
        push(None)
        b = node._b  # before _a: a thread making products writes _a first (see Value._make_products)
        a = node._a
        if b is many:
            for p in a:
                if p not in seen:
                    push(p)
            continue
        if type(b) is tuple:  # a weighted sum, its products not made yet
            if not unmade:
                for p in node.parents:  # made now, for good
                    if p not in seen:
                        push(p)
                continue
            # A product's rule must come where its mul node would have in the order: after
            # everything first found under the products before it. Consecutive products
            # with nothing new to find between them share one step (a _ProductSteps), which
            # goes on the stack under a None, with their unseen inputs on top: it comes out
            # where the first of them would have, so the chain rule adds in the same order.
            if a[0] not in seen:
                push(a[0])
            steps = None
            fresh = True  # the first product always starts a step
            for k in range(1, len(a), 2):
                if fresh:
                    if steps is not None:
                        steps.stop = k
                    steps = product_steps(node, k)
                    push(steps)
                    push(None)
                    fresh = False
                p = a[k]
                if p not in seen:
                    push(p)
                    fresh = True
                p = a[k + 1]
                if p not in seen:
                    push(p)
                    fresh = True
            if steps is not None:
                steps.stop = len(a)
            continue
        if a is not None and type(a) is not float and a not in seen:
            push(a)
        if b is not None and type(b) is not float and b not in seen:
            push(b)
    return order


class _ProductSteps:
    """In the order ``backward()`` walks, the place of the mul nodes a weighted sum has
    not made yet (see ``Value._make_products``): the chain rule through its products
    whose inputs are ``terms[start:stop]`` of the sum ``_a``'s terms, a pair each."""

    __slots__ = ("_a", "grad", "start", "stop")
    _b: Any = None  # set below to the class itself: what the float pass tells it by
    _fn = None

    def __init__(self, total: Any, start: int) -> None:
        self._a = total
        self.grad = 0.0  # read (and zeroed) with every node's, never used
        self.start = self.stop = start


_ProductSteps._b = _ProductSteps


def _depth_first(root: Any, first_input_first: bool, constants: bool) -> List[Any]:
    # A topological order (inputs before the nodes made from them), by depth-first
    # search. A node is expanded (its inputs pushed) the first time it reaches the
    # top of the stack, and emitted the next time, when everything above it (its
    # inputs) has been emitted. No tuples or iterators per node: the stack holds
    # nodes only. Values hash by identity.
    #
    # Expanding the first input first lists x, w, x*w: natural for a forward pass.
    # Expanding the second first gives an order whose reverse walks the first
    # branch first: natural for the backward pass.
    order: List[Any] = []
    expanded = set()
    emitted = set()
    stack = [root]
    while stack:
        node = stack[-1]
        if node in expanded:
            stack.pop()
            if node not in emitted:
                emitted.add(node)
                order.append(node)
            continue
        expanded.add(node)
        if type(node._b) is tuple:  # a weighted sum: its products are made now, for good
            node._make_products()
        if node._b is MANY:  # an n-ary op: push its inputs so the first comes out first
            inputs = node._a
            for p in (reversed(inputs) if first_input_first else inputs):
                if p not in expanded:
                    stack.append(p)
            continue
        if constants:
            inputs = node.parents  # numbers become constant Values, for good
            a = inputs[0] if inputs else None
            b = inputs[1] if len(inputs) > 1 else None
        else:
            a, b = node._a, node._b
        if first_input_first:
            a, b = b, a
        if a is not None and type(a) is not float and a not in expanded:
            stack.append(a)
        if b is not None and type(b) is not float and b not in expanded:
            stack.append(b)
    return order


def chain_rule(order: List[Any], seed: Any = 1.0, create_graph: bool = False) -> None:
    """Fill every node's ``.grad`` with d root / d node, where ``order`` is
    :func:`backward_order` of the root, reversed (the root last), and every
    ``.grad`` starts at zero.

    Walks the nodes from the root back to the leaves and, for each edge
    ``node -> parent``, applies the chain rule::

        parent.grad += local_derivative * node.grad

    so a node used many times receives one contribution per use. With
    ``create_graph=True`` the local derivatives are computed from the
    ``Value`` nodes themselves, so the gradients are ``Value`` graphs that can
    be differentiated again.
    """
    order[-1].grad = seed
    if _general(create_graph):
        _chain_rule_general(order, create_graph)
        return
    _float_pass(order)


def _float_pass(order: List[Any]) -> None:
    # The plain float pass: the same rules, specialised on arity and, for the ops a
    # network is made of, on the op itself, with each rule read from its row's
    # ``code`` (see _UNARY_FAST). tests/autograd/test_engine_fast.py checks every branch
    # against ``op.local`` bit for bit.
    const, many, mul, add, nsum = _CONSTANT, MANY, _MUL, _ADD, _SUM
    unary = _UNARY_FAST
    steps = _ProductSteps
    for node in reversed(order):
        a = node._a
        if a is None:
            continue
        g = node.grad
        b = node._b
        fn = node._fn
        if b is steps:  # products of the weighted sum a: w * x as a mul node would be
            terms = a._a
            g = 0.0 + a.grad  # what each product's .grad would have been
            for k in range(node.start, node.stop, 2):
                w = terms[k]
                x = terms[k + 1]
                if w._fn is const:
                    x.grad += w.data * g
                elif x._fn is const:
                    w.grad += x.data * g
                else:
                    w.grad += x.data * g
                    x.grad += w.data * g
        elif b is None:
            if a._fn is const:  # a number a view has made a constant Value: no gradient
                continue
            rule = unary.get(fn)
            if rule is not None:
                a.grad += rule(node.data, a.data) * g
            else:
                (da,) = fn.local(node.data, a.data)
                a.grad += da * g
        elif b is many:  # an n-ary op: a is the tuple of its inputs
            if fn is nsum:  # d sum / d x = 1.0 for every input, and 1.0 * g is g
                for p in a:
                    if p._fn is not const:  # a number among the inputs gets no gradient
                        p.grad += g
            elif type(a) is SoftmaxInputs:  # an output of a softmax (autograd.softmax makes them)
                # d s_i / d x_j = s_i (1 - s_i) for j = i, -s_i s_j otherwise: the row's two
                # formulas, with the probabilities the outputs share (made by their forward pass).
                probabilities = a.probabilities
                out = node.data
                i = fn.param
                for j, p in enumerate(a):
                    if p._fn is not const:
                        p.grad += (out * (1.0 - out) if j == i else -out * probabilities[j]) * g
            else:
                for p, d in zip(a, fn.local(node.data, *[p.data for p in a])):
                    if p._fn is not const:
                        p.grad += d * g
        elif type(b) is tuple:  # a weighted sum, its products not made: they come as _ProductSteps
            if a[0]._fn is not const:  # its bias
                a[0].grad += g
        elif type(b) is float:  # x * 2: the number needs no gradient
            if a._fn is const:  # nor does a number a view has made a constant Value
                continue
            if fn is mul:
                a.grad += b * g
            else:
                da, _ = fn.local(node.data, a.data, b)
                a.grad += da * g
        elif type(a) is float:  # 2 * x
            if b._fn is const:
                continue
            if fn is mul:
                b.grad += a * g
            else:
                _, db = fn.local(node.data, a, b.data)
                b.grad += db * g
        else:
            if fn is mul:
                da, db = b.data, a.data
            elif fn is add:
                da = db = 1.0
            else:
                da, db = fn.local(node.data, a.data, b.data)
            # A number in the expression that a view has turned into a constant Value
            # (see Value.parents) is still not differentiated: its grad stays 0.
            if a._fn is const:
                b.grad += db * g
            elif b._fn is const:
                a.grad += da * g
            else:
                a.grad += da * g
                b.grad += db * g


def _chain_rule_general(order: List[Any], create_graph: bool) -> None:
    if create_graph:
        # Derivatives built from Values are inf or nan at singular points, as in PyTorch,
        # never a domain error (nobody asked for d(0 ** x)/d0, yet it is built).
        with ieee_results():
            _general_pass(order, True)
    else:
        _general_pass(order, False)


def _general_pass(order: List[Any], create_graph: bool) -> None:
    anomaly = current().anomaly
    for node in reversed(order):
        inputs = node.parents
        if not inputs:
            continue
        upstream = node.grad
        if create_graph:
            locals_ = node._fn.local(node, *inputs)
        else:
            locals_ = node._fn.local(node.data, *[p.data for p in inputs])
        for parent, local in zip(inputs, locals_):
            if parent._fn is _CONSTANT:  # a number in the expression: no gradient
                continue
            if create_graph and type(local) is float and local != local:
                # A nan derivative (no real value here) must stay nan when differentiated
                # again: tied to the node, not frozen as a constant whose derivative is 0.
                local = node * math.nan
            contribution = local * upstream
            if anomaly:
                _check_backward(node, parent, local, upstream, contribution)
            parent.grad = _accumulate(parent.grad, contribution)


def _accumulate(old: Any, new: Any) -> Any:
    # A float 0.0 adds nothing; skipping it keeps create_graph graphs free of "0 + g".
    return new if (type(old) is float and old == 0.0) else old + new


def _clear_grads(order: List[Any]) -> Optional[List[Any]]:
    """Zero every ``.grad`` in ``order``; return the old ones unless all were zero."""
    if not any(map(_grad, order)):
        return None
    saved = [node.grad for node in order]
    for node in order:
        node.grad = 0.0
    return saved


def backprop(root: Any, seed: Any = 1.0, create_graph: bool = False) -> Dict[Any, Any]:
    """d root / d node for every node ``root`` depends on, as a dict, leaving
    every ``.grad`` exactly as it was.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x + x
    >>> backprop(y)[x], x.grad
    (7.0, 0.0)
    """
    check_value("backprop", "root", root)
    seed = check_seed("backprop", "seed", seed)
    check_flag("backprop", "create_graph", create_graph)
    order = _pass_order(root, create_graph)
    saved = _clear_grads(order)
    try:
        chain_rule(order, seed, create_graph)
        return {node: node.grad for node in order}
    finally:
        if saved is None:
            for node in order:
                node.grad = 0.0
        else:
            for node, grad in zip(order, saved):
                node.grad = grad


def backward(root: Any, seed: Any = 1.0, create_graph: bool = False) -> None:
    """Add d root / d node x ``seed`` to every node's ``.grad``: PyTorch's
    accumulation, so a second call adds again."""
    if _general(create_graph):  # every product made first
        _accumulate_pass(_pass_order(root, create_graph), seed, create_graph)
        return
    with PRODUCTS:  # no other thread makes this graph's products while the pass leaves them unmade
        _accumulate_pass(_backward_order(root, True), seed, False)


def _accumulate_pass(order: List[Any], seed: Any, create_graph: bool) -> None:
    saved = _clear_grads(order)
    chain_rule(order, seed, create_graph)
    if saved is not None:
        for node, old in zip(order, saved):
            if old:
                node.grad = old + node.grad


def describe(node: Any) -> str:
    """``label=data`` for a labelled node, just the data otherwise (a plain number as itself)."""
    if isinstance(node, (int, float)):
        return repr(float(node))
    return f"{node.label}={node.data!r}" if node.label else repr(node.data)


def _number(x: Any) -> float:
    return x if isinstance(x, (int, float)) else x.data


def check_forward(out: Any, op: Any, inputs: Any) -> None:
    """Raise :class:`AnomalyError` if ``out`` (made by ``op``) is NaN or inf."""
    if not math.isfinite(out.data):
        args = ", ".join(describe(p) for p in inputs)
        raise AnomalyError(f"{op.name} produced {out.data!r} from inputs {args}")


def _check_backward(node: Any, parent: Any, local: Any, upstream: Any, contribution: Any) -> None:
    if not math.isfinite(_number(contribution)):
        raise AnomalyError(
            f"backward through {node._fn.name} ({describe(node)}): the gradient for its input "
            f"{describe(parent)} is {_number(contribution)!r} "
            f"(local derivative {_number(local)!r} x upstream gradient {_number(upstream)!r})"
        )
