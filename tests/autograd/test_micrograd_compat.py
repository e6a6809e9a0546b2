"""Code written for micrograd runs unchanged on chainrule's Value and gives the same numbers.

Each scenario is ONE function that takes the Value class as an argument; it runs once with
micrograd's Value and once with ours, and every data and grad must agree (rel 1e-12), and agree
with PyTorch float64 / hand-derived numbers. The expressions are micrograd's own tests
(micrograd/test/test_engine.py: test_sanity_check and test_more_ops).
"""

import math
import random

import pytest

torch = pytest.importorskip("torch")
micrograd_engine = pytest.importorskip("micrograd.engine")  # micrograd comes with the "bench" extra
micrograd_nn = pytest.importorskip("micrograd.nn")

from autograd import Value  # noqa: E402

MGValue = micrograd_engine.Value


def sanity_check(Value):
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"x": x, "z": z, "q": q, "h": h, "y": y}


def more_ops(Value):
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def run_with(value_class, scenario):
    """Run a scenario with the given Value class; return every named node's (data, grad)."""
    return {name: (float(v.data), float(v.grad)) for name, v in scenario(value_class).items()}


def assert_same(ours, theirs, rel=1e-12):
    assert ours.keys() == theirs.keys()
    bad = {name: (ours[name], theirs[name]) for name in ours
           if not all(math.isclose(o, t, rel_tol=rel, abs_tol=1e-300) for o, t in zip(ours[name], theirs[name]))}
    assert not bad, f"(data, grad) differ from micrograd's: {bad}"


@pytest.mark.parametrize("scenario", [sanity_check, more_ops], ids=["test_sanity_check", "test_more_ops"])
def test_micrograd_tests_give_micrograds_numbers(scenario):
    assert_same(run_with(Value, scenario), run_with(MGValue, scenario))


def test_sanity_check_by_hand_and_by_torch():
    ours = run_with(Value, sanity_check)
    # x = -4: z = 3x + 2 = -10 < 0, so relu(z) = 0 and y = z^2 + z x + z x^2 = 100 + 40 - 160;
    # dy/dx = 6 z + (6x + 2) + (9x^2 + 4x) = -60 - 22 + 128.
    assert ours["y"] == (-20.0, 1.0)
    assert ours["x"] == (-4.0, 46.0)
    x = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert ours["y"][0] == y.item() and ours["x"][1] == x.grad.item()


def test_more_ops_by_torch_and_by_micrograds_readme():
    ours = run_with(Value, more_ops)
    # micrograd's README prints these to 4 decimals
    assert f"{ours['g'][0]:.4f}" == "24.7041"
    assert f"{ours['a'][1]:.4f}" == "138.8338"
    assert f"{ours['b'][1]:.4f}" == "645.5773"
    a = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    for name, reference in (("g", g.item()), ("a", a.grad.item()), ("b", b.grad.item())):
        value = ours[name][0] if name == "g" else ours[name][1]
        assert math.isclose(value, reference, rel_tol=1e-12), (name, value, reference)


def train_micrograd_mlp(value_class, monkeypatch, steps=4):
    """micrograd's own MLP (micrograd.nn, unchanged) built on the given Value class, trained with the
    max-margin loss of micrograd's demo notebook; returns the loss and every gradient at each step."""
    monkeypatch.setattr(micrograd_nn, "Value", value_class)
    state = random.getstate()
    try:
        random.seed(1337)
        model = micrograd_nn.MLP(2, [8, 8, 1])
    finally:
        random.setstate(state)
    X = [[2.0, 1.0], [-1.0, 0.5], [0.3, -2.0], [-1.5, -1.0], [1.0, 1.5], [0.2, 0.1]]
    y = [1, -1, 1, -1, 1, -1]
    history = []
    for k in range(steps):
        inputs = [list(map(value_class, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        history.append([total.data] + [p.grad for p in model.parameters()])
        learning_rate = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return history


def test_micrograds_mlp_trains_identically_on_our_value(monkeypatch):
    theirs = train_micrograd_mlp(MGValue, monkeypatch)
    ours = train_micrograd_mlp(Value, monkeypatch)
    assert len(ours[0]) == 1 + (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
    assert ours[0][0] != ours[-1][0]  # it does learn something
    for step, (mine, reference) in enumerate(zip(ours, theirs)):
        # micrograd orders its backward pass by set iteration (memory addresses), so a
        # gradient that cancels to about 0 may come out as 0.0 or 1e-17 from run to run:
        # compare at 1e-12 of the step's largest entry, not at an absolute 1e-300.
        scale = max(abs(r) for r in reference)
        bad = [(i, m, r) for i, (m, r) in enumerate(zip(mine, reference))
               if not math.isclose(m, r, rel_tol=1e-12, abs_tol=1e-12 * scale)]
        assert not bad, f"step {step}: loss/grad entries differ from micrograd's: {bad[:5]}"


def trace(root):
    """micrograd's graph walk from its trace_graph notebook: what drawing code does with _prev."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def neuron(Value):
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    return (n * n).relu() + n ** 3


def test_prev_and_op_are_there_for_drawing_code():
    ours_nodes, ours_edges = trace(neuron(Value))
    their_nodes, their_edges = trace(neuron(MGValue))
    assert len(ours_nodes) == len(their_nodes) and len(ours_edges) == len(their_edges)
    assert sorted(v._op.lower() for v in ours_nodes) == sorted(v._op.lower() for v in their_nodes)
    assert sorted(v.data for v in ours_nodes) == sorted(v.data for v in their_nodes)
    x = Value(1.0)
    y = x * 2
    assert x._op == "" and x._prev == ()
    assert y._op == "*" and y._prev[0] is x
    assert (x + x)._op == "+" and (x ** 3)._op == MGValue(1.0).__pow__(3)._op == "**3"
    assert x.grad == 0 and isinstance(x.data, float)
    assert repr(Value(2.0)) == repr(MGValue(2.0)).replace("grad=0", "grad=0.0")
