"""The conversion to PyTorch and back, behind ``MLP.to_torch()``, ``MLP.from_torch(seq)``
and :mod:`nn.torch_bridge`.

This is the only module that imports ``torch``, and only when called, so
``nn`` works without PyTorch installed. It reads models by their shape
(``layers`` of ``neurons`` with ``w``, ``b``, ``activation``) and builds the
class it is given, so it imports no model class: :mod:`nn.layers` calls it and
:mod:`nn.torch_bridge` names MLP as the default.

An MLP becomes a ``torch.nn.Sequential`` of float64 ``Linear`` layers, each
followed by its activation's module from :mod:`nn.activations` (``ReLU``,
``Tanh``, ``Sigmoid``, ``LeakyReLU(negative_slope)``, ``GELU``, ``SiLU``;
nothing for a linear layer). Neuron ``j`` of a layer is row ``j`` of that
``Linear``'s ``weight`` and entry ``j`` of its ``bias``. The torch model takes
a ``(batch, nin)`` tensor and gives ``(batch, nout)``.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from . import activations
from .init import constant

__all__ = ["to_torch", "from_torch"]


def _torch(what: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(f"{what} needs PyTorch, which is not installed: pip install torch "
                          "(or pip install 'chainrule[torch]')") from None
    return torch


_LAYER = ("nin", "nout", "neurons", "activation", "negative_slope")


def _layers(model: Any) -> List[Any]:
    """An MLP's layers, or a Layer alone, read by their attributes."""
    if hasattr(model, "w") and hasattr(model, "b") and not hasattr(model, "neurons"):
        raise TypeError("to_torch() converts an MLP or a Layer; wrap a Neuron in MLP(nin, [1], ...)")
    layers = list(getattr(model, "layers", [model]))
    if not layers or not all(all(hasattr(layer, a) for a in _LAYER) for layer in layers):
        raise TypeError(f"to_torch() converts an MLP or a Layer, got {type(model).__name__}")
    return layers


def to_torch(model: Any) -> Any:
    """A float64 ``torch.nn.Sequential`` with ``model``'s weights and outputs.

    The copy is independent: training one does not change the other.

    >>> torch = __import__("pytest").importorskip("torch")
    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], activation="tanh", seed=0)
    >>> seq = to_torch(model)
    >>> seq
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> abs(seq(torch.tensor([[0.5, -1.0]], dtype=torch.float64)).item() - model([0.5, -1.0]).data) < 1e-12
    True
    """
    layers = _layers(model)
    torch = _torch("to_torch()")
    modules = []
    for layer in layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        act = activations.TABLE[layer.activation].torch_module(torch, layer.negative_slope)
        if act is not None:
            modules.append(act)
    return torch.nn.Sequential(*modules)


def _read_activation(torch: Any, module: Any, index: int) -> Tuple[str, Optional[float]]:
    for act in activations.TABLE.values():
        if act.matches(torch, module):
            return act.name, float(module.negative_slope) if act.slope else None
    known = [a.torch + "".join(f"({k}={v!r})" for k, v in a.torch_attributes.items())
             for a in activations.TABLE.values()]
    raise TypeError(f"from_torch() supports Linear, {', '.join(known[:-1])} and {known[-1]}; "
                    f"module {index} is {type(module).__name__}")


def _matrix(torch: Any, tensor: Any, what: str) -> List[Any]:
    values = tensor.detach().cpu().to(dtype=torch.float64).tolist()
    flat = values if not values or not isinstance(values[0], list) else [v for row in values for v in row]
    bad = [v for v in flat if not math.isfinite(v)]
    if bad:
        raise ValueError(f"from_torch(): {what} holds a non-finite weight ({bad[0]})")
    return values


def from_torch(seq: Any, cls: Any) -> Any:
    """An :class:`~nn.MLP` with the weights of ``seq``, a ``torch.nn.Sequential``
    of ``Linear`` layers, each optionally followed by one activation
    (``ReLU``, ``Tanh``, ``Sigmoid``, ``LeakyReLU``, ``GELU`` (exact), ``SiLU``,
    ``Identity``), as a model of class ``cls``.

    Weights of any float dtype are read as float64. A ``Linear`` without a
    bias gets a bias of 0. Anything else (another module, two activations in
    a row, sizes that do not chain) is an error that names the module.

    >>> torch = __import__("pytest").importorskip("torch")
    >>> seq = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    >>> from nn import MLP
    >>> model = from_torch(seq, MLP)
    >>> model
    MLP(2, [4, 1], activation='relu')
    >>> abs(seq(torch.tensor([[1.0, 2.0]])).item() - model([1.0, 2.0]).data) < 1e-6   # seq is float32
    True
    """
    torch = _torch("from_torch()")
    if isinstance(seq, torch.nn.Linear):
        seq = torch.nn.Sequential(seq)
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch() needs a torch.nn.Sequential, got {type(seq).__name__}")
    linears: List[Any] = []
    acts: List[str] = []
    slopes = set()
    for index, module in enumerate(seq):
        if isinstance(module, torch.nn.Linear):
            if linears and len(acts) < len(linears):
                acts.append("linear")
            if linears and module.in_features != linears[-1].out_features:
                raise ValueError(f"from_torch(): module {index} takes {module.in_features} inputs but the layer "
                                 f"before gives {linears[-1].out_features}")
            linears.append(module)
            continue
        name, slope = _read_activation(torch, module, index)
        if not linears or len(acts) == len(linears):
            where = "before any Linear" if not linears else "right after another activation"
            raise ValueError(f"from_torch(): module {index} ({type(module).__name__}) comes {where}; "
                             "each Linear may be followed by at most one activation")
        acts.append(name)
        if slope is not None:
            slopes.add(slope)
    if not linears:
        raise ValueError("from_torch() needs at least one Linear layer, got an empty Sequential")
    if len(acts) < len(linears):
        acts.append("linear")
    if len(slopes) > 1:
        raise ValueError(f"from_torch(): the LeakyReLU slopes differ ({sorted(slopes)}); an MLP has one negative_slope")
    slope = slopes.pop() if slopes else 0.01
    model = cls(linears[0].in_features, [lin.out_features for lin in linears], activation=acts,
                init=constant(0.0), negative_slope=slope)
    state: Dict[str, float] = {}
    for i, lin in enumerate(linears):
        weight = _matrix(torch, lin.weight, f"Linear layer {i}'s weight")
        bias = [0.0] * lin.out_features
        if lin.bias is not None:
            bias = _matrix(torch, lin.bias, f"Linear layer {i}'s bias")
        for j in range(lin.out_features):
            for k in range(lin.in_features):
                state[f"layers.{i}.neurons.{j}.w.{k}"] = weight[j][k]
            state[f"layers.{i}.neurons.{j}.b"] = bias[j]
    model.load_state_dict(state)
    return model
