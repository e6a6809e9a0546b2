"""Loss functions: how wrong a model's outputs are, as a Value to backpropagate.

Every loss takes the model's ``outputs`` and the ``targets`` for one sample or
for a batch, and returns one ``Value``: by default the mean over every sample
(and every output), as PyTorch's losses do; ``reduction="sum"`` adds instead.

============================  ============================  ==========================================
loss                          outputs                       targets
============================  ============================  ==========================================
:func:`mse`                   any numbers                   numbers, the same shape
:func:`binary_cross_entropy`  probabilities in [0, 1]       0 or 1 (or a probability)
(``from_logits=True``)        raw scores (logits)           0 or 1 (or a probability)
:func:`hinge`                 raw scores                    +1 or -1 (0 is read as -1)
:func:`cross_entropy`         one score per class           the class index 0, 1, ..., C-1
============================  ============================  ==========================================

A batch is a list of outputs (Values, or lists of Values for several outputs)
with a list of targets. Plus :func:`l2`, the weight penalty.

Each loss is one :class:`Loss` record in :data:`TABLE`: its names, its term
(the loss of one output, or of one sample's scores, written once), its target
check, and which of ``fit``'s engines run it and which of those give the plain
engine's floats bit for bit. The functions here and every engine in
:mod:`nn.engines` read the records.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from autograd import Value, logsumexp
from autograd.ops import LOGSUMEXP

__all__ = [
    "mse", "binary_cross_entropy", "bce_with_logits", "hinge", "cross_entropy", "l2", "get", "LOSSES",
    "Loss", "TABLE", "lookup",
]

Output = Union[Value, float]
Outputs = Union[Output, Sequence[Any]]
Targets = Union[float, Sequence[Any]]


def _number(who: str, t: Any) -> float:
    if isinstance(t, Value):
        return t.data
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        raise TypeError(f"{who} targets must be numbers, got {type(t).__name__}: {t!r}")
    return float(t)


def _is_seq(x: Any) -> bool:
    return not isinstance(x, (Value, numbers.Number, str, bytes)) and hasattr(x, "__len__")


def _pairs(who: str, outputs: Any, targets: Any) -> List[Tuple[Any, float]]:
    """(output, target) for every element, batch and multi-output flattened."""
    if not _is_seq(outputs):
        if _is_seq(targets):
            raise ValueError(f"{who} got one output but {len(targets)} targets (outputs and targets must match)")
        return [(outputs, _number(who, targets))]
    outs = list(outputs)
    if not _is_seq(targets):
        raise ValueError(f"{who} got {len(outs)} outputs but one target: targets={targets!r}")
    ts = list(targets)
    if len(outs) != len(ts):
        raise ValueError(f"{who} got {len(outs)} outputs but {len(ts)} targets (outputs and targets must match)")
    pairs: List[Tuple[Any, float]] = []
    for o, t in zip(outs, ts):
        pairs.extend(_pairs(who, o, t) if _is_seq(o) or _is_seq(t) else [(o, _number(who, t))])
    if not pairs:
        raise ValueError(f"{who} needs at least one output, got none")
    return pairs


def _total(terms: Sequence[Any]) -> Any:
    """Sum of terms, starting from the first (no needless ``0 +`` node)."""
    return sum(terms[1:], terms[0])


def _reduce(who: str, terms: List[Any], reduction: str) -> Value:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{who} reduction must be 'mean' or 'sum', got {reduction!r}")
    total = _total(terms)
    if reduction == "mean" and len(terms) > 1:
        total = total * (1.0 / len(terms))  # micrograd's spelling, so its losses match bit for bit
    return total if isinstance(total, Value) else Value(total)


def mse(outputs: Outputs, targets: Targets, reduction: str = "mean") -> Value:
    """Mean squared error, ``mean((output - target)^2)``, as ``torch.nn.MSELoss``.

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(-1.0)
    >>> loss = mse([a, b], [0.0, 1.0])          # ((2 - 0)^2 + (-1 - 1)^2) / 2
    >>> loss.data
    4.0
    >>> loss.backward(); a.grad, b.grad         # 2 (output - target) / n
    (2.0, -2.0)
    """
    return _elementwise(MSE, outputs, targets, reduction)


def _mse_term(o: Any, t: Any) -> Any:
    return (o - t) ** 2


#: PyTorch's epsilon in BCELoss's derivative: 1e-12 as a float32, read back as a float64.
_BCE_EPS = 9.999999960041972e-13


def _clamp_log(x: float) -> float:
    return max(math.log(x), -100.0) if x > 0 else -100.0


def _bce_term(o: Any, t: float) -> Any:
    """``-(t log p + (1 - t) log(1 - p))`` as ``torch.nn.BCELoss`` computes it: each log
    clamped at -100, ``log(1 - p)`` as ``log1p(-p)`` (exact for tiny p), and the derivative
    ``(p - t) / max(p (1 - p), 1e-12)`` (1e-12 as a float32), PyTorch's, which stays finite and keeps its sign at
    the clamp (p = 0 or 1). Where ``p (1 - p) >= 1e-12`` the term is the graph of the logs
    themselves; nearer 0 or 1 it is the straight line with PyTorch's value and slope at p."""
    p = o.data if isinstance(o, Value) else float(o)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"binary_cross_entropy() needs probabilities in [0, 1], got {p!r}; for raw scores use "
                         "from_logits=True (loss='bce_logits'), or give the model output_activation='sigmoid'")
    value = -(t * _clamp_log(p) + (1.0 - t) * (max(math.log1p(-p), -100.0) if p < 1 else -100.0))
    if not isinstance(o, Value):
        return value
    if p * (1.0 - p) < _BCE_EPS:
        slope = (p - t) / max(p * (1.0 - p), _BCE_EPS)
        return o * slope + (value - slope * p)
    term = None
    if t != 0.0:
        term = t * o.log()
    if t != 1.0:
        one_minus = (1.0 - o).log() + (math.log1p(-p) - math.log(1.0 - p))  # the value of log1p(-p)
        term = (1.0 - t) * one_minus if term is None else term + (1.0 - t) * one_minus
    assert term is not None
    return -term


