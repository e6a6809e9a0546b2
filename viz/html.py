"""Backprop, step by step, in one self-contained HTML page.

The page holds the computation graph as inline SVG (drawn by ``dot``), its
own CSS and script, and no reference to anything outside the file, so it
works offline, from an e-mail attachment or a USB stick.
"""

from __future__ import annotations

import html
import json
import os
import pathlib
import re
from typing import Any, Dict, List, Optional

from autograd import Value, notation
from nn.io import PathLike

from ._assets import BASE_CSS, STEP_CSS, STEP_KEY, STEP_SCRIPT
from ._render import PAGE_HEAD, check_digits, fmt, svg
from .graph import _build, _check, _param_set, describe_graph, node_kind
from .steps import LEVELS, NeuronStep, Step, backprop_steps, node_names

__all__ = ["save_backprop_html", "backprop_html", "forward_lines"]



def forward_lines(root: Value, digits: int = 4) -> List[str]:
    """The forward pass as text, one line per node in topological order (numbers in
    the expression are not nodes of their own): :func:`autograd.notation.definitions`.

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> n = x * w + 1; n.label = "n"
    >>> forward_lines(n.tanh())
    ['x = 2.0', 'w = -3.0', 'x·w = -6.0', 'n = x·w + 1 = -5.0', 'L = tanh(n) = -0.9999']
    """
    return notation.definitions(root, digits)


def _clean_svg(text: str) -> str:
    """The <svg> element alone: no XML prolog, DOCTYPE, comments or namespace URLs
    (inline SVG in HTML needs none of them)."""
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    return text.strip()


def _script_json(data: Any) -> str:
    # Safe inside <script>: no "</script>", no "<!--", whatever the labels hold.
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def backprop_html(
    root: Value,
    title: Optional[str] = None,
    rankdir: str = "LR",
    params: Any = None,
    max_nodes: Optional[int] = 500,
    digits: int = 4,
    level: str = "auto",
) -> str:
    """The step-through page of :func:`save_backprop_html`, as a string."""
    order = _check(root, rankdir, max_nodes, None, who="save_backprop_html")
    check_digits("save_backprop_html", digits)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"save_backprop_html() title must be a str or None, got {type(title).__name__}: {title!r}")
    if level not in LEVELS:
        raise ValueError(f"save_backprop_html() level must be 'auto', 'edge' or 'neuron', got {level!r}")
    names = node_names(root)
    index = {v: i for i, v in enumerate(order)}
    steps = backprop_steps(root, level=level)
    neuron = bool(steps) and isinstance(steps[0], NeuronStep)
    edges = [e for s in steps for e in s.edges] if neuron else steps
    root_name = names[root]
    param_set = _param_set(params, "save_backprop_html")
    # Lay each grad cell out for the widest text it will show, marks included.
    texts: Dict[Value, List[str]] = {v: ["–"] for v in order}
    texts[root].append(fmt(1.0, digits) + MARKS)
    for e in edges:
        texts[e.parent].append(fmt(e.parent_grad_after, digits) + MARKS)
    widest = {v: max(ts, key=len) for v, ts in texts.items()}
    graph = _build(root, order, rankdir, None, param_set, True, digits, grad_text=lambda v: widest[v])
    title_text, desc = describe_graph(root, order, names, param_set)
    graph.describe(title_text, desc.split(" Gradients:")[0] + " The grads fill in as you step through backprop.")
    picture = _clean_svg(svg(graph))
    what = "one neuron at a time" if neuron else "one edge at a time"
    title = title if title is not None else f"Backprop through {root_name}, {what}"
    data = {
        "root": f"v{index[root]}",
        "rootName": root_name,
        "rootGrad": fmt(1.0, digits),
        "rootGradFull": repr(1.0),
        "level": "neuron" if neuron else "edge",
        "nodes": [{"id": f"v{i}", "name": names[v], "kind": node_kind(v, param_set), "data": repr(v.data)}
                  for i, v in enumerate(order)],
        "steps": [_neuron_record(s, index, digits) if neuron else _step_record(s, index, digits) for s in steps],
    }
    forward = forward_lines(root, digits)
    return _PAGE.format(
        title=html.escape(title),
        css=BASE_CSS + STEP_CSS,
        svg=picture,
        key=STEP_KEY,
        forward="".join(f"<li>{html.escape(line)}</li>" for line in forward),
        steplist="".join(
            f'<li><button type="button" data-frame="{s.index + 1}">{s.index + 1}. '
            f'{html.escape(s.equation(digits=digits).splitlines()[0])}</button></li>' for s in steps
        ),
        total=len(steps),
        root_line=html.escape(f"{root_name} = {fmt(root.data, digits)}"),
        data=_script_json(data),
        script=STEP_SCRIPT,
    )


#: The marks a grad cell can carry on the step page: ✓ complete, ◀ being updated.
MARKS = " \u2713 \u25c0"


