"""Every interpreter of the op table knows every op the table has.

One row in ``autograd/ops.py`` feeds the float pass, the Value pass (any order), the compiled
tape, the NumPy batched engine, the ``chainrule`` command's parser, the pictures, the
explanations and the SymPy translation. These tests walk the table (every fixed op and a typical row of every
parametrised family) and run each op through each interpreter, so a new row that one of them
cannot handle fails here, naming the op and the interpreter.
"""

from __future__ import annotations

import math
import re
from typing import Any, List, Tuple

import pytest
from autograd_optable import ROWS, assert_all_close

from autograd import Value, backprop, compile, explain, grad, ops
from autograd.steps import local_rule
from autograd.tapegen import INLINE_NAMES

np = pytest.importorskip("numpy")

from autograd.batched import compile_batched  # noqa: E402

#: (the op-test table's row name, the op row, the number for a family or None)
CASES: List[Tuple[str, ops.Op, Any]] = [(name, op, None) for name, op in ops.OPS.items()] + [
    (name, family.make(family.example), family) for name, family in ops.FAMILIES.items()
]
IDS = [name if family is None else f"{name}(family)" for name, _, family in CASES]
ROW = {row.name: row for row in ROWS}


def point(name: str, op: ops.Op) -> Tuple[float, ...]:
    """A point inside the op-test table's safe domain for the op (off any kink)."""
    assert name in ROW, f"op {name!r} has no row in the op-test table (tests/autograd/autograd_optable.py)"
    domain = ROW[name].domain
    if op.arity == 1 and len(domain) == 2:  # a family row such as x ** 3 takes one input
        domain = domain[:1]
    return tuple(lo + (hi - lo) * (0.37 + 0.21 * k) for k, (lo, hi) in enumerate(domain))


def apply(op: ops.Op, family: Any, xs: List[Any]) -> Any:
    """The op on Values, through the ``Value`` method its row names."""
    extra = [family.example] if family is not None else []
    return getattr(xs[0], op.method)(*xs[1:], *extra)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_float_pass(name, op, family):
    xs = point(name, op)
    out = op.forward(*xs)
    assert type(out) is float
    local = op.local(out, *xs)
    arity = len(xs) if op.arity == ops.VARIADIC else op.arity
    assert len(local) == arity and all(isinstance(d, float) for d in local)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_value_pass_to_second_order(name, op, family):
    xs = point(name, op)
    out = apply(op, family, [Value(x) for x in xs])
    assert out._fn is op, f"Value.{op.method} does not apply the row {name!r}"
    assert out.data == op.forward(*xs)
    first = grad(lambda *v: apply(op, family, list(v)), argnums=tuple(range(len(xs))))(*xs)
    first = first if isinstance(first, tuple) else (first,)
    assert first == op.local(out.data, *xs)
    second = grad(grad(lambda *v: apply(op, family, list(v))))(*xs)
    assert isinstance(second, float)


def graph(name: str, op: ops.Op, family: Any) -> Tuple[Value, List[Value], Value, Tuple[float, ...]]:
    """The op applied to ``p * t`` for parameters p at the point and an input t = 1."""
    xs = point(name, op)
    params = [Value(x, label=f"p{k}") for k, x in enumerate(xs)]
    t = Value(1.0, label="t")
    return apply(op, family, [p * t for p in params]), params, t, xs


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_compiled_tape(name, op, family):
    out, params, _, _ = graph(name, op, family)
    want = backprop(out)
    tape = compile(out)
    assert tape.forward() == out.data
    tape.backward()
    assert [p.grad for p in params] == [want[p] for p in params]


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_batched_engine(name, op, family):
    out, params, t, _ = graph(name, op, family)
    want = backprop(out)
    tape = compile_batched(out, [t])
    assert tape.forward([[1.0], [1.0]]).tolist() == [out.data, out.data]
    tape.backward(0.5)
    for p in params:
        assert math.isclose(p.grad, want[p], rel_tol=1e-14, abs_tol=1e-300), (name, p.label)


def _expression(op: ops.Op, family: Any, names: List[str]) -> str:
    if op.is_function:
        return f"{op.name}({', '.join(names)}{f', {family.example}' if family is not None else ''})"
    if family is not None:  # a number written into an operator: x ** 3
        return f"{names[0]} {op.symbol.rstrip('0123456789.-e')} {family.example}"
    if op.arity == 2:
        return f"{names[0]} {op.symbol} {names[1]}"
    return {"__neg__": "-{0}"}[op.method].format(*names)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_command_line_parser(name, op, family):
    from autograd.expr import evaluate

    xs = point(name, op)
    names = [f"x{k}" for k in range(len(xs))]
    text = _expression(op, family, names)
    out, _ = evaluate(text, dict(zip(names, xs)))
    assert out._fn is op, f"the chainrule command reads {text!r} as {out.op!r}, not {name!r}"
    assert out.data == op.forward(*xs)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_pictures(name, op, family):
    from viz import draw_graph
    from viz._render import html_text

    out, _, _, _ = graph(name, op, family)
    source = draw_graph(out).source
    shown = re.findall(r'^\s*op\d+ \[label=("[^"]*"|\S+) ', source, re.MULTILINE)[-1].strip('"')
    assert shown == html_text(op.label), (name, shown)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_explanations(name, op, family):
    arity = len(point(name, op)) if op.arity == ops.VARIADIC else op.arity
    assert len(op.formula) == arity or op.arity == ops.VARIADIC, f"{name}: one derivative formula per input"
    out, params, _, _ = graph(name, op, family)
    for k in range(arity):
        assert local_rule(out, k).split(" = ", 1)[1], (name, k)
    text = explain(out)
    edges = [line for line in text.splitlines() if " += " in line]
    assert len(edges) == 3 * arity  # one line per edge: op <- p*t, then p*t <- p and t
    for k in range(arity):  # each op edge shows its local derivative's formula (a number is shown once)
        rule = local_rule(out, k).split(" = ", 1)[1]
        assert rule in edges[k] or rule.replace("−", "-").lstrip("-").replace(".", "", 1).isdigit(), (edges[k], rule)


