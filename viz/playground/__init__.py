"""What the playground's page asks Python for.

The playground (``make playground``; ``chainrule serve``) runs this package
under Pyodide in the browser. Every number, formula, picture (as DOT) and piece
of feedback the page shows comes from here, computed by chainrule itself; the
page's JavaScript only draws what it gets and passes the user's input back.
Each entry point takes and returns plain JSON-ready data, so it can be called
(and tested) from ordinary Python too.

- :func:`expression_view` — the Expression tab: value, gradients, graph, steps,
  and every path from each leaf to the root (what ``explain(root, wrt=leaf)`` says);
- :class:`Trainer` — the Network tab: one training run, step by step, with
  every step recorded for replay;
- :mod:`viz.playground.practice` — the Exercises tab.

>>> view = expression_view("x*y + 1", "x=2 y=3")
>>> view["value"], [(leaf["name"], leaf["grad"]) for leaf in view["leaves"]]
(7.0, [('x', 3.0), ('y', 2.0)])
"""

from .expression import expression_view
from .network import Trainer

__all__ = ["expression_view", "Trainer"]
