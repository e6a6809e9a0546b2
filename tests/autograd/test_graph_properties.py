"""Property tests: random expression graphs, built step by step with chainrule and, in
parallel, with PyTorch float64, must give the same output and the same gradient at every
leaf and every intermediate node.

A graph is a "program": a few leaves, then steps that each combine earlier nodes (any earlier
node, so sub-expressions are shared and reused several times) with one of the ops, plain
numbers on either side. Every step keeps its result bounded (|node| stays around 4 or less)
and its ops inside their domains: log and sqrt only see softplus(..) + 0.1, |..| + 0.5 or a
sigmoid, denominators are |..| + 0.5, bases of powers are positive, exponents are bounded.
"""

import math
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402
from autograd_optable import GRAD_REL, assert_all_close, leaf  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd import Value, grad  # noqa: E402

OURS = SimpleNamespace(
    exp=lambda v: v.exp(), log=lambda v: v.log(), sqrt=lambda v: v.sqrt(), tanh=lambda v: v.tanh(),
    sigmoid=lambda v: v.sigmoid(), relu=lambda v: v.relu(), softplus=lambda v: v.softplus(),
    sin=lambda v: v.sin(), cos=lambda v: v.cos(), abs=lambda v: v.abs(),
    leaky_relu=lambda v, slope=None: v.leaky_relu() if slope is None else v.leaky_relu(slope),
)
TORCH = SimpleNamespace(
    exp=torch.exp, log=torch.log, sqrt=torch.sqrt, tanh=torch.tanh, sigmoid=torch.sigmoid, relu=torch.relu,
    softplus=F.softplus,  # inputs stay far below its threshold of 20
    sin=torch.sin, cos=torch.cos, abs=torch.abs,
    leaky_relu=lambda v, slope=None: F.leaky_relu(v) if slope is None else F.leaky_relu(v, slope),
)

# Each step: (a, b, c, ops) -> a new node, where a and b are earlier nodes and c is a plain number
# with 0.25 <= |c| <= 2. The same source runs on Values (ops=OURS) and on tensors (ops=TORCH).
STEPS = {
    "add": lambda a, b, c, o: (a + b) * 0.5,
    "sub": lambda a, b, c, o: (a - b) * 0.5,
    "mul": lambda a, b, c, o: a * b * 0.25,
    "div": lambda a, b, c, o: a / (o.abs(b) + 0.5) * 0.5,
    "x+c": lambda a, b, c, o: (a + c) * 0.5,
    "c+x": lambda a, b, c, o: (c + a) * 0.5,
    "x-c": lambda a, b, c, o: (a - c) * 0.5,
    "c-x": lambda a, b, c, o: (c - a) * 0.5,
    "x*c": lambda a, b, c, o: a * c * 0.5,
    "c*x": lambda a, b, c, o: c * a * 0.5,
    "x/c": lambda a, b, c, o: a / c * 0.25,
    "c/x": lambda a, b, c, o: c / (o.softplus(a) + 0.5),
    "neg": lambda a, b, c, o: -a,
    "exp": lambda a, b, c, o: o.exp(a * 0.25),
    "exp-tanh": lambda a, b, c, o: o.exp(o.tanh(b) - a * 0.1),
    "log-softplus": lambda a, b, c, o: o.log(o.softplus(a) + 0.1),
    "log-abs": lambda a, b, c, o: o.log(o.abs(a) + 0.5),
    "sqrt-abs": lambda a, b, c, o: o.sqrt(o.abs(a) + 0.5),
    "sqrt-sigmoid": lambda a, b, c, o: o.sqrt(o.sigmoid(a)),
    "tanh": lambda a, b, c, o: o.tanh(a),
    "sigmoid": lambda a, b, c, o: o.sigmoid(a),
    "relu": lambda a, b, c, o: o.relu(a),
    "leaky_relu": lambda a, b, c, o: o.leaky_relu(a),
    "leaky_relu-c": lambda a, b, c, o: o.leaky_relu(a, abs(c) * 0.25),
    "softplus": lambda a, b, c, o: o.softplus(a),
    "sin": lambda a, b, c, o: o.sin(a),
    "cos": lambda a, b, c, o: o.cos(a),
    "abs": lambda a, b, c, o: o.abs(a),
    "abs-builtin": lambda a, b, c, o: abs(a),
    "x**2": lambda a, b, c, o: (a * 0.5) ** 2,
    "x**3": lambda a, b, c, o: (a * 0.5) ** 3 * 0.5,
    "x**c": lambda a, b, c, o: (o.sigmoid(a) + 0.5) ** c,
    "x**2.5": lambda a, b, c, o: (o.sigmoid(a) + 0.5) ** 2.5,
    "c**x": lambda a, b, c, o: abs(c) ** (a * 0.5) * 0.25,
    "x**y": lambda a, b, c, o: (o.sigmoid(a) + 0.5) ** b * 0.25,
    "exp(x)**y": lambda a, b, c, o: o.exp(o.tanh(a)) ** (b * 0.5) * 0.5,
}
KINDS = sorted(STEPS)
USES_B = {"add", "sub", "mul", "div", "exp-tanh", "x**y", "exp(x)**y"}


