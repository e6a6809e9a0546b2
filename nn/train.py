"""Training: ``fit`` runs gradient descent and returns a ``History``.

One epoch is one pass over the data. ``batch_size`` chooses how often the
weights move within it:

- ``batch_size=None``: full-batch gradient descent, one update per epoch on the
  mean loss over every row (micrograd's demo);
- ``batch_size=1``: per-sample ("stochastic") gradient descent, one update
  after every row, as the gradient-descent tutorial describes an epoch;
- ``batch_size=k``: mini-batches of ``k`` rows (the last may be smaller).

The forward pass, loss, backward pass and update of one batch all happen in
:func:`train_step` (the plain engine, in :mod:`nn.engines`), or another engine's step.
"""

from __future__ import annotations

import contextlib
import math
import random
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from autograd import Value, as_float, no_grad
from autograd.mode import collector_paused
from autograd.views import find_view

from . import losses as _losses
from ._validate import check_data, check_labels, check_model, check_rows, scheduled_lr
from .engines import choose_engine, make_engine, train_step
from .init import rng_from
from .module import Module
from .optim import SGD, Optimizer, Schedule

__all__ = ["fit", "train_step", "History", "accuracy", "evaluate", "predict"]

LossSpec = Union[str, Callable[..., Value]]


def _field(name: str, doc: str) -> Any:
    return property(lambda self: self[name], lambda self, value: self.__setitem__(name, value), doc=doc)


class History(dict):
    """What ``fit`` measured, one number per epoch: a ``dict`` whose entries
    are also attributes (``history.loss is history["loss"]``), so it prints,
    compares and turns into JSON like the dict it is.

    - ``loss``: the mean training loss over the epoch's batches, each measured
      before its update (with the ``l2`` penalty included: what was minimised);
    - ``accuracy``: the fraction of training rows classified right, from the same
      forward passes (for ``mse`` only when the targets are two class labels),
      or None for a regression;
    - ``lr``: the learning rate used in each epoch;
    - ``val_loss``, ``val_accuracy``: on ``validation_data`` after each epoch
      (None without it);
    - ``seconds``: wall-clock time of the whole run;
    - ``engine``: the engine that ran the steps (see :mod:`nn.engines`);
    - one more entry per metric function, under the function's name (also in ``metrics``).

    >>> h = History()
    >>> h.loss.append(0.5)
    >>> h["loss"], h.epochs, sorted(h)
    ([0.5], 1, ['accuracy', 'engine', 'loss', 'lr', 'seconds', 'val_accuracy', 'val_loss'])
    """

    loss = _field("loss", "Training loss per epoch.")
    accuracy = _field("accuracy", "Training accuracy per epoch, or None.")
    lr = _field("lr", "Learning rate per epoch.")
    val_loss = _field("val_loss", "Validation loss per epoch, or None.")
    val_accuracy = _field("val_accuracy", "Validation accuracy per epoch, or None.")
    seconds = _field("seconds", "Wall-clock seconds of the run.")
    engine = _field("engine", "The engine that ran the steps: 'plain', 'tape' or 'batched'.")

    def __init__(self) -> None:
        super().__init__(loss=[], accuracy=None, lr=[], val_loss=None, val_accuracy=None, seconds=0.0,
                         engine="plain")
        self._metric_names: List[str] = []

    @property
    def epochs(self) -> int:
        """How many epochs were run."""
        return len(self["loss"])

    @property
    def metrics(self) -> Dict[str, List[float]]:
        """Your metric functions' series, by name."""
        return {name: self[name] for name in self._metric_names}

    def plot(self, path: Any = None, **options: Any) -> Any:
        """The loss curve (and accuracy, when measured): :func:`viz.plot_loss`
        of this history. Without ``path`` it returns a matplotlib Figure, which
        Jupyter shows inline; ``ax=`` draws into an Axes of yours; with ``path``
        it writes an SVG file and returns its path. Needs ``viz`` (and matplotlib).

        >>> h = History(); h.loss.extend([1.0, 0.4, 0.1])
        >>> h.plot().axes[0].get_xlabel()
        'epoch'
        """
        draw = find_view("plot_history")
        if draw is None:
            raise ImportError("History.plot() needs chainrule's viz package (pip install 'chainrule[plot]')")
        return draw(self, path, **options)

    def add_metric(self, name: str) -> None:
        """Start an empty series for a metric called ``name``."""
        if name in self:
            raise ValueError(f"a metric cannot be called {name!r}: History already has that entry")
        self[name] = []
        self._metric_names.append(name)

    def __repr__(self) -> str:
        if not self["loss"]:
            return "History(0 epochs)"
        parts = [f"{self.epochs} epochs", f"loss {self['loss'][-1]:.6g}"]
        if self["accuracy"]:
            parts.append(f"accuracy {self['accuracy'][-1]:.4g}")
        return f"History({', '.join(parts)})"


