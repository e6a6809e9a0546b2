"""The XOR tutorial's network and its names for the weights.

The XOR tutorial (*Backpropagation in Neural Networks Explained*) draws a 2-3-1 network: inputs
X1, X2 and a bias unit X0 = 1; hidden units Z1, Z2, Z3 and a bias unit Z0 = 1;
one output D0. It calls the weight into hidden unit j from input i ``Wji``
(``W10`` is Z1's bias) and the weight into the output from hidden unit k
``V0k`` (``V00`` is D0's bias). In this package's names:

==========  ===================================  ==========================
tutorial    ``named_parameters()`` name          meaning
==========  ===================================  ==========================
``Wj0``     ``layers.0.neurons.{j-1}.b``         bias of hidden unit Zj
``Wji``     ``layers.0.neurons.{j-1}.w.{i-1}``   input Xi -> hidden unit Zj
``V00``     ``layers.1.neurons.0.b``             bias of the output D0
``V0k``     ``layers.1.neurons.0.w.{k-1}``       hidden unit Zk -> output D0
==========  ===================================  ==========================

Every parameter's ``label`` is its tutorial name (see :mod:`nn.naming`, which
names any MLP the same way), and calling the network labels the units' values
``Z1, Z2, Z3, D0``, so every picture and explanation uses these names.
"""

from __future__ import annotations

import math
from typing import Dict

from autograd import Value

from .layers import MLP, constant
from .naming import weight_names

__all__ = ["tutorial_names", "tutorial_network"]


def tutorial_network(weight: float = 1.0) -> MLP:
    """The XOR tutorial's network: 2 inputs, 3 hidden units, 1 output, identity
    activations, every weight (biases included) equal to ``weight``.

    >>> model = tutorial_network()
    >>> model([0.0, 0.0]).data           # Z1 = Z2 = Z3 = 1, D0 = 1 + 1 + 1 + 1
    4.0
    """
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise TypeError(f"tutorial_network() weight must be a number, got {type(weight).__name__}: {weight!r}")
    if not math.isfinite(weight):
        raise ValueError(f"tutorial_network() weight must be finite, got {weight!r}")
    return MLP(2, [3, 1], activation="linear", init=constant(weight))


def tutorial_names(model: MLP) -> Dict[str, Value]:
    """``{tutorial name: parameter}`` for an MLP with one hidden layer and
    one output, named as the XOR tutorial names them (see the module docstring):
    ``W10, W11, ..., W32`` then ``V00, V01, V02, V03`` for a 2-3-1 network.

    >>> names = tutorial_names(tutorial_network())
    >>> list(names)
    ['W10', 'W11', 'W12', 'W20', 'W21', 'W22', 'W30', 'W31', 'W32', 'V00', 'V01', 'V02', 'V03']
    >>> names["W21"].label, names["V00"].label
    ('W21', 'V00')
    """
    if not isinstance(model, MLP):
        raise TypeError(f"tutorial_names() needs an MLP, got {type(model).__name__}")
    if len(model.layers) != 2 or model.nouts[-1] != 1:
        raise ValueError(f"tutorial_names() needs one hidden layer and one output, like MLP(2, [3, 1]); "
                         f"got MLP({model.nin}, {model.nouts})")
    hidden, output = model.layers
    if model.nin > 9 or hidden.nout > 9:
        raise ValueError("tutorial_names() writes unit numbers as single digits, so it needs at most 9 inputs "
                         f"and 9 hidden units; got {model.nin} and {hidden.nout}")
    return {name: p for p, name in weight_names(model).items()}
