"""Draw every picture the tutorials in docs/ show, into docs/pictures/ (``make docs``).

Each Graphviz picture is a function in :data:`GRAPHS` that returns a
``graphviz.Digraph``; it is written as ``NAME.svg`` with its DOT source beside
it as ``NAME.dot``. tests/test_pictures.py rebuilds every DOT source and
compares it with the committed one (SVG bytes vary with the Graphviz version,
the DOT source does not). Each matplotlib picture is a function in
:data:`FIGURES` that writes ``NAME.svg``.

Everything is deterministic: fixed seeds, no dates, no absolute paths. The
code here is the code the pages show; tests/test_tutorials.py checks that a
page's own code draws the committed picture.

    python docs/make_pictures.py            # every picture
    python docs/make_pictures.py neuron     # just these
"""

from __future__ import annotations

import pathlib
import sys
from typing import Callable, Dict

PICTURES = pathlib.Path(__file__).resolve().parent / "pictures"

#: name -> a function returning a graphviz.Digraph
GRAPHS: Dict[str, Callable[[], object]] = {}
#: name -> a function that writes an SVG file to the path it is given
FIGURES: Dict[str, Callable[[pathlib.Path], object]] = {}


def graph(name: str):
    def register(fn):
        GRAPHS[name] = fn
        return fn
    return register


def figure(name: str):
    def register(fn):
        FIGURES[name] = fn
        return fn
    return register


# --- chain-rule.md ---------------------------------------------------------------------------

def neuron_values():
    """The neuron of chain-rule.md, after backward()."""
    from autograd import Value

    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [w1, w2, b]


@graph("neuron")
def neuron():
    from viz import draw_graph

    o, params = neuron_values()
    return draw_graph(o, params=params)


# --- writing -----------------------------------------------------------------------------------

def write(names=None) -> None:
    PICTURES.mkdir(exist_ok=True)
    wanted = set(names) if names else set(GRAPHS) | set(FIGURES)
    unknown = wanted - set(GRAPHS) - set(FIGURES)
    if unknown:
        raise SystemExit(f"make_pictures: no picture called {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(sorted(set(GRAPHS) | set(FIGURES)))}")
    for name in sorted(wanted):
        svg = PICTURES / f"{name}.svg"
        if name in GRAPHS:
            g = GRAPHS[name]()
            (PICTURES / f"{name}.dot").write_text(g.source, encoding="utf-8")
            svg.write_bytes(g.pipe(format="svg"))
        else:
            FIGURES[name](svg)
        print(f"wrote {svg.relative_to(PICTURES.parent.parent)}")


if __name__ == "__main__":
    write(sys.argv[1:])
