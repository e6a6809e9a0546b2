"""How :func:`~nn.fit` runs one training step: three engines, one set of rules.

- ``"plain"``: build the batch's graph out of ``Value`` ops, ``backward()``,
  update (:func:`train_step`, defined here). Works with everything.
- ``"tape"``: full-batch training only. Records the whole batch's graph once
  (:func:`autograd.compile`) and replays it every epoch: the same floats as
  ``"plain"``, bit for bit, for losses whose graph depends only on the labels
  (mse, hinge, bce_logits, cross_entropy, your own); for ``bce`` the recording
  keeps a choice made from the first step's numbers (the clamp at -100), so it
  agrees up to rounding.
- ``"batched"``: traces one sample's loss once (:func:`autograd.compile_batched`)
  and runs it over each whole batch with NumPy (``pip install 'chainrule[fast]'``).
  The same derivatives, summed in another order: equal to ``"plain"`` up to
  rounding. Needs a loss it knows (mse, hinge, bce_logits, cross_entropy).

Which loss each engine runs, and exactly or up to rounding, is in each loss's
record (:data:`nn.losses.TABLE`); the loss itself too: no engine re-writes one.

``engine="auto"`` (``fit``'s default) picks, for a model whose graph has the same
shape whatever the data (``model.fixed_graph``: True for nn's own layers, and for
a Module of yours that says so):

1. ``"batched"`` when NumPy is installed, the loss is one it knows and batches
   have at least :data:`AUTO_BATCHED_MIN_ROWS` rows (below that NumPy's per-call
   cost outweighs its gain). Its losses and weights agree with ``"plain"`` to
   about 1e-15 relative per step (the same sums, added in another order).
2. ``"tape"`` for full-batch runs of at least :data:`AUTO_TAPE_MIN_EPOCHS` epochs
   (recording costs about as much as 50 plain steps) with a loss whose record
   says the tape is exact for it (mse, hinge, bce_logits, cross_entropy): bit for
   bit what ``"plain"`` gives.
3. ``"plain"`` otherwise, and always for a model that does not declare
   ``fixed_graph = True``: its ``forward`` might branch on the data, and a traced
   graph would not follow.

``fit`` records the engine it used in ``history.engine`` and shows it on the
progress bar.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional, Sequence, Tuple

from autograd import Value, as_float

from . import losses as _losses
from .module import Module
from .optim import Optimizer

__all__ = ["ENGINES", "AUTO_BATCHED_MIN_ROWS", "AUTO_TAPE_MIN_EPOCHS", "BATCHED_LOSSES", "choose_engine",
           "make_engine", "train_step"]

ENGINES = ("auto", "plain", "tape", "batched")
AUTO_BATCHED_MIN_ROWS = 2
AUTO_TAPE_MIN_EPOCHS = 50
#: Losses whose recorded graph depends on the labels only, so a tape replays them exactly (from the records).
TAPE_EXACT_LOSSES = {name for name, (_, _) in _losses.LOSSES.items() if "tape" in _losses.lookup(name).exact}  # type: ignore[union-attr]
#: Loss names the batched engine knows, by the canonical name of their record.
BATCHED_LOSSES = {name: _losses.lookup(name).name for name in _losses.LOSSES  # type: ignore[union-attr]
                  if "batched" in _losses.lookup(name).engines}  # type: ignore[union-attr]

Step = Tuple[float, List[Any]]


def _numpy_available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def choose_engine(engine: str, loss: Any, batch_rows: int, all_rows: int, epochs: int = 1,
                  model: Any = None) -> str:
    """The engine ``fit`` will use, or an error that says why it can't.

    >>> from nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> choose_engine("auto", "hinge", 100, 100, model=model), choose_engine("auto", "hinge", 1, 100, model=model)
    ('batched', 'plain')
    >>> choose_engine("auto", "bce", 100, 100, epochs=100, model=model)   # bce's clamp has no batched form
    'plain'
    """
    if engine not in ENGINES:
        raise ValueError(f"fit() engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
    record = _losses.lookup(loss)
    runs = record.engines if record is not None else ("plain", "tape")  # your own loss: plain's graph, recorded
    if engine == "auto":
        if not getattr(model, "fixed_graph", False):
            return "plain"
        if "batched" in runs and batch_rows >= AUTO_BATCHED_MIN_ROWS and _numpy_available():
            return "batched"
        exact = record is None or "tape" in record.exact  # your own: its graph depends on the labels only, we trust
        if exact and batch_rows >= all_rows and epochs >= AUTO_TAPE_MIN_EPOCHS:
            return "tape"
        return "plain"
    if engine == "batched":
        if "batched" not in runs:
            raise ValueError(f"fit(engine='batched') knows the losses {', '.join(sorted(BATCHED_LOSSES))}, "
                             f"not {loss!r}; use engine='plain' (or loss='bce_logits' with a linear output)")
        if not _numpy_available():
            raise ImportError("fit(engine='batched') needs NumPy: pip install 'chainrule[fast]'")
    if engine == "tape" and "tape" not in runs:
        assert record is not None
        raise ValueError(f"fit(engine='tape') replays one recorded graph, and {record.why_not.get('tape', '')}")
    if engine == "tape" and batch_rows < all_rows:
        raise ValueError("fit(engine='tape') replays one recorded graph, so it needs full-batch training "
                         "(batch_size=None)")
    return engine


def make_engine(engine: str, model: Any, loss: Any, loss_fn: Callable[..., Value], optimizer: Optimizer,
                l2: float, params: List[Value], X: Sequence[Any], y: Sequence[Any]) -> Any:
    """The engine called ``engine`` (a name :func:`choose_engine` returned), ready to train
    on ``(X, y)``: its ``step(rows)`` takes one step on those rows (None: all of them, in order)
    and returns the loss and the outputs, both from before the update."""
    if engine == "batched":
        record = _losses.lookup(loss)
        assert record is not None  # choose_engine refuses the batched engine for other losses
        return BatchedEngine(model, record, optimizer, l2, params, X, y)
    if engine == "tape":
        return TapeEngine(model, loss_fn, optimizer, l2, params, X, y)
    return PlainEngine(model, loss_fn, optimizer, l2, params, X, y)


def _zero(optimizer: Optimizer, params: List[Value]) -> None:
    optimizer.zero_grad()
    for p in params:  # the model's too, in case the optimizer holds only some of them
        p.grad = 0.0


def train_step(model: Module, X: Sequence[Any], y: Sequence[Any], loss: Callable[..., Value],
               optimizer: Optimizer, l2: float = 0.0, params: Optional[List[Value]] = None) -> Tuple[float, List[Any]]:
    """One step of gradient descent on one batch: zero the gradients, run the
    model on every row, take the mean loss (plus ``l2 * sum(p^2)``),
    backpropagate, and let the optimizer update the weights. This is the plain
    engine's step.

    Returns the loss and the outputs (as floats), both from before the update.
    ``params`` is ``model.parameters()``, if you have it already (``fit`` does).

    >>> from nn import MLP, constant, losses, optim
    >>> model = MLP(1, [1], init=constant(1.0))                  # y = w x + b
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> train_step(model, [[1.0]], [0.0], losses.mse, opt)       # output 2, loss 4
    (4.0, [2.0])
    >>> model.state_dict()                                       # d loss / d w = d loss / d b = 2 (2 - 0) = 4
    {'layers.0.neurons.0.w.0': 0.6, 'layers.0.neurons.0.b': 0.6}
    """
    if params is None:
        params = model.parameters()
    _zero(optimizer, params)
    outputs = [model(x) for x in X]
    total = loss(outputs, list(y))
    if l2:
        total = total + _losses.l2(params, l2)
    total.backward()
    optimizer.step()
    return total.data, [as_float(o) for o in outputs]


class PlainEngine:
    """Build, backpropagate, update: :func:`train_step` on each batch."""

    def __init__(self, model: Any, loss_fn: Callable[..., Value], optimizer: Optimizer, l2: float,
                 params: List[Value], X: Sequence[Any], y: Sequence[Any]) -> None:
        self.model, self.loss_fn, self.optimizer, self.l2, self.params = model, loss_fn, optimizer, l2, params
        self.X, self.y = X, y

    def step(self, rows: Optional[Sequence[int]] = None) -> Step:
        X, y = (self.X, self.y) if rows is None else ([self.X[r] for r in rows], [self.y[r] for r in rows])
        return train_step(self.model, X, y, self.loss_fn, self.optimizer, self.l2, self.params)


class TapeEngine:
    """Record the full batch's loss once; replay it every epoch."""

    def __init__(self, model: Any, loss_fn: Callable[..., Value], optimizer: Optimizer, l2: float,
                 params: List[Value], X: Sequence[Any], y: Sequence[Any]) -> None:
        from autograd import compile

        self.optimizer, self.params = optimizer, params
        self.outputs = [model(x) for x in X]
        total = loss_fn(self.outputs, list(y))
        if l2:
            total = total + _losses.l2(params, l2)
        self.tape = compile(total)

    def step(self, rows: Optional[Sequence[int]] = None) -> Step:  # full batch only: rows is None
        loss = self.tape.forward()
        _zero(self.optimizer, self.params)
        self.tape.backward()
        outputs = [self.as_float(o) for o in self.outputs]
        self.optimizer.step()
        return loss, outputs

    def as_float(self, out: Any) -> Any:
        if isinstance(out, (list, tuple)):
            return [self.tape.value(o) for o in out]
        return self.tape.value(out)


