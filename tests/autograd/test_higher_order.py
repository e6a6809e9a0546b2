"""Derivatives of order 2, 3 and 4 against PyTorch float64 (nested torch.autograd.grad with
create_graph=True), computed two ways: by composing grad() and by repeated
backward(create_graph=True). Plus grad()'s calling conventions."""

import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from autograd_optable import (  # noqa: E402
    BINARY,
    METHODS,
    UNARY,
    assert_all_close,
    assert_derivatives_match_torch,
    row_ids,
    torch_derivative,
)

from autograd import Value, grad  # noqa: E402

#: Partial-derivative paths for two inputs: every one of order 2 and 3, and a few of order 4.
BINARY_PATHS = [p for k in (2, 3) for p in itertools.product((0, 1), repeat=k)] + [
    (0, 0, 0, 0), (1, 1, 1, 1), (0, 1, 0, 1), (1, 0, 0, 1),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("order", [2, 3, 4])
@pytest.mark.parametrize("row", UNARY, ids=row_ids(UNARY))
def test_unary_higher_derivatives_match_torch(row, order, method):
    assert_derivatives_match_torch(row, method, row.points(12), [(0,) * order])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", BINARY, ids=row_ids(BINARY))
def test_binary_mixed_partials_match_torch(row, method):
    assert_derivatives_match_torch(row, method, row.points(8), BINARY_PATHS)


# Mixed expressions: every op feeds another, inputs are reused, and the exponent is a Value.
EXPRESSIONS = {
    "x*sin(y) + exp(x)/y": lambda x, y: x * y.sin() + x.exp() / y,
    "tanh(x**y) * log(x + 1)": lambda x, y: (x ** y).tanh() * (x + 1).log(),
    "sqrt(sigmoid(x*y) + softplus(x))": lambda x, y: ((x * y).sigmoid() + x.softplus()).sqrt(),
    "2**(x*y) - cos(x)/(1 + y*y)": lambda x, y: 2 ** (x * y) - x.cos() / (1 + y * y),
    "(x - y)**3 + relu(x)*abs(y) - leaky_relu(-x*y)": lambda x, y: (x - y) ** 3 + x.relu() * y.abs() - (
        -x * y).leaky_relu(0.1),
    "exp(-x*x)*y**2.5 / x": lambda x, y: (-x * x).exp() * y ** 2.5 / x,
}
TORCH_EXPRESSIONS = {
    "x*sin(y) + exp(x)/y": lambda x, y: x * y.sin() + x.exp() / y,
    "tanh(x**y) * log(x + 1)": lambda x, y: (x ** y).tanh() * (x + 1).log(),
    "sqrt(sigmoid(x*y) + softplus(x))": lambda x, y: ((x * y).sigmoid() + torch.log1p(x.exp())).sqrt(),
    "2**(x*y) - cos(x)/(1 + y*y)": lambda x, y: 2 ** (x * y) - x.cos() / (1 + y * y),
    "(x - y)**3 + relu(x)*abs(y) - leaky_relu(-x*y)": lambda x, y: (x - y) ** 3 + x.relu() * y.abs() - (
        torch.nn.functional.leaky_relu(-x * y, 0.1)),
    "exp(-x*x)*y**2.5 / x": lambda x, y: (-x * x).exp() * y ** 2.5 / x,
}
EXPRESSION_POINTS = [(0.7, 1.3), (1.9, 0.4), (0.25, 2.2), (1.1, 1.1)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", EXPRESSIONS)
def test_mixed_expressions_up_to_fourth_order_match_torch(name, method):
    paths = [p for k in (1, 2, 3, 4) for p in itertools.product((0, 1), repeat=k)]
    pairs = [
        (f"d{path} at {point}", METHODS[method](EXPRESSIONS[name], point, path),
         torch_derivative(TORCH_EXPRESSIONS[name], point, path))
        for point in EXPRESSION_POINTS
        for path in paths
    ]
    assert_all_close(pairs)


# --- grad()'s conventions ----------------------------------------------------------------------

def test_grad_of_cube_by_hand():
    def f(x):
        return x ** 3

    assert grad(f)(2.0) == 12.0
    assert grad(grad(f))(2.0) == 12.0
    assert grad(grad(grad(f)))(2.0) == 6.0
    assert grad(grad(grad(grad(f))))(2.0) == 0.0
    assert grad(grad(grad(grad(f))))(0.0) == 0.0  # x^3 -> 3x^2 -> 6x -> 6 -> 0, even at 0


def test_floats_in_float_out():
    out = grad(lambda x: x.sin())(0.5)
    assert type(out) is float and out == math.cos(0.5)
    assert type(grad(lambda x: x * 2)(3)) is float  # an int is a number too


def test_values_in_value_out_and_differentiable():
    x = Value(0.5)
    g = grad(lambda v: v.sin())(x)
    assert isinstance(g, Value) and g.data == math.cos(0.5)
    g.backward()
    assert x.grad == pytest.approx(-math.sin(0.5), rel=1e-15)  # d/dx cos x, through g's graph


def test_grad_never_touches_dot_grad():
    x = Value(1.5)
    x.grad = 7.0
    grad(lambda v: v * v * v)(x)
    assert x.grad == 7.0


def test_argnums_tuple_gives_a_tuple_of_partials():
    def f(x, y, z):
        return x * y.sin() + x.exp() / y + 0 * z

    x, y, z = 0.3, 1.7, 5.0
    dx, dy = grad(f, argnums=(0, 1))(x, y, z)
    assert dx == pytest.approx(math.sin(y) + math.exp(x) / y, rel=1e-15)
    assert dy == pytest.approx(x * math.cos(y) - math.exp(x) / y ** 2, rel=1e-15)
    assert grad(f, argnums=(1, 0, 2))(x, y, z) == (dy, dx, 0.0)
    assert grad(f, argnums=[0, 1])(x, y, z) == (dx, dy)  # any sequence of ints
    assert grad(f, argnums=(-3, -2))(x, y, z) == (dx, dy)
    assert grad(lambda x, y: x * y, argnums=(1,))(x, y) == (x,)  # a 1-tuple stays a tuple
    assert grad(lambda x, y: x * y, argnums=-1)(x, y) == x
    both = grad(f, argnums=(0, 1))(Value(x), Value(y), z)
    assert type(both) is tuple and all(isinstance(g, Value) for g in both)
    assert [g.data for g in both] == [dx, dy]


def test_mixed_partial_by_composing_argnums():
    def f(x, y):
        return x * x * y

    assert grad(grad(f, argnums=0), argnums=1)(3.0, 4.0) == 6.0  # d/dy (2xy) = 2x
    assert grad(grad(f, argnums=1), argnums=0)(3.0, 4.0) == 6.0  # d/dx (x^2) = 2x
    assert grad(grad(f, argnums=0), argnums=0)(3.0, 4.0) == 8.0  # 2y


def test_grad_of_a_function_that_ignores_its_input_is_zero():
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert grad(lambda x, y: y * 2, argnums=0)(1.0, Value(2.0)).data == 0.0
    assert grad(grad(lambda x: x * 2))(1.0) == 0.0


def test_grad_rejects_bad_arguments():
    with pytest.raises(TypeError, match=r"grad\(\) f must be a function, got int"):
        grad(3)
    with pytest.raises(TypeError, match=r"argnums must be an int or a non-empty tuple of ints"):
        grad(lambda x: x, argnums=())
    with pytest.raises(TypeError, match=r"argnums"):
        grad(lambda x: x, argnums=(0.5,))
    with pytest.raises(ValueError, match=r"argnums 2 is out of range for 2 argument\(s\)"):
        grad(lambda x, y: x, argnums=2)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"grad\(\) argument 0 needs an int or float, got str"):
        grad(lambda x: x)("a")
    with pytest.raises(TypeError, match=r"needs f to return a Value or a number, got str"):
        grad(lambda x: "x")(1.0)


# --- backward(create_graph=True) --------------------------------------------------------------

def test_create_graph_makes_grad_a_value_that_can_be_differentiated():
    x = Value(2.0, label="x")
    y = x ** 3
    y.backward(create_graph=True)
    dx = x.grad
    assert isinstance(dx, Value) and dx.data == 12.0
    x.grad = 0.0
    dx.backward(create_graph=True)
    d2x = x.grad
    assert isinstance(d2x, Value) and d2x.data == 12.0
    x.grad = 0.0
    d2x.backward()
    assert x.grad == 6.0


def test_create_graph_gives_values_even_for_constant_derivatives():
    for f, slope in ((lambda v: v.relu(), 1.0), (lambda v: v + 1, 1.0), (lambda v: -v, -1.0), (lambda v: 3 * v, 3.0)):
        x = Value(2.0)
        f(x).backward(create_graph=True)
        assert isinstance(x.grad, Value) and x.grad.data == slope
        x.grad.backward()  # a constant: nothing flows back, but it is allowed


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_create_graph_matches_torch_when_grads_accumulate():
    """Like PyTorch, a second backward(create_graph=True) adds to the Value already in x.grad."""
    x = Value(0.8)
    y = x.sin() * x
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    t = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    ty = t.sin() * t
    ty.backward(create_graph=True)
    ty.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert x.grad.data == pytest.approx(float(t.grad.detach()), rel=1e-15)
    g = x.grad
    x.grad = 0.0
    g.backward()
    (tg,) = torch.autograd.grad(t.grad, t)
    assert x.grad == pytest.approx(float(tg), rel=1e-12)


def test_grad_turns_every_number_argument_into_a_value():
    # y is not differentiated but f calls a Value method on it
    f = lambda x, y: x * y.sin()  # noqa: E731
    assert grad(f)(1.0, 2.0) == math.sin(2.0)
    assert grad(f, argnums=1)(1.5, 2.0) == 1.5 * math.cos(2.0)
    # non-numbers pass through untouched
    g = lambda x, scale: x * scale[0]  # noqa: E731
    assert grad(g)(3.0, [4.0]) == 4.0
