"""Slides and a handout of backprop, for a lecture: one PNG per step and a printable page.

``save_slides(root, folder)`` writes ``step-01.png``, ``step-02.png``, ... (one per step of
:func:`~viz.backprop_steps`, drawn by Graphviz at projector resolution, 200 dpi by default) and
``handout.html``, a page that prints every step: its words, its equation and its picture. Each
slide shows the graph with the gradients known so far, the step's edge in thick solid purple,
the value being updated with a thick dashed orange outline and a ◀ mark, complete gradients with
a ✓, and the step's equation as the slide's title: the same marks as the step page.
``chainrule steps EXPR --at ... --slides DIR [--dpi N]`` does the same from the command line.
"""

from __future__ import annotations

import html
import os
import pathlib
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

from autograd import Value

from ._assets import BASE_CSS
from ._render import PAGE_HEAD, PALETTE, Graph, check_digits, fmt, html_text
from .graph import KINDS, _build, _check, _param_set, describe_graph, node_kind
from .steps import LEVELS, backprop_steps, node_names

__all__ = ["Slides", "save_slides"]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class Slides:
    """What :func:`save_slides` wrote: the PNGs in step order and the handout page."""

    pngs: List[pathlib.Path]
    handout: pathlib.Path


def _call(method: Any, root_name: str, digits: int) -> str:
    try:
        return str(method(root_name=root_name, digits=digits))
    except TypeError:  # a step kind whose text takes no such options
        return str(method())


def _edges(step: Any) -> List[Any]:
    """The edge steps a step applies (a neuron-level step applies several)."""
    return list(getattr(step, "edges", None) or [step])


def _head(step: Any, k: int, total: int) -> str:
    if hasattr(step, "unit_name"):
        return f"Step {k} of {total}: unit {step.unit_name}, its delta and its inputs' gradients"
    return (f"Step {k} of {total}: through the {step.op} that made {step.node_name}, "
            f"back to its input {step.parent_name}")


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """``png`` with a pHYs chunk saying ``dpi`` (Graphviz's PNGs carry none)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or b"pHYs" in png[:200]:
        return png
    ppm = round(dpi / 0.0254)
    data = struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", len(data)) + b"pHYs" + data + struct.pack(">I", zlib.crc32(b"pHYs" + data))
    end_of_ihdr = 8 + 4 + 4 + 13 + 4
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


def _highlight(graph: Graph, step: Any, index: Dict[Value, int], params: Any) -> None:
    """Mark one step on a built graph: the edges and ops it passes through, the values it updates."""
    active, updated = PALETTE["active"], PALETTE["updated"]
    marks: Dict[str, str] = {}
    for e in _edges(step):
        i = index[e.node]
        marks[f"e{i}_{e.position}"] = f'color="{active}" penwidth=3.5'
        marks[f"e{i}"] = f'color="{active}" penwidth=3.5'
        graph.node(f"op{i}", color=active, penwidth="3", fillcolor="#e9d5f2")
        graph.node(f"v{i}", color=active, penwidth="4")
    for e in _edges(step):
        style = KINDS[node_kind(e.parent, params)][3]
        graph.node(f"v{index[e.parent]}", color=updated, penwidth="4", style=f"{style},dashed")
    body = []
    for line in graph.body:
        for edge_id, attrs in marks.items():
            if f"[id={edge_id}]" in line or f"[id={edge_id} " in line:
                line = line.replace(f"[id={edge_id}", f"[id={edge_id} {attrs}", 1)
        body.append(line)
    graph.body[:] = body


def save_slides(
    root: Value,
    folder: PathLike,
    dpi: int = 200,
    title: Optional[str] = None,
    rankdir: str = "LR",
    params: Any = None,
    max_nodes: Optional[int] = 500,
    digits: int = 4,
    level: str = "auto",
) -> Slides:
    """Write one PNG per backprop step and a printable ``handout.html`` into ``folder``.

    ``dpi`` is the resolution (200 suits a projector; 72 to 600 are allowed). Each PNG records its
    dpi. ``level`` is :func:`~viz.backprop_steps`'s: ``"edge"`` (one slide per edge), ``"neuron"``
    (one per unit of a network) or ``"auto"``. ``.grad`` is not touched. Returns a :class:`Slides`
    with the paths.

    >>> import tempfile
    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> slides = save_slides(y, tempfile.mkdtemp(), dpi=72)
    >>> [p.name for p in slides.pngs], slides.handout.name
    (['step-01.png', 'step-02.png', 'step-03.png'], 'handout.html')
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int):
        raise TypeError(f"save_slides() dpi must be an int, got {type(dpi).__name__}: {dpi!r}")
    if not 72 <= dpi <= 600:
        raise ValueError(f"save_slides() dpi must be between 72 and 600, got {dpi}")
    check_digits("save_slides", digits)
    if level not in LEVELS:
        raise ValueError(f"save_slides() level must be 'auto', 'edge' or 'neuron', got {level!r}")
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"save_slides() folder must be a str or os.PathLike, got {type(folder).__name__}: {folder!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"save_slides() title must be a str or None, got {type(title).__name__}: {title!r}")
    order = _check(root, rankdir, max_nodes, None, who="save_slides")
    out = pathlib.Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    names = node_names(root)
    root_name = names[root]
    index = {v: i for i, v in enumerate(order)}
    param_set = _param_set(params, "save_slides")
    steps = backprop_steps(root, level=level)
    total = len(steps)
    width = max(2, len(str(total)))
    grads: Dict[Value, str] = {root: fmt(1.0, digits)}
    complete = {root}
    pngs: List[pathlib.Path] = []
    records = []
    for k, step in enumerate(steps, start=1):
        changed = set()
        for e in _edges(step):
            grads[e.parent] = fmt(e.parent_grad_after, digits)
            changed.add(e.parent)
            if e.final:
                complete.add(e.parent)

        def grad_text(v: Value, changed: set = changed) -> str:
            return (grads.get(v, "–") + (" ✓" if v in complete else "") + (" ◀" if v in changed else ""))

        graph = _build(root, order, rankdir, None, param_set, True, digits, grad_text=grad_text)
        _highlight(graph, step, index, param_set)
        head = _head(step, k, total)
        equation = _call(step.equation, root_name, digits)
        result = _call(step.result, root_name, digits)
        lines = "".join(f'<tr><td align="left"><font face="DejaVu Sans Mono,monospace" point-size="18">'
                        f"{html_text(line)}</font></td></tr>" for line in equation.splitlines())
        results = "".join(f'<tr><td align="left"><font point-size="14" color="{PALETTE["complete"]}">'
                          f"{html_text(line)}</font></td></tr>" for line in result.splitlines())
        graph.attr(label=f'<<table border="0" cellspacing="2"><tr><td align="left"><font point-size="14">'
                         f"{html_text(head)}</font></td></tr>{lines}{results}</table>>",
                   labelloc="t", labeljust="l", dpi=str(dpi), pad="0.3")
        path = out / f"step-{k:0{width}d}.png"
        path.write_bytes(_with_dpi(graph.pipe(format="png"), dpi))
        pngs.append(path)
        records.append((head, equation, result, path.name))
    handout = out / "handout.html"
    title = title if title is not None else f"Backprop through {root_name}, step by step"
    description = describe_graph(root, order, names, param_set)[1]
    handout.write_text(_handout(title, description, root, names, records, digits), encoding="utf-8")
    return Slides(pngs, handout)