def binary_cross_entropy(
    outputs: Outputs, targets: Targets, from_logits: bool = False, reduction: str = "mean"
) -> Value:
    """Log-loss for two classes, ``-(t log p + (1 - t) log(1 - p))``.

    With ``from_logits=False`` the outputs are probabilities ``p`` in [0, 1]
    (a sigmoid output), as ``torch.nn.BCELoss``: each log is clamped at -100,
    so a confident mistake costs 100, not infinity. With ``from_logits=True``
    the outputs are raw scores ``x`` and ``p = sigmoid(x)`` is folded in
    stably, ``softplus(x) - t x``, as ``torch.nn.BCEWithLogitsLoss``.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> loss = binary_cross_entropy(x.sigmoid(), 1)       # -log(1/2)
    >>> round(loss.data, 6), round(binary_cross_entropy(x, 1, from_logits=True).data, 6)
    (0.693147, 0.693147)
    >>> loss.backward(); x.grad                          # sigmoid(x) - t
    -0.5
    """
    return _elementwise(BCE_LOGITS if from_logits else BCE, outputs, targets, reduction)


def _probability_label(target: Any) -> float:
    t = _number("binary_cross_entropy()", target)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"binary_cross_entropy() targets must be in [0, 1] (1 for the positive class, 0 for the "
                         f"negative), got {t!r}")
    return t


