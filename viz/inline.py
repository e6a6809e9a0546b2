"""chainrule in Jupyter: a Value shows its graph, backprop steps through inline.

- ``Value`` objects display as their computation graph (with data and grad in
  every box) when Graphviz's ``dot`` is installed, and as text otherwise; a
  graph over :data:`INLINE_MAX_NODES` Values shows as text with a hint, so an
  accidental display of a whole training loss stays quick. ``autograd`` gets
  this picture from here through :mod:`autograd.views`, without importing ``viz``.
- :func:`show_steps` puts the step-through page in the notebook: each one in a
  frame of its own, so several can live in one notebook and each one's arrow
  keys work only while it has focus.
"""

from __future__ import annotations

import html
from typing import Any, Optional

from autograd import Value, topological_order
from autograd.views import register_view

from ._render import GraphvizNotFound, dot_available
from .graph import draw_graph
from .html import backprop_html
from .plots import plot_loss

__all__ = ["StepThrough", "show_steps", "value_svg", "INLINE_MAX_NODES"]

#: The most Values a ``Value`` draws inline; a bigger graph shows as text.
INLINE_MAX_NODES = 150


def value_svg(value: Value) -> Optional[str]:
    """The SVG picture of ``value``'s graph, or ``None`` when there is none to
    show (no ``dot``, or more than :data:`INLINE_MAX_NODES` Values).

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> svg = value_svg(x * x)
    >>> svg is None or "<svg" in svg
    True
    """
    if not isinstance(value, Value):
        raise TypeError(f"value_svg() needs a Value, got {type(value).__name__}: {value!r}")
    if not dot_available() or len(topological_order(value)) > INLINE_MAX_NODES:
        return None
    try:
        return draw_graph(value, max_nodes=INLINE_MAX_NODES).svg()
    except GraphvizNotFound:
        return None


class StepThrough:
    """The backward pass of ``root``, stepped through inside a notebook.

    It shows the same page as :func:`viz.save_backprop_html` (the same steps,
    names and numbers), inside a frame: press Tab to reach its buttons, or
    click it and use the arrow keys. ``html()`` gives the page itself.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
    >>> widget = StepThrough(y)
    >>> "<iframe" in widget._repr_html_() and "<!DOCTYPE html>" in widget.html()
    True
    """

    def __init__(self, root: Value, height: int = 560, **page_options: Any) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"StepThrough() root must be a Value, got {type(root).__name__}: {root!r}")
        if isinstance(height, bool) or not isinstance(height, int) or not 100 <= height <= 5000:
            raise ValueError(f"StepThrough() height must be an int from 100 to 5000 pixels, got {height!r}")
        self.root = root
        self.height = height
        self._page = backprop_html(root, **page_options)
        self.mode = page_options.get("mode", "reverse")

    def html(self) -> str:
        """The self-contained step-through page (what ``save_backprop_html`` writes)."""
        return self._page

    def _repr_html_(self) -> str:
        what = {"forward": "Forward mode", "both": "Backprop and forward mode"}.get(self.mode, "Backpropagation")
        title = f"{what} step by step: {self.root.label or 'the output'}"
        return (
            f'<iframe srcdoc="{html.escape(self._page, quote=True)}" title="{html.escape(title, quote=True)}" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #888;" '
            'sandbox="allow-scripts"></iframe>'
        )

    def __repr__(self) -> str:
        return f"StepThrough({self.root!r})"


def show_steps(root: Value, height: int = 560, **page_options: Any) -> StepThrough:
    """Step through ``root``'s backward pass inline in Jupyter (the last
    expression of a cell). ``page_options`` are :func:`viz.backprop_html`'s:
    ``show_steps(y, mode="forward", wrt="x")`` steps through forward mode instead,
    ``mode="both"`` gives a switch between the two orders.

    >>> from autograd import Value
    >>> a = Value(1.5, label="a"); b = (a * a).tanh(); b.label = "b"
    >>> show_steps(b)
    StepThrough(Value(data=0.978..., grad=0.0, label='b'))
    """
    return StepThrough(root, height=height, **page_options)


# A checkout run without installing the package has no entry points: register
# the views on import as well (the installed package lists the same functions).
register_view("value_svg", value_svg)
register_view("plot_history", plot_loss)
