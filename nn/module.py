"""``Module``: the base class of everything that holds parameters.

A parameter is an ``autograd.Value`` stored on a module, directly or in a
list. ``named_parameters()`` finds them by walking the module's attributes in
the order they were set, so ``Neuron`` (``w`` then ``b``) inside ``Layer``
(``neurons``) inside ``MLP`` (``layers``) gives names like
``layers.0.neurons.2.w.1`` and, neuron by neuron, the weights then the bias:
micrograd's order.
"""

from __future__ import annotations

import math
import numbers
import types
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Type, TypeVar

from autograd import Value

from . import io as _io
from .io import PathLike

__all__ = ["Module"]

M = TypeVar("M", bound="Module")

#: Every Module subclass by class name, so a file can say which class to build.
_REGISTRY: Dict[str, Type[Module]] = {}


class _ClassOrInstanceMethod:
    """A method that does one thing on the class and another on an instance.

    ``MLP.load(path)`` builds a new model from a file; ``model.load(path)``
    loads the file's weights into ``model``. Either way you get a model that
    holds the file's weights, so ``model.load(path)`` is never a silent no-op.
    """

    def __init__(self, on_class: Callable[..., Any], on_instance: Callable[..., Any]) -> None:
        self.on_class = on_class
        self.on_instance = on_instance
        self.__doc__ = on_class.__doc__

    def __get__(self, obj: Any, objtype: Any = None) -> Callable[..., Any]:
        if obj is None:
            return types.MethodType(self.on_class, objtype)
        return types.MethodType(self.on_instance, obj)


def _load_new(cls: Type[M], path: PathLike) -> M:
    """Build a new model from a file written by ``save``: its class, architecture and weights.

    ``MLP.load(path)`` (on the class) returns a new model; ``model.load(path)``
    (on a model) loads the file's weights into that model instead, like
    ``load_weights``. Either way a bad file raises an error naming the file and
    the problem.
    """
    data = _io.read(path)
    name = data["class"]
    target = cls if name == cls.__name__ else _REGISTRY.get(name)
    if target is None or not issubclass(target, cls):
        raise _io.ModelFileError(path, f"the file holds a {name}, not a {cls.__name__}")
    if data["config"] is None:
        raise _io.ModelFileError(
            path, f"the file has no architecture ({name} has no get_config()); "
            f"build the model yourself and call model.load({str(path)!r})")
    wanted = target.count_parameters(data["config"])
    held = len(data["state"])
    # Checked before allocating anything: a tiny file must not make us build millions of weights.
    # Near misses are built and then named weight by weight by load_state_dict.
    if wanted is not None and wanted > 2 * held + 1000:
        raise _io.ModelFileError(
            path, f"its {name} config {_short(data['config'])} has {wanted:,} parameters, "
            f"but its state holds {len(data['state']):,} weights")
    try:
        model = target.from_config(data["config"])
    except (TypeError, ValueError, OverflowError) as e:
        raise _io.ModelFileError(path, f"its {name} config {data['config']!r} is invalid: {e}") from None
    try:
        model.load_state_dict(data["state"])
    except (TypeError, ValueError) as e:
        raise _io.ModelFileError(path, str(e)) from None
    return model