def _is_positive(target: Any) -> bool:
    return float(target) >= 0.5  # 1 is positive; 0 and -1 are negative


def _correct(output: Any, target: Any, threshold: float) -> bool:
    """Whether one output (data, not Values) predicts ``target``'s class."""
    if isinstance(output, list):
        best = max(range(len(output)), key=output.__getitem__)
        return best == int(target)
    return (output > threshold) == _is_positive(target)


def _binary_labels(y: Sequence[Any]) -> Optional[Tuple[float, float]]:
    """The two class labels, if ``y`` holds exactly two distinct scalars of {-1, 0, 1}."""
    try:
        found = {float(t) for t in y}
    except (TypeError, ValueError):
        return None
    if len(found) == 2 and found <= {-1.0, 0.0, 1.0}:
        low, high = sorted(found)
        return low, high
    return None


def _default_threshold(model: Any) -> float:
    """The threshold ``fit`` settled on for this model, else 0.5 for a sigmoid
    output (a probability) and 0 otherwise (a score's sign)."""
    recorded = getattr(model, "decision_threshold", None)
    if isinstance(recorded, (int, float)) and not isinstance(recorded, bool):
        return float(recorded)
    return 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0


def predict(model: Callable[[Any], Any], X: Sequence[Any]) -> List[Any]:
    """The model's outputs for every row of ``X``, as floats (lists of floats
    for several outputs), computed without recording a graph.

    >>> from nn import MLP, constant
    >>> predict(MLP(2, [3, 1], activation="linear", init=constant(1.0)), [[0, 0], [1, 0]])
    [4.0, 7.0]
    """
    check_model("predict", model)
    check_data("predict", X)
    check_rows("X", model, X, "predict")
    with no_grad():
        return [as_float(model(x)) for x in X]


def accuracy(model: Callable[[Any], Any], X: Sequence[Any], y: Sequence[Any],
             threshold: Optional[float] = None) -> float:
    """The fraction of rows whose class the model gets right.

    With several outputs the predicted class is the index of the largest
    (``y`` holds class indices). With one output it is positive when the
    output is above ``threshold`` (``y`` is 1 for positive, 0 or -1 for
    negative). By default that is the threshold :func:`fit` used for this
    model (0 for a score or logit, 0.5 for a probability, halfway between the
    labels for ``mse`` on two class labels, e.g. 0.5 for 0/1), kept in
    ``model.decision_threshold``; for a model ``fit`` never saw, 0.5 with a
    sigmoid output and 0 otherwise.

    >>> from nn import MLP, constant
    >>> model = MLP(2, [1], activation="linear", init=constant(1.0))   # x1 + x2 + 1
    >>> accuracy(model, [[1, 1], [-2, -1], [-3, 0]], [1, 0, 1])
    0.6666666666666666
    """
    check_data("accuracy", X, y)
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not math.isfinite(threshold)):
        raise (ValueError if isinstance(threshold, float) else TypeError)(
            f"accuracy() threshold must be a finite number or None, got {threshold!r}")
    check_rows("X", model, X, "accuracy")
    t = _default_threshold(model) if threshold is None else threshold
    outputs = predict(model, X)
    return sum(_correct(o, target, t) for o, target in zip(outputs, y)) / len(y)