def _handout(title: str, description: str, root: Value, names: Dict[Value, str], records: List[tuple],
             digits: int) -> str:
    from .html import forward_lines

    forward = "".join(f"<li>{html.escape(line)}</li>" for line in forward_lines(root, digits))
    parts = []
    for head, equation, result, png in records:
        alt = f"The computation graph at this step; the step's edge drawn thick, its result: {result}"
        parts.append(f'<section class="step"><h3>{html.escape(head)}</h3>'
                     f'<p class="mono equation">{html.escape(equation)}</p>'
                     f'<p class="mono result">{html.escape(result)}</p>'
                     f'<img src="{html.escape(png)}" alt="{html.escape(alt)}"></section>')
    return _HANDOUT.format(title=html.escape(title), css=BASE_CSS + _HANDOUT_CSS, about=html.escape(description),
                           forward=forward, steps="\n".join(parts), n=len(records))


_HANDOUT_CSS = """
body { max-width: 60em; }
.equation { font-size: 1.15em; white-space: pre-line; overflow-wrap: anywhere; }
.result { color: var(--complete); overflow-wrap: anywhere; white-space: pre-line; }
section.step { break-inside: avoid; page-break-inside: avoid; border-top: 1px solid var(--border);
  padding-top: .4em; }
section.step img { max-width: 100%; height: auto; background: #ffffff; }
#forward { columns: 18em; }
@media print { h1 { font-size: 1.2em; } section.step img { max-height: 12cm; } }
"""

_HANDOUT = PAGE_HEAD + """<main>
<h1>{title}</h1>
<p>{about}</p>
<p>Marks in every picture: the step's edge, op and value in thick solid purple; the value whose grad is
being updated with a thick dashed orange outline and &#x25C0;; a complete grad with &#x2713;.</p>
<h2>Forward pass</h2>
<ol id="forward" class="mono">{forward}</ol>
<h2>Backward pass: {n} steps</h2>
{steps}
</main>
</body>
</html>
"""
