"""The Network tab: a small MLP trained live on a 2-D dataset, every step recorded.

Training runs on chainrule's own engine. Each sample's loss graph is recorded
once as a :func:`autograd.compile` tape per label (the graph has the same shape
for every sample; only the input numbers change) and replayed sample by sample,
``tape.backward(1/batch)`` adding each sample's share of the mean loss's
gradient into the weights' ``.grad``. The rules are the op table's, the loss is
:mod:`nn.losses`' and the update is :mod:`nn.optim`'s: the same derivatives as
``nn.train_step``, summed sample by sample (equal to it up to rounding; a test
checks). This is what keeps one step of the default 2-8-8-1 network on 100
points well inside the browser's budget: building some 12,500 ``Value`` objects per
step is what costs, and a tape builds none.
"""

from __future__ import annotations

import math
import random
import time
from array import array
from typing import Any, Dict, List, Optional, Sequence

from autograd import Value, compile
from nn import MLP, data, losses, optim

from ._health import layer_health, unit_warnings

__all__ = ["Trainer", "DATASETS", "LOSSES", "OPTIMIZERS", "ACTIVATIONS"]

DATASETS = ("xor", "moons", "circles", "spiral")
#: Loss name -> the labels it trains on (negative class, positive class).
LOSSES = {"mse": (-1.0, 1.0), "hinge": (-1.0, 1.0), "bce_logits": (0.0, 1.0)}
OPTIMIZERS = ("sgd", "momentum", "adam")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")
MAX_UNITS, MAX_LAYERS = 8, 4


def _dataset(name: str, n: int, noise: float, seed: int) -> List[List[float]]:
    """``n`` points of ``name`` as rows ``[x1, x2, label]`` with label 0 or 1, centred on the origin."""
    if name == "xor":
        X, y = data.xor(n=n, noise=noise / 2, seed=seed)
        X = [[a - 0.5, b - 0.5] for a, b in X]
    elif name == "moons":
        X, y = data.moons(n=n, noise=noise, seed=seed)
        X = [[a - 0.5, b - 0.25] for a, b in X]
    elif name == "circles":
        X, y = data.circles(n=n, noise=noise / 2, seed=seed)
    else:
        X, y = data.spiral(n=n, classes=2, noise=noise, seed=seed)
    return [[float(a), float(b), float(t)] for (a, b), t in zip(X, y)]


def _check(who: str, name: str, value: Any, choices: Sequence[Any]) -> Any:
    if value not in choices:
        raise ValueError(f"{who}: {name} must be one of {', '.join(map(str, choices))}, got {value!r}")
    return value


