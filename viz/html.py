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

from ._assets import BASE_CSS, STEP_CSS, STEP_SCRIPT, step_key
from ._render import PAGE_HEAD, check_digits, fmt, svg
from .graph import _build, _check, _param_set, describe_graph, node_kind
from .steps import LEVELS, backprop_steps, node_names
from .walks import MAX_FORWARD_STEPS, MODES, Wrt, forward_walk, resolve_wrt, reverse_walk

__all__ = ["save_backprop_html", "backprop_html", "forward_lines", "MODES"]



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
    mode: str = "reverse",
    wrt: Wrt = None,
) -> str:
    """The step-through page of :func:`save_backprop_html`, as a string.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
    >>> page = backprop_html(y, mode="forward", wrt="x")
    >>> "Forward mode through y: dy/dx" in page and "dy/dx += ∂y/∂x · dx/dx = x · 1.0" in page
    True
    """
    who = "save_backprop_html"
    order = _check(root, rankdir, max_nodes, None, who=who)
    check_digits(who, digits)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{who}() title must be a str or None, got {type(title).__name__}: {title!r}")
    if not isinstance(mode, str):
        raise TypeError(f"{who}() mode must be a str ('reverse', 'forward' or 'both'), got "
                        f"{type(mode).__name__}: {mode!r}")
    if level not in LEVELS:
        raise ValueError(f"{who}() level must be 'auto', 'edge' or 'neuron', got {level!r}")
    names = node_names(root)
    inputs = resolve_wrt(who, root, order, names, mode, wrt)
    if mode == "forward" and level == "neuron":
        raise ValueError(f"{who}() level='neuron' groups backprop's steps by unit; forward mode goes one edge "
                         f"at a time: use level='auto' or 'edge' with mode='forward'")
    index = {v: i for i, v in enumerate(order)}
    root_name = names[root]
    walks: List[Dict[str, Any]] = []
    graph_names = notation.GraphNames(root)
    if mode != "forward":
        walks.append(reverse_walk(root, backprop_steps(root, level=level), index, digits, graph_names))
    n_edges = sum(1 for v in order for p in v.parents if not p.is_constant)
    if len(inputs) * n_edges > MAX_FORWARD_STEPS:
        raise ValueError(
            f"{who}() would embed {len(inputs)} forward walks of {n_edges} steps each (more than "
            f"{MAX_FORWARD_STEPS} in all); pass wrt= the inputs to follow, e.g. wrt={names[inputs[0]]!r}")
    walks += [forward_walk(root, x, digits, graph_names) for x in inputs]
    param_set = _param_set(params, who)
    # Lay each cell out for the widest text it will show, marks included ("tan" stands for
    # the extra width of "tangent" over "grad").
    texts: Dict[str, List[str]] = {f"v{i}": ["\u2013"] for i in range(len(order))}
    for walk in walks:
        extra = "tan" if walk["cell"] == "tangent" else ""
        for seed in walk["seeds"]:
            texts[seed[0]].append(extra + seed[1] + MARKS)
        for step in walk["steps"]:
            for update in step["updates"]:
                texts[update[0]].append(extra + update[1] + MARKS)
    widest = {v: max(texts[f"v{i}"], key=len) for i, v in enumerate(order)}
    graph = _build(root, order, rankdir, None, param_set, True, digits, grad_text=lambda v: widest[v])
    title_text, desc = describe_graph(root, order, names, param_set)
    desc = desc.split(" Gradients:")[0]
    if mode == "reverse":
        desc += " The grads fill in as you step through backprop."
    else:
        cells = "grad (backprop) or tangent (forward mode)" if mode == "both" else "tangent"
        desc = (desc.replace("name, data and grad;", f"name, data and {cells};") +
                " The cells fill in as you step through.")
    graph.describe(title_text, desc)
    picture = _clean_svg(svg(graph))
    first = walks[0]
    if title is None:
        what = "one neuron at a time" if first["level"] == "neuron" else "one edge at a time"
        if mode == "reverse":
            title = f"Backprop through {root_name}, {what}"
        elif mode == "forward" and len(inputs) == 1:
            title = f"Forward mode through {root_name}: {first['total']}, one edge at a time"
        elif mode == "forward":
            title = f"Forward mode through {root_name}, one edge at a time"
        else:
            title = f"The chain rule through {root_name} in both orders: backprop and forward mode"
    data = {
        "root": f"v{index[root]}",
        "rootName": root_name,
        "mode": mode,
        "nodes": [{"id": f"v{i}", "name": names[v], "kind": node_kind(v, param_set), "data": repr(v.data)}
                  for i, v in enumerate(order)],
        "walks": walks,
    }
    return _PAGE.format(
        title=html.escape(title),
        css=BASE_CSS + STEP_CSS,
        svg=picture,
        key=step_key(first["flow"], first["updated"], first["cell"]),
        orders=_order_controls(walks),
        order_line=html.escape(first["orderLine"]),
        forward="".join(f"<li>{html.escape(line)}</li>" for line in forward_lines(root, digits)),
        steplist="".join(
            f'<li><button type="button" data-frame="{k + 1}">{k + 1}. {html.escape(item)}</button></li>'
            for k, item in enumerate(first["items"])
        ),
        total=len(first["steps"]),
        controls=html.escape(first["controls"]),
        root_line=html.escape(f"{root_name} = {fmt(root.data, digits)}"),
        data=_script_json(data),
        script=STEP_SCRIPT,
    )


