"""Gradients accumulate as in PyTorch: a second backward() adds again, a node used many times
gathers one contribution per use, and the seed gradient scales everything."""

import math

import pytest

torch = pytest.importorskip("torch")

from autograd_optable import assert_all_close, leaf  # noqa: E402

from autograd import Value  # noqa: E402


def ours_and_torch(f, *point):
    xs = [Value(p) for p in point]
    ts = [leaf(p) for p in point]
    return xs, f(*xs), ts, f(*ts)


def f(x, y):
    return (x * y).tanh() * x + y.exp() / (x * x + 1)


def test_backward_twice_doubles_like_torch():
    xs, out, ts, t_out = ours_and_torch(f, 0.3, -0.8)
    out.backward()
    once = [x.grad for x in xs]
    out.backward()
    t_out.backward(retain_graph=True)
    t_out.backward()
    assert [x.grad for x in xs] == [2 * g for g in once]
    assert_all_close([(f"x{i}", x.grad, t.grad.item()) for i, (x, t) in enumerate(zip(xs, ts))])
    assert out.grad == 2.0  # the root accumulates its seed too


def test_backward_of_two_outputs_sharing_leaves_adds_up_like_torch():
    xs, out, ts, t_out = ours_and_torch(f, 1.1, 0.2)
    other = xs[0].sin() * xs[1]
    t_other = ts[0].sin() * ts[1]
    out.backward()
    other.backward()
    t_out.backward()
    t_other.backward()
    assert_all_close([(f"x{i}", x.grad, t.grad.item()) for i, (x, t) in enumerate(zip(xs, ts))])


@pytest.mark.parametrize(
    "expression, slope",
    [
        (lambda x: x * x * x, lambda v: 3 * v ** 2),
        (lambda x: x + x + x + x, lambda v: 4.0),
        (lambda x: x * x + x / x - x, lambda v: 2 * v - 1),
        (lambda x: (x * x) * (x * x), lambda v: 4 * v ** 3),
        (lambda x: x ** x, lambda v: v ** v * (math.log(v) + 1)),
        (lambda x: x.sin() * x.cos() + x.exp() * x, lambda v: math.cos(2 * v) + math.exp(v) * (v + 1)),
    ],
    ids=["x*x*x", "x+x+x+x", "x*x+x/x-x", "(x*x)*(x*x)", "x**x", "sin*cos+exp*x"],
)
def test_a_node_used_many_times_accumulates(expression, slope):
    for v in (0.5, 1.7, 3.0):
        x = Value(v)
        expression(x).backward()
        t = leaf(v)
        expression(t).backward()
        assert_all_close([("by hand", x.grad, slope(v)), ("torch", x.grad, t.grad.item())])


def test_a_shared_intermediate_gets_the_sum_of_its_uses():
    x = Value(2.0)
    h = x * 3  # used three times below
    y = h * h + h
    y.backward()
    assert h.grad == 2 * 6.0 + 1.0
    assert x.grad == 3 * h.grad


def test_backward_with_a_seed_scales_every_gradient():
    xs, out, ts, t_out = ours_and_torch(f, 0.6, 0.9)
    out.backward(gradient=2.5)
    t_out.backward(torch.tensor(2.5, dtype=torch.float64))
    assert out.grad == 2.5
    assert_all_close([(f"x{i}", x.grad, t.grad.item()) for i, (x, t) in enumerate(zip(xs, ts))])
    ys, out1, _, _ = ours_and_torch(f, 0.6, 0.9)
    out1.backward()
    assert_all_close([(f"scaled x{i}", x.grad, 2.5 * y.grad) for i, (x, y) in enumerate(zip(xs, ys))])
    x = Value(1.0)
    (x * 3).backward(gradient=2)  # an int seed is a number too
    assert x.grad == 6.0


def test_backward_with_a_value_seed_gives_value_gradients():
    xs, out, ts, t_out = ours_and_torch(f, 0.6, 0.9)
    w = Value(2.5, label="w")
    out.backward(gradient=w)
    assert all(isinstance(x.grad, Value) for x in xs)
    assert_all_close([(f"x{i}", x.grad.data, 2.5 * t) for i, (x, t) in
                      enumerate(zip(xs, torch.autograd.grad(t_out, ts)))])
    # the gradient is linear in the seed, and the seed is part of its graph
    xs[0].grad.backward()
    assert w.grad == pytest.approx(xs[0].grad.data / 2.5, rel=1e-15)


def test_zero_grad_resets_every_node_and_the_next_backward_starts_fresh():
    xs, out, _, _ = ours_and_torch(f, 0.3, -0.8)
    out.backward()
    first = [x.grad for x in xs]
    out.zero_grad()
    assert all(x.grad == 0.0 for x in xs) and out.grad == 0.0
    out.backward()
    assert [x.grad for x in xs] == first


def test_leaf_backward_and_constants():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0
    y = x * 2 + 1
    y.backward()
    constants = [p for p in y.parents[0].parents + y.parents if p.is_constant]
    assert [c.data for c in constants] == [2.0, 1.0]
    assert x.grad == 3.0  # 1 from before, plus 2
