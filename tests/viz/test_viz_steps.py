"""backprop_steps: the backward pass as data, in backward()'s order, with backward()'s numbers."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, backward_order, topological_order
from autograd.demo import neuron
from viz import Step, backprop_steps, local_rule, node_names


def expected_order(root):
    """(node, parent, position) in the order the engine applies the chain rule."""
    return [(node, p, k) for node in backward_order(root) for k, p in enumerate(node.parents)]


def test_one_step_per_edge_in_backward_order_with_every_field():
    o = neuron()
    steps = backprop_steps(o)
    assert [(s.node, s.parent, s.position) for s in steps] == expected_order(o)
    assert [s.index for s in steps] == list(range(len(steps))) and len(steps) == 9
    first = steps[0]
    assert first.node is o and first.op == "tanh" and first.upstream == 1.0
    assert first.local == pytest.approx(1 - o.data ** 2)
    assert first.node_name == "o" and first.parent_name == "n"
    for s in steps:
        assert isinstance(s, Step)
        assert s.contribution == s.local * s.upstream
        assert s.parent_grad_after == s.parent_grad_before + s.contribution
        assert s.local == s.node.local_derivatives()[s.position]


def test_final_gradients_equal_backward():
    o = neuron()  # neuron() has already run backward()
    steps = backprop_steps(o)
    final = {s.parent: s.parent_grad_after for s in steps if s.final}
    for v in topological_order(o):
        if v is not o:
            assert final[v] == v.grad, v.label
    assert sum(s.final for s in steps) == len(topological_order(o)) - 1


def test_reused_nodes_accumulate_and_upstream_is_complete():
    x = Value(3.0, label="x")
    y = x * x + x  # x is used three times
    y.label = "y"
    steps = backprop_steps(y)
    into_x = [s for s in steps if s.parent is x]
    assert [s.parent_grad_before for s in into_x] == [0.0, 1.0, 4.0]
    assert [s.parent_grad_after for s in into_x] == [1.0, 4.0, 7.0]
    assert [s.final for s in into_x] == [False, False, True]
    y.backward()
    assert x.grad == 7.0


def test_no_grad_is_touched():
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    backprop_steps(y)
    assert all(v.grad == 0.0 for v in topological_order(y))


def test_seed_scales_everything():
    x = Value(2.0, label="x")
    y = x * 5
    assert backprop_steps(y, seed=2.0)[0].parent_grad_after == 10.0


def test_a_leaf_has_no_steps_and_bad_input_is_a_type_error():
    assert backprop_steps(Value(1.0)) == []
    with pytest.raises(TypeError, match="root must be a Value"):
        backprop_steps(3.0)


def test_names_are_unique_and_stable():
    a = Value(1.0, label="a")
    b = Value(2.0, label="a")  # a second "a"
    c = Value(3.0)
    y = (a * b + c) * 2
    names = node_names(y)
    order = topological_order(y)
    assert list(names) == order
    assert names[y] == "L"
    assert sorted(n for v, n in names.items() if v.label == "a") == ["a", "a#2"]
    assert names[c] == f"v{order.index(c)}"
    assert names == node_names(y)
    assert len(set(n for v, n in names.items() if not v.is_constant)) == len([v for v in order if not v.is_constant])


def test_equations_and_rules_read_well():
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    n = x * w
    n.label = "x*w"
    y = n.tanh()
    y.label = "y"
    s = backprop_steps(y)
    assert s[0].equation() == "dL/d(x*w) += 0.42 × 1 = 0.42"
    assert s[0].equation(root_name="y", digits=2) == "dy/d(x*w) += 0.42 × 1 = 0.42"
    assert s[0].symbolic() == "dL/d(x*w) += dy/d(x*w) × dL/dy"
    assert s[0].rule == "dy/d(x*w) = 1 - tanh(x*w)²"
    by_parent = {st.parent_name: st for st in s}
    assert by_parent["x"].rule == "d(x*w)/dx = w"
    assert by_parent["w"].result() == "dL/dw = 0 + 0.8399 = 0.8399 (complete)"
    assert by_parent["x"].equation() == "dL/dx += -0.5 × 0.42 = -0.21"
    z = x ** 3 - x / w
    assert local_rule(z.parents[0], 0) == "dL/dx = 3·x^2"


# --- property: any graph, the replay equals backward() -------------------------------------

UNARY = ["tanh", "sigmoid", "sin", "cos", "exp_small", "neg", "relu", "square", "softplus", "abs"]
BINARY = ["add", "sub", "mul", "div_safe"]


def apply(name, a, b=None):
    if name == "exp_small":
        return (a * 0.1).exp()
    if name == "neg":
        return -a
    if name == "square":
        return a ** 2
    if name == "div_safe":
        return a / (b * b + 1.0)
    if name in ("add", "sub", "mul"):
        return {"add": a + b, "sub": a - b, "mul": a * b}[name]
    return getattr(a, name)()


@st.composite
def graphs(draw):
    leaves = [Value(draw(st.floats(-2, 2)), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    pool = list(leaves)
    for _ in range(draw(st.integers(1, 25))):
        a = draw(st.sampled_from(pool))
        if draw(st.booleans()):
            pool.append(apply(draw(st.sampled_from(UNARY)), a))
        else:
            b = draw(st.sampled_from(pool))  # may be a itself: reuse
            pool.append(apply(draw(st.sampled_from(BINARY)), a, b))
    return pool[-1]


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_replay_matches_backward_on_random_graphs(root):
    steps = backprop_steps(root)
    assert [(s.node, s.parent, s.position) for s in steps] == expected_order(root)
    grads = {root: 1.0}
    for s in steps:
        grads[s.parent] = s.parent_grad_after
    root.backward()
    for v in topological_order(root):
        assert grads.get(v, 0.0) == v.grad or (math.isnan(v.grad) and math.isnan(grads[v]))
