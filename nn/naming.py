"""The names of a network's units and weights: one scheme, used by every view.

The scheme follows the tutorial "Backpropagation in Neural Networks Explained"
and extends it to any MLP:

- inputs are ``X1, X2, ...``; ``X0`` is the inputs' bias unit (always 1);
- the units of a single hidden layer are ``Z1, Z2, ...`` (bias unit ``Z0``);
  with several hidden layers, hidden layer ``l`` (from 1) has ``Zl_1, Zl_2, ...``
  (bias unit ``Zl_0``);
- the output units are ``D0, D1, ...``;
- a weight is the layer's letter (``W`` for the first layer, then ``V``, ``U``,
  ... backwards through the alphabet), the receiving unit's number and the
  sending unit's number, 0 being the bias unit: ``W12`` is the weight from X2
  into Z1, ``W10`` is Z1's bias, ``V03`` the weight from Z3 into D0. When a
  number has two digits the two are separated by a comma (``W12,3``);
- the weighted sum into a unit with a non-linear activation is ``net_<unit>``
  (``Z1 = tanh(net_Z1)``); with a linear activation the sum is the unit.

A model labels its parameters with these names when it is built, and every
Value it computes for a unit (``Z1``, ``D0``, ``net_Z1``) when it is called,
so ``draw_network``, ``draw_graph``, ``explain``, ``backprop_steps`` and the
step page all say the same thing. ``named_parameters()`` keeps the
``state_dict`` paths (``layers.0.neurons.1.w.0``).
"""

from __future__ import annotations

from typing import Any, Dict, List

from autograd import Value

__all__ = ["unit_names", "weight_names", "net_name", "LETTERS"]

#: The layers' weight letters: the tutorial calls the first layer's weights W and the second's V.
LETTERS = "WVUTSRQPONMLKJIHGFE"


def _layers(model: Any) -> List[Any]:
    """An MLP's layers, a Layer alone, or a Neuron alone as one layer (duck-typed);
    a list is taken as the layers themselves."""
    if isinstance(model, list):
        return model
    if hasattr(model, "layers"):
        return list(model.layers)
    if hasattr(model, "neurons"):
        return [model]
    if hasattr(model, "w") and hasattr(model, "b"):
        return [_OneNeuron(model)]
    raise TypeError(f"unit names need an MLP, Layer or Neuron (layers of neurons with .w and .b), "
                    f"got {type(model).__name__}")


class _OneNeuron:
    def __init__(self, neuron: Any) -> None:
        self.neurons = [neuron]


def _sep(*indices: int) -> str:
    return ",".join(str(i) for i in indices) if any(i > 9 for i in indices) else "".join(str(i) for i in indices)


def unit_names(model: Any) -> List[List[str]]:
    """The units' names, layer by layer, inputs first; unit 0 of the inputs and of
    each hidden layer is its bias unit.

    >>> from nn import MLP
    >>> unit_names(MLP(2, [3, 1]))
    [['X0', 'X1', 'X2'], ['Z0', 'Z1', 'Z2', 'Z3'], ['D0']]
    >>> unit_names(MLP(1, [2, 2, 1]))[1:]
    [['Z1_0', 'Z1_1', 'Z1_2'], ['Z2_0', 'Z2_1', 'Z2_2'], ['D0']]
    """
    layers = _layers(model)
    nin = len(layers[0].neurons[0].w)
    names = [[f"X{i}" for i in range(nin + 1)]]
    hidden = len(layers) - 1
    for li, layer in enumerate(layers[:-1], start=1):
        prefix = "Z" if hidden == 1 else f"Z{li}_"
        names.append([f"{prefix}{j}" for j in range(len(layer.neurons) + 1)])
    names.append([f"D{j}" for j in range(len(layers[-1].neurons))])
    return names


def weight_names(model: Any) -> Dict[Value, str]:
    """Every parameter's name: layer letter, receiving unit, sending unit (0 = bias).

    >>> from nn import MLP
    >>> model = MLP(2, [3, 1])
    >>> names = weight_names(model)
    >>> [names[p] for p in model.layers[0].neurons[0].parameters()]  # w.0, w.1, then b
    ['W11', 'W12', 'W10']
    >>> sorted(names[p] for p in model.layers[1].parameters())
    ['V00', 'V01', 'V02', 'V03']
    """
    layers = _layers(model)
    names: Dict[Value, str] = {}
    for li, layer in enumerate(layers):
        letter = LETTERS[li] if li < len(LETTERS) else f"W{li + 1}_"
        last = li == len(layers) - 1
        for j, neuron in enumerate(layer.neurons):
            unit = j if last else j + 1
            names.setdefault(neuron.b, f"{letter}{_sep(unit, 0)}")
            for i, w in enumerate(neuron.w, start=1):
                names.setdefault(w, f"{letter}{_sep(unit, i)}")
    return names


def net_name(unit: str) -> str:
    """The name of the weighted sum into ``unit``, before its activation.

    >>> net_name("Z1")
    'net_Z1'
    """
    return f"net_{unit}"


def name_model(model: Any) -> None:
    """Label ``model``'s parameters and tell each neuron its unit's name (what its outputs are called)."""
    layers = _layers(model)
    units = unit_names(model)
    for p, name in weight_names(model).items():
        p.label = name
    for li, layer in enumerate(layers):
        last = li == len(layers) - 1
        for j, neuron in enumerate(layer.neurons):
            neuron.unit = units[li + 1][j if last else j + 1]
