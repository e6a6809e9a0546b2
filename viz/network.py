"""Networks: an MLP drawn as layers of neurons, weights coloured by sign and sized by magnitude."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from autograd import Value, as_float, no_grad, ops
from nn import naming
from nn.activations import TABLE as ACTIVATIONS

from ._render import PALETTE, Graph, check_digits, fmt, html_text, largest, shade, sign_colour, tooltip_text

__all__ = ["draw_network", "weight_names", "unit_names"]

_FONT = "Helvetica,Arial,sans-serif"


def _layers(model: Any, who: str = "draw_network") -> List[Any]:
    """The model's layers, duck-typed: ``.layers`` of ``.neurons`` with ``.w`` and ``.b``."""
    if hasattr(model, "layers"):
        layers = list(model.layers)
    elif hasattr(model, "neurons"):
        layers = [model]  # a single Layer
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [_OneNeuron(model)]  # a single Neuron
    else:
        raise TypeError(
            f"{who}() model must be an MLP, Layer or Neuron (layers of neurons with .w and .b), "
            f"got {type(model).__name__}: {model!r}"[:300]
        )
    if not layers:
        raise ValueError("draw_network(): the model has no layers")
    for i, layer in enumerate(layers):
        neurons = getattr(layer, "neurons", None)
        if not neurons:
            raise TypeError(f"draw_network(): layer {i} has no .neurons")
        for j, n in enumerate(neurons):
            if not isinstance(getattr(n, "b", None), Value) or not all(isinstance(w, Value) for w in n.w):
                raise TypeError(f"draw_network(): neuron {j} of layer {i} needs Values in .w and .b")
    for i in range(1, len(layers)):
        width, fan_in = len(layers[i - 1].neurons), len(layers[i].neurons[0].w)
        if width != fan_in:
            raise ValueError(f"draw_network(): layer {i} takes {fan_in} inputs but layer {i - 1} has {width} neurons")
    return layers


class _OneNeuron:
    def __init__(self, neuron: Any) -> None:
        self.neurons = [neuron]


def unit_names(model: Any) -> List[List[str]]:
    """The units' names, layer by layer, inputs first (see :mod:`nn.naming`): inputs
    ``X1, X2, ...``; hidden units ``Z1, Z2, ...`` (``Z1_1, Z1_2, ...`` for the
    first of several hidden layers); outputs ``D0, D1, ...``. Unit 0 of the
    inputs and of each hidden layer is its bias unit (``X0``, ``Z0``), always 1.

    >>> from nn import MLP
    >>> unit_names(MLP(2, [3, 1]))
    [['X0', 'X1', 'X2'], ['Z0', 'Z1', 'Z2', 'Z3'], ['D0']]
    """
    return naming.unit_names(_layers(model, "unit_names"))


def weight_names(model: Any) -> Dict[Value, str]:
    """Every parameter's name (see :mod:`nn.naming`): the layer's letter (``W``,
    then ``V``, ``U``, ...), the receiving unit's number, then the sending unit's
    (0 is the bias unit). A model built by :mod:`nn` labels its parameters so.

    >>> from nn import MLP
    >>> model = MLP(2, [3, 1])
    >>> names = weight_names(model)
    >>> [names[p] for p in model.layers[0].neurons[0].parameters()]  # w.0, w.1, then b
    ['W11', 'W12', 'W10']
    """
    return naming.weight_names(_layers(model, "weight_names"))


def _forward(layers: List[Any], x: Sequence[Any]) -> List[List[float]]:
    """Every neuron's output for the input row ``x``."""
    outs: List[List[float]] = []
    xs: List[Any] = as_float(list(x))
    with no_grad():
        for layer in layers:
            ys = []
            for n in layer.neurons:
                y = n(xs) if callable(n) else _neuron(n, xs)
                ys.append(as_float(y))
            outs.append(ys)
            xs = ys
    return outs


def _neuron(n: Any, xs: Sequence[float]) -> Value:
    """``activation(w . x + b)`` for a neuron that cannot be called: an activation of
    :mod:`nn.activations`, else a one-input op of :mod:`autograd.ops` of that name."""
    act = sum((w * x for w, x in zip(n.w, xs)), n.b)
    name = getattr(n, "activation", "linear")
    if name in ACTIVATIONS:
        return ACTIVATIONS[name].apply(act, getattr(n, "negative_slope", 0.01))
    row = ops.functions().get(name) if isinstance(name, str) else None
    return getattr(act, row.method)() if isinstance(row, ops.Op) and row.arity == 1 else act


