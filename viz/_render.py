"""Rendering with Graphviz's ``dot``: a Digraph that explains how to install
Graphviz when ``dot`` is missing, plus the shared text and colour helpers.

Every picture in :mod:`viz` is a :class:`Graph`, which *is* a
``graphviz.Digraph`` (so ``.source``, ``.render()``, ``.pipe()`` and the
inline SVG display in Jupyter all work), except that a missing ``dot`` raises
:class:`GraphvizNotFound` with install instructions instead of graphviz's
terse ``ExecutableNotFound``.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from typing import Any, Optional

import graphviz

from autograd.steps import fmt  # noqa: F401  (re-exported for viz modules)

__all__ = ["Graph", "GraphvizNotFound", "GraphvizError", "PALETTE", "accessible_svg", "clip", "dot_available", "fmt",
           "html_text", "plain_text", "shade", "svg"]

INSTALL_HINT = (
    "Graphviz's 'dot' program is needed to render pictures, and it is not on PATH. Install it with one of:\n"
    "  sudo apt-get install graphviz            (Debian/Ubuntu)\n"
    "  brew install graphviz                    (macOS)\n"
    "  conda install -c conda-forge graphviz    (conda)\n"
    "The DOT source is still available without it: use the graph's .source attribute."
)

#: Colours for signs: blue for positive, red for negative (ColorBrewer's RdBu ends, which stay
#: apart under every colour-vision deficiency). Pictures also mark the sign without colour: a
#: minus sign in the number, and dashed lines for negative weights in network pictures.
POSITIVE = "#2166ac"
NEGATIVE = "#b2182b"

#: Every colour the pictures and pages use, by meaning. Tests simulate deuteranopia, protanopia
#: and tritanopia on the pairs in :data:`DISTINCT` and check they stay clearly apart, and check
#: text colours against their backgrounds (contrast at least 4.5:1). Each meaning is also shown
#: another way (shape, line style or a text mark), so colour is never the only signal.
PALETTE = {
    # the sign of a gradient or weight (lines, text; fills are lighter mixes of these with white)
    "positive": POSITIVE,
    "negative": NEGATIVE,
    # the kinds of node in a computation graph: (fill, border); each kind also has its own outline
    "parameter": "#ffe49c", "parameter-border": "#8a6d00",   # bold double outline, square corners
    "input": "#c7e9d6", "input-border": "#2e7d5b",           # rounded corners
    "leaf": "#e4d7f5", "leaf-border": "#6a4c93",             # rounded corners
    "constant": "#eeeeee", "constant-border": "#767676",     # dashed outline, the word "const"
    "computed": "#ffffff", "computed-border": "#333333",
    "op": "#eeeeee", "op-border": "#767676",
    # the step page: the node, op and edges the gradient flows back through (thick solid lines), the
    # node whose gradient is being updated (thick dashed outline, "◀ +=" mark) and a gradient that
    # is complete (a "✓" mark)
    "active": "#6a1b9a",
    "updated": "#b35806",
    "complete": "#00695c",
    # text
    "text": "#1f1f1f",
    "muted": "#595959",
}

#: Pairs of :data:`PALETTE` colours that carry different meanings side by side, with the least
#: CAM02-UCS distance they keep under each simulated colour-vision deficiency (light fills are
#: held to a lower bar: they always come with a different outline as well).
DISTINCT = [
    ("positive", "negative", 20.0),
    ("active", "updated", 20.0),
    ("active", "complete", 20.0),
    ("updated", "complete", 20.0),
    ("parameter", "input", 10.0),
    ("parameter", "leaf", 8.0),
    ("input", "leaf", 10.0),
    ("parameter-border", "input-border", 10.0),
    ("input-border", "leaf-border", 10.0),
]


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` is not installed (or not on ``PATH``).

    A subclass of ``graphviz.ExecutableNotFound`` (and so of ``RuntimeError``)
    whose message says how to install Graphviz.

    >>> str(GraphvizNotFound()).splitlines()[1].strip()
    'sudo apt-get install graphviz            (Debian/Ubuntu)'
    """

    def __init__(self, detail: str = "") -> None:
        RuntimeError.__init__(self, INSTALL_HINT + (f"\n({detail})" if detail else ""))


class GraphvizError(RuntimeError):
    """Graphviz's ``dot`` is installed but failed to lay out a picture (it
    crashed, ran out of memory, or refused the input); the message says how
    big the picture was and what to do instead.

    >>> str(GraphvizError("graph", 5, "killed by signal 11")).split(":")[0]
    "Graphviz's dot could not draw this graph (5 nodes)"
    """

    def __init__(self, what: str, nodes: int, detail: str) -> None:
        super().__init__(
            f"Graphviz's dot could not draw this {what} ({nodes} nodes): {detail}. Draw a smaller piece, or "
            "write the DOT source (the graph's .source attribute) and lay it out with other tools.")