def _bce_logits_term(o: Any, t: Any) -> Any:
    """t softplus(-x) + (1 - t) softplus(x) = softplus(x) - t x, for a score x.

    With the label a Value (one traced graph for every label) the first form is
    used; a known 0 or 1 drops a term, any other number takes the second form."""
    if isinstance(t, Value):
        return t * (-o).softplus() + (1.0 - t) * o.softplus()
    if t == 1.0:
        return _softplus(-o)
    if t == 0.0:
        return _softplus(o)
    return _softplus(o) - t * o


def _softplus(x: Any) -> Any:
    if isinstance(x, Value):
        return x.softplus()
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def bce_with_logits(outputs: Outputs, targets: Targets, reduction: str = "mean") -> Value:
    """:func:`binary_cross_entropy` with ``from_logits=True``.

    >>> round(bce_with_logits([2.0, -1.0], [1, 0]).data, 6)   # (softplus(-2) + softplus(-1)) / 2
    0.220095
    """
    return binary_cross_entropy(outputs, targets, from_logits=True, reduction=reduction)


def hinge(outputs: Outputs, targets: Targets, margin: float = 1.0, reduction: str = "mean") -> Value:
    """micrograd's max-margin loss, ``mean(relu(margin - y * score))``, y = +1 or -1.

    A score on the right side of 0 by at least ``margin`` costs nothing.
    Targets of 0 are read as -1, so 0/1 labels work too.

    >>> from autograd import Value
    >>> s = [Value(2.0), Value(0.5), Value(0.3)]
    >>> loss = hinge(s, [1, 1, -1])          # (0 + 0.5 + 1.3) / 3
    >>> round(loss.data, 12)
    0.6
    >>> loss.backward(); [round(v.grad, 12) for v in s]
    [0.0, -0.333333333333, 0.333333333333]
    """
    return _elementwise(HINGE, outputs, targets, reduction, margin=_margin(margin))


def _sign_label(target: Any) -> float:
    t = _number("hinge()", target)
    if t not in (1.0, -1.0, 0.0):
        raise ValueError(f"hinge() targets must be +1 or -1 (0 is read as -1), got {t!r}")
    return 1.0 if t == 1.0 else -1.0


def _hinge_term(o: Any, t: Any, margin: float = 1.0) -> Any:
    """relu(margin - t·score). With the label a Value (one traced graph for every
    label) as written; a known label of +1 or -1 is folded in: relu(margin ∓ score)."""
    if isinstance(t, Value):
        return (margin - t * o).relu()
    return _relu(margin - o) if t == 1.0 else _relu(margin + o)


def _margin(margin: Any) -> float:
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise TypeError(f"hinge() margin must be a number, got {type(margin).__name__}: {margin!r}")
    if not math.isfinite(margin):
        raise ValueError(f"hinge() margin must be finite, got {margin!r}")
    return float(margin)


def _relu(x: Any) -> Any:
    return x.relu() if isinstance(x, Value) else max(x, 0.0)


def _class_index(who: str, t: Any, classes: int) -> int:
    if (isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(t)
            or float(t) != int(float(t))):
        raise TypeError(f"{who} targets must be class indices (ints), got {type(t).__name__}: {t!r}")
    index = int(float(t))
    if not 0 <= index < classes:
        raise ValueError(f"{who} targets: {index} is not a class index for {classes} scores (0 to {classes - 1})")
    return index


def _one_ce(scores: Any, target: Any) -> Any:
    who = "cross_entropy()"
    if not _is_seq(scores) or len(scores) == 0:
        raise ValueError(f"{who} needs a list of class scores for each sample, got {scores!r}")
    return _ce_term(scores, _class_index(who, target, len(scores)))


def _ce_term(scores: Sequence[Any], target: Any) -> Any:
    """logsumexp(scores) - the target's score, the logsumexp one node computed stably.

    ``target`` is the class index, or (one traced graph for every label) a
    one-hot row of Values, whose product with the scores picks the target's score."""
    if isinstance(target, int):
        if any(isinstance(s, Value) for s in scores):
            return logsumexp(scores) - scores[target]  # one node, computed stably (no exp overflows)
        return LOGSUMEXP.forward(*[float(s) for s in scores]) - scores[target]
    return logsumexp(scores) - _total([h * s for h, s in zip(target, scores)])


