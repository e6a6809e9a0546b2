"""count_evaluations: forward mode's n passes against reverse mode's one, counted as they run."""

from __future__ import annotations

import pytest

from autograd import Value, count_evaluations, topological_order
from nn import MLP, losses


def edges(root):
    """Local derivatives one pass needs, counted independently: edges from non-constant inputs."""
    return sum(1 for v in topological_order(root) for p in v.parents if not p.is_constant)


def test_counts_on_a_neuron_by_hand():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = (x * w + b).tanh() * 2 + x  # x*w: 2, +b: 2, tanh: 1, *2: 1, +x: 2
    c = count_evaluations(y)
    assert (c.inputs, c.edges, c.forward, c.reverse) == (3, 8, 24, 8)
    assert (c.forward_passes, c.reverse_passes, c.ratio) == (3, 1, 3.0)
    assert c.edges == edges(y)
    y.backward()
    assert c.reverse_gradient == (x.grad, w.grad, b.grad)
    assert c.forward_gradient == pytest.approx(c.reverse_gradient, rel=1e-15)
    assert str(c) == ("forward mode: 3 passes x 8 local derivatives = 24\n"
                      "reverse mode: 1 pass x 8 local derivatives = 8")


@pytest.mark.parametrize("sizes", [[3, 1], [4, 4, 1], [16, 16, 1]])
def test_mlp_loss_forward_needs_one_pass_per_parameter(sizes):
    model = MLP(2, sizes, activation="tanh", seed=0)
    loss = losses.mse(model([0.5, -1.0]), 1.0)
    params = model.parameters()
    c = count_evaluations(loss, wrt=params)
    # a neuron with k inputs: k products (2 local derivatives each), one sum of its bias and the
    # k products (k + 1), its tanh (1); the linear output neuron has no activation; the loss
    # (o - 1)**2 has 2 more
    fan_in = [2] + sizes[:-1]
    expected = sum(n * (3 * k + 2) for n, k in zip(sizes, fan_in)) - 1 + 2
    assert c.edges == c.reverse == edges(loss) == expected
    assert c.inputs == len(params) and c.forward == len(params) * c.edges
    loss.backward()
    assert c.reverse_gradient == tuple(p.grad for p in params)
    assert c.forward_gradient == pytest.approx(c.reverse_gradient, rel=1e-12, abs=1e-15)
    # the inputs x0, x1 are leaves too: by default they count as inputs
    assert count_evaluations(loss).inputs == len(params) + 2


def test_constants_seen_as_values_do_not_change_the_count():
    x = Value(1.5, label="x")
    y = x * 2 + 3
    before = count_evaluations(y)
    assert y.parents[1].is_constant  # looking turns the numbers into constant Values
    topological_order(y)
    assert count_evaluations(y) == before and before.edges == 2


def test_no_grad_is_changed():
    x = Value(1.0)
    x.grad = 5.0
    count_evaluations(x * x)
    assert x.grad == 5.0


def test_bad_arguments():
    x = Value(1.0, label="x")
    y = x * x
    with pytest.raises(TypeError, match=r"count_evaluations\(\) needs a Value, got float"):
        count_evaluations(1.0)
    with pytest.raises(TypeError, match=r"wrt must be a list of Values, got one Value"):
        count_evaluations(y, wrt=x)
    with pytest.raises(TypeError, match=r"wrt\[0\] must be a Value, got int"):
        count_evaluations(y, wrt=[1])
    with pytest.raises(ValueError, match=r"wrt\[0\]='z' is not in the graph"):
        count_evaluations(y, wrt=[Value(2.0, label="z")])
    with pytest.raises(ValueError, match=r"the same Value twice"):
        count_evaluations(y, wrt=[x, x])
    with pytest.raises(ValueError, match=r"found no input"):
        count_evaluations(Value(1.0) * 0 + 2, wrt=[])
