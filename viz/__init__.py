"""viz: computation graphs, networks and backprop step by step, as SVG and in the browser.

>>> from autograd import Value
>>> from viz import draw_graph, backprop_steps
>>> x = Value(2.0, label="x")
>>> y = x * x; y.label = "y"
>>> [s.equation() for s in backprop_steps(y)]
['dL/dx += 2 × 1 = 2', 'dL/dx += 2 × 1 = 2']
"""

from ._render import Graph, GraphvizNotFound, dot_available
from .graph import draw_graph, node_kind
from .html import backprop_html, save_backprop_html
from .steps import Step, backprop_steps, local_rule, node_names

__all__ = [
    "draw_graph",
    "save_backprop_html",
    "backprop_html",
    "node_kind",
    "backprop_steps",
    "Step",
    "node_names",
    "local_rule",
    "Graph",
    "GraphvizNotFound",
    "dot_available",
]
