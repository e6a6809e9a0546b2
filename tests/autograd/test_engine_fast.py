"""The float backward pass's fast paths are the op rows' rules, bit for bit.

``backward()`` specialises its float pass on the ops networks are made of (add,
mul, sum, softmax, and every one-input row that spells its derivative as
``code``). Each fast path must give exactly what the row's ``local`` gives: the
reference here is the general pass, which calls ``local`` for every node.
"""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_graphs import grow

import autograd
from autograd import Value, compile, engine, ops
from autograd.ops_nary import SoftmaxInputs


def reference_grads(root, leaves):
    """d root / d leaf by calling every row's ``local`` for every node, in backward()'s order,
    ``grad += local * upstream`` into every input but the numbers: no fast path."""
    order = engine.graph_order(root)
    grads = {v: 0.0 for v in order}  # graph_order leaves numbers out: get() for them
    grads[root] = 1.0
    for node in reversed(order):
        if node.is_leaf:
            continue
        inputs = node.parents  # numbers as constant Values
        for p, d in zip(inputs, node._fn.local(node.data, *[p.data for p in inputs])):
            if not p.is_constant:
                grads[p] = grads.get(p, 0.0) + d * grads[node]
    return [grads.get(v, 0.0) for v in leaves]


def fast_grads(root, leaves):
    for v in leaves:
        v.grad = 0.0
    root.backward()
    return [v.grad for v in leaves]


def same(xs, ys):
    return all((x == y and math.copysign(1, x) == math.copysign(1, y)) or (x != x and y != y)
               for x, y in zip(xs, ys))


@pytest.mark.parametrize("op", sorted(engine._UNARY_FAST, key=lambda op: op.name), ids=lambda op: op.name)
def test_unary_rules_are_the_rows_local_bit_for_bit(op):
    rng = random.Random(op.name)
    points = [0.0, -0.0, 1.0, -1.0, 1e-300, -3.5, 40.0, -40.0, 700.0, -700.0]
    for x in points + [rng.uniform(-6, 6) for _ in range(300)]:
        try:
            out = op.forward(x)
        except (ValueError, OverflowError):
            continue
        (want,) = op.local(out, x)
        got = engine._UNARY_FAST[op](out, x)
        assert same([got], [want]) and type(got) is type(want), (op.name, x)


def test_every_row_with_code_and_one_input_has_a_fast_rule():
    assert {op for op in ops.OPS.values() if op.arity == 1 and op.code} == set(engine._UNARY_FAST)


@st.composite
def graphs(draw):
    def extend(a, pool):
        b = draw(st.sampled_from(pool))
        kind = draw(st.sampled_from(["add", "mul", "sub", "div", "num_mul", "mul_num", "num_add", "sum", "softmax",
                                     "logsumexp", "tanh", "exp", "sigmoid", "relu", "softplus", "neg", "atan", "sin",
                                     "square", "leaky"]))
        if kind in ("add", "mul", "sub"):
            return {"add": a + b, "mul": a * b, "sub": a - b}[kind]
        if kind == "div":
            return a / (b * b + 1.0)
        if kind == "num_mul":
            return 2.5 * a
        if kind == "mul_num":
            return a * -0.75
        if kind == "num_add":
            return 1.5 + a
        if kind == "sum":
            return autograd.sum([a, b, 2.0, a * b])
        if kind == "softmax":
            return autograd.softmax([a, b, 0.5])[draw(st.integers(0, 2))]
        if kind == "logsumexp":
            return autograd.logsumexp([a, b])
        if kind == "square":
            return a ** 2
        if kind == "leaky":
            return a.leaky_relu(0.1)
        if kind == "exp":
            return (a * 0.1).exp()
        return getattr(a, {"neg": "__neg__"}.get(kind, kind))()

    pool, leaves = grow(draw, 4, 14, extend)
    return pool[-1], leaves


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_the_fast_float_pass_is_the_rows_local_bit_for_bit(case):
    root, leaves = case
    assert same(fast_grads(root, leaves), reference_grads(root, leaves))