class Trainer:
    """One training run of an MLP with two inputs and one output, step by step.

    >>> t = Trainer(dataset="xor", hidden=[4], seed=1, batch_size=100)
    >>> first = t.train(10)["losses"]
    >>> len(first), first[-1] < first[0]
    (10, True)
    >>> t.view(0)["step"], t.view()["step"]
    (0, 10)
    """

    def __init__(self, dataset: str = "xor", hidden: Sequence[int] = (8, 8), activation: str = "tanh",
                 loss: str = "mse", optimizer: str = "sgd", lr: float = 0.1, batch_size: int = 10,
                 n: int = 100, noise: float = 0.1, seed: int = 0, grid: int = 30) -> None:
        who = "Trainer()"
        self.dataset = _check(who, "dataset", dataset, DATASETS)
        self.activation = _check(who, "activation", activation, ACTIVATIONS)
        self.loss_name = _check(who, "loss", loss, tuple(LOSSES))
        self.optimizer_name = _check(who, "optimizer", optimizer, OPTIMIZERS)
        hidden = [int(h) for h in hidden]
        if not 0 <= len(hidden) <= MAX_LAYERS or not all(1 <= h <= MAX_UNITS for h in hidden):
            raise ValueError(f"{who}: hidden must be up to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units, "
                             f"got {hidden!r}")
        if not (isinstance(lr, (int, float)) and 0 < lr <= 10):
            raise ValueError(f"{who}: lr must be a number in (0, 10], got {lr!r}")
        if not 1 <= int(batch_size) <= n:
            raise ValueError(f"{who}: batch_size must be from 1 to {n}, got {batch_size!r}")
        self.hidden, self.lr, self.batch_size, self.seed = hidden, float(lr), int(batch_size), int(seed)
        self.rows = _dataset(dataset, int(n), float(noise), self.seed)
        self.labels = LOSSES[loss]
        self.model = MLP(2, hidden + [1], activation=activation, seed=self.seed)
        self.params = self.model.parameters()
        if optimizer == "adam":
            self.optimizer: optim.Optimizer = optim.Adam(self.params, lr=self.lr)
        else:
            self.optimizer = optim.SGD(self.params, lr=self.lr, momentum=0.9 if optimizer == "momentum" else 0.0)
        self._rng = random.Random(self.seed)
        self._order: List[int] = []
        # One sample's graph: inputs x1, x2 -> every layer's units -> the output -> its loss, per label.
        self.x = [Value(0.0, label="X1"), Value(0.0, label="X2")]
        self.units: List[List[Value]] = []
        h: Any = self.x
        for layer in self.model.layers:
            out = layer(h)
            h = out if isinstance(out, list) else [out]
            self.units.append(h)
        self.output = self.units[-1][0]
        loss_fn = losses.get(loss)
        self.tapes = {label: compile(loss_fn([self.output], [label])) for label in self.labels}
        self.output_tape = compile(self.output)
        xs = [r[0] for r in self.rows]
        ys = [r[1] for r in self.rows]
        pad = 0.15 * max(max(xs) - min(xs), max(ys) - min(ys))
        self.box = [min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad]
        self.grid = int(grid)
        self.sample = 0  # the point the unit view steps through
        self.history: List[Dict[str, Any]] = []
        self._record(self._loss(), None)

    # --- training ---------------------------------------------------------------------------

    def _batch(self) -> List[int]:
        if len(self._order) < self.batch_size:
            order = list(range(len(self.rows)))
            self._rng.shuffle(order)
            self._order += order
        batch, self._order = self._order[:self.batch_size], self._order[self.batch_size:]
        return batch

    def _set(self, row: Sequence[float]) -> None:
        self.x[0].data, self.x[1].data = row[0], row[1]

    def _loss(self) -> float:
        """The mean loss over the whole dataset at the current weights."""
        total = 0.0
        for row in self.rows:
            self._set(row)
            total += self.tapes[self.labels[int(row[2])]].forward()
        return total / len(self.rows)

    def train(self, steps: int = 1) -> Dict[str, Any]:
        """``steps`` steps of the optimizer, each on the next mini-batch; the view after the last."""
        steps = int(steps)
        if not 1 <= steps <= 1000:
            raise ValueError(f"train(): steps must be from 1 to 1000, got {steps}")
        if not math.isfinite(self.history[-1]["loss"]):
            return {"ok": False, "error": "the loss is no longer a finite number (the gradients exploded): "
                                          "lower the learning rate and start a new network"}
        losses_: List[float] = []
        started = time.perf_counter()
        done = 0
        for _ in range(steps):
            done += 1
            batch = self._batch()
            self.optimizer.zero_grad()
            share = 1.0 / len(batch)
            for i in batch:
                row = self.rows[i]
                self._set(row)
                tape = self.tapes[self.labels[int(row[2])]]
                tape.forward()
                tape.backward(share)
            grads = [p.grad for p in self.params]
            self.optimizer.step()
            loss = self._loss()
            if not math.isfinite(loss):
                self._record(loss, grads)
                break
            self._record(loss, grads)
            losses_.append(loss)
        seconds = time.perf_counter() - started
        view = self.view()
        view["losses"] = losses_
        view["step_ms"] = 1000 * seconds / done  # one step: the batch's backward passes, the update, the loss
        return view

    def _record(self, loss: float, grads: Optional[List[float]]) -> None:
        # 8 bytes a number: 10,000 steps of the default network keep about 17 MB
        self.history.append({"loss": loss, "weights": array("d", (p.data for p in self.params)),
                             "grads": array("d", grads if grads is not None else [0.0] * len(self.params))})

    # --- what the page shows ------------------------------------------------------------------

    def _load(self, step: int) -> Dict[str, Any]:
        record = self.history[step]
        for p, w in zip(self.params, record["weights"]):
            p.data = w
        return record

    def view(self, step: Optional[int] = None) -> Dict[str, Any]:
        """The page's picture of step ``step`` (default: the latest): data, heat map, network, warnings."""
        from ..network import draw_network

        last = len(self.history) - 1
        step = last if step is None else int(step)
        if not 0 <= step <= last:
            raise ValueError(f"view(): step must be from 0 to {last}, got {step}")
        now = [p.data for p in self.params]
        record = self._load(step)
        try:
            heat = self._heat()
            activations = self._activations()
            for p, g in zip(self.params, record["grads"]):
                p.grad = g
            picture = draw_network(self.model, edge_labels=False).source
            health = layer_health(self.model, record["grads"])
            warnings = unit_warnings(self.model, self.activation, activations) + health["warnings"]
            accuracy = self._accuracy()
        finally:
            for p, w in zip(self.params, now):
                p.data = w
        return {
            "ok": True, "step": step, "steps": last, "loss": record["loss"],
            "loss_curve": [h["loss"] for h in self.history], "accuracy": accuracy,
            "points": self.rows, "box": self.box, "grid": self.grid, "heat": heat,
            "dot": picture, "warnings": warnings, "layers": health["layers"],
            "description": self._describe(step, record["loss"], accuracy, warnings),
        }

    def _score(self, row: Sequence[float]) -> float:
        self._set(row)
        return self.output_tape.forward()

    def _heat(self) -> List[float]:
        """The model's output over a ``grid`` x ``grid`` lattice of the box, squashed to [-1, 1], row by row."""
        x0, x1, y0, y1 = self.box
        n = self.grid
        mid = sum(self.labels) / 2
        cells = []
        for j in range(n):
            y = y1 - (j + 0.5) * (y1 - y0) / n
            for i in range(n):
                s = self._score((x0 + (i + 0.5) * (x1 - x0) / n, y)) - mid
                cells.append(math.tanh(s))
        return cells

    def _accuracy(self) -> float:
        mid = sum(self.labels) / 2
        right = sum((self._score(r) > mid) == (r[2] == 1.0) for r in self.rows)
        return right / len(self.rows)

    def _activations(self) -> List[List[List[float]]]:
        """Every hidden unit's output on every sample: ``[layer][unit][sample]``."""
        out: List[List[List[float]]] = [[[] for _ in layer] for layer in self.units[:-1]]
        for row in self.rows:
            self._score(row)
            for k, layer in enumerate(self.units[:-1]):
                for u, v in enumerate(layer):
                    out[k][u].append(self.output_tape.value(v))
        return out

    def unit_step(self, step: int, layer: int, unit: int) -> Dict[str, Any]:
        """The neuron-level backward step of one unit at step ``step``, on one point: what reaches
        the unit (dL/dunit), its δ, and what it sends to its bias, weights and inputs, written by
        :func:`~viz.backprop_steps` with ``level="neuron"`` in the shared notation and names.

        >>> t = Trainer(hidden=[3], seed=0)
        >>> print(t.unit_step(0, 0, 1)["lines"][0])  # doctest: +ELLIPSIS
        Z2 = tanh(net_Z2) = ..., net_Z2 = W20 + W21·X1 + W22·X2 = ...
        """
        from ..network import unit_names
        from ..steps import backprop_steps

        last = len(self.history) - 1
        if not 0 <= int(step) <= last:
            raise ValueError(f"unit(): step must be from 0 to {last}, got {step}")
        if not (0 <= layer < len(self.units) and 0 <= unit < len(self.units[layer])):
            raise ValueError(f"unit(): there is no unit {unit} in layer {layer}")
        now = [p.data for p in self.params]
        self._load(int(step))
        try:
            row = self.rows[self.sample]
            loss = losses.get(self.loss_name)([self.model([Value(row[0], label="X1"), Value(row[1], label="X2")])],
                                              [self.labels[int(row[2])]])
            name = unit_names(self.model)[layer + 1][unit + (0 if layer == len(self.units) - 1 else 1)]
            found = [s for s in backprop_steps(loss, level="neuron") if s.unit_name == name]
            if not found:
                raise ValueError(f"unit(): {name} gets no gradient on this point")
            lines = found[0].lines()
            upstream = found[0].upstream
        finally:
            for p, w in zip(self.params, now):
                p.data = w
        return {"ok": True, "unit": f"n{layer}_{unit}", "name": name, "step": int(step), "sample": row,
                "upstream": upstream,
                "head": f"{name} at step {step}, on the point ({row[0]:.3g}, {row[1]:.3g}) with label {int(row[2])}:",
                "lines": lines}

    def _describe(self, step: int, loss: float, accuracy: float, warnings: List[Dict[str, Any]]) -> str:
        sizes = "-".join(str(s) for s in [2] + self.hidden + [1])
        warn = f" {len(warnings)} warnings: " + "; ".join(w["text"] for w in warnings) if warnings else ""
        return (f"A {sizes} network with {self.activation} units on {self.dataset}, step {step}: "
                f"loss {loss:.4g}, {accuracy:.0%} of the points classified right.{warn}")