class Module:
    """Base class for Neuron, Layer, MLP and your own models.

    Subclasses store their parameters (``Value``s), sub-modules, or lists of
    either, as attributes; everything below then works unchanged.
    Attributes whose names start with ``_`` are private and not searched.

    >>> from autograd import Value
    >>> class Line(Module):
    ...     def __init__(self):
    ...         self.slope = Value(2.0)
    ...         self.intercept = Value(1.0)
    ...     def forward(self, x):
    ...         return self.slope * x + self.intercept
    >>> line = Line()
    >>> line(3.0).data
    7.0
    >>> [name for name, _ in line.named_parameters()]
    ['slope', 'intercept']
    >>> line.state_dict()
    {'slope': 2.0, 'intercept': 1.0}
    """

    #: True when ``forward`` builds a graph of the same shape whatever numbers it is
    #: given (no branch on the data), so ``fit`` may record the graph once and replay
    #: it (the tape and batched engines of :mod:`nn.engines`). nn's own layers say so;
    #: a Module of yours opts in by setting ``fixed_graph = True`` on its class.
    fixed_graph: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    # --- forward ---------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- parameters ------------------------------------------------------------------

    def named_parameters(self, prefix: str = "") -> List[Tuple[str, Value]]:
        """``(name, Value)`` for every parameter, in a stable order.

        Names are attribute paths joined with dots, list items by index
        (``layers.0.neurons.2.w.1``). A Value shared by two places is listed
        once, under its first name, so an optimizer never updates it twice.

        >>> from nn import Neuron
        >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        found: List[Tuple[str, Value]] = []
        seen: set = set()
        self._collect(prefix, found, seen)
        return found

    def _collect(self, prefix: str, found: List[Tuple[str, Value]], seen: set) -> None:
        for attr, item in vars(self).items():
            if not attr.startswith("_"):
                _collect_item(f"{prefix}{attr}", item, found, seen)

    def parameters(self) -> List[Value]:
        """Every parameter, in the order of :meth:`named_parameters`.

        >>> from nn import Layer
        >>> len(Layer(3, 2, seed=0).parameters())   # 2 neurons x (3 weights + 1 bias)
        8
        """
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many parameters the module has.

        >>> from nn import MLP
        >>> MLP(2, [16, 16, 1], seed=0).num_parameters()
        337
        """
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (gradients accumulate otherwise).

        >>> from nn import Neuron
        >>> n = Neuron(2, seed=0)
        >>> n([1.0, 2.0]).backward()
        >>> n.zero_grad()
        >>> [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    # --- state -----------------------------------------------------------------------

    def state_dict(self) -> Dict[str, float]:
        """``{name: weight}`` for every parameter, as plain floats (a copy).

        >>> from nn import Neuron, constant
        >>> Neuron(2, init=constant(0.5)).state_dict()
        {'w.0': 0.5, 'w.1': 0.5, 'b': 0.5}
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> Dict[str, List[str]]:
        """Set the weights from ``{name: number}``.

        Everything is checked before anything is written, so on any error
        (a missing or unexpected name, a value that is not a finite number)
        the module is left exactly as it was. With ``strict=False`` missing
        and unexpected names are allowed and reported in the returned
        ``{"missing": [...], "unexpected": [...]}``.

        >>> from nn import Neuron, constant
        >>> n = Neuron(2, init=constant(0.0))
        >>> n.load_state_dict({"w.0": 1.0, "w.1": -2.0, "b": 0.5})
        {'missing': [], 'unexpected': []}
        >>> n([1.0, 1.0]).data                  # relu(1 - 2 + 0.5)
        0.0
        >>> n.load_state_dict({"w.0": 1.0, "w.1": float("nan"), "b": 0.5})
        Traceback (most recent call last):
        ...
        ValueError: parameter 'w.1' is nan; weights must be finite numbers
        >>> n.state_dict()                      # unchanged by the failed load
        {'w.0': 1.0, 'w.1': -2.0, 'b': 0.5}
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict() needs a mapping of names to numbers, got {type(state).__name__}")
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state]
        unexpected = [str(name) for name in state if name not in params]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing parameters: {_names(missing)}")
            if unexpected:
                problems.append(f"unexpected parameters: {_names(unexpected)}")
            raise ValueError("; ".join(problems) + f" (the model has {len(params)} parameters)")
        values: Dict[str, float] = {}
        for name in params:
            if name in state:
                values[name] = _check_weight(name, state[name])
        for name, value in values.items():  # nothing is written until everything passed
            params[name].data = value
        return {"missing": missing, "unexpected": unexpected}

    # --- architecture ------------------------------------------------------------------

    def get_config(self) -> Optional[Dict[str, Any]]:
        """The constructor arguments that rebuild this architecture (JSON-able),
        or None when the module cannot say (then :meth:`save` stores weights
        only and the class-level ``load`` cannot rebuild it)."""
        return None

    @classmethod
    def count_parameters(cls, config: Any) -> Optional[int]:
        """How many parameters :meth:`from_config` would build from ``config``,
        computed without building them (None where the class cannot say, or the
        config is malformed: :meth:`from_config` then says what is wrong).
        Loading checks it against the file's weights before allocating.

        >>> from nn import MLP
        >>> MLP.count_parameters({"nin": 2, "nouts": [16, 16, 1]})
        337
        """
        return None

    @classmethod
    def from_config(cls: Type[M], config: Dict[str, Any]) -> M:
        """Build a module from :meth:`get_config`'s dict (weights not set)."""
        return cls(**config)

    # --- files -----------------------------------------------------------------------

    def save(self, path: PathLike) -> None:
        """Write the architecture and weights to ``path`` as JSON.

        The file holds ``{"format": "chainrule.nn", "version": 1, "class": ...,
        "config": ..., "state": {name: weight}}``; floats are written so they
        read back exactly. The write is atomic: a temporary file in the same
        directory is renamed over ``path``, so a crash never leaves half a file.
        See :func:`nn.io.save`.
        """
        _io.save(self, path)

    def load_weights(self, path: PathLike) -> Module:
        """Load a file written by :meth:`save` into this model; returns the model.

        The file must hold the same class and architecture. Every problem (a
        missing, empty, truncated or corrupt file, another format or version,
        a different architecture, missing or extra or non-finite weights)
        raises an error naming the file and the problem, and leaves the model
        exactly as it was. ``model.load(path)`` does the same.
        """
        data = _io.read(path)
        _io.check_matches(data, path, type(self).__name__, self.get_config())
        try:
            self.load_state_dict(data["state"])
        except (TypeError, ValueError) as e:
            raise _io.ModelFileError(path, str(e)) from None
        return self

    load = _ClassOrInstanceMethod(_load_new, load_weights)


def _collect_item(name: str, item: Any, found: List[Tuple[str, Value]], seen: set) -> None:
    if isinstance(item, Value):
        if id(item) not in seen:
            seen.add(id(item))
            found.append((name, item))
    elif isinstance(item, Module):
        item._collect(name + ".", found, seen)
    elif isinstance(item, (list, tuple)):
        for i, sub in enumerate(item):
            _collect_item(f"{name}.{i}", sub, found, seen)


def _short(config: Any, limit: int = 120) -> str:
    text = repr(config)
    return text if len(text) <= limit else text[:limit] + "...}"


def _names(names: List[str], shown: int = 5) -> str:
    listed = ", ".join(names[:shown])
    return listed + (f", ... ({len(names)} in all)" if len(names) > shown else "")


def _check_weight(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"parameter {name!r} must be a number, got {type(value).__name__}: {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float (a 400-digit weight)
        digits = len(str(abs(value))) if isinstance(value, int) else "many"
        raise ValueError(f"parameter {name!r} is an integer of {digits} digits, too large for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"parameter {name!r} is {value}; weights must be finite numbers")
    return value