def evaluate(model: Callable[[Any], Any], X: Sequence[Any], y: Sequence[Any], loss: LossSpec = "mse",
             threshold: Optional[float] = None) -> Dict[str, Optional[float]]:
    """``{"loss": ..., "accuracy": ...}`` on a data set, without recording a graph.

    Accuracy is None for a regression (``loss="mse"`` on targets other than two class labels).

    >>> from nn import MLP, constant
    >>> evaluate(MLP(1, [1], init=constant(1.0)), [[1.0], [2.0]], [2.0, 2.0])   # outputs 2, 3
    {'loss': 0.5, 'accuracy': None}
    """
    check_model("evaluate", model)
    check_data("evaluate", X, y)
    check_rows("X", model, X, "evaluate")
    fn, kind = _resolve_loss(loss, "evaluate")
    t = _threshold(kind, model, y) if threshold is None else threshold
    return _evaluate(model, X, y, fn, t, _classifying(kind, y))


def _evaluate(model: Callable[[Any], Any], X: Sequence[Any], y: Sequence[Any], fn: Callable[..., Value],
              threshold: float, want_accuracy: bool) -> Dict[str, Optional[float]]:
    with no_grad():
        outputs = [model(x) for x in X]
        value = fn(outputs, list(y)).data
    acc = None
    if want_accuracy:
        acc = sum(_correct(as_float(o), target, threshold) for o, target in zip(outputs, y)) / len(y)
    return {"loss": value, "accuracy": acc}


def _resolve_loss(loss: LossSpec, who: str = "fit") -> Tuple[Callable[..., Value], str]:
    try:
        record = _losses.lookup(loss)
    except (TypeError, ValueError) as e:
        separator = ": " if isinstance(e, ValueError) else " "
        raise type(e)(f"{who}() loss{separator}{e}") from None
    if record is None:
        return loss, "custom"  # type: ignore[return-value]
    return record.function, record.kind


def _classifying(kind: str, y: Sequence[Any]) -> bool:
    """Whether accuracy means something: a classification loss, or mse on two class labels."""
    return kind not in ("regression", "custom") or (kind == "regression" and _binary_labels(y) is not None)


def _threshold(kind: str, model: Any, y: Sequence[Any] = ()) -> float:
    """Where one output splits the two classes, for the loss that trained it."""
    if kind == "binary_probability":
        return 0.5
    if kind == "binary_score":
        return 0.0
    labels = _binary_labels(y) if kind == "regression" else None
    if labels is not None:  # mse towards two labels: halfway between them
        return (labels[0] + labels[1]) / 2
    return _default_threshold(model)