def _step_record(s: Step, index: Dict[Value, int], digits: int) -> Dict[str, Any]:
    """One edge-level frame: what the page highlights, the boxes it updates and the text it
    shows (all text from :mod:`autograd.notation`)."""
    i = index[s.node]
    parent = f"v{index[s.parent]}"
    return {
        "node": f"v{i}",
        "parent": parent,
        "op": f"op{i}",
        "edge": f"e{i}_{s.position}",
        "out": f"e{i}",
        "grad": fmt(s.parent_grad_after, digits),
        "gradFull": repr(s.parent_grad_after),
        "final": s.final,
        "updates": [[parent, fmt(s.parent_grad_after, digits), s.final, repr(s.parent_grad_after)]],
        "highlight": {"node": [f"v{i}"], "parent": [parent], "op": [f"op{i}"],
                      "edge": [f"e{i}_{s.position}", f"e{i}"]},
        "head": f"Step {s.index + 1}: through the {s.op} that made {s.node_name}, back to its input {s.parent_name}",
        "symbolic": s.symbolic(),
        "rule": notation.edge(s.node, s.position, digits, root=s.root),
        "equation": s.equation(digits=digits),
        "equationFull": s.equation(digits=17),
        "result": s.result(digits=digits),
    }


def _neuron_record(s: NeuronStep, index: Dict[Value, int], digits: int) -> Dict[str, Any]:
    """One neuron-level frame: the unit's nodes and edges, and every box it updates, in order."""
    unit = f"v{index[s.unit]}"
    members = [f"v{index[v]}" for v in s.members]
    inputs = [f"v{index[i.value]}" for i in s.inputs]
    edges = [f"e{index[e.node]}_{e.position}" for e in s.edges] + [f"e{index[v]}" for v in s.members]
    lines = s.lines(digits)
    last = s.edges[-1]
    return {
        "node": unit,
        "parent": inputs[0] if inputs else unit,
        "op": f"op{index[s.unit]}",
        "edge": edges[0],
        "out": f"e{index[s.unit]}",
        "grad": fmt(last.parent_grad_after, digits),
        "gradFull": repr(last.parent_grad_after),
        "final": last.final,
        "updates": [[f"v{index[e.parent]}", fmt(e.parent_grad_after, digits), e.final, repr(e.parent_grad_after)]
                    for e in s.edges],
        "highlight": {"node": members, "parent": inputs, "op": [f"op{index[v]}" for v in s.members], "edge": edges},
        "head": f"Step {s.index + 1}: the unit {s.unit_name}, {lines[0]}",
        "symbolic": s.symbolic(),
        "rule": "",
        "equation": "\n".join(line.strip() for line in lines[1:]),
        "equationFull": "\n".join(line.strip() for line in s.lines(17)[1:]),
        "result": s.result(digits=digits),
    }


def save_backprop_html(
    root: Value,
    path: PathLike,
    title: Optional[str] = None,
    rankdir: str = "LR",
    params: Any = None,
    max_nodes: Optional[int] = 500,
    digits: int = 4,
    level: str = "auto",
) -> pathlib.Path:
    """Write a single HTML page that steps through backprop from ``root``.

    The page shows the computation graph (inline SVG) and, frame by frame,
    the chain rule along one edge (``level="edge"``) or through one neuron
    (``level="neuron"``: the unit's δ and its inputs' gradients; ``"auto"``, the
    default, picks neurons past 50 edges, see :func:`~viz.backprop_steps`), in
    the notation of :mod:`autograd.notation`: frame 0 is the forward pass (every value),
    frame k is :func:`~viz.backprop_steps` step k, with its node, op and edge
    highlighted, the step ``dL/dw += dL/dh · ∂h/∂w = ...`` formula first, then
    numbers, and every box showing the gradient accumulated so far. Prev/Next
    buttons or the arrow keys move between frames (Home/End jump). Everything
    is inline: no network is used. ``.grad`` is not touched. Returns the path.

    >>> import tempfile, os
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> path = save_backprop_html(y, os.path.join(tempfile.mkdtemp(), "steps.html"))
    >>> page = path.read_text(encoding="utf-8")
    >>> "<svg" in page and "dL/dw" not in page and "dy/dw += dy/d(x·w) · ∂(x·w)/∂w = 0.42 · x" in page
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save_backprop_html() path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    page = backprop_html(root, title=title, rankdir=rankdir, params=params, max_nodes=max_nodes, digits=digits,
                         level=level)
    out = pathlib.Path(path)
    out.write_text(page, encoding="utf-8")
    return out


_PAGE = PAGE_HEAD + """<main id="stepper">
<h1>{title}</h1>
<div id="controls" role="group" aria-label="Step through backprop">
<button id="first" type="button" title="first frame (Home)">&#x00AB; First</button>
<button id="prev" type="button" title="previous step (&#x2190;)">&#x25C0; Prev</button>
<span id="counter">frame 0 of {total}</span>
<button id="next" type="button" title="next step (&#x2192;)">Next &#x25B6;</button>
<button id="last" type="button" title="last frame (End)">Last &#x00BB;</button>
<span class="hint">Keys: &#x2190; &#x2192; step, Home and End jump. Link to a step: add #step=N to the address.</span>
</div>
<section id="panel" aria-label="The current step">
<p id="head">Forward pass: each value computed from its inputs, left to right; {root_line}.</p>
<p id="symbolic" class="mono"></p>
<p id="rule" class="mono"></p>
<p id="equation" class="mono" aria-live="polite" aria-atomic="true"></p>
<p id="result" class="mono"></p>
<ol id="forward" class="mono">{forward}</ol>
</section>
<figure id="figure">
<div id="graph" class="card" tabindex="0" role="region" aria-label="Computation graph (scrolls)">{svg}</div>
<figcaption>{key}</figcaption>
</figure>
<details><summary>All {total} steps</summary><ol id="steplist" class="mono">{steplist}</ol></details>
</main>
<script type="application/json" id="chainrule-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