@settings(max_examples=30, deadline=None)
@given(graphs())
def test_a_constant_a_view_has_looked_at_still_gets_no_gradient(case):
    root, leaves = case
    autograd.topological_order(root)  # reads parents: numbers become constant Values
    assert same(fast_grads(root, leaves), reference_grads(root, leaves))
    assert all(v.grad == 0.0 for v in autograd.topological_order(root) if v.is_constant)


def test_softmax_outputs_share_their_inputs_and_the_probabilities_of_the_forward_pass():
    x = [Value(1.0), Value(2.0), Value(3.0)]
    s = autograd.softmax(x)
    assert all(v._a is s[0]._a for v in s) and type(s[0]._a) is SoftmaxInputs
    assert s[0]._a.probabilities == ops.softmax_floats((1.0, 2.0, 3.0)) == [v.data for v in s]
    loss = s[0] * 2.0 + s[2] * s[1]
    loss.backward()
    import torch

    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    p = torch.softmax(t, 0)
    (p[0] * 2.0 + p[2] * p[1]).backward()
    assert [v.grad for v in x] == pytest.approx(t.grad.tolist(), abs=1e-15)


def test_a_tape_synced_to_new_data_and_backward_agree():
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    s = autograd.softmax(x)
    loss = s[0] * s[1] + s[2].log()
    tape = compile(loss)
    x[1].data = 3.0
    tape.forward()
    tape.backward()
    replayed = [v.grad for v in x]
    for v in x:
        v.grad = 0.0
    tape.sync()  # every node's data, and each softmax's probabilities, from the replay
    loss.backward()
    assert [v.grad for v in x] == replayed


def test_sum_adds_left_to_right_on_every_python():
    # the builtin sum() compensates float sums from Python 3.12 on; a + b + c does not
    assert ops.SUM.forward(1.0, 1e100, 1.0, -1e100) == ((1.0 + 1e100) + 1.0) + -1e100 == 0.0
    assert autograd.sum([Value(1.0), 1e100, 1.0, -1e100]).data == 0.0
    assert ops.softmax_floats((0.0, 0.0)) == [0.5, 0.5]


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_the_backward_pass_order_is_the_depth_first_order(case):
    root, _ = case
    assert engine._backward_order(root, False) == engine._depth_first(root, first_input_first=False, constants=False)


@pytest.mark.parametrize("mode", ["record", "no_grad", "anomaly"])
def test_weighted_sum_is_the_sum_of_the_products(mode):
    import contextlib

    from autograd.nary import weighted_sum

    rng = random.Random(3)
    b = Value(rng.uniform(-1, 1))
    ws = [Value(rng.uniform(-1, 1)) for _ in range(7)]
    xs = [Value(rng.uniform(-3, 3)) for _ in range(7)]
    switch = {"record": contextlib.nullcontext, "no_grad": autograd.no_grad, "anomaly": autograd.detect_anomaly}[mode]
    with switch():
        fast = weighted_sum(b, ws, xs)
        slow = autograd.sum([b, *[w * x for w, x in zip(ws, xs)]])
    folded = b.data  # micrograd's sum((w * x for ...), b): b + w0 x0, then + w1 x1, ...
    for w, x in zip(ws, xs):
        folded = folded + w.data * x.data
    assert fast.data == slow.data == folded
    assert [(p.op, p.data) for p in fast.parents] == [(p.op, p.data) for p in slow.parents]
    if mode == "no_grad":
        assert fast.parents == ()
        return
    assert fast.op == "sum" and fast.parents[0] is b and [p.parents for p in fast.parents[1:]] == list(zip(ws, xs))
    fast.backward()
    first = [v.grad for v in [b, *ws, *xs]]
    for v in [b, *ws, *xs]:
        v.grad = 0.0
    slow.backward()
    assert first == [v.grad for v in [b, *ws, *xs]]


def test_a_number_made_a_constant_value_gets_no_gradient_unread_or_read():
    """x * 2.5 then reading parents makes 2.5 a constant Value; an expression built on that
    constant and a plain number (c * 0.5, 0.5 * c) must still give it no gradient."""
    for build in (lambda c: c * 0.5, lambda c: 0.5 * c, lambda c: c.tanh() * 2.0):
        c = (Value(1.0) * 2.5).parents[1]
        y = build(c)
        y.backward()
        assert c.grad == 0.0
