"""How :func:`~nn.fit` runs one training step: three engines, one set of rules.

- ``"plain"``: build the batch's graph out of ``Value`` ops, ``backward()``,
  update (:func:`~nn.train_step`). Works with everything.
- ``"tape"``: full-batch training only. Records the whole batch's graph once
  (:func:`autograd.compile`) and replays it every epoch: the same floats as
  ``"plain"``, bit for bit, for losses whose graph depends only on the labels
  (mse, hinge, bce_logits, your own); for ``cross_entropy`` and ``bce`` the
  recording keeps choices made from the first step's numbers (the shift before
  ``exp``, the clamp at -100), so they agree up to rounding.
- ``"batched"``: traces one sample's loss once (:func:`autograd.compile_batched`)
  and runs it over each whole batch with NumPy (``pip install 'chainrule[fast]'``).
  The same derivatives, summed in another order: equal to ``"plain"`` up to
  rounding. Needs a loss it knows (mse, hinge, bce_logits, cross_entropy).

``engine="auto"`` (``fit``'s default) picks, for nn's own layers (whose graph has
the same shape whatever the data):

1. ``"batched"`` when NumPy is installed, the loss is one it knows and batches
   have at least :data:`AUTO_BATCHED_MIN_ROWS` rows (below that NumPy's per-call
   cost outweighs its gain). Its losses and weights agree with ``"plain"`` to
   about 1e-15 relative per step (the same sums, added in another order).
2. ``"tape"`` for full-batch runs of at least :data:`AUTO_TAPE_MIN_EPOCHS` epochs
   (recording costs about as much as 50 plain steps) with mse, hinge or
   bce_logits: bit for bit what ``"plain"`` gives.
3. ``"plain"`` otherwise, and always for a model of your own: its ``forward``
   might branch on the data, and a traced graph would not follow.

``fit`` records the engine it used in ``history.engine`` and shows it on the
progress bar.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional, Sequence, Tuple

from autograd import Value

from . import losses as _losses
from .optim import Optimizer

__all__ = ["ENGINES", "AUTO_BATCHED_MIN_ROWS", "AUTO_TAPE_MIN_EPOCHS", "BATCHED_LOSSES", "choose_engine",
           "make_engine"]

ENGINES = ("auto", "plain", "tape", "batched")
AUTO_BATCHED_MIN_ROWS = 2
AUTO_TAPE_MIN_EPOCHS = 50
#: Losses whose recorded graph depends on the labels only, so a tape replays them exactly.
TAPE_EXACT_LOSSES = {"mse", "hinge", "bce_logits", "bce_with_logits"}
#: Loss names the batched engine knows, by the canonical name it writes them under.
BATCHED_LOSSES = {"mse": "mse", "hinge": "hinge", "bce_logits": "bce_logits",
                  "bce_with_logits": "bce_logits", "cross_entropy": "cross_entropy", "ce": "cross_entropy"}

Step = Tuple[float, List[Any]]


def loss_name(loss: Any) -> Optional[str]:
    """The name of a built-in loss given by name or as the function; None for your own."""
    if isinstance(loss, str):
        return loss.lower()
    for name, (fn, _) in _losses.LOSSES.items():
        if fn is loss:
            return name
    return None


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
    name = loss_name(loss)
    if engine == "auto":
        from .layers import MLP, Layer, Neuron

        if not isinstance(model, (MLP, Layer, Neuron)):
            return "plain"
        if name in BATCHED_LOSSES and batch_rows >= AUTO_BATCHED_MIN_ROWS and _numpy_available():
            return "batched"
        if name in TAPE_EXACT_LOSSES and batch_rows >= all_rows and epochs >= AUTO_TAPE_MIN_EPOCHS:
            return "tape"
        return "plain"
    if engine == "batched":
        if name not in BATCHED_LOSSES:
            raise ValueError(f"fit(engine='batched') knows the losses {', '.join(sorted(BATCHED_LOSSES))}, "
                             f"not {loss!r}; use engine='plain' (or loss='bce_logits' with a linear output)")
        if not _numpy_available():
            raise ImportError("fit(engine='batched') needs NumPy: pip install 'chainrule[fast]'")
    if engine == "tape" and name in ("bce", "binary_cross_entropy"):
        raise ValueError("fit(engine='tape') replays one recorded graph, and loss='bce' clamps its logs where "
                         "the output saturates, which changes the graph with the data; use engine='plain', "
                         "or loss='bce_logits' with a linear output (exact on every engine)")
    if engine == "tape" and batch_rows < all_rows:
        raise ValueError("fit(engine='tape') replays one recorded graph, so it needs full-batch training "
                         "(batch_size=None)")
    return engine


def make_engine(engine: str, model: Any, loss: Any, loss_fn: Callable[..., Value], optimizer: Optimizer,
                l2: float, params: List[Value], X: Sequence[Any], y: Sequence[Any]) -> Any:
    """The step function of ``engine`` (a name :func:`choose_engine` returned)."""
    if engine == "batched":
        return BatchedEngine(model, BATCHED_LOSSES[loss_name(loss) or ""], optimizer, l2, params, X[0])
    if engine == "tape":
        return TapeEngine(model, loss_fn, optimizer, l2, params, X, y)
    return PlainEngine(model, loss_fn, optimizer, l2, params)


def _zero(optimizer: Optimizer, params: List[Value]) -> None:
    optimizer.zero_grad()
    for p in params:  # the model's too, in case the optimizer holds only some of them
        p.grad = 0.0


class PlainEngine:
    """Build, backpropagate, update: :func:`nn.train_step` on each batch."""

    name = "plain"

    def __init__(self, model: Any, loss_fn: Callable[..., Value], optimizer: Optimizer, l2: float,
                 params: List[Value]) -> None:
        self.model, self.loss_fn, self.optimizer, self.l2, self.params = model, loss_fn, optimizer, l2, params

    def step(self, X: Sequence[Any], y: Sequence[Any]) -> Step:
        from .train import train_step

        return train_step(self.model, X, y, self.loss_fn, self.optimizer, self.l2, self.params)


class TapeEngine:
    """Record the full batch's loss once; replay it every epoch."""

    name = "tape"

    def __init__(self, model: Any, loss_fn: Callable[..., Value], optimizer: Optimizer, l2: float,
                 params: List[Value], X: Sequence[Any], y: Sequence[Any]) -> None:
        from autograd import compile

        self.optimizer, self.params = optimizer, params
        self.outputs = [model(x) for x in X]
        total = loss_fn(self.outputs, list(y))
        if l2:
            total = total + _losses.l2(params, l2)
        self.tape = compile(total)

    def step(self, X: Sequence[Any], y: Sequence[Any]) -> Step:
        loss = self.tape.forward()
        _zero(self.optimizer, self.params)
        self.tape.backward()
        outputs = [self._data(o) for o in self.outputs]
        self.optimizer.step()
        return loss, outputs

    def _data(self, out: Any) -> Any:
        if isinstance(out, (list, tuple)):
            return [self.tape.value(o) for o in out]
        return self.tape.value(out)


