"""Neurons, layers and multi-layer perceptrons made of ``Value``s.

With no arguments beyond micrograd's (``Neuron(nin)``, ``Layer(nin, nout)``,
``MLP(nin, nouts)``) these build micrograd's very networks: each weight is
``random.uniform(-1, 1)`` from the global ``random`` module, drawn in order,
the bias starts at 0, hidden neurons are ReLU and the last layer is linear.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from typing import Any, Dict, Iterator, List, Optional, Sequence, Type, TypeVar, Union

from autograd import Value
from autograd.nary import weighted_sum

from . import activations
from .init import Init, Seed, constant, rng_from
from .module import Module
from .naming import name_model

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS"]

#: The activation functions a neuron can apply to its weighted sum (see :mod:`nn.activations`).
ACTIVATIONS = activations.NAMES

U = TypeVar("U", bound="_Unit")
Inputs = Union[Sequence[Union[float, Value]], float, Value]


def _activation(name: Any, nonlin: Optional[bool] = None) -> str:
    if nonlin is not None:  # micrograd's spelling: nonlin=True is ReLU, False is linear
        if name is not None:
            raise ValueError("give activation= or micrograd's nonlin=, not both")
        return "relu" if nonlin else "linear"
    if name is None:
        return "relu"
    return activations.lookup(name).name


@contextlib.contextmanager
def _naming(who: str, arg: str = "") -> Iterator[None]:
    """Re-raise a TypeError or ValueError from the argument checks inside with ``who()`` (and
    ``arg``) in front, unless the message already starts with ``who``."""
    try:
        yield
    except (TypeError, ValueError) as e:
        message = str(e)
        if message.startswith(who) and (not arg or arg in message):
            raise
        raise type(e)(f"{who}() {arg + ': ' if arg else ''}{message}") from None


def _positive_int(what: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be an int, got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"{what} must be at least 1, got {n}")
    return n


def _slope(s: Any) -> float:
    if isinstance(s, bool) or not isinstance(s, (int, float)) or not math.isfinite(s):
        raise ValueError(f"negative_slope must be a finite number, got {s!r}")
    return float(s)


def _inputs(who: str, nin: int, x: Any) -> List[Any]:
    """``x`` as a list of ``nin`` Values (numbers become input Values ``x0``, ``x1``, ...),
    or a clear error."""
    if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool):
        xs: List[Any] = [x]
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{who} expects a sequence of {nin} numbers or Values, got {type(x).__name__}: {x!r}")
    else:
        xs = list(x)
    if len(xs) != nin:
        raise ValueError(f"{who} expects {nin} input{'s' if nin != 1 else ''}, got {len(xs)}")
    for i, xi in enumerate(xs):
        if isinstance(xi, Value):
            continue
        if not isinstance(xi, numbers.Real) or isinstance(xi, bool):
            raise TypeError(f"{who} input {i} must be a number or a Value, got {type(xi).__name__}: {xi!r}")
        # One input Value per number, shared by every neuron that reads it (rather
        # than a constant per neuron), labelled X1, X2, ... as the network picture names inputs.
        xs[i] = Value(float(xi), label=f"X{i + 1}")
    return xs


# --- the modules ---------------------------------------------------------------------------

class _Unit(Module):
    """What Neuron, Layer and MLP share: a graph of the same shape for every input
    (so ``fit`` may trace it), and being rebuilt from a saved config."""

    fixed_graph = True

    @classmethod
    def from_config(cls: Type[U], config: Dict[str, Any]) -> U:
        build: Any = cls  # each subclass takes its config's keywords and init
        unit: U = build(**config, init=constant(0.0))
        return unit


class Neuron(_Unit):
    """``activation(w . x + b)``: ``nin`` weights and a bias, all Values.

    The weighted sum is **one** node, ``autograd.sum([b, w1*x1, w2*x2, ...])``
    (``net_Z1 = W10 + W11·X1 + W12·X2``): one op in a picture and one step of
    the backward pass per input, the bias first as the tutorials write the bias
    unit ``X0`` first. It adds left to right, so its value is micrograd's
    ``sum(w*x, b)`` to the last bit.

    ``activation`` is one of ``relu`` (the default, as micrograd), ``tanh``,
    ``sigmoid``, ``leaky_relu`` (slope ``negative_slope``), ``gelu`` (exact),
    ``silu`` or ``linear`` (the table in :mod:`nn.activations`);
    micrograd's ``nonlin=False`` means linear. ``init`` and ``seed`` choose the
    starting weights (see :class:`Init`); ``fan_out`` only matters to ``xavier``.

    >>> n = Neuron(2, activation="tanh", init=constant(0.5))
    >>> n
    TanhNeuron(2)
    >>> y = n([1.0, -3.0])                 # tanh(0.5*1 + 0.5*(-3) + 0.5)
    >>> round(y.data, 6)
    -0.462117
    >>> y.backward()
    >>> [round(p.grad, 6) for p in n.parameters()]   # d y/d w_i = (1 - y^2) x_i, d y/d b = 1 - y^2
    [0.786448, -2.359343, 0.786448]
    """

    #: The name of this neuron's unit (``Z1``, ``D0``; see :mod:`nn.naming`): its output Value is
    #: labelled with it, and its weighted sum ``net_<unit>`` when the activation is not linear.
    unit: str

    def __init__(
        self,
        nin: int,
        activation: Optional[str] = None,
        init: Union[str, Init] = "uniform",
        seed: Seed = None,
        *,
        nonlin: Optional[bool] = None,
        negative_slope: float = 0.01,
        fan_out: int = 1,
    ) -> None:
        with _naming("Neuron"):
            self.nin = _positive_int("Neuron nin", nin)
            self.activation = _activation(activation, nonlin)
            self.negative_slope = _slope(negative_slope)
            start = Init.parse(init)
            rng = rng_from(seed)
            fan_out = _positive_int("Neuron fan_out", fan_out)
        self.w = [Value(start.weight(rng, nin, fan_out)) for _ in range(nin)]
        self.b = Value(start.bias())
        _label(self)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is linear."""
        return self.activation != "linear"

    def forward(self, x: Inputs) -> Value:
        """The neuron's output for ``nin`` inputs (numbers or Values)."""
        return self._out(_inputs("Neuron", self.nin, x))

    def _out(self, xs: Sequence[Any]) -> Value:
        # One n-ary node: bias first, as the bias unit X0 comes first in the tutorials' sums
        # (W10·X0 + W11·X1 + ...), and as micrograd adds it (sum(..., b)), to the same bits.
        act = weighted_sum(self.b, self.w, xs)  # autograd.sum([self.b, *[wi * xi ...]]), made faster
        if self.activation == "linear":
            act.label = self.unit
            return act
        act.label = "net_" + self.unit
        out = activations.TABLE[self.activation].apply(act, self.negative_slope)
        out.label = self.unit
        return out

    def get_config(self) -> Dict[str, Any]:
        return _with_slope({"nin": self.nin, "activation": self.activation}, [self.activation], self.negative_slope)

    @classmethod
    def count_parameters(cls, config: Any) -> Optional[int]:
        sizes = _config_sizes(config, ["nin"])
        return None if sizes is None else sizes[0] + 1

    def __repr__(self) -> str:
        return f"{activations.TABLE[self.activation].display}Neuron({self.nin})"


