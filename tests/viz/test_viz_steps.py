"""backprop_steps: the backward pass as data, in backward()'s order, with backward()'s numbers."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_graphs import grow

from autograd import Value, backward_order, topological_order
from autograd.demo import neuron
from viz import Step, backprop_steps, local_rule, node_names


def expected_order(root):
    """(node, parent, position) in the order the engine applies the chain rule."""
    return [(node, p, k) for node in backward_order(root) for k, p in enumerate(node.parents)
            if not p.is_constant]   # a number in the expression is not differentiated


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
    # tanh(-1) = -0.7616, 1 - tanh(-1)^2 = 0.42; dy/dw = 0.42 * x = 0.84, dy/dx = 0.42 * w = -0.21
    assert s[0].equation() == "dy/d(x*w) += ∂y/∂(x*w) = 1 − tanh(x*w)² = 0.42"
    assert s[0].equation(root_name="L", digits=2) == "dL/d(x*w) += ∂L/∂(x*w) = 1 − tanh(x*w)² = 0.42"
    assert s[0].symbolic() == "dy/d(x*w) += ∂y/∂(x*w)"
    assert s[0].rule == "∂y/∂(x*w) = 1 − tanh(x*w)²"
    by_parent = {st.parent_name: st for st in s}
    assert by_parent["x"].rule == "∂(x*w)/∂x = w"
    assert by_parent["w"].result() == "dy/dw = 0.8399 (complete)"
    assert by_parent["x"].equation() == "dy/dx += dy/d(x*w) · ∂(x*w)/∂x = 0.42 · w = 0.42 · (-0.5) = -0.21"
    assert by_parent["x"].symbolic() == "dy/dx += dy/d(x*w) · ∂(x*w)/∂x"
    z = x ** 3 - x / w
    assert local_rule(z.parents[0], 0) == "∂L/∂x = 3·x²"


def test_constants_get_no_step():
    x = Value(3.0, label="x")
    y = 0.5 * (x - 1.0) ** 2
    steps = backprop_steps(y)
    assert [s.parent_name for s in steps] == ["(x − 1)²", "x − 1", "x"]
    assert all(not s.parent.is_constant for s in steps)
    y.backward()
    constants = [v for v in topological_order(y) if v.is_constant]
    assert len(constants) == 2 and all(c.grad == 0.0 for c in constants)   # looked at, still not differentiated
    assert steps[-1].parent_grad_after == x.grad == 2.0                     # d/dx ½(x − 1)² = x − 1


def test_neuron_level_on_the_tutorial_network():
    """The 2-3-1 network of "Backpropagation in Neural Networks Explained" on sample (0, 0): 5 steps."""
    from nn import tutorial_network

    model = tutorial_network()
    loss = 0.5 * (model([0.0, 0.0]) - 0.0) ** 2
    edges = backprop_steps(loss, level="edge")
    units = backprop_steps(loss, level="neuron")
    assert len(edges) == 34 and len(units) == 5 <= 10   # a neuron's weighted sum is one node
    assert [u.unit_name for u in units] == ["L", "D0", "Z1", "Z2", "Z3"]
    grouped = [e for u in units for e in u.edges]
    assert sorted(grouped, key=lambda e: e.index) == edges          # the same steps, grouped by unit
    loss.backward()
    for u in units:
        for i in u.inputs:
            if i.final:
                assert i.grad_after == i.value.grad
    assert units[1].lines()[2] == "  dL/dV01 += dL/dD0 · ∂D0/∂V01 = 4.0 · Z1 = 4.0 · 1.0 = 4.0"
    assert units[2].lines()[0] == "Z1 = W10 + W11·X1 + W12·X2 = 1.0"
    assert backprop_steps(loss) == edges                          # 39 edges: small enough for edge steps


def test_neuron_level_with_activations_shows_delta():
    from nn import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=0)
    loss = (model([1.0, -1.0]) - 1.0) ** 2
    units = backprop_steps(loss, level="neuron")
    assert [u.unit_name for u in units] == ["L", "D0", "Z1", "Z2", "Z3"]
    z1 = units[2]
    assert z1.delta_node is not None and z1.delta_node.label == "net_Z1"
    assert z1.lines()[1].startswith("  dL/dnet_Z1 += dL/dZ1 · ∂Z1/∂net_Z1 = ")
    loss.backward()
    assert z1.delta == pytest.approx(z1.delta_node.grad, rel=0, abs=0)
    w11 = next(i for i in z1.inputs if i.name == "W11")
    assert w11.grad_after == model.layers[0].neurons[0].w[0].grad
    assert w11.local == 1.0 and w11.formula == "X1"               # ∂net_Z1/∂W11 = X1 = 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.sampled_from(["tanh", "relu", "linear"]),
       st.integers(0, 10**6))
def test_grouping_keeps_the_engines_sums(sizes, activation, seed):
    """Grouping by unit keeps, for every node, the engine's order of contributions, so each
    gradient a neuron step shows is the engine's own number and the last one is ``.grad``."""
    from nn import MLP

    model = MLP(2, sizes + [1], activation=activation, seed=seed)
    loss = (model([0.3, -0.2]) - 1.0) ** 2
    edges = backprop_steps(loss, level="edge")
    units = backprop_steps(loss, level="neuron")
    engine, grouped = {}, {}
    for e in edges:
        engine.setdefault(e.parent, []).append(e.index)
    for u in units:
        for e in u.edges:
            grouped.setdefault(e.parent, []).append(e.index)
    assert grouped == engine
    loss.backward()
    for u in units:
        for i in u.inputs:
            assert i.contribution == pytest.approx(u.delta * i.local, rel=1e-12, abs=1e-300)
            if i.final:
                assert i.grad_after == i.value.grad


def test_large_graphs_default_to_neuron_steps():
    from nn import MLP

    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    loss = (model([0.3, -0.7]) - 1.0) ** 2
    # a neuron with k inputs has 3k + 2 edges (k products, one sum, tanh; the linear output 3k + 1), the loss 2
    assert len(backprop_steps(loss, level="edge")) == 8 * (3 * 2 + 2) + 8 * (3 * 8 + 2) + (3 * 8 + 1) + 2 == 299
    steps = backprop_steps(loss)
    assert len(steps) == 18 and steps[0].unit_name == "L"   # L, D0 and 16 hidden units
    with pytest.raises(ValueError, match="level must be 'auto', 'edge' or 'neuron', got 'layer'"):
        backprop_steps(loss, level="layer")


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
    def extend(a, pool):
        if draw(st.booleans()):
            return apply(draw(st.sampled_from(UNARY)), a)
        b = draw(st.sampled_from(pool))  # may be a itself: reuse
        return apply(draw(st.sampled_from(BINARY)), a, b)

    return grow(draw, 4, 25, extend)[0][-1]


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