def cross_entropy(outputs: Any, targets: Any, reduction: str = "mean") -> Value:
    """Softmax cross-entropy: ``logsumexp(scores) - scores[target]``, as
    ``torch.nn.CrossEntropyLoss``.

    ``outputs`` are raw class scores (a linear last layer): one list for one
    sample with an int ``targets``, or a list of lists with a list of ints.
    ``logsumexp`` is one node that takes the largest score out before ``exp``,
    so huge scores are fine.
    The gradient for each score is ``softmax - one_hot(target)``.

    >>> from autograd import Value
    >>> s = [Value(1.0), Value(2.0), Value(3.0)]
    >>> loss = cross_entropy(s, 2)
    >>> round(loss.data, 6)
    0.407606
    >>> loss.backward(); [round(v.grad, 6) for v in s]
    [0.090031, 0.244728, -0.334759]
    >>> round(cross_entropy([[1000.0, 0.0]], [1]).data, 6)   # no overflow
    1000.0
    """
    who = "cross_entropy()"
    if isinstance(targets, numbers.Real) and not isinstance(targets, bool):
        terms = [_one_ce(outputs, targets)]
    else:
        if not _is_seq(targets) or not _is_seq(outputs):
            raise TypeError(f"{who} needs class scores (outputs) and class indices (targets), got outputs={outputs!r} "
                            f"and targets={targets!r}")
        if len(outputs) != len(targets):
            raise ValueError(f"{who} got {len(outputs)} samples but {len(targets)} targets")
        if len(outputs) == 0:
            raise ValueError(f"{who} needs at least one sample, got none")
        terms = [_one_ce(o, t) for o, t in zip(outputs, targets)]
    return _reduce(who, terms, reduction)