class BatchedEngine:
    """One sample's loss, traced once, over every batch with NumPy.

    The sample's loss is its record's term (:data:`nn.losses.TABLE`) with the
    labels as inputs of the graph (a one-hot row for a class index), so one
    traced graph serves every label; the labels are checked and encoded by the
    record's own ``label``, once, when the engine is made.

    A step runs the traced graph over the batch's rows, takes the mean loss,
    adds the ``l2`` penalty (``l2 * sum(p^2)``, added up as :func:`nn.losses.l2`
    adds it), sets every parameter's ``.grad`` and lets the optimizer update
    ``.data``: SGD, Adam and AdamW update all parameters in one NumPy
    expression each (their formulas, float for float), any other optimizer by
    its own ``step()``. The per-row outputs and losses are plain's floats; the
    gradients are summed over the batch in another order (equal up to rounding).
    """

    def __init__(self, model: Any, loss: _losses.Loss, optimizer: Optimizer, l2: float, params: List[Value],
                 X: Sequence[Any], y: Sequence[Any]) -> None:
        import numpy as np

        from autograd import compile_batched

        from .optim import SGD, Adam, AdamW

        self.np = np
        self.loss, self.optimizer, self.params, self.l2 = loss, optimizer, params, float(l2)
        scalar = isinstance(X[0], numbers.Real)
        self.x = [Value(0.0) for _ in range(1 if scalar else len(X[0]))]
        out = model(self.x[0] if scalar else self.x)
        self.outputs: List[Value] = list(out) if isinstance(out, (list, tuple)) else [out]
        self.single = not isinstance(out, (list, tuple))
        self.labels = [Value(0.0) for _ in self.outputs]
        self.tape = compile_batched(loss.sample(self.outputs, self.labels), self.x + self.labels)
        rows = [([x] if isinstance(x, numbers.Real) else list(x)) + self._label_row(t) for x, t in zip(X, y)]
        self.data = np.array(rows, dtype=float)
        nin = len(self.x)
        if loss.classes:
            self.truth = self.data[:, nin:].argmax(axis=1)  # the class of each row
        else:
            self.truth = np.array([float(t) >= 0.5 for t in y]) if self.single else None  # positive rows
        # each shared leaf of the graph: its place among params (or None: a leaf the model does not list)
        place = {id(p): i for i, p in enumerate(params)}
        where = [place.get(id(v)) for v in self.tape.shared]
        self.mapped = np.array([i for i, w in enumerate(where) if w is not None], dtype=np.intp)
        self.into = np.array([w for w in where if w is not None], dtype=np.intp)
        self.strays = [(i, v) for i, (v, w) in enumerate(zip(self.tape.shared, where)) if w is None]
        at = [place.get(id(p)) for p in optimizer.params]
        self.others = [p for p, i in zip(optimizer.params, at) if i is None]  # zeroed as zero_grad() would
        self.vector = type(optimizer) in (SGD, Adam, AdamW) and not self.others
        self.order = None if at == list(range(len(params))) else np.array(at, dtype=np.intp)

    def _label_row(self, target: Any) -> List[float]:
        k, loss = len(self.outputs), self.loss
        if loss.classes:
            index = loss.label(target, k)
            return [1.0 if i == index else 0.0 for i in range(k)]
        targets = list(target) if isinstance(target, (list, tuple)) else [target] * (1 if k == 1 else 0)
        if len(targets) != k:
            raise ValueError(f"{loss.who} got {k} outputs but target {target!r}")
        return [loss.label(t) for t in targets]

    def step(self, rows: Optional[Sequence[int]] = None) -> Step:
        np, params = self.np, self.params
        batch = self.data if rows is None else self.data[rows]
        values = self.tape.forward(batch)
        count = len(batch) * (1 if self.loss.classes else len(self.outputs))
        scale = 1.0 / count
        # the mean over every (sample, output) pair (for class scores: over samples), added up left to
        # right and scaled as nn.losses does (so one output's loss is plain's float)
        loss = float(np.cumsum(values)[-1])
        if count > 1:
            loss *= scale
        grads = self.tape.gradients(weights=scale)
        total = np.zeros(len(params))
        total[self.into] = grads[self.mapped]
        if self.l2 or self.vector:
            weights = np.fromiter([p.data for p in params], float, len(params))
        if self.l2:
            # l2 * (p0 p0 + p1 p1 + ...), added left to right as nn.losses.l2; d/dp = l2 p, twice
            loss += float(np.cumsum(weights * weights)[-1]) * self.l2
            push = self.l2 * weights
            total += push
            total += push
        for p, g in zip(params, total.tolist()):
            p.grad = g
        for p in self.others:
            p.grad = 0.0
        for i, v in self.strays:
            v.grad = v.grad + float(grads[i])
        columns = [self.tape.value(o) for o in self.outputs]
        outputs: Any = columns[0] if self.single else np.stack(columns, axis=1)
        if self.vector:
            self._update(weights, total)
        else:
            self.optimizer.step()
        return loss, outputs

    def _update(self, weights: Any, grads: Any) -> None:
        """The optimizer's step on all parameters at once (its own formulas, on arrays)."""
        opt, order = self.optimizer, self.order
        if order is not None:
            weights, grads = weights[order], grads[order]
        new = opt._vector_step(weights, grads)  # type: ignore[attr-defined]
        for p, value in zip(opt.params, new.tolist()):
            p.data = value

    def count_correct(self, outputs: Any, rows: Optional[Sequence[int]], threshold: float,
                      fallback: Callable[[Any, Optional[Sequence[int]]], int]) -> int:
        """How many rows of the last step ``outputs`` classify right (as ``fit``'s rule, which
        ``fallback(outputs, rows)`` applies row by row where NumPy would differ: nan outputs)."""
        np = self.np
        if self.truth is None or np.isnan(outputs).any():
            return fallback(outputs.tolist(), rows)
        truth = self.truth if rows is None else self.truth[rows]
        if self.loss.classes:
            return int(np.count_nonzero(outputs.argmax(axis=1) == truth))
        return int(np.count_nonzero((outputs > threshold) == truth))
