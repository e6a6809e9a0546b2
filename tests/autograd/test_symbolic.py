"""to_sympy against the engine: SymPy's own derivative of the graph, evaluated at the leaves,
is the number backward() puts in .grad, for random functions over every op of the op-test table,
first and second order."""

from __future__ import annotations

import math

import pytest

sympy = pytest.importorskip("sympy")
pytest.importorskip("torch")  # the op-test rows carry torch references

from autograd_optable import ROWS, row_ids  # noqa: E402
from autograd_programs import point, program  # noqa: E402

from autograd import Value, grad, ops, to_sympy  # noqa: E402
from autograd.symbolic import SYMPY_RULES, expression_size, symbols_of  # noqa: E402

REL = 1e-12


def evaluate(expr, at):
    """expr at the point ``at`` ({symbol: number}), in 30-digit arithmetic (mpmath: fast, unlike
    evalf on big trees), so that the reference itself carries no float rounding."""
    import mpmath

    names = list(at)
    with mpmath.workdps(30):
        # |x|'' = 2 DiracDelta(x): 0 away from the kink, where the random points are
        modules = [{"DiracDelta": lambda *args: 0}, "mpmath"]
        return float(sympy.lambdify(names, expr, modules)(*[mpmath.mpf(float(at[n])) for n in names]))


def test_every_op_of_the_table_has_a_sympy_formula():
    missing = (set(ops.OPS) | set(ops.FAMILIES)) - set(SYMPY_RULES)
    assert not missing, f"add a SymPy formula for {sorted(missing)} to SYMPY_RULES in autograd/symbolic.py"


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_symbolic_gradient_is_dot_grad(row):
    prog = program(row, 2, length=4)
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(point(2, prog.inputs))]
    out = prog.ours(*xs)
    out.backward()
    expr = to_sympy(out)
    symbols = symbols_of(out)
    at = {symbols[x]: sympy.Float(x.data, 40) for x in xs if x in symbols}
    assert evaluate(expr, at) == pytest.approx(out.data, rel=REL)
    for x in xs:
        if x not in symbols:  # an input the program never used
            assert x.grad == 0.0
            continue
        assert str(symbols[x]) == x.label
        d = evaluate(sympy.diff(expr, symbols[x]), at)
        assert d == pytest.approx(x.grad, rel=1e-11, abs=1e-13), f"d/d{x.label} of {prog}"


@pytest.mark.parametrize("row", ROWS[::4], ids=row_ids(ROWS[::4]))
def test_symbolic_second_derivative_is_grad_of_grad(row):
    prog = program(row, 4, inputs=1, length=2)
    (x0,) = point(4, 1)
    x = Value(x0, label="x")
    expr = to_sympy(prog.ours(x))
    X = sympy.Symbol("x", real=True)  # (x may cancel out, as in x**0: then both sides are 0)
    second = evaluate(sympy.diff(expr, X, 2), {X: sympy.Float(x0, 40)})
    assert second == pytest.approx(grad(grad(prog.ours))(x0), rel=1e-10, abs=1e-12)


def test_names_constants_and_kinks():
    x, w = Value(0.0, label="x"), Value(2.0, label="w")
    y = (x * w).relu() + (x - 1).abs() * 0.5 + x.leaky_relu(0.1)
    y.backward()
    expr = to_sympy(y)
    X, W = sympy.symbols("x w", real=True)
    assert expr.free_symbols == {X, W}
    dx = sympy.diff(expr, X).subs({X: 0, W: 2})
    # relu'(0) = 0, |x - 1|' = -1 times 0.5, leaky_relu'(0) = 0.1: PyTorch's conventions, as .grad
    assert float(dx) == pytest.approx(x.grad) and x.grad == pytest.approx(-0.5 + 0.1)


def test_unlabelled_and_duplicate_labels_get_the_names_other_views_use():
    a, b = Value(1.0, label="a"), Value(2.0, label="a")
    c = Value(3.0)
    expr = to_sympy(a * b + c)
    assert sorted(map(str, expr.free_symbols)) == ["a", "a#2", "v3"]


def test_expression_swell_counts_repeated_subexpressions():
    x = Value(0.5, label="x")
    h = x
    for _ in range(10):
        h = h * h + h  # the graph gains 2 nodes a level; the written formula doubles
    assert expression_size(to_sympy(h)) > 2 ** 10
    X = sympy.Symbol("x")
    assert expression_size(X * sympy.sin(X)) == 4


def test_errors_name_the_function():
    with pytest.raises(TypeError, match=r"to_sympy\(\) needs a Value, got float: 1.0"):
        to_sympy(1.0)
    with pytest.raises(TypeError, match=r"symbols_of\(\) needs a Value, got str"):
        symbols_of("x")


def test_a_leaf_alone_and_math_constants():
    x = Value(2.0, label="x")
    assert to_sympy(x) == sympy.Symbol("x", real=True)
    assert to_sympy(x * 0.1).args[0] == sympy.Float(0.1, 17)
    assert math.isclose(float(to_sympy((x * 0.1).exp()).subs(sympy.Symbol("x", real=True), 2)), math.exp(0.2))