#: The marks a cell can carry on the step page: \u2713 complete, \u25c0 being updated.
MARKS = " \u2713 \u25c0"


def _order_controls(walks: List[Dict[str, Any]]) -> str:
    """The switch between orders (and inputs) when the page holds more than one walk."""
    if len(walks) == 1:
        return ""
    forward = [w for w in walks if w["order"] == "forward"]
    options = "".join(f'<option value="{html.escape(w["wrt"], quote=True)}">{html.escape(w["wrt"])}</option>'
                      for w in forward)
    select = (f'<span class="wrt"><label for="wrt">with respect to</label> '
              f'<select id="wrt" aria-describedby="order-line">{options}</select></span>')
    if walks[0]["order"] == "forward":  # forward mode only, from several inputs
        return f'<div id="orders" class="orders" role="group" aria-label="Forward mode">{select}</div>'
    return (
        '<fieldset id="orders" class="orders"><legend>Order of the chain rule</legend>'
        '<label><input type="radio" name="order" value="reverse" checked> Reverse (backprop)</label>'
        '<label><input type="radio" name="order" value="forward"> Forward mode</label>'
        f'{select}</fieldset>'
    )


def save_backprop_html(
    root: Value,
    path: PathLike,
    title: Optional[str] = None,
    rankdir: str = "LR",
    params: Any = None,
    max_nodes: Optional[int] = 500,
    digits: int = 4,
    level: str = "auto",
    mode: str = "reverse",
    wrt: Wrt = None,
) -> pathlib.Path:
    """Write a single HTML page that steps through backprop from ``root`` (or forward mode).

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

    ``mode`` picks the order of the chain rule the page walks:

    - ``"reverse"`` (the default): backprop, as above. ``wrt`` must be None: one
      backward walk gives every input's gradient.
    - ``"forward"``: forward mode from the input ``wrt`` (a leaf ``Value`` or its
      name, ``wrt="x"``): nodes in :func:`~autograd.topological_order`, one edge at
      a time, each box's ``tangent`` cell filling in with ``dn/dx`` (the inputs'
      tangents, 1 for ``x`` and 0 for the others, show from frame 0); each step is
      :func:`autograd.forward_steps`' ``dn/dx += ∂n/∂s · ds/dx = ...`` and the last
      one ends on ``dL/dx``, the number backprop puts in ``x.grad``. A list of
      inputs gives one walk each and a menu to choose between them.
    - ``"both"``: one page with a switch (radio buttons and a menu of inputs) between
      the backprop walk and the forward walk from each input (``wrt``: which inputs,
      default every one; at most :data:`viz.walks.MAX_FORWARD_STEPS` forward steps in
      all). Made for a projector: switch orders without leaving the page. The page
      opens on backprop; the address (``#wrt=x&step=3``) says which walk and step.

    The title, the line under it and the colour key say which order is shown.

    >>> import tempfile, os
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> path = save_backprop_html(y, os.path.join(tempfile.mkdtemp(), "steps.html"))
    >>> page = path.read_text(encoding="utf-8")
    >>> "<svg" in page and "dL/dw" not in page and "dy/dw += dy/d(x·w) · ∂(x·w)/∂w = 0.42 · x" in page
    True
    >>> page = save_backprop_html(y, path, mode="forward", wrt=x).read_text(encoding="utf-8")
    >>> "Order: forward mode, from x on to y" in page and "dy/dx = -0.21, the gradient backward() gives x" in page
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save_backprop_html() path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    page = backprop_html(root, title=title, rankdir=rankdir, params=params, max_nodes=max_nodes, digits=digits,
                         level=level, mode=mode, wrt=wrt)
    out = pathlib.Path(path)
    out.write_text(page, encoding="utf-8")
    return out


_PAGE = PAGE_HEAD + """<main id="stepper">
<h1>{title}</h1>
<p id="order-line">{order_line}</p>
{orders}
<div id="controls" role="group" aria-label="{controls}">
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
<details><summary>All <span id="total">{total}</span> steps</summary>
<ol id="steplist" class="mono">{steplist}</ol></details>
</main>
<script type="application/json" id="chainrule-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
