"""Forward mode (jvp, jacobian, hessian, tangents) against PyTorch float64 on random functions
over every op of the op-test table: torch.func.jvp, torch.func.jacrev,
torch.autograd.functional.hessian, and nested jvp/grad for higher orders."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from autograd_optable import ROWS, close, row_ids  # noqa: E402
from autograd_programs import point, program  # noqa: E402

from autograd import Value, grad, hessian, jacobian, jvp, no_grad, tangents  # noqa: E402

#: The issue's bar: forward mode equals torch to 1e-12, relative.
REL = 1e-12
SEEDS = (0, 1)


def t64(x):
    return torch.tensor(float(x), dtype=torch.float64)


def assert_close(what, ours, ref, rel=REL):
    ours, ref = float(ours), float(ref)
    # abs slack only for results that are zero up to rounding of terms of size ~1
    assert close(ours, ref, rel=rel, abs_tol=1e-13), f"{what}: ours {ours!r}, torch {ref!r}"


def direction(seed, n):
    rng = random.Random(f"tangent-{seed}")
    return tuple(rng.uniform(-1.0, 1.0) for _ in range(n))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_jvp_matches_torch_func_jvp(row, seed):
    prog = program(row, seed)
    x, v = point(seed, prog.inputs), direction(seed, prog.inputs)
    value, tangent = jvp(prog.ours, x, v)
    assert type(value) is float and type(tangent) is float
    ref_value, ref_tangent = torch.func.jvp(prog.ref, tuple(map(t64, x)), tuple(map(t64, v)))
    assert_close(f"value of {prog}", value, ref_value)
    assert_close(f"jvp of {prog}", tangent, ref_tangent)


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_jacobian_matches_torch_jacrev(row):
    prog = program(row, 7)
    x = point(7, prog.inputs)
    ours = jacobian(prog.ours_vector)(*x)
    ref = torch.func.jacrev(prog.ref_vector, argnums=tuple(range(prog.inputs)))(*map(t64, x))
    assert len(ours) == len(prog.outputs) and all(len(r) == prog.inputs for r in ours)
    for i, row_ in enumerate(ours):
        for j, entry in enumerate(row_):
            assert_close(f"J[{i}][{j}] of {prog}", entry, ref[i][j])


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_hessian_matches_torch_functional_hessian(row):
    prog = program(row, 3)
    x = point(3, prog.inputs)
    ours = hessian(prog.ours)(*x)
    ref = torch.autograd.functional.hessian(prog.ref, tuple(map(t64, x)))
    for i in range(prog.inputs):
        for j in range(prog.inputs):
            assert_close(f"H[{i}][{j}] of {prog}", ours[i][j], ref[i][j])


def torch_nth(f, x, n):
    """d^n f/dx^n of a one-argument f at x by nested torch.func.jvp."""
    g = f
    for _ in range(n):
        g = (lambda h: lambda y: torch.func.jvp(h, (y,), (t64(1.0),))[1])(g)
    return float(g(t64(x)))


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_third_order_by_every_composition(row):
    """jvp∘jvp∘jvp, jvp∘grad∘jvp and grad∘jvp∘grad all give torch's third derivative."""
    prog = program(row, 5, inputs=1, length=4)
    (x,) = point(5, 1)

    def fwd(f):
        return lambda y: jvp(f, (y,), (1.0,))[1]

    expected = torch_nth(prog.ref, x, 3)
    for name, third in (("fff", fwd(fwd(fwd(prog.ours)))), ("fbf", fwd(grad(fwd(prog.ours)))),
                        ("bfb", grad(fwd(grad(prog.ours)))), ("bbf", grad(grad(fwd(prog.ours))))):
        assert_close(f"{name} third derivative of {prog}", third(x), expected)


def test_jvp_of_a_hand_derived_function():
    f = lambda x, y: x * y.exp() + x.sin()  # noqa: E731
    value, d = jvp(f, (0.5, 2.0), (1.0, -1.0))
    assert value == 0.5 * math.exp(2.0) + math.sin(0.5)
    assert d == pytest.approx(math.exp(2.0) + math.cos(0.5) - 0.5 * math.exp(2.0), rel=1e-15)


def test_jvp_equals_the_backward_gradient_along_every_axis():
    prog = program(ROWS[0], 11)
    x = point(11, prog.inputs)
    xs = [Value(v) for v in x]
    out = prog.ours(*xs)
    out.backward()
    for i in range(prog.inputs):
        e = tuple(1.0 if j == i else 0.0 for j in range(prog.inputs))
        assert jvp(prog.ours, x, e)[1] == pytest.approx(xs[i].grad, rel=1e-14)


def test_tangents_of_a_graph_one_has_and_the_counter():
    x, w, b = Value(0.5, label="x"), Value(-2.0, label="w"), Value(0.1, label="b")
    y = (x * w + b).tanh() * 3
    counter = [0]
    t = tangents(y, {x: 1.0}, counter)
    y.backward()
    assert t[y] == pytest.approx(x.grad, rel=1e-15)
    assert t[x] == 1.0 and t[w] == 0.0 and t[b] == 0.0
    assert counter == [6]  # x*w: 2 local derivatives, +b: 2, tanh: 1, *3: 1 (3 is a number, not an input)