class BatchedEngine:
    """One sample's loss, traced once, over every batch with NumPy.

    The per-sample term of each loss is written with the label as an input of
    the graph (``relu(1 - t * score)`` for hinge, ``t softplus(-z) + (1 - t)
    softplus(z)`` for bce_logits, a one-hot row for cross_entropy), so one
    traced graph serves every label; for the labels each loss accepts it
    equals :mod:`nn.losses`' own definition.
    """

    name = "batched"

    def __init__(self, model: Any, loss: str, optimizer: Optimizer, l2: float, params: List[Value],
                 first_row: Any) -> None:
        from autograd import compile, compile_batched

        self.loss, self.optimizer, self.params = loss, optimizer, params
        nin = 1 if isinstance(first_row, numbers.Real) else len(first_row)
        self.x = [Value(0.0) for _ in range(nin)]
        out = model(self.x if nin > 1 or not isinstance(first_row, numbers.Real) else self.x[0])
        self.outputs: List[Value] = list(out) if isinstance(out, (list, tuple)) else [out]
        self.single = not isinstance(out, (list, tuple))
        self.labels = [Value(0.0) for _ in self.outputs]
        self.tape = compile_batched(self._per_sample(), self.x + self.labels)
        self.regulariser = compile(_losses.l2(params, l2)) if l2 else None

    def _per_sample(self) -> Value:
        outs, labels = self.outputs, self.labels
        if self.loss == "mse":
            terms = [(o - t) ** 2 for o, t in zip(outs, labels)]
        elif self.loss == "hinge":
            terms = [(1.0 - t * o).relu() for o, t in zip(outs, labels)]
        elif self.loss == "bce_logits":
            terms = [t * (-o).softplus() + (1.0 - t) * o.softplus() for o, t in zip(outs, labels)]
        else:  # cross_entropy: logsumexp(scores) - score of the class, shifted by a running max
            shift = outs[0]
            for s in outs[1:]:
                shift = shift + (s - shift).relu()
            logsumexp = _losses._total([(s - shift).exp() for s in outs]).log() + shift
            return logsumexp - _losses._total([h * s for h, s in zip(labels, outs)])
        return _losses._total(terms)

    def _label_row(self, target: Any) -> List[float]:
        k = len(self.outputs)
        if self.loss == "cross_entropy":
            if isinstance(target, bool) or not isinstance(target, numbers.Real) or not float(target).is_integer():
                raise TypeError(f"cross_entropy() targets must be class indices (ints), got {target!r}")
            index = int(float(target))
            if not 0 <= index < k:
                raise ValueError(f"cross_entropy() target {index} is not a class index for {k} scores "
                                 f"(0 to {k - 1})")
            return [1.0 if i == index else 0.0 for i in range(k)]
        targets = list(target) if isinstance(target, (list, tuple)) else [target] * (1 if k == 1 else 0)
        if len(targets) != k:
            raise ValueError(f"{self.loss}() got {k} outputs but target {target!r}")
        row = []
        for t in targets:
            if isinstance(t, bool) or not isinstance(t, numbers.Real):
                raise TypeError(f"{self.loss}() targets must be numbers, got {type(t).__name__}: {t!r}")
            t = float(t)
            if self.loss == "hinge":
                if t not in (1.0, -1.0, 0.0):
                    raise ValueError(f"hinge() targets must be +1 or -1 (0 is read as -1), got {t!r}")
                t = 1.0 if t == 1.0 else -1.0
            elif self.loss == "bce_logits" and not 0.0 <= t <= 1.0:
                raise ValueError(f"binary_cross_entropy() targets must be in [0, 1], got {t!r}")
            row.append(t)
        return row

    def step(self, X: Sequence[Any], y: Sequence[Any]) -> Step:
        rows = [(list(x) if not isinstance(x, numbers.Real) else [x]) + self._label_row(t) for x, t in zip(X, y)]
        values = self.tape.forward(rows)
        # mean over every (sample, output) pair, as nn.losses; cross_entropy: over samples
        scale = 1.0 / (len(rows) * (1 if self.loss == "cross_entropy" else len(self.outputs)))
        loss = float(values.sum()) * scale
        if self.regulariser is not None:
            loss += self.regulariser.forward()
        _zero(self.optimizer, self.params)
        self.tape.backward(weights=scale)
        if self.regulariser is not None:
            self.regulariser.backward()
        columns = [self.tape.value(o).tolist() for o in self.outputs]
        outputs: List[Any] = columns[0] if self.single else [list(r) for r in zip(*columns)]
        self.optimizer.step()
        return loss, outputs
