"""Export to PyTorch and back: ``to_torch(model)`` and ``from_torch(seq)``.

An MLP becomes a ``torch.nn.Sequential`` of float64 ``Linear`` layers, each
followed by its activation module (``ReLU``, ``Tanh``, ``Sigmoid``,
``LeakyReLU(negative_slope)``, ``GELU``, ``SiLU``; nothing for a linear layer;
the table is :mod:`nn.activations`). Neuron ``j`` of a layer is row ``j`` of
that ``Linear``'s ``weight`` and entry ``j`` of its ``bias``. The torch model
takes a ``(batch, nin)`` tensor and gives ``(batch, nout)``. ``torch`` is
imported only when one of these is called (by :mod:`nn.torch_convert`, which
does the work), so ``nn`` works without PyTorch installed.
"""

from __future__ import annotations

from typing import Any, Type

from . import torch_convert
from .layers import MLP
from .module import Module

__all__ = ["to_torch", "from_torch"]


def to_torch(model: Module) -> Any:
    """A float64 ``torch.nn.Sequential`` with ``model``'s (an MLP's or a Layer's)
    weights and outputs. The copy is independent: training one does not change
    the other.

    >>> torch = __import__("pytest").importorskip("torch")
    >>> model = MLP(2, [3, 1], activation="gelu", seed=0)
    >>> seq = to_torch(model)
    >>> [type(m).__name__ for m in seq]
    ['Linear', 'GELU', 'Linear']
    >>> abs(seq(torch.tensor([[0.5, -1.0]], dtype=torch.float64)).item() - model([0.5, -1.0]).data) < 1e-12
    True
    """
    return torch_convert.to_torch(model)


def from_torch(seq: Any, cls: Type[MLP] = MLP) -> MLP:
    """An :class:`~nn.MLP` (or ``cls``) with the weights of ``seq``, a
    ``torch.nn.Sequential`` of ``Linear`` layers, each optionally followed by one
    activation (``ReLU``, ``Tanh``, ``Sigmoid``, ``LeakyReLU``, ``GELU`` (exact),
    ``SiLU``, ``Identity``).

    Weights of any float dtype are read as float64. A ``Linear`` without a
    bias gets a bias of 0. Anything else (another module, two activations in
    a row, sizes that do not chain, ``GELU(approximate="tanh")``) is an error
    that names the module.

    >>> torch = __import__("pytest").importorskip("torch")
    >>> seq = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.SiLU(), torch.nn.Linear(4, 1))
    >>> model = from_torch(seq)
    >>> model
    MLP(2, [4, 1], activation='silu')
    >>> abs(seq(torch.tensor([[1.0, 2.0]])).item() - model([1.0, 2.0]).data) < 1e-6   # seq is float32
    True
    """
    model: MLP = torch_convert.from_torch(seq, cls)
    return model
