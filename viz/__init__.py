"""viz: computation graphs, networks and backprop step by step, as SVG and in the browser.

- :func:`draw_graph` — the computation graph of a Value (a ``graphviz.Digraph``);
- :func:`draw_network` — an MLP as layers of neurons, weights coloured by sign;
- :func:`backprop_steps` — the backward pass as data, one :class:`Step` per edge;
- :func:`save_backprop_html` — one self-contained page that steps through backprop (``mode="forward"``:
  forward mode from an input; ``mode="both"``: a switch between the two orders);
- :func:`save_slides` — one PNG per step (projector resolution) and a printable handout;
- :func:`show_steps` — the same page inline in Jupyter (and a ``Value`` shows its graph there);
- :func:`plot_loss`, :func:`plot_decision_boundary`, :func:`plot_step_size_errors` — plots (needs matplotlib);
- the ``chainrule`` command (:mod:`viz.cli`).

Rendering needs Graphviz's ``dot``; without it, rendering raises
:class:`GraphvizNotFound` saying how to install it (``.source`` still works).

>>> from autograd import Value
>>> from viz import draw_graph, backprop_steps
>>> x = Value(2.0, label="x")
>>> y = x * x; y.label = "y"
>>> [s.equation() for s in backprop_steps(y)]
['dy/dx += ∂y/∂x = x = 2.0', 'dy/dx += ∂y/∂x = x = 2.0']
"""

from ._render import Graph, GraphvizError, GraphvizNotFound, dot_available
from .derivatives import plot_step_size_errors
from .graph import draw_graph, node_kind
from .html import backprop_html, save_backprop_html
from .inline import StepThrough, show_steps
from .network import draw_network, unit_names, weight_names
from .plots import plot_decision_boundary, plot_loss
from .slides import Slides, save_slides
from .steps import Step, backprop_steps, local_rule, node_names

__all__ = [
    "draw_graph",
    "draw_network",
    "backprop_steps",
    "Step",
    "save_backprop_html",
    "show_steps",
    "StepThrough",
    "backprop_html",
    "save_slides",
    "Slides",
    "plot_loss",
    "plot_decision_boundary",
    "plot_step_size_errors",
    "node_kind",
    "node_names",
    "local_rule",
    "unit_names",
    "weight_names",
    "Graph",
    "GraphvizError",
    "GraphvizNotFound",
    "dot_available",
]