@st.composite
def programs(draw, max_leaves=5, max_steps=30):
    leaves = draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=max_leaves))
    steps = []
    for k in range(draw(st.integers(2, max_steps))):
        size = len(leaves) + k
        kind = draw(st.sampled_from(KINDS))
        # Pick inputs among the latest nodes more often, so long chains and wide reuse both occur.
        a = draw(st.integers(0, size - 1) | st.integers(max(0, size - 3), size - 1))
        b = draw(st.integers(0, size - 1))
        c = draw(st.floats(0.25, 2.0)) * draw(st.sampled_from([-1.0, 1.0]))
        steps.append((kind, a, b, c))
    return leaves, steps


def run(program, inputs, ops):
    """All nodes of the program (leaves first) and its output: the sum of the nodes no step used."""
    _, steps = program
    nodes = list(inputs)
    for kind, a, b, c in steps:
        nodes.append(STEPS[kind](nodes[a], nodes[b], c, ops))
    used = {a for _, a, _, _ in steps} | {b for kind, _, b, _ in steps if kind in USES_B}
    out = 0.0
    for i, node in enumerate(nodes):
        if i not in used:
            out = node + out
    return nodes, out


def torch_run(program):
    leaves = [leaf(x) for x in program[0]]
    nodes, out = run(program, leaves, TORCH)
    for node in nodes[len(leaves):]:
        if node.requires_grad:
            node.retain_grad()
    out.backward()
    return nodes, out


def torch_grad(node):
    return 0.0 if node.grad is None else node.grad.item()


PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(programs())
def test_random_graphs_match_torch_everywhere(program):
    leaves = [Value(x) for x in program[0]]
    nodes, out = run(program, leaves, OURS)
    out.backward()
    t_nodes, t_out = torch_run(program)
    pairs = [("output", out.data, t_out.item())]
    pairs += [(f"grad of node {i}", node.grad, torch_grad(t)) for i, (node, t) in enumerate(zip(nodes, t_nodes))]
    assert_all_close(pairs, rel=GRAD_REL)
    assert all(math.isfinite(node.grad) for node in nodes)


@PROPERTY
@given(programs())
def test_grad_of_random_graphs_matches_backward_and_torch(program):
    n = len(program[0])
    ours = grad(lambda *xs: run(program, xs, OURS)[1], argnums=tuple(range(n)))(*program[0])
    t_nodes, _ = torch_run(program)
    assert_all_close([(f"d out / d leaf {i}", g, torch_grad(t)) for i, (g, t) in enumerate(zip(ours, t_nodes))])


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_leaves=3, max_steps=8))
def test_second_derivatives_of_random_graphs_match_torch(program):
    """The Hessian's first row, d^2 out / d leaf0 d leaf j, by grad() of grad() and by torch."""
    n = len(program[0])
    every = tuple(range(n))
    first = grad(lambda *xs: run(program, xs, OURS)[1], argnums=every)
    hessian_row = grad(lambda *xs: first(*xs)[0], argnums=every)(*program[0])

    leaves = [leaf(x) for x in program[0]]
    _, out = run(program, leaves, TORCH)
    (g0,) = torch.autograd.grad(out, leaves[0], create_graph=True, allow_unused=True)
    if g0 is None or not g0.requires_grad:
        reference = [0.0] * n
    else:
        reference = [0.0 if h is None else h.item() for h in torch.autograd.grad(g0, leaves, allow_unused=True)]
    assert_all_close([(f"d2 out / d leaf0 d leaf{j}", h, r) for j, (h, r) in enumerate(zip(hessian_row, reference))])


def test_a_hand_built_graph_with_heavy_reuse():
    """A node reused many times gathers one contribution per use (x appears 7 times)."""
    x, y = Value(0.6), Value(-1.3)
    s = x * y
    z = s.tanh() * s + x * x * x + (s / (x.abs() + 1)).exp() - 2 ** x + x ** y.abs()
    z.backward()
    tx, ty = leaf(0.6), leaf(-1.3)
    ts = tx * ty
    tz = ts.tanh() * ts + tx * tx * tx + (ts / (tx.abs() + 1)).exp() - 2 ** tx + tx ** ty.abs()
    tz.backward()
    assert_all_close([("z", z.data, tz.item()), ("dz/dx", x.grad, tx.grad.item()), ("dz/dy", y.grad, ty.grad.item())])