class Layer(_Unit):
    """``nout`` neurons that all see the same ``nin`` inputs.

    Calling a layer returns a list of its outputs, or a single Value when it
    has one neuron (as micrograd's does). Keyword arguments go to every
    :class:`Neuron`; with a seed the neurons draw from one generator, in order.

    >>> layer = Layer(2, 3, activation="relu", init=constant(1.0))
    >>> [v.data for v in layer([1.0, -2.0])]     # relu(1 - 2 + 1) for each neuron
    [0.0, 0.0, 0.0]
    >>> layer
    Layer(2, 3, activation='relu')
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: Optional[str] = None,
        init: Union[str, Init] = "uniform",
        seed: Seed = None,
        *,
        nonlin: Optional[bool] = None,
        negative_slope: float = 0.01,
    ) -> None:
        with _naming("Layer"):
            self.nin = _positive_int("Layer nin", nin)
            self.nout = _positive_int("Layer nout", nout)
            act = _activation(activation, nonlin)
            start, rng = Init.parse(init), rng_from(seed)
            _slope(negative_slope)
        self.neurons = [
            Neuron(nin, act, start, rng, negative_slope=negative_slope, fan_out=nout) for _ in range(nout)
        ]
        _label(self)

    @property
    def activation(self) -> str:
        """The activation every neuron of this layer applies."""
        return self.neurons[0].activation

    @property
    def negative_slope(self) -> float:
        """The slope of ``leaky_relu`` for negative inputs."""
        return self.neurons[0].negative_slope

    def forward(self, x: Inputs) -> Union[Value, List[Value]]:
        """The outputs for ``nin`` inputs: a list, or one Value if ``nout == 1``."""
        out = self._outs(_inputs("Layer", self.nin, x))
        return out[0] if len(out) == 1 else out

    def _outs(self, xs: Sequence[Any]) -> List[Value]:
        return [n._out(xs) for n in self.neurons]

    def get_config(self) -> Dict[str, Any]:
        return _with_slope({"nin": self.nin, "nout": self.nout, "activation": self.activation},
                           [self.activation], self.negative_slope)

    @classmethod
    def count_parameters(cls, config: Any) -> Optional[int]:
        sizes = _config_sizes(config, ["nin", "nout"])
        return None if sizes is None else (sizes[0] + 1) * sizes[1]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(_Unit):
    """A multi-layer perceptron: layers of sizes ``nouts`` after ``nin`` inputs.

    ``activation`` is one name for every hidden layer (the last layer is then
    ``output_activation``, linear unless told otherwise) or a list with one
    name per layer, last included. The default is micrograd's: ReLU hidden
    layers and a linear output, so ``random.seed(1337); MLP(2, [16, 16, 1])``
    has micrograd's very weights. ``init``: ``"uniform"`` (default),
    ``"xavier"``, ``"he"`` or ``constant(c)``; ``seed``: an int or a
    ``random.Random`` for reproducible weights (None draws from ``random``).

    A model whose last layer has one neuron returns a Value; otherwise a list.
    Hidden layers always pass lists on, so ``MLP(2, [16, 1, 1])`` works.

    >>> model = MLP(2, [3, 1], activation="tanh", seed=0)
    >>> model
    MLP(2, [3, 1], activation='tanh')
    >>> type(model([1.0, 2.0])).__name__
    'Value'
    >>> model([1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    ValueError: MLP expects 2 inputs, got 3
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Union[str, Sequence[str]] = "relu",
        init: Union[str, Init] = "uniform",
        seed: Seed = None,
        *,
        output_activation: Optional[str] = None,
        negative_slope: float = 0.01,
    ) -> None:
        self.nin = _positive_int("MLP nin", nin)
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"MLP nouts must be a list of layer sizes, got {type(nouts).__name__}: {nouts!r}")
        sizes = [_positive_int(f"MLP nouts[{i}]", n) for i, n in enumerate(nouts)]
        if not sizes:
            raise ValueError("MLP nouts must list at least one layer size, got []")
        with _naming("MLP"):
            if isinstance(activation, str):
                acts = [_activation(activation)] * (len(sizes) - 1)
                with _naming("MLP", "output_activation"):
                    acts.append(_activation(output_activation or "linear"))
            else:
                if output_activation is not None:
                    raise ValueError("with a list of activations, name the last layer's in the list, "
                                     "not output_activation")
                if not hasattr(activation, "__iter__"):
                    raise TypeError(f"activation must be a name or a list of names, got {type(activation).__name__}: "
                                    f"{activation!r}")
                acts = [_activation(a) for a in activation]
                if len(acts) != len(sizes):
                    raise ValueError(f"got {len(acts)} activations for {len(sizes)} layers; give one per layer "
                                     f"(activation={activation!r})")
            start, rng = Init.parse(init), rng_from(seed)
            _slope(negative_slope)
        dims = [self.nin, *sizes]
        self.layers = [
            Layer(dims[i], dims[i + 1], acts[i], start, rng, negative_slope=negative_slope)
            for i in range(len(sizes))
        ]
        _label(self)

    @property
    def nouts(self) -> List[int]:
        """The layer sizes, as given."""
        return [layer.nout for layer in self.layers]

    @property
    def activations(self) -> List[str]:
        """Each layer's activation, last layer included."""
        return [layer.activation for layer in self.layers]

    @property
    def output_activation(self) -> str:
        """The last layer's activation (``sigmoid`` makes the output a probability)."""
        return self.layers[-1].activation

    def forward(self, x: Inputs) -> Union[Value, List[Value]]:
        """The outputs for ``nin`` inputs: one Value if the last layer has one neuron, else a list."""
        xs = _inputs("MLP", self.nin, x)
        for layer in self.layers:
            xs = layer._outs(xs)
        return xs[0] if len(xs) == 1 else xs

    def get_config(self) -> Dict[str, Any]:
        return _with_slope({"nin": self.nin, "nouts": self.nouts, "activation": self.activations},
                           self.activations, self.layers[0].negative_slope)

    @classmethod
    def count_parameters(cls, config: Any) -> Optional[int]:
        nouts = config.get("nouts") if isinstance(config, dict) else None
        if not isinstance(nouts, list):
            return None
        sizes = _config_sizes({"nin": config.get("nin"), **{str(i): n for i, n in enumerate(nouts)}},
                              ["nin", *(str(i) for i in range(len(nouts)))])
        return None if sizes is None else sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))

    def summary(self) -> str:
        """A table of the layers, their activations and parameter counts.

        >>> print(MLP(2, [16, 16, 1], seed=0).summary())
        MLP(2 -> 16 -> 16 -> 1), 337 parameters
        layer  inputs  outputs  activation  parameters
            0       2       16  relu                48
            1      16       16  relu               272
            2      16        1  linear              17
        """
        lines = [f"MLP({' -> '.join(str(n) for n in [self.nin, *self.nouts])}), {self.num_parameters()} parameters",
                 "layer  inputs  outputs  activation  parameters"]
        for i, layer in enumerate(self.layers):
            lines.append(f"{i:5d}  {layer.nin:6d}  {layer.nout:7d}  {layer.activation:<10}  "
                         f"{layer.nout * (layer.nin + 1):10d}")
        return "\n".join(lines)

    def to_torch(self) -> Any:
        """The same network as a float64 ``torch.nn.Sequential`` (needs PyTorch).

        See :func:`nn.torch_bridge.to_torch`.
        """
        from .torch_convert import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, seq: Any) -> MLP:
        """An MLP with the weights of a ``torch.nn.Sequential`` of ``Linear``
        layers and activations. See :func:`nn.torch_bridge.from_torch`."""
        from .torch_convert import from_torch

        model: MLP = from_torch(seq, cls)
        return model

    def __repr__(self) -> str:
        # How to build it again (weights aside): one line, however wide the layers.
        acts = self.activations
        if acts[-1] == "linear" and len(set(acts[:-1])) <= 1:
            activation = repr(acts[0] if len(acts) > 1 else "relu")
        else:
            activation = repr(acts)
        return f"MLP({self.nin}, {self.nouts}, activation={activation})"


def _config_sizes(config: Any, keys: List[str]) -> Optional[List[int]]:
    """The positive integers ``config[key]`` for each key, or None if any is missing or not one."""
    if not isinstance(config, dict):
        return None
    sizes: List[int] = []
    for key in keys:
        n = config.get(key)
        if type(n) is not int or n <= 0:
            return None
        sizes.append(n)
    return sizes


def _with_slope(config: Dict[str, Any], names: List[str], slope: float) -> Dict[str, Any]:
    """The config, plus ``negative_slope`` when a leaky ReLU uses it (else it is irrelevant)."""
    if any(activations.TABLE[name].slope for name in names):
        config["negative_slope"] = slope
    return config


def _label(module: Module) -> None:
    """Label each parameter, and name each neuron's unit, as the network picture does
    (see :mod:`nn.naming`), so every view shows the same names."""
    name_model(module)