CODED = [case for case in CASES if case[1].code is not None]


@pytest.mark.parametrize(("name", "op", "family"), CODED, ids=[case[0] for case in CODED])
def test_tape_code_is_the_local_rule(name, op, family):
    """A row's ``code`` (what the tape inlines instead of calling ``local``) is ``local`` to the bit."""
    xs = point(name, op)
    out = op.forward(*xs)
    env = {"o": out, "a": xs[0], "b": xs[-1], **INLINE_NAMES}
    code = op.code * len(xs) if op.arity == ops.VARIADIC else op.code  # one expression for every input
    got = tuple(eval(e.format(o="o", a="a", b="b"), {}, env) for e in code)
    assert got == op.local(out, *xs)


SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-308, 1e308, -1e308, math.inf, -math.inf, math.nan]


def _outcome(f, *args):
    try:
        out = f(*args)
    except (ArithmeticError, ValueError) as e:
        return type(e), str(e)
    return float(np.asarray(out).reshape(-1)[0])


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_domain_is_the_rows_for_floats_and_arrays(name, op, family):
    """The float rule and the batched engine refuse the same inputs with the row's messages
    (:class:`autograd.ops.Refuse`, ``overflow``) and agree on every value they accept."""
    from autograd.batched import _rule

    forward, _ = _rule(op)
    points = [(x,) for x in SPECIALS] if op.arity == 1 else [(a, b) for a in SPECIALS for b in SPECIALS]
    for args in points:
        plain = _outcome(op.forward, *args)
        with np.errstate(all="ignore"):  # as the batched engine runs its rules
            arrays = _outcome(forward, *[np.array([x]) for x in args])
        assert _same(plain, arrays), (name, args, plain, arrays)
        refused = [rule for rule in op.refuse if rule.when(*args)]
        if refused:
            assert plain == (refused[0].error, refused[0].exception(*args).args[0]), (name, args)
        elif isinstance(plain, tuple):
            assert op.overflow is not None and plain == (OverflowError, op.overflow.format(*args)), (name, args)


def test_every_op_has_a_row_in_the_op_test_table():
    missing = [name for name in [*ops.OPS, *ops.FAMILIES] if name not in ROW]
    assert not missing, f"no row in tests/autograd/autograd_optable.py for {missing}"


def test_the_command_line_functions_are_the_tables():
    from autograd.expr import FUNCTIONS

    assert set(FUNCTIONS) == {name for name, op in ops.OPS.items() if op.is_function} | {
        name for name, family in ops.FAMILIES.items() if family.is_function}


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_batched_matches_plain_over_the_op_test_domain(name, op, family):
    """Values and first derivatives, batched against plain, at every point of the op-test row."""
    arity = len(point(name, op)) if op.arity == ops.VARIADIC else op.arity
    points = [p[:arity] for p in ROW[name].points(24)]
    weights = [Value(1.0, label=f"w{k}") for k in range(arity)]
    inputs = [Value(1.0, label=f"x{k}") for k in range(arity)]
    tape = compile_batched(apply(op, family, [w * x for w, x in zip(weights, inputs)]), inputs)
    values = tape.forward(points).tolist()
    pairs = []
    for row, (p, got) in enumerate(zip(points, values)):
        pairs.append((f"{name}{p}", got, op.forward(*p)))
        for w in weights:
            w.grad = 0.0
        tape.backward([1.0 if k == row else 0.0 for k in range(len(points))])
        plain_w = [Value(1.0) for _ in p]
        want = backprop(apply(op, family, [w * x for w, x in zip(plain_w, p)]))
        pairs += [(f"d{name}/dw{k} at {p}", w.grad, want[pw]) for k, (w, pw) in enumerate(zip(weights, plain_w))]
    assert_all_close(pairs, rel=1e-12)


@pytest.mark.parametrize(("name", "op", "family"), CASES, ids=IDS)
def test_sympy_formula(name, op, family):
    sympy = pytest.importorskip("sympy")
    from autograd.symbolic import symbols_of, to_sympy

    xs = [Value(x, label=f"x{k}") for k, x in enumerate(point(name, op))]
    out = apply(op, family, xs)
    expr = to_sympy(out)
    at = {symbol: leaf.data for leaf, symbol in symbols_of(out).items()}
    assert math.isclose(float(sympy.N(expr.subs(at), 30)), out.data, rel_tol=1e-12, abs_tol=1e-300), name