def l2(parameters: Iterable[Value], alpha: float = 1.0) -> Value:
    """The weight penalty ``alpha * sum(p^2)`` (micrograd's demo uses 1e-4).

    Its gradient is ``2 alpha p``, the same push as SGD's ``weight_decay = 2 alpha``.

    >>> from autograd import Value
    >>> w = [Value(3.0), Value(-4.0)]
    >>> r = l2(w, alpha=0.5)             # 0.5 (9 + 16)
    >>> r.data
    12.5
    >>> r.backward(); [p.grad for p in w]
    [3.0, -4.0]
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"l2() alpha must be a number, got {type(alpha).__name__}: {alpha!r}")
    if not math.isfinite(alpha):
        raise ValueError(f"l2() alpha must be finite, got {alpha!r}")
    if isinstance(parameters, (Value, str, bytes)) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"l2() parameters must be a list of Values, got {type(parameters).__name__}: {parameters!r}")
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"l2() parameters must hold Values, got {type(p).__name__} at position {i}: {p!r}")
    squares = [p * p for p in params]
    if not squares:
        return Value(0.0)
    return float(alpha) * _total(squares)


def _elementwise(loss: Loss, outputs: Any, targets: Any, reduction: str, **options: Any) -> Value:
    """A loss of one output and one target, over every (output, target) pair."""
    terms = [loss.term(o, loss.label(t), **options) for o, t in _pairs(loss.who, outputs, targets)]
    return _reduce(loss.who, terms, reduction)


@dataclass(frozen=True)
class Loss:
    """One loss: how ``fit``, ``evaluate`` and every engine know it.

    ``term(output, label)`` is the loss of one output (of one sample's list of
    scores when ``classes``), with the label checked and encoded by
    ``label(target)`` (for ``classes``: ``label(target, n_scores)``, a class
    index). A label may also be a ``Value`` (a one-hot row of them for
    ``classes``): that is how the batched engine traces one graph for every
    label. ``kind`` is the task (it sets the accuracy threshold); ``engines``
    are the engines of :mod:`nn.engines` that run it and ``exact`` those that give
    the plain engine's floats bit for bit.

    >>> TABLE["hinge"].term(Value(0.25), TABLE["hinge"].label(0)).data      # relu(1 + 0.25)
    1.25
    >>> lookup("ce").name, lookup(mse).name, lookup(lambda o, t: o) is None
    ('cross_entropy', 'mse', True)
    """

    name: str
    aliases: Tuple[str, ...]
    function: Callable[..., Value]
    kind: str
    who: str
    term: Callable[..., Any]
    label: Callable[..., Any]
    classes: bool = False
    engines: Tuple[str, ...] = ("plain", "tape", "batched")
    exact: Tuple[str, ...] = ("plain", "tape")
    #: Why an engine not in ``engines`` cannot run it (for the error that says so).
    why_not: Dict[str, str] = field(default_factory=dict)

    def sample(self, outputs: Sequence[Any], labels: Sequence[Any]) -> Any:
        """One sample's loss: the sum of its outputs' terms (the scores' term for ``classes``)."""
        if self.classes:
            return self.term(outputs, labels)
        return _total([self.term(o, t) for o, t in zip(outputs, labels)])


def _label_number(who: str) -> Callable[[Any], float]:
    return lambda t: _number(who, t)


MSE = Loss("mse", (), mse, "regression", "mse()", _mse_term, _label_number("mse()"))
BCE = Loss("bce", ("binary_cross_entropy",), binary_cross_entropy, "binary_probability", "binary_cross_entropy()",
           _bce_term, _probability_label,
           engines=("plain",), exact=("plain",),
           why_not={"tape": "loss='bce' clamps its logs where the output saturates, which changes the graph "
                            "with the data; use engine='plain', or loss='bce_logits' with a linear output "
                            "(exact on every engine)"})
BCE_LOGITS = Loss("bce_logits", ("bce_with_logits",), bce_with_logits, "binary_score", "binary_cross_entropy()",
                  _bce_logits_term, _probability_label)
HINGE = Loss("hinge", (), hinge, "binary_score", "hinge()", _hinge_term, _sign_label)
CROSS_ENTROPY = Loss("cross_entropy", ("ce",), cross_entropy, "multiclass", "cross_entropy()", _ce_term,
                     lambda t, classes: _class_index("cross_entropy()", t, classes), classes=True)

#: Every loss by its name.
TABLE: Dict[str, Loss] = {loss.name: loss for loss in (MSE, BCE, BCE_LOGITS, HINGE, CROSS_ENTROPY)}
_BY_NAME = {name: loss for loss in TABLE.values() for name in (loss.name, *loss.aliases)}

#: Loss names ``fit`` understands (aliases included), with what kind of task each is for.
LOSSES: Dict[str, Tuple[Callable[..., Value], str]] = {name: (loss.function, loss.kind)
                                                      for name, loss in _BY_NAME.items()}


def lookup(loss: Union[str, Callable[..., Value]]) -> Optional[Loss]:
    """The record of a built-in loss given by name (any case, aliases too) or as its
    function; None for a function of your own; a clear error for anything else."""
    if isinstance(loss, str):
        found = _BY_NAME.get(loss.lower())
        if found is None:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(_BY_NAME)} or pass a function")
        return found
    if callable(loss):
        return next((record for record in TABLE.values() if record.function is loss), None)
    raise TypeError(f"loss must be a name or a function, got {type(loss).__name__}: {loss!r}")


def get(loss: Union[str, Callable[..., Value]]) -> Callable[..., Value]:
    """A loss function by name (see :data:`LOSSES`), or ``loss`` itself if callable.

    >>> get("hinge") is hinge, get("bce_logits") is bce_with_logits
    (True, True)
    """
    record = lookup(loss)
    return record.function if record is not None else loss  # type: ignore[return-value]
