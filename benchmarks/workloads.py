"""The workloads ``make bench`` times, one function per system.

The demo step is micrograd's own demo (MLP(2, [16, 16, 1]) on 100 moons
points, max-margin loss + 1e-4 L2, full batch, lr 1.0 - 0.9 k/100), written
once in :func:`demo_step` and run unchanged with micrograd's ``Value`` and
with ours; the tape, batched and torch variants compute the same losses.
"""

from __future__ import annotations

import random
from typing import Any, Callable, List, Sequence, Tuple

ALPHA = 1e-4
STEPS = 100


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / STEPS


def moons() -> Tuple[List[List[float]], List[int]]:
    from nn import data

    X, y = data.moons(n=100, noise=0.1, seed=1)
    return [list(map(float, row)) for row in X], [1 if v > 0 else -1 for v in y]


def demo_step(Value: Any, model: Any, X: Sequence[Sequence[float]], y: Sequence[int], k: int) -> float:
    """One step of micrograd's demo, exactly as its notebook writes it."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= learning_rate(k) * p.grad
    return total_loss.data


def micrograd_model() -> Any:
    from micrograd.nn import MLP

    random.seed(1337)
    return MLP(2, [16, 16, 1])


def chainrule_model() -> Any:
    from nn import MLP

    random.seed(1337)  # with no seed, nn draws micrograd's very weights
    return MLP(2, [16, 16, 1])


def micrograd_stepper() -> Callable[[int], float]:
    from micrograd.engine import Value

    model, (X, y) = micrograd_model(), moons()
    return lambda k: demo_step(Value, model, X, y, k)


def plain_stepper() -> Callable[[int], float]:
    from autograd import Value

    model, (X, y) = chainrule_model(), moons()
    return lambda k: demo_step(Value, model, X, y, k)


def demo_loss(model: Any, X: Sequence[Sequence[float]], y: Sequence[int]) -> Any:
    from autograd import Value

    inputs = [list(map(Value, xrow)) for xrow in X]
    losses = [(1 + -yi * model(x)).relu() for yi, x in zip(y, inputs)]
    return sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in model.parameters())


def tape_stepper() -> Callable[[int], float]:
    """Record the demo graph once; each step replays it."""
    from autograd import compile

    model, (X, y) = chainrule_model(), moons()
    tape = compile(demo_loss(model, X, y))
    params = model.parameters()

    def step(k: int) -> float:
        loss = tape.forward()
        for p in params:
            p.grad = 0.0
        tape.backward()
        lr = learning_rate(k)
        for p in params:
            p.data -= lr * p.grad
        return loss

    return step


def batched_stepper() -> Callable[[int], float]:
    """The step ``fit(..., engine="batched")`` runs: one sample's loss traced once,
    run over all 100 rows with NumPy, then the optimizer's update."""
    from nn import losses, optim
    from nn.engines import BatchedEngine

    model, (X, y) = chainrule_model(), moons()
    params = model.parameters()
    opt = optim.SGD(params, lr=1.0)
    engine = BatchedEngine(model, losses.lookup("hinge"), opt, ALPHA, params, X, y)

    def step(k: int) -> float:
        opt.lr = learning_rate(k)
        return engine.step()[0]

    return step


def torch_sgd_step(loss: Any, params: List[Any], k: int) -> float:
    """Backpropagate a torch loss and take step ``k`` of the demo's SGD; return the loss."""
    import torch

    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= learning_rate(k) * p.grad
    return float(loss.item())


