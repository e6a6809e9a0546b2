"""Every op in the table: its value and its first derivative(s) against PyTorch float64, at
many points, kinks and singular points included (PyTorch's conventions: relu'(0) = 0,
abs'(0) = 0, leaky_relu'(0) = slope, sqrt'(0) = inf)."""

import math

import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402
from autograd_optable import (  # noqa: E402
    ROWS,
    VALUE_REL,
    assert_all_close,
    close,
    row_ids,
    torch_gradient,
    torch_value,
)

from autograd import Value, grad, gradcheck, ops, topological_order  # noqa: E402


def every_point(row):
    return row.points() + list(row.edges)


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_value_matches_torch(row):
    pairs = []
    for point in every_point(row):
        out = row.ours(*[Value(p) for p in point])
        assert isinstance(out, Value)
        pairs.append((f"{row.name}{point}", out.data, torch_value(row.ref, point)))
    assert_all_close(pairs, rel=VALUE_REL)


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_first_derivative_by_backward_matches_torch(row):
    pairs = []
    for point in every_point(row):
        xs = [Value(p) for p in point]
        out = row.ours(*xs)
        out.backward()
        assert out.grad == 1.0
        for i, (x, ref) in enumerate(zip(xs, torch_gradient(row.ref, point))):
            pairs.append((f"d{row.name}/dx{i} at {point}", x.grad, ref))
    assert_all_close(pairs)


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_first_derivative_by_grad_matches_torch(row):
    every_input = tuple(range(row.arity))
    pairs = []
    for point in every_point(row):
        ours = grad(row.ours, argnums=every_input)(*point)
        assert type(ours) is tuple and all(type(g) is float for g in ours)
        for i, (g, ref) in enumerate(zip(ours, torch_gradient(row.ref, point))):
            pairs.append((f"d{row.name}/dx{i} at {point}", g, ref))
    assert_all_close(pairs)


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_gradcheck_agrees_on_every_row(row):
    for point in row.points(10):
        if any(abs(p) < 1e-3 for p in point):  # central differences straddle the kinks at 0
            continue
        assert gradcheck(row.ours, *point) is True, (row.name, point)


def test_the_table_covers_every_op():
    """A new op in autograd.ops without a row here fails this test."""
    covered = set()
    for row in ROWS:
        point = row.points(2)[0]
        covered |= {node.op for node in topological_order(row.ours(*[Value(p) for p in point]))}
    assert set(ops.OPS) | {"leaky_relu"} <= covered


@pytest.mark.parametrize(
    "f, x, value, slope",
    [
        (lambda x: x.relu(), 0.0, 0.0, 0.0),
        (lambda x: x.relu(), -0.0, 0.0, 0.0),
        (lambda x: x.abs(), 0.0, 0.0, 0.0),
        (lambda x: x.leaky_relu(), 0.0, 0.0, 0.01),
        (lambda x: x.leaky_relu(0.2), 0.0, 0.0, 0.2),
        (lambda x: x.leaky_relu(), -2.0, -0.02, 0.01),
        (lambda x: x.sqrt(), 0.0, 0.0, math.inf),
        (lambda x: x ** 0.5, 0.0, 0.0, math.inf),
        (lambda x: x ** 0, 0.0, 1.0, 0.0),  # x^0 = 1 everywhere, so the slope is 0, not 0 * inf
        (lambda x: x ** 1, 0.0, 0.0, 1.0),
        (lambda x: x ** 2.5, 0.0, 0.0, 0.0),
        (lambda x: x.softplus(), 0.0, math.log(2), 0.5),
        (lambda x: x.sigmoid(), 0.0, 0.5, 0.25),
        (lambda x: x.tanh(), 0.0, 0.0, 1.0),
    ],
    ids=["relu", "relu-0", "abs", "leaky_relu", "leaky_relu_0.2", "leaky_relu_neg", "sqrt", "x**0.5", "x**0",
         "x**1", "x**2.5", "softplus", "sigmoid", "tanh"],
)
def test_kinks_and_singular_points_by_hand(f, x, value, slope):
    v = Value(x)
    y = f(v)
    y.backward()
    assert y.data == value
    assert v.grad == slope


@pytest.mark.parametrize(
    "x, y, dx, dy",
    [
        (0.0, 2.0, 0.0, 0.0),  # d/dy x^y = x^y log x, which PyTorch takes as 0 at x = 0, y >= 0
        (0.0, 0.0, 0.0, 0.0),
        (0.0, 1.0, 1.0, 0.0),
        (2.0, 0.0, 0.0, math.log(2.0)),
        (-2.0, 3.0, 12.0, math.nan),  # no real log of a negative base
    ],
)
def test_pow_with_value_exponent_by_hand(x, y, dx, dy):
    for inputs in ((x, y), (Value(x), Value(y))):  # plain backward, and the create_graph path
        gx, gy = grad(lambda a, b: a ** b, argnums=(0, 1))(*inputs)
        assert close(float(gx), dx) and close(float(gy), dy), (inputs, gx, gy)


def test_softplus_matches_torch_functional_softplus():
    """F.softplus returns x itself above its threshold of 20 (slope exactly 1); ours keeps the exact
    log(1 + e^x), which is x + e^-x there: the two differ by less than e^-20 ~ 2e-9, relative."""
    points = [k / 4 for k in range(-160, 161)] + [25.0, 40.0, 100.0, 700.0, -100.0, -700.0]
    pairs = []
    for x in points:
        v = Value(x)
        y = v.softplus()
        y.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        ref = F.softplus(t)
        (slope,) = torch.autograd.grad(ref, t)
        pairs += [(f"softplus({x})", y.data, float(ref.detach())), (f"softplus'({x})", v.grad, float(slope))]
    assert_all_close(pairs, rel=math.exp(-20))


def test_softplus_is_stable_far_out():
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(-30.0).softplus().data == pytest.approx(math.exp(-30.0), rel=1e-12)


def test_sigmoid_is_stable_far_out():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    x = Value(-745.0)
    x.sigmoid().backward()
    assert x.grad == pytest.approx(math.exp(-745.0), abs=1e-320)


def test_local_derivatives_are_the_table_rules():
    a, b = Value(3.0), Value(4.0)
    assert (a * b).local_derivatives() == (4.0, 3.0)
    assert (a / b).local_derivatives() == (0.25, -3.0 / 16.0)
    assert (a ** b).local_derivatives() == (4.0 * 27.0, 81.0 * math.log(3.0))
    assert a.tanh().local_derivatives() == (1.0 - math.tanh(3.0) ** 2,)
    assert a.local_derivatives() == ()