def test_values_in_values_out_and_differentiable():
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    value, d = jvp(lambda a, b: a * b.sin(), (x, y), (1.0, 0.0))
    assert isinstance(value, Value) and isinstance(d, Value)
    assert d.data == math.sin(2.0)
    d.backward()  # d/dy of (df/dx = sin y) is cos y
    assert y.grad == pytest.approx(math.cos(2.0), rel=1e-15) and x.grad == 0.0


def test_tuple_outputs_and_constant_outputs():
    values, ds = jvp(lambda a, b: (a * b, b.exp(), 3.0), (2.0, 0.0), (1.0, 1.0))
    assert values == (0.0, 1.0, 3.0) and ds == (2.0, 1.0, 0.0)
    assert jvp(lambda a: 7, (1.0,), (1.0,)) == (7.0, 0.0)
    assert jvp(lambda a: a, (1.5,), (2.0,)) == (1.5, 2.0)
    assert jvp(lambda a, b: a * b, (3.0, 4.0), (0.0, 0.0)) == (12.0, 0.0)


def test_every_argument_is_its_own_input_as_in_torch():
    x = Value(3.0)
    _, d = jvp(lambda a, b: a * b, (x, x), (1.0, 0.0))
    assert d.data == 3.0  # d/da (a * b) = b, although a and b are both x
    _, d = jvp(lambda a: a * x, (x,), (1.0,))
    assert d.data == 3.0  # x captured by f is a constant to jvp
    # perturbation confusion: d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1
    inner = lambda x: x * jvp(lambda y: x + y, (x,), (1.0,))[1]  # noqa: E731
    assert jvp(inner, (2.0,), (1.0,)) == (2.0, 1.0)
    assert grad(inner)(2.0) == 1.0


def test_jvp_works_inside_no_grad():

    with no_grad():
        assert jvp(lambda a: a * a, (3.0,), (1.0,)) == (9.0, 6.0)
        assert hessian(lambda a, b: a * a * b)(1.0, 2.0) == [[4.0, 2.0], [2.0, 0.0]]


def test_jacobian_and_hessian_argnums():
    f = lambda x, y, z: x * y * z + x.sin()  # noqa: E731
    full = jacobian(f)(1.0, 2.0, 3.0)
    assert full == [6.0 + math.cos(1.0), 3.0, 2.0]
    assert jacobian(f, argnums=(2, 0))(1.0, 2.0, 3.0) == [2.0, full[0]]
    assert jacobian(f, argnums=-1)(1.0, 2.0, 3.0) == 2.0
    h = hessian(f)(1.0, 2.0, 3.0)
    assert h == [[-math.sin(1.0), 3.0, 2.0], [3.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    assert hessian(f, argnums=(1, 2))(1.0, 2.0, 3.0) == [[0.0, 1.0], [1.0, 0.0]]
    assert hessian(f, argnums=0)(1.0, 2.0, 3.0) == -math.sin(1.0)
    hv = hessian(f)(Value(1.0), Value(2.0), Value(3.0))
    assert all(isinstance(e, Value) for row in hv for e in row)
    assert [[e.data for e in row] for row in hv] == h


def test_bad_arguments_name_the_function_and_the_value():
    with pytest.raises(TypeError, match=r"jvp\(\) needs a function, got int"):
        jvp(3, (1.0,), (1.0,))
    with pytest.raises(TypeError, match=r"jvp\(\) primals must be a tuple .* got float: 1.0"):
        jvp(lambda x: x, 1.0, (1.0,))
    with pytest.raises(TypeError, match=r"jvp\(\) tangents\[0\] needs an int or float, got str: 'a'"):
        jvp(lambda x: x, (1.0,), ("a",))
    with pytest.raises(ValueError, match=r"one tangent per primal, got 2 primals and 1 tangents"):
        jvp(lambda x, y: x, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match=r"jvp\(\) needs f to return Values or numbers, got str"):
        jvp(lambda x: "x", (1.0,), (1.0,))
    with pytest.raises(TypeError, match=r"jacobian\(\) argument 1 needs an int or float, got list"):
        jacobian(lambda x, y: x)(1.0, [2.0])
    with pytest.raises(ValueError, match=r"hessian\(\) argnums 3 is out of range for 2 argument"):
        hessian(lambda x, y: x, argnums=3)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"hessian\(\) argnums must be an int or a non-empty tuple"):
        hessian(lambda x: x, argnums=())
    with pytest.raises(ValueError, match=r"jacobian\(\) needs at least one argument"):
        jacobian(lambda: 1.0)()
    with pytest.raises(TypeError, match=r"tangents\(\) seeds keys must be Values, got float"):
        tangents(Value(1.0), {1.0: 1.0})
    with pytest.raises(TypeError, match=r"tangents\(\) needs a Value, got float"):
        tangents(1.0, {})