def torch_tensor_stepper() -> Callable[[int], float]:
    import torch

    model, (X, y) = chainrule_model(), moons()
    net = model.to_torch()
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    params = list(net.parameters())

    def step(k: int) -> float:
        scores = net(Xt).squeeze(1)
        loss = torch.relu(1 - yt * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
        return torch_sgd_step(loss, params, k)

    return step


def torch_scalar_stepper() -> Callable[[int], float]:
    """micrograd's demo with one 0-d torch tensor per scalar."""
    import torch

    model, (X, y) = chainrule_model(), moons()
    layers = [
        [([torch.tensor(w.data, dtype=torch.float64, requires_grad=True) for w in n.w],
          torch.tensor(n.b.data, dtype=torch.float64, requires_grad=True)) for n in layer.neurons]
        for layer in model.layers
    ]
    params = [p for layer in layers for ws, b in layer for p in (*ws, b)]

    def forward(x: List[Any]) -> Any:
        for i, layer in enumerate(layers):
            out = [sum((wi * xi for wi, xi in zip(ws, x)), b) for ws, b in layer]
            x = out if i == len(layers) - 1 else [v.relu() for v in out]
        return x[0]

    def step(k: int) -> float:
        inputs = [[torch.tensor(v, dtype=torch.float64) for v in row] for row in X]
        losses = [(1 + -yi * forward(x)).relu() for yi, x in zip(y, inputs)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        return torch_sgd_step(loss, params, k)

    return step


def chain(Value: Any, n: int) -> Tuple[Any, Any]:
    """A graph of ``n`` op nodes plus their ``n`` constants: y = y * c or y + c, alternating."""
    x = Value(1.0)
    y = x
    for i in range(n):
        y = y * 1.0000001 if i % 2 else y + 0.5
    return x, y


def leaf_chain(Value: Any, n: int) -> Tuple[Any, Any]:
    """A chain of ``n`` op nodes whose other operand is one of two Value leaves: y = y * a or y + b."""
    x, a, b = Value(1.0), Value(1.0000001), Value(0.5)
    y = x
    for i in range(n):
        y = y * a if i % 2 else y + b
    return x, y


def fit_run(epochs: int) -> Tuple[List[float], str]:
    """micrograd's demo trained by ``nn.fit`` (full batch, hinge, l2, SGD with the demo's
    learning-rate schedule); the loss of every step and the engine ``fit`` chose."""
    import nn

    model, (X, y) = chainrule_model(), moons()
    history = nn.fit(model, X, y, loss="hinge", l2=ALPHA, epochs=epochs, lr=1.0, schedule=learning_rate,
                     progress=False, metrics=[])
    return history.loss, history.engine


def torch_loop_run(epochs: int) -> Tuple[List[float], str]:
    """The same training as :func:`fit_run` with PyTorch CPU tensors in a plain loop."""
    import torch

    model, (X, y) = chainrule_model(), moons()
    net = model.to_torch()
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    params = list(net.parameters())
    curve = []
    for k in range(epochs):
        scores = net(Xt).squeeze(1)
        loss = torch.relu(1 - yt * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
        curve.append(torch_sgd_step(loss, params, k))
    return curve, "torch"


def plain_fit_stepper(nodes: int) -> Tuple[Callable[[], None], int]:
    """``fit``'s own plain-engine step (``nn.engines.make_engine("plain", ...)``, run under
    ``collector_paused()`` as ``fit`` runs it) of micrograd's MLP(2, [16, 16, 1]) over as many
    rows as make about ``nodes`` graph nodes: (one step, nodes)."""
    import nn
    from autograd.mode import collector_paused
    from nn.engines import make_engine
    from nn.optim import SGD
    from nn.train import _resolve_loss

    per_row = 16 * (2 + 2) + 16 * (16 + 2) + (16 + 1) + 4  # per neuron: its muls, a sum, a relu; the hinge
    rows = max(1, nodes // per_row)
    rng = random.Random(0)
    X = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(rows)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(rows)]
    model = nn.MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    loss_fn, _ = _resolve_loss("hinge")
    engine = make_engine("plain", model, "hinge", loss_fn, SGD(params, lr=0.01), 0.0, params, X, y)

    def step() -> None:
        with collector_paused():
            engine.step(None)

    return step, rows * per_row