def _failure(graph: graphviz.Digraph, error: BaseException) -> GraphvizError:
    nodes = sum(1 for line in graph.body if "->" not in line and "[" in line)
    if isinstance(error, subprocess.CalledProcessError):
        code = error.returncode
        detail = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        stderr = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) else (error.stderr or "")
        last = stderr.strip().splitlines()[-1:] if stderr else []
        if last:
            detail += f", {last[0][:200]}"
    else:  # dot died before reading all of its input
        detail = "it stopped before reading the whole graph (broken pipe)"
    return GraphvizError("graph", nodes, detail)


def _run(graph: graphviz.Digraph, method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call graphviz's ``pipe``/``render`` with friendly errors for a missing or failing ``dot``."""
    try:
        return method(*args, **kwargs)
    except graphviz.ExecutableNotFound as e:
        if isinstance(e, GraphvizNotFound):
            raise
        raise GraphvizNotFound() from None
    except (subprocess.CalledProcessError, BrokenPipeError) as e:
        raise _failure(graph, e) from None


# A DOT node statement: a name (bare or quoted), then its attributes or nothing.
_STATEMENT = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[\w.]+)\s*(?:\[|$)')


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering methods raise
    :class:`GraphvizNotFound` (with install instructions) when ``dot`` is missing,
    and whose SVG says in words what it shows: :meth:`describe` sets a title and
    a one-sentence description, written into every SVG it renders as the
    ``<svg>``'s first ``<title>`` and ``<desc>`` (with ``role="img"``), which is
    what screen readers read.

    >>> g = Graph()
    >>> g.edge("a", "b")
    >>> print(g.source)
    digraph {
        a -> b
    }
    <BLANKLINE>
    >>> svg_text = g.describe("Two nodes", "a points to b.").pipe(format="svg", encoding="utf-8")
    >>> "<title>Two nodes</title>" in svg_text and "<desc>a points to b.</desc>" in svg_text
    True
    """

    title_text: str = ""
    description: str = ""

    def __repr__(self) -> str:
        # graphviz's default repr shows a memory address; say what it holds instead.
        statements = [_STATEMENT.match(line) for line in self.body if "->" not in line]
        nodes = sum(1 for m in statements if m and m.group(1) not in ("graph", "node", "edge", "subgraph"))
        edges = sum(1 for line in self.body if "->" in line)
        counts = ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((nodes, "node"), (edges, "edge")))
        return f"<Graph {self.name or 'unnamed'}: {counts}; render with .render() or .svg()>"

    def describe(self, title: str, description: str) -> Graph:
        """Set what the picture shows, in words (a title and a sentence or two); returns the graph."""
        self.title_text, self.description = title, description
        return self

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        out = _run(self, super().pipe, *args, **kwargs)
        fmt_ = kwargs.get("format", args[0] if args else self.format)
        if fmt_ == "svg" and (self.title_text or self.description):
            if isinstance(out, bytes):
                return accessible_svg(out.decode("utf-8"), self.title_text, self.description).encode("utf-8")
            return accessible_svg(out, self.title_text, self.description)
        return out

    def render(self, *args: Any, **kwargs: Any) -> Any:
        path = _run(self, super().render, *args, **kwargs)
        if str(path).lower().endswith(".svg") and (self.title_text or self.description):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(accessible_svg(text, self.title_text, self.description))
        return path

    def svg(self) -> str:
        """The picture as an SVG document (a str); needs ``dot``."""
        return svg(self)


def _xml(s: str) -> str:
    return plain_text(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def accessible_svg(text: str, title: str, description: str) -> str:
    """``text`` (an SVG document from ``dot``) with ``role="img"`` and a first ``<title>`` and
    ``<desc>`` on its ``<svg>`` element; the graph's own tooltip title says the same title.

    >>> out = accessible_svg('<svg width="1pt"><g id="graph0"><title>%3</title></g></svg>', "A & B", "Two.")
    >>> out.startswith('<svg width="1pt" role="img">') and out.count("<title>A &amp; B</title>") == 2
    True
    >>> "<desc>Two.</desc>" in out
    True
    """
    start = text.find("<svg")
    if start < 0 or "<desc>" in text[start:start + 2000]:
        return text
    end = text.index(">", start)
    tag = text[start:end]
    if "role=" not in tag:
        tag += ' role="img"'
    inserted = f"{tag}>\n<title>{_xml(title)}</title>\n<desc>{_xml(description)}</desc>"
    rest = text[end + 1:]
    rest = re.sub(r'(<g id="graph0"[^>]*>\s*<title>)[^<]*(</title>)', lambda m: m[1] + _xml(title) + m[2], rest,
                  count=1)
    return text[:start] + inserted + rest


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` program is on ``PATH``.

    >>> isinstance(dot_available(), bool)
    True
    """
    return shutil.which("dot") is not None


def svg(graph: graphviz.Digraph) -> str:
    """Render ``graph`` to an SVG string with ``dot``.

    Raises :class:`GraphvizNotFound` (saying how to install Graphviz) when
    ``dot`` is missing, and :class:`GraphvizError` when it fails.

    >>> g = Graph(); g.node("a")
    >>> svg(g).lstrip().startswith("<?xml")
    True
    """
    out: str = _run(graph, graph.pipe, format="svg", encoding="utf-8")
    return out


# --- argument checks shared by the pictures ---------------------------------------------

def check_digits(who: str, digits: Any) -> None:
    """Raise unless ``digits`` is an int from 1 to 17 (the significant digits a float has).

    >>> check_digits("draw_graph", 1.5)
    Traceback (most recent call last):
    ...
    TypeError: draw_graph() digits must be an int from 1 to 17, got float: 1.5
    """
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError(f"{who}() digits must be an int from 1 to 17, got {type(digits).__name__}: {digits!r}")
    if not 1 <= digits <= 17:
        raise ValueError(f"{who}() digits must be an int from 1 to 17, got {digits!r}")


def check_bool(who: str, arg: str, x: Any) -> None:
    """Raise a TypeError unless ``x`` is True or False."""
    if not isinstance(x, bool):
        raise TypeError(f"{who}() {arg} must be True or False, got {type(x).__name__}: {x!r}")


# --- text -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: Longer labels are cut (with an ellipsis) in pictures: nobody can read them, and Graphviz fails on
#: labels of some 16,000 characters.
MAX_LABEL = 500


def plain_text(s: str) -> str:
    """``s`` with characters XML cannot hold (control characters, lone surrogates)
    shown as ``\\xNN`` or ``\\uNNNN``.

    >>> plain_text("a\\x00b"), plain_text("c\\ud800")
    ('a\\\\x00b', 'c\\\\ud800')
    """
    return _CONTROL.sub(_escape, s)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def clip(s: str, limit: int = MAX_LABEL) -> str:
    """``s``, cut to ``limit`` characters with an ellipsis when longer.

    >>> clip("abcdef", 4)
    'abc…'
    """
    return s if len(s) <= limit else s[: limit - 1] + "…"


def html_text(s: str) -> str:
    """``s`` made safe as text inside a Graphviz HTML-like label.

    ``< > & "`` become entities, a backslash is doubled (Graphviz would read
    ``\\N`` as the node's name otherwise), newlines become line breaks and
    other control characters are shown as ``\\xNN``; text past
    :data:`MAX_LABEL` characters is cut.

    >>> html_text('a<b> & "c"')
    'a&lt;b&gt; &amp; &quot;c&quot;'
    >>> html_text("x\\\\N\\ny")
    'x\\\\\\\\N<br/>y'
    """
    lines = plain_text(clip(s).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).split("\n")
    escaped = []
    for line in lines:
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        escaped.append(line.replace("\\", "\\\\"))
    return "<br/>".join(escaped)


def tooltip_text(s: str) -> str:
    """``s`` for a tooltip: one line; backslashes become a look-alike, because
    Graphviz expands escapes in tooltips differently from version to version."""
    return graphviz.nohtml(plain_text(clip(s).replace("\n", " ")).replace("\\", "\u29f5"))


# --- colour -----------------------------------------------------------------------------

def _mix(hex_colour: str, t: float) -> str:
    """``t`` of the way from white to ``hex_colour``."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(255 + (c - 255) * t) for c in (r, g, b)))


def shade(x: float, scale: float, strength: float = 0.6) -> str:
    """A fill colour for ``x``: blue if positive, red if negative, deeper the
    larger ``|x|`` is compared with ``scale`` (white for 0 or NaN).

    >>> shade(0.0, 1.0), shade(1.0, 1.0), shade(-1.0, 1.0)
    ('#ffffff', '#7aa3cd', '#d17480')
    """
    if not scale or not math.isfinite(x) or x == 0:
        return "#ffffff"
    t = min(1.0, math.sqrt(abs(x) / scale)) * strength
    return _mix(POSITIVE if x > 0 else NEGATIVE, t)


def sign_colour(x: float) -> str:
    """The line colour for the sign of ``x`` (grey for zero).

    >>> sign_colour(2.0), sign_colour(-1.0), sign_colour(0.0)
    ('#2166ac', '#b2182b', '#767676')
    """
    if x > 0:
        return POSITIVE
    if x < 0:
        return NEGATIVE
    return "#767676"  # grey with 4.5:1 contrast, for zero


def largest(values: Any, default: float = 0.0) -> float:
    """The largest finite ``|x|`` among ``values`` (``default`` if none)."""
    best: Optional[float] = None
    for v in values:
        if math.isfinite(v) and (best is None or abs(v) > best):
            best = abs(v)
    return default if best is None else best


# The start of every standalone page viz writes, up to <body>: fill in title and css with str.format.
PAGE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
"""