def _progress_bar() -> Tuple[Any, Dict[str, Any]]:
    """tqdm's bar for where we run: a widget in a Jupyter kernel that has
    ipywidgets, text on stdout in one that hasn't (tqdm.auto would print a
    warning there, and stderr shows red), text on stderr in a terminal."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as widget_bar
        except ImportError:
            from tqdm.std import tqdm as text_bar

            return text_bar, {"file": sys.stdout}
        return widget_bar, {}
    from tqdm.std import tqdm as terminal_bar

    return terminal_bar, {}


def fit(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: LossSpec = "mse",
    optimizer: Optional[Optimizer] = None,
    *,
    epochs: int = 100,
    batch_size: Optional[int] = None,
    lr: Optional[float] = None,
    shuffle: bool = True,
    seed: Union[None, int, random.Random] = 0,
    l2: float = 0.0,
    schedule: Union[None, Schedule, Callable[[int], float]] = None,
    metrics: Optional[Sequence[Union[str, Callable[..., float]]]] = None,
    validation_data: Optional[Tuple[Sequence[Any], Sequence[Any]]] = None,
    progress: bool = True,
    callback: Optional[Callable[[int, History], Any]] = None,
    engine: str = "auto",
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent; returns a :class:`History`.

    - ``loss``: ``"mse"``, ``"bce"`` (probabilities), ``"bce_logits"``,
      ``"hinge"``, ``"cross_entropy"`` (see :mod:`nn.losses` for the labels
      each wants), or a function ``loss(outputs, targets) -> Value``.
    - ``optimizer``: an :mod:`nn.optim` optimizer over the model's parameters;
      by default ``SGD(model.parameters(), lr=lr or 0.1)``.
    - ``batch_size``: None (full batch), 1 (per sample) or k (mini-batches).
    - ``shuffle``, ``seed``: with batches, the rows are shuffled every epoch
      by ``random.Random(seed)`` (the default seed 0 is reproducible; None draws
      from the global ``random`` module, see :func:`nn.init.rng_from`).
      Full-batch steps do not shuffle: the mean is the same.
    - ``l2``: add ``l2 * sum(p^2)`` over the model's parameters to the loss.
    - ``schedule``: a :class:`~nn.optim.Schedule` on the optimizer, or a
      function ``epoch -> lr``; applied once per epoch.
    - ``metrics``: ``["accuracy"]`` and/or functions ``f(model, X, y) -> float``
      run after each epoch; by default accuracy for a classification loss.
    - ``validation_data``: ``(X_val, y_val)`` measured after every epoch.
    - ``progress``: a tqdm progress bar (on stderr); ``progress=False`` hides it.
    - ``callback(epoch, history)``: called after each epoch; return True to stop.
    - ``engine``: ``"auto"`` (the fastest that applies), ``"plain"``, ``"tape"``
      or ``"batched"`` (see :mod:`nn.engines`); ``history.engine`` says which ran.

    >>> from nn import MLP, data
    >>> X, y = data.xor()
    >>> model = MLP(2, [4, 1], activation="tanh", seed=3)
    >>> history = fit(model, X, y, loss="bce_logits", lr=0.5, epochs=300, progress=False)
    >>> history.accuracy[-1], accuracy(model, X, y)
    (1.0, 1.0)
    """
    check_data("fit", X, y)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit() epochs must be an int >= 0, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit() batch_size must be None (full batch) or an int >= 1, got {batch_size!r}")
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not 0 <= l2 < math.inf:
        raise ValueError(f"fit() l2 must be a number >= 0, got {l2!r}")
    check_rows("X", model, X)
    check_labels("y", y)
    loss_fn, kind = _resolve_loss(loss)
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 <= lr < math.inf):
        raise (TypeError if not isinstance(lr, (int, float)) else ValueError)(
            f"fit() lr must be a finite number >= 0, got {lr!r}")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1 if lr is None else lr)
    elif lr is not None:
        raise ValueError("fit() got both an optimizer and lr; set the learning rate on the optimizer")
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit() optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}: {optimizer!r}")
    model_ids = {id(p) for p in params}
    if not any(id(p) in model_ids for p in optimizer.params):
        raise ValueError("fit(): the optimizer holds none of the model's parameters; "
                         "make it with optimizer(model.parameters(), ...)")
    if isinstance(schedule, Schedule) and schedule.optimizer is not optimizer:
        raise ValueError("fit(): the schedule belongs to a different optimizer than the one training")
    if schedule is not None and not isinstance(schedule, Schedule) and not callable(schedule):
        raise TypeError(f"fit() schedule must be a Schedule or a function of the epoch, got {schedule!r}")
    if metrics is not None and (isinstance(metrics, (str, bytes)) or not hasattr(metrics, "__iter__")):
        raise TypeError(f"fit() metrics must be a list of 'accuracy' and functions, got {type(metrics).__name__}: "
                        f"{metrics!r}")
    wanted = list(metrics) if metrics is not None else (["accuracy"] if _classifying(kind, y) else [])
    threshold = _threshold(kind, model, y)
    if "accuracy" in wanted:
        with contextlib.suppress(AttributeError):  # accuracy(model, X, y) then judges outputs the same way
            setattr(model, "decision_threshold", threshold)  # noqa: B010
    rng = rng_from(seed, "fit")
    n = len(X)
    size = n if batch_size is None else min(batch_size, n)

    used = choose_engine(engine, loss, size, n, epochs=epochs, model=model)
    stepper = make_engine(used, model, loss, loss_fn, optimizer, l2, params, X, y)
    history = History()
    history.engine = used
    if "accuracy" in wanted:
        history.accuracy = []
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(f"fit() validation_data must be a pair (X_val, y_val), got {validation_data!r}"[:300])
        for part in validation_data:
            if isinstance(part, (str, bytes)) or not hasattr(part, "__len__"):
                raise TypeError(f"fit() validation_data must be a pair (X_val, y_val) of sequences, got {part!r}")
        if len(validation_data[0]) != len(validation_data[1]) or len(validation_data[0]) == 0:
            raise ValueError("fit() validation_data must be a pair (X_val, y_val) of equal, non-zero lengths")
        check_rows("validation_data X", model, validation_data[0])
        check_labels("validation_data y", validation_data[1])
        history.val_loss = []
        history.val_accuracy = [] if history.accuracy is not None else None
    custom = [(getattr(m, "__name__", f"metric{i}"), m) for i, m in enumerate(wanted) if callable(m)]
    for name, _ in custom:
        history.add_metric(name)
    for m in wanted:
        if not callable(m) and m != "accuracy":
            raise ValueError(f"fit() metrics may be 'accuracy' or functions f(model, X, y), got {m!r}")

    def judge(outputs: Any, rows: Optional[Sequence[int]]) -> int:
        """How many of a step's outputs classify their rows right."""
        targets = y if rows is None else [y[r] for r in rows]
        return sum(_correct(o, t, threshold) for o, t in zip(outputs, targets))

    count = getattr(stepper, "count_correct", None)  # an engine's faster count, if it has one
    tqdm, where = _progress_bar()
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=f"fit ({used})", unit="epoch", disable=not progress, **where)
    for epoch in bar:
        if schedule is not None and not isinstance(schedule, Schedule):
            optimizer.lr = scheduled_lr(schedule, epoch)
        history.lr.append(optimizer.lr)
        order = list(range(n))
        if shuffle and size < n:
            rng.shuffle(order)
        total, correct, value = 0.0, 0, 0.0
        for i in range(0, n, size):
            rows = None if size == n else order[i:i + size]  # None: every row, in order (full batch)
            with collector_paused():
                value, outputs = stepper.step(rows)
            total += value * (n if rows is None else len(rows))
            if history.accuracy is not None:
                correct += count(outputs, rows, threshold, judge) if count else judge(outputs, rows)
        history.loss.append(value if size == n else total / n)  # one batch: its loss exactly
        if history.accuracy is not None:
            history.accuracy.append(correct / n)
        if validation_data is not None:
            result = _evaluate(model, validation_data[0], validation_data[1], loss_fn, threshold,
                               history.accuracy is not None)
            assert history.val_loss is not None
            history.val_loss.append(float(result["loss"]))  # type: ignore[arg-type]
            if history.val_accuracy is not None and result["accuracy"] is not None:
                history.val_accuracy.append(result["accuracy"])
        for name, fn in custom:
            with no_grad():
                history[name].append(float(fn(model, X, y)))
        if isinstance(schedule, Schedule):
            schedule.step()
        if progress:
            postfix = {"loss": f"{history.loss[-1]:.4g}"}
            if history.accuracy:
                postfix["acc"] = f"{history.accuracy[-1]:.3f}"
            bar.set_postfix(postfix, refresh=epoch == epochs - 1)
        if callback is not None and callback(epoch, history) is True:
            break
    bar.close()
    history.seconds = time.perf_counter() - start
    return history
