"""The batched engine's step on random MLPs: plain's losses (bit for bit where a loss has one term
per sample), plain's and torch's gradients, and the optimizers' array step equal to their own step."""

import math
import random

import pytest

from autograd import Value
from nn import MLP, losses, optim
from nn.engines import BatchedEngine, train_step

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "gelu", "silu", "linear"]
LOSSES = ["hinge", "mse", "bce_logits", "cross_entropy"]


def problem(seed, activations=ACTIVATIONS, names=LOSSES):
    rng = random.Random(seed)
    nin = rng.randint(1, 4)
    loss = names[seed % len(names)]
    nout = rng.randint(2, 3) if loss == "cross_entropy" else 1
    sizes = [rng.randint(1, 12) for _ in range(rng.randint(0, 2))] + [nout]
    acts = [rng.choice(activations) for _ in sizes[:-1]] + ["linear"]
    n = rng.randint(2, 30)
    X = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(n)]
    if loss == "cross_entropy":
        y = [rng.randrange(nout) for _ in range(n)]
    elif loss == "mse":
        y = [rng.uniform(-1, 1) for _ in range(n)]
    elif loss == "hinge":
        y = [rng.choice([-1, 1]) for _ in range(n)]
    else:
        y = [rng.choice([0, 1]) for _ in range(n)]
    return nin, sizes, acts, loss, X, y, rng.choice([0.0, 1e-3])


def torch_grads(model, loss, X, y, l2):
    net = model.to_torch()
    out = net(torch.tensor(X, dtype=torch.float64))
    F = torch.nn.functional
    if loss == "cross_entropy":
        value = F.cross_entropy(out, torch.tensor(y))
    else:
        s, t = out.squeeze(1), torch.tensor(y, dtype=torch.float64)
        value = {"hinge": lambda: torch.relu(1 - t * s).mean(), "mse": lambda: ((s - t) ** 2).mean(),
                 "bce_logits": lambda: F.binary_cross_entropy_with_logits(s, t)}[loss]()
    params = list(net.parameters())
    value = value + l2 * sum((p * p).sum() for p in params)
    value.backward()
    grads = []  # in model.parameters() order: each neuron's weights, then its bias
    for linear in [m for m in net if isinstance(m, torch.nn.Linear)]:
        for w_row, b in zip(linear.weight.grad, linear.bias.grad):
            grads += w_row.tolist() + [b.item()]
    return value.item(), grads


SETS = [(seed, ACTIVATIONS, LOSSES) for seed in range(16)]
SETS += [(seed, ["relu", "leaky_relu"], ["hinge", "mse"]) for seed in range(6)]  # every op exact: plain's floats


@pytest.mark.parametrize("seed, activations, names", SETS)
def test_a_step_gives_plains_loss_and_gradients_and_torchs(seed, activations, names):
    nin, sizes, acts, loss, X, y, l2 = problem(seed, activations, names)
    models = [MLP(nin, sizes, activation=acts, seed=seed) for _ in range(2)]
    record = losses.lookup(loss)
    plain_params, batched_params = models[0].parameters(), models[1].parameters()
    opt_plain, opt_batched = optim.SGD(plain_params, lr=0.1), optim.SGD(batched_params, lr=0.1)
    want_loss, want_out = train_step(models[0], X, y, record.function, opt_plain, l2)
    engine = BatchedEngine(models[1], record, opt_batched, l2, batched_params, X, y)
    got_loss, got_out = engine.step()
    exact_ops = set(acts) <= {"relu", "leaky_relu", "linear"} and loss in ("hinge", "mse")  # no exp, tanh, ...
    if exact_ops:  # (NumPy's and libm's exp or tanh may differ in the last bit)
        assert got_loss == want_loss  # one term per sample: the same floats, added in the same order
    assert math.isclose(got_loss, want_loss, rel_tol=1e-13)
    flat = np.asarray(got_out).ravel().tolist()
    want_flat = [v for o in want_out for v in (o if isinstance(o, list) else [o])]
    assert np.allclose(flat, want_flat, rtol=1e-14, atol=1e-15)
    for p, q in zip(plain_params, batched_params):
        assert math.isclose(p.grad, q.grad, rel_tol=1e-10, abs_tol=1e-14)
        assert math.isclose(p.data, q.data, rel_tol=1e-12, abs_tol=1e-14)
    fresh = MLP(nin, sizes, activation=acts, seed=seed)
    torch_loss, grads = torch_grads(fresh, loss, X, y, l2)
    assert math.isclose(got_loss, torch_loss, rel_tol=1e-12)
    for q, g in zip(batched_params, grads):
        assert math.isclose(q.grad, g, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1),
    lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01, dampening=0.1),
    lambda ps: optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.02),
    lambda ps: optim.AdamW(ps, lr=0.01),
])
def test_the_array_step_is_the_optimizers_step_float_for_float(make):
    rng = random.Random(5)
    start = [rng.uniform(-2, 2) for _ in range(9)]
    a, b = [Value(v) for v in start], [Value(v) for v in start]
    one, other = make(a), make(b)
    for _ in range(4):
        grads = [rng.uniform(-1, 1) * 10 ** rng.randint(-6, 2) for _ in start]
        for p, g in zip(a, grads):
            p.grad = g
        one.step()
        new = other._vector_step(np.array([p.data for p in b]), np.array(grads))
        for p, v in zip(b, new.tolist()):
            p.data = v
        assert [p.data for p in a] == [p.data for p in b]
    assert one.steps == other.steps


def test_an_optimizer_of_its_own_is_stepped_as_written():
    class Halve(optim.Optimizer):
        def step(self):
            for p in self.params:
                p.data = p.data - 0.5 * p.grad

    X, y = [[0.5, -1.0], [1.0, 2.0], [-0.3, 0.1]], [1, -1, 1]
    models = [MLP(2, [3, 1], seed=1) for _ in range(2)]
    plain = Halve(models[0].parameters(), lr=0.5)
    mine = Halve(models[1].parameters(), lr=0.5)
    train_step(models[0], X, y, losses.hinge, plain)
    engine = BatchedEngine(models[1], losses.lookup("hinge"), mine, 0.0, models[1].parameters(), X, y)
    assert not engine.vector
    engine.step()
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        assert math.isclose(p.data, q.data, rel_tol=1e-13, abs_tol=1e-15)