def draw_network(
    model: Any,
    show: str = "weight",
    x: Optional[Sequence[float]] = None,
    edge_labels: Optional[bool] = None,
    max_edges: Optional[int] = 2000,
    rankdir: str = "LR",
    digits: int = 3,
) -> Graph:
    """The network as layers of neurons, as a ``graphviz.Digraph``.

    Inputs on the left, then each layer; every layer but the last gets a bias
    unit fed into the next (the XOR tutorial's ``X0``, ``Z0``), so each bias is an edge
    like any weight. Edges are blue for positive, red for negative and thicker
    the larger the magnitude: of the weights with ``show="weight"``, of their
    gradients with ``show="grad"``. Neurons are shaded by their bias (or its
    gradient). Units and weights carry the XOR tutorial's names (see
    :func:`unit_names`, :func:`weight_names`); each edge's tooltip gives the
    ``named_parameters()`` name. With ``edge_labels`` (by default when there
    are at most 40 edges) every edge shows its name and value. With an input
    row ``x``, each neuron also shows its output for it.

    >>> from nn import MLP, constant
    >>> model = MLP(2, [3, 1], activation="linear", init=constant(1.0))   # the XOR tutorial's network
    >>> g = draw_network(model, x=[0.0, 0.0])
    >>> "W10 = 1" in g.source and "V03 = 1" in g.source and "D0" in g.source
    True
    >>> len([line for line in g.source.splitlines() if "->" in line and "invis" not in line])  # 3 x (2 + 1) + (3 + 1)
    13
    """
    if show not in ("weight", "grad"):
        raise ValueError(f"draw_network() show must be 'weight' or 'grad', got {show!r}")
    check_digits("draw_network", digits)
    if max_edges is not None and (isinstance(max_edges, bool) or not isinstance(max_edges, int) or max_edges < 1):
        raise (ValueError if isinstance(max_edges, int) and not isinstance(max_edges, bool) else TypeError)(
            f"draw_network() max_edges must be a positive int or None, got {max_edges!r}")
    if x is not None:
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
            raise TypeError(f"draw_network() x must be a list of numbers (one row), got {type(x).__name__}: {x!r}")
        for i, xi in enumerate(x):
            if isinstance(xi, bool) or not isinstance(xi, (int, float)):
                raise TypeError(f"draw_network() x[{i}] must be a number, got {type(xi).__name__}: {xi!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_network() rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    layers = _layers(model)
    n_edges = sum(len(n.w) + 1 for layer in layers for n in layer.neurons)
    if max_edges is not None and n_edges > max_edges:
        raise ValueError(
            f"draw_network(): this network has {n_edges} weights and biases, more than max_edges={max_edges}; "
            f"raise the limit with draw_network(model, max_edges={n_edges}) (None for no limit)"
        )
    units = unit_names(model)
    wnames = weight_names(model)
    pnames = _parameter_names(model)
    if x is not None and len(x) != len(units[0]) - 1:
        raise ValueError(f"draw_network() x has {len(x)} values but the network takes {len(units[0]) - 1} inputs")
    activations = _forward(layers, x) if x is not None else None
    labels = n_edges <= 40 if edge_labels is None else edge_labels

    def number(p: Value) -> float:
        v = p.grad if show == "grad" else p.data
        return as_float(v)

    params = [p for layer in layers for n in layer.neurons for p in (*n.w, n.b)]
    scale = largest(number(p) for p in params)
    bias_scale = largest(number(n.b) for layer in layers for n in layer.neurons)

    g = Graph(name="network")
    g.attr(rankdir=rankdir, splines="true", nodesep="0.35", ranksep="1.6", fontname=_FONT, newrank="true")
    g.attr("node", fontname=_FONT, fontsize="11")
    g.attr("edge", fontname=_FONT, fontsize="9", arrowsize="0.5")

    # the units, one column per layer, bias unit on top
    columns: List[List[Tuple[str, Dict[str, str]]]] = []
    nin = len(units[0]) - 1
    column = [("bias0", _bias_attrs(units[0][0]))]
    xs = list(x) if x is not None else None
    for i in range(nin):
        text = f"<b>{units[0][i + 1]}</b>" + (f"<br/>{fmt(float(xs[i]), digits)}" if xs is not None else "")
        column.append((f"in{i}", {"label": f"<{text}>", "shape": "circle", "style": "filled",
                                  "fillcolor": PALETTE["input"], "color": PALETTE["input-border"],
                                  "width": "0.6", "fixedsize": "true",
                                  "tooltip": f"input {i + 1}"}))
    columns.append(column)
    for li, layer in enumerate(layers):
        last = li == len(layers) - 1
        names = units[li + 1]
        column = [] if last else [(f"bias{li + 1}", _bias_attrs(names[0]))]
        for j, neuron in enumerate(layer.neurons):
            name = names[j] if last else names[j + 1]
            act = getattr(neuron, "activation", "")
            act = act if isinstance(act, str) else getattr(act, "__name__", "")
            act = ACTIVATIONS[act].label if act in ACTIVATIONS else act
            lines = [f"<b>{html_text(name)}</b>"]
            if act:
                lines.append(f'<font point-size="8">{html_text(act)}</font>')
            if activations is not None:
                lines.append(f"{fmt(activations[li][j], digits)}")
            bias = number(neuron.b)
            what = "bias grad" if show == "grad" else "bias"
            column.append((f"n{li}_{j}", {
                "label": f"<{'<br/>'.join(lines)}>", "shape": "circle", "style": "filled,bold" if last else "filled",
                "fillcolor": shade(bias, bias_scale), "color": "#333333", "width": "0.75", "fixedsize": "true",
                "tooltip": tooltip_text(f"{name}: {what} {wnames[neuron.b]} = {fmt(bias, digits)}"),
            }))
        columns.append(column)
    for ci, column in enumerate(columns):
        with g.subgraph(name=f"layer{ci}") as sub:
            sub.attr(rank="same")
            for node_id, attrs in column:
                sub.node(node_id, id=node_id, **attrs)
        for (a, _), (b, _) in zip(column, column[1:]):  # keep the vertical order
            g.edge(a, b, style="invis")

    # the weights
    for li, layer in enumerate(layers):
        sources = (["bias0"] + [f"in{i}" for i in range(nin)] if li == 0
                   else [f"bias{li}"] + [f"n{li - 1}_{k}" for k in range(len(layers[li - 1].neurons))])
        for j, neuron in enumerate(layer.neurons):
            for i, p in enumerate([neuron.b, *neuron.w]):
                value = number(p)
                width = 0.6 + 3.4 * (math.sqrt(abs(value) / scale) if scale and math.isfinite(value) else 0.0)
                attrs = {"color": sign_colour(value), "penwidth": f"{width:.2f}",
                         "style": "dashed" if value < 0 else "solid",
                         "tooltip": tooltip_text(f"{wnames[p]} ({pnames.get(p, '')}) = {fmt(value, digits)}")}
                if labels:
                    text = f"{wnames[p]} = {fmt(value, digits)}" if show == "weight" else \
                        f"grad {wnames[p]} = {fmt(value, digits)}"
                    attrs.update(label=html_text(text), fontcolor=sign_colour(value), decorate="true")
                edge_id = f"b{li}_{j}" if i == 0 else f"w{li}_{j}_{i - 1}"
                g.edge(sources[i], f"n{li}_{j}", id=edge_id, **attrs)
    sizes = " → ".join(str(len(c) - (0 if ci == len(columns) - 1 else 1)) for ci, c in enumerate(columns))
    what = "weights" if show == "weight" else "gradients of the weights"
    g.attr(label=html_text(f"MLP {sizes}: edges show the {what}; blue solid positive, red dashed negative, "
                           f"thicker = larger (largest |value| {fmt(scale, digits)}); X0, Z0... are bias units (1)"),
           labelloc="b", fontsize="10")
    acts = sorted({str(getattr(n, "activation", "") or "linear") for layer in layers for n in layer.neurons})
    widths = [len(layer.neurons) for layer in layers]
    hidden = f", hidden layer{'s' if len(widths) > 2 else ''} of {', '.join(map(str, widths[:-1]))} units" \
        if len(widths) > 1 else ""
    biggest = max(params, key=lambda p: abs(number(p)) if math.isfinite(number(p)) else -1.0)
    desc = (f"A network with {nin} inputs{hidden} and {widths[-1]} output{'s' if widths[-1] > 1 else ''} "
            f"({', '.join(acts)} activation{'s' if len(acts) > 1 else ''}). Each of its {n_edges} weights and biases "
            f"is an edge, blue and solid where the {'weight' if show == 'weight' else 'gradient'} is positive, red "
            f"and dashed where negative, thicker for larger; {sum(number(p) > 0 for p in params)} are positive and "
            f"{sum(number(p) < 0 for p in params)} negative"
            + (f", {sum(number(p) == 0 for p in params)} zero" if any(number(p) == 0 for p in params) else "")
            + f"; the largest in size is {wnames[biggest]} = "
            f"{fmt(number(biggest), digits)}.")
    if activations is not None and xs is not None:
        desc += (f" For the input ({', '.join(fmt(float(v), digits) for v in xs)}) the output is "
                 f"{', '.join(fmt(a, digits) for a in activations[-1])}.")
    return g.describe(f"Network {sizes}" + (" (gradients)" if show == "grad" else ""), desc)


def _bias_attrs(name: str) -> Dict[str, str]:
    return {"label": f"<<b>{html_text(name)}</b><br/>1>", "shape": "circle", "style": "filled,dashed",
            "fillcolor": PALETTE["constant"], "color": PALETTE["constant-border"], "width": "0.5", "fixedsize": "true",
            "fontsize": "9", "tooltip": f"{name}: the bias unit, always 1"}


def _parameter_names(model: Any) -> Dict[Value, str]:
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        return {}
    try:
        return {p: name for name, p in named()}
    except Exception:  # a duck-typed model with an unusual named_parameters
        return {}
