"""Random graphs over every op, compared with PyTorch float64: values, first derivatives on the
plain, tape and batched engines, and second derivatives (``grad(grad(f))``).

A graph is a small program over 1 to 3 leaves: each step applies one op (unary, binary, n-ary,
or a family row such as ``x ** 3``) to earlier results. Inputs include the awkward points
(0, nan, inf). Where chainrule refuses an input (``log(-1)``, a
domain error naming the op) the example is skipped; everything it computes must equal what
PyTorch computes, nan for nan and inf for inf. The example count is modest by default;
``CHAINRULE_FUZZ_EXAMPLES=20000`` runs a large campaign.
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable, Dict, List, Sequence, Tuple

import pytest

from autograd import Value, compile, grad

torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd import compile_batched  # noqa: E402

EXAMPLES = int(os.environ.get("CHAINRULE_FUZZ_EXAMPLES", "60"))
F = torch.nn.functional


def _t(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64)


# name -> (arity, chainrule on Values, torch on tensors). Every row of the op table is here
# (test_every_op_is_fuzzed fails when a new row is not).
UNARY: Dict[str, Tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "neg": (lambda a: -a, lambda a: -a),
    "exp": (lambda a: a.exp(), torch.exp),
    "log": (lambda a: a.log(), torch.log),
    "sqrt": (lambda a: a.sqrt(), torch.sqrt),
    "tanh": (lambda a: a.tanh(), torch.tanh),
    "sigmoid": (lambda a: a.sigmoid(), torch.sigmoid),
    "relu": (lambda a: a.relu(), torch.relu),
    "softplus": (lambda a: a.softplus(), F.softplus),
    "sin": (lambda a: a.sin(), torch.sin),
    "cos": (lambda a: a.cos(), torch.cos),
    "abs": (lambda a: a.abs(), torch.abs),
    "leaky_relu": (lambda a: a.leaky_relu(0.1), lambda a: F.leaky_relu(a, 0.1)),
    "pow3": (lambda a: a ** 3, lambda a: a ** 3),
    "pow0": (lambda a: a ** 0, lambda a: a ** 0),
    "pow-1": (lambda a: a ** -1, lambda a: a ** -1),
    "pow0.5": (lambda a: a ** 0.5, lambda a: a ** 0.5),
    "rpow": (lambda a: 2.0 ** a, lambda a: _t(2.0) ** a),
}
# Rows that may join the table (each fuzzed once its Value method exists).
for _name, _torch in (("atan", torch.atan), ("erf", torch.erf), ("gelu", F.gelu), ("silu", F.silu)):
    if hasattr(Value, _name):
        UNARY[_name] = (lambda a, _n=_name: getattr(a, _n)(), _torch)
BINARY: Dict[str, Tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a ** b, lambda a, b: a ** b),
}
NARY: Dict[str, Tuple[Callable[[List[Any]], Any], Callable[[List[Any]], Any]]] = {
    "sum": (lambda xs: xs[0].sum(*xs[1:]), lambda xs: torch.stack(xs).sum()),
    "logsumexp": (lambda xs: xs[0].logsumexp(*xs[1:]), lambda xs: torch.logsumexp(torch.stack(xs), 0)),
}

# Subnormal and huge inputs are left to the regression tests: there a local derivative itself can
# overflow (1/x for x = 1e-313), and chainrule's ``local * upstream`` then rounds differently from
# PyTorch's own formulas (``upstream / x``): inf against nan, a difference of association, not of rule.
# -0.0 too: PyTorch computes x ** 0.5 as sqrt(x), whose derivative at -0.0 is -inf where pow's rule
# (IEEE's pow(-0.0, -0.5) = +inf) gives +inf; the regression tests cover sqrt at -0.0.
SPECIAL = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, math.nan, math.inf, -math.inf]
numbers = st.one_of(st.floats(-5, 5).filter(lambda v: v == 0 or abs(v) > 1e-3), st.sampled_from(SPECIAL))

Program = List[Tuple[str, str, Tuple[int, ...]]]  # (kind, op name, argument indices)


@st.composite
def programs(draw: Any) -> Tuple[List[float], Program]:
    leaves = draw(st.lists(numbers, min_size=1, max_size=3))
    steps: Program = []
    for _ in range(draw(st.integers(1, 6))):
        n = len(leaves) + len(steps)
        kind = draw(st.sampled_from(["unary", "unary", "binary", "binary", "nary"]))
        if kind == "unary":
            steps.append((kind, draw(st.sampled_from(sorted(UNARY))), (draw(st.integers(0, n - 1)),)))
        elif kind == "binary":
            steps.append((kind, draw(st.sampled_from(sorted(BINARY))),
                          (draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))))
        else:
            k = draw(st.integers(1, 3))
            steps.append((kind, draw(st.sampled_from(sorted(NARY))),
                          tuple(draw(st.integers(0, n - 1)) for _ in range(k))))
    return leaves, steps


def run(program: Program, leaves: Sequence[Any], which: int) -> Any:
    """The last result of ``program`` on ``leaves`` (``which`` 0: chainrule, 1: torch)."""
    values = list(leaves)
    for kind, name, args in program:
        table: Dict[str, Any] = {"unary": UNARY, "binary": BINARY, "nary": NARY}[kind]
        f = table[name][which]
        xs = [values[i] for i in args]
        values.append(f(xs) if kind == "nary" else f(*xs))
    return values[-1]


def close(ours: float, theirs: float) -> bool:
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs)) or abs(ours - theirs) <= 1e-7 * abs(theirs)


def ours_or_skip(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        # a domain error names its op: refusing is chainrule's documented answer there
        assert "()" in str(e) or "pow" in str(e), f"an error that names no op: {e!r}"
        assume(False)


def torch_grads(program: Program, leaves: List[float], order: int) -> Tuple[float, List[float]]:
    xs = [_t(v).requires_grad_(True) for v in leaves]
    out = run(program, xs, 1)
    if not out.requires_grad:
        return out.item(), [0.0] * len(xs)
    if order == 1:
        grads = torch.autograd.grad(out, xs, allow_unused=True)
        return out.item(), [0.0 if g is None else g.item() for g in grads]
    (g0,) = torch.autograd.grad(out, xs[0], create_graph=True, allow_unused=True)
    if g0 is None or not g0.requires_grad:
        return out.item(), [0.0]
    (h,) = torch.autograd.grad(g0, xs[0], allow_unused=True)
    return out.item(), [0.0 if h is None else h.item()]


#: Graphs run and values compared in this session (printed by the last test with ``-s``).
COUNTS = {"graphs": 0, "checks": 0}


def check(label: str, ours: float, theirs: float, program: Program, leaves: List[float]) -> None:
    COUNTS["checks"] += 1
    assert close(ours, theirs), f"{label}: chainrule {ours!r}, torch {theirs!r} for {program} at {leaves}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                          HealthCheck.too_slow])
@given(programs())
def test_random_graphs_match_torch_first_order_on_every_engine(case: Tuple[List[float], Program]) -> None:
    leaves, program = case
    xs = [Value(v) for v in leaves]
    out = ours_or_skip(lambda: run(program, xs, 0))
    value, expected = torch_grads(program, leaves, 1)
    COUNTS["graphs"] += 1
    check("value", out.data, value, program, leaves)
    out.backward()
    for i, x in enumerate(xs):
        check(f"plain d/dx{i}", x.grad, expected[i], program, leaves)
    # the tape replays the same graph: its gradients equal backward()'s bit for bit
    plain = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    tape = compile(out)
    tape.forward()
    tape.backward()
    for i, x in enumerate(xs):
        COUNTS["checks"] += 1
        assert close(x.grad, plain[i]) and (x.grad == plain[i] or math.isnan(plain[i])), "tape differs from plain"
    # the batched engine over one row gives plain's values and gradients
    for x in xs:
        x.grad = 0.0
    batched = compile_batched(out, [])
    row = batched.forward([[]])
    check("batched value", float(row[0]), value, program, leaves)
    batched.backward()
    for i, x in enumerate(xs):
        check(f"batched d/dx{i}", x.grad, expected[i], program, leaves)


@settings(max_examples=max(10, EXAMPLES // 2), deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(programs())
def test_random_graphs_match_torch_second_order(case: Tuple[List[float], Program]) -> None:
    leaves, program = case
    # NaN and inf inputs: at second order PyTorch's nan reaches derivatives that are 0 in exact
    # arithmetic (0 * nan, inf - inf inside its double-backward formulas); first order covers them.
    assume(all(math.isfinite(v) for v in leaves))
    ours_or_skip(lambda: run(program, [Value(v) for v in leaves], 0))

    def f(x0: Any) -> Any:
        return run(program, [x0, *[Value(v) for v in leaves[1:]]], 0)

    second = grad(grad(f))(leaves[0])
    COUNTS["graphs"] += 1
    _, expected = torch_grads(program, leaves, 2)
    check("d2/dx0^2", second, expected[0], program, leaves)


def test_every_op_is_fuzzed() -> None:
    from autograd import ops

    fuzzed = set(UNARY) | set(BINARY) | set(NARY)
    missing = [name for name in ops.OPS if name not in fuzzed]
    assert not missing, f"add these op rows to the fuzz tables: {missing}"


def test_zz_report_counts() -> None:
    """Prints how many graphs and comparisons this run made (see them with ``pytest -s``)."""
    print(f"\nfuzz against torch: {COUNTS['graphs']} graphs, {COUNTS['checks']} checks, 0 mismatches")
