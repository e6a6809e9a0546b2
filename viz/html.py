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
from typing import Any, Dict, List, Optional, Union

from autograd import Value

from ._render import fmt, svg
from .graph import _build, _check, _param_set
from .steps import Step, backprop_steps, node_names

__all__ = ["save_backprop_html", "backprop_html", "forward_lines"]

PathLike = Union[str, "os.PathLike[str]"]


def forward_lines(root: Value, digits: int = 4) -> List[str]:
    """The forward pass as text, one line per node in topological order.

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> n = x * w + 1; n.label = "n"
    >>> forward_lines(n.tanh())
    ['x = 2', 'w = -3', 'v2 = x * w = -6', 'n = v2 + 1 = -5', 'L = tanh(n) = -0.9999']
    """
    from autograd import topological_order

    names = node_names(root)
    lines = []
    for v in topological_order(root):
        if v.is_constant:
            continue
        value = fmt(v.data, digits)
        fn = v._fn
        if v.is_leaf or fn is None:
            lines.append(f"{names[v]} = {value}")
            continue
        args = [names[p] for p in v.parents]
        if len(args) == 2:
            expr = f"{args[0]} {fn.symbol} {args[1]}"
        elif fn.name == "pow":
            expr = f"{args[0]} {fn.symbol}"
        elif fn.name == "neg":
            expr = f"-{args[0]}"
        elif fn.param is not None:
            expr = f"{fn.name}({args[0]}, {fmt(fn.param)})"
        else:
            expr = f"{fn.name}({args[0]})"
        lines.append(f"{names[v]} = {expr} = {value}")
    return lines


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
) -> str:
    """The step-through page of :func:`save_backprop_html`, as a string."""
    order = _check(root, rankdir, max_nodes, None, who="save_backprop_html")
    names = node_names(root)
    index = {v: i for i, v in enumerate(order)}
    steps = backprop_steps(root)
    root_name = names[root]
    # Lay each grad cell out for the widest text it will show.
    texts: Dict[Value, List[str]] = {v: ["–"] for v in order}
    texts[root].append(fmt(1.0, digits))
    for s in steps:
        texts[s.parent].append(fmt(s.parent_grad_after, digits))
    widest = {v: max(ts, key=len) for v, ts in texts.items()}
    graph = _build(root, order, rankdir, None, _param_set(params), True, digits, grad_text=lambda v: widest[v])
    picture = _clean_svg(svg(graph))
    title = title if title is not None else f"Backprop through {root_name}, one edge at a time"
    data = {
        "root": f"v{index[root]}",
        "rootName": root_name,
        "rootGrad": fmt(1.0, digits),
        "nodes": [f"v{i}" for i in range(len(order))],
        "steps": [_step_record(s, index, root_name, digits) for s in steps],
    }
    forward = forward_lines(root, digits)
    return _PAGE.format(
        title=html.escape(title),
        css=_CSS,
        svg=picture,
        forward="".join(f"<li>{html.escape(line)}</li>" for line in forward),
        steplist="".join(
            f'<li data-frame="{s.index + 1}">{html.escape(s.equation(root_name, digits))}</li>' for s in steps
        ),
        total=len(steps),
        root_line=html.escape(f"{root_name} = {fmt(root.data, digits)}"),
        data=_script_json(data),
        script=_SCRIPT,
    )


def _step_record(s: Step, index: Dict[Value, int], root_name: str, digits: int) -> Dict[str, Any]:
    i = index[s.node]
    return {
        "node": f"v{i}",
        "parent": f"v{index[s.parent]}",
        "op": f"op{i}",
        "edge": f"e{i}_{s.position}",
        "out": f"e{i}",
        "grad": fmt(s.parent_grad_after, digits),
        "final": s.final,
        "head": f"Step {s.index + 1}: through the {s.op} that made {s.node_name}, back to its input {s.parent_name}",
        "symbolic": s.symbolic(root_name),
        "rule": s.rule + (f" = {fmt(s.local, digits)}" if s.rule else f"local derivative = {fmt(s.local, digits)}"),
        "equation": s.equation(root_name, digits),
        "result": s.result(root_name, digits),
    }


def save_backprop_html(
    root: Value,
    path: PathLike,
    title: Optional[str] = None,
    rankdir: str = "LR",
    params: Any = None,
    max_nodes: Optional[int] = 500,
    digits: int = 4,
) -> pathlib.Path:
    """Write a single HTML page that steps through backprop from ``root``.

    The page shows the computation graph (inline SVG) and, frame by frame,
    the chain rule along one edge: frame 0 is the forward pass (every value),
    frame k is :func:`~viz.backprop_steps` step k, with its node, op and edge
    highlighted, the equation ``dL/dparent += local × upstream = ...`` with
    numbers, and every box showing the gradient accumulated so far. Prev/Next
    buttons or the arrow keys move between frames (Home/End jump). Everything
    is inline: no network is used. ``.grad`` is not touched. Returns the path.

    >>> import tempfile, os
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); w = Value(-0.5, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> path = save_backprop_html(y, os.path.join(tempfile.mkdtemp(), "steps.html"))
    >>> page = path.read_text(encoding="utf-8")
    >>> "<svg" in page and "dL/dw" not in page and "dy/dw += 2 × 0.42 = 0.8399" in page
    True
    """
    page = backprop_html(root, title=title, rankdir=rankdir, params=params, max_nodes=max_nodes, digits=digits)
    out = pathlib.Path(path)
    out.write_text(page, encoding="utf-8")
    return out


_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .5em; }
#controls { display: flex; gap: .5em; align-items: center; margin-bottom: .6em; }
#controls button { font-size: 1em; padding: .3em .9em; cursor: pointer; }
#controls button:disabled { cursor: default; }
#counter { font-variant-numeric: tabular-nums; min-width: 8em; text-align: center; }
.hint { color: #595959; font-size: .9em; }
#panel { border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; margin-bottom: .8em; background: #fafafa;
         min-height: 7.5em; }
#head { font-weight: bold; margin-bottom: .3em; }
#symbolic, #rule { color: #4a4a4a; font-family: Menlo, Consolas, monospace; }
#equation { font-family: Menlo, Consolas, monospace; font-size: 1.35em; margin: .25em 0; color: #1f1f1f; }
#result { font-family: Menlo, Consolas, monospace; color: #00695c; }
#forward { font-family: Menlo, Consolas, monospace; columns: 18em; margin: .3em 0; }
#graph { overflow: auto; max-height: 72vh; border: 1px solid #eee; }
#steplist { font-family: Menlo, Consolas, monospace; }
#steplist li { cursor: pointer; }
#steplist li.current { background: #efe3f5; outline: 2px solid #6a1b9a; }
.hidden { display: none; }
svg .hl-node .outline { stroke: #6a1b9a; stroke-width: 4px; }
svg .hl-parent .outline { stroke: #b35806; stroke-width: 4px; stroke-dasharray: 7 3; }
svg .hl-op ellipse { fill: #e9d5f2; stroke: #6a1b9a; stroke-width: 3px; }
svg .hl-edge path { stroke: #6a1b9a; stroke-width: 3.5px; }
svg .hl-edge polygon { stroke: #6a1b9a; fill: #6a1b9a; }
svg text.changed { fill: #b35806; font-weight: bold; }
svg text.complete { fill: #00695c; font-weight: bold; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<h1>{title}</h1>
<div id="controls">
<button id="first" type="button" title="first frame (Home)">&#x00AB; First</button>
<button id="prev" type="button" title="previous step (&#x2190;)">&#x25C0; Prev</button>
<span id="counter">frame 0 of {total}</span>
<button id="next" type="button" title="next step (&#x2192;)">Next &#x25B6;</button>
<button id="last" type="button" title="last frame (End)">Last &#x00BB;</button>
<span class="hint">or use the &#x2190; &#x2192; keys</span>
</div>
<div id="panel">
<div id="head">Forward pass: each value computed from its inputs, left to right; {root_line}.</div>
<div id="symbolic"></div>
<div id="rule"></div>
<div id="equation"></div>
<div id="result"></div>
<ol id="forward">{forward}</ol>
</div>
<div id="graph">{svg}</div>
<details><summary>All {total} steps</summary><ol id="steplist">{steplist}</ol></details>
<script type="application/json" id="chainrule-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("chainrule-data").textContent);
  var steps = D.steps, total = steps.length, frame = 0;
  var byId = function (id) { return document.getElementById(id); };
  var forwardHead = byId("head").textContent;
  function gradText(nodeId) {
    var g = byId(nodeId);
    if (!g) return null;
    var t = g.getElementsByTagName("text");
    return t.length ? t[t.length - 1] : null;
  }
  D.nodes.forEach(function (id) {
    var g = byId(id), shape = g ? g.querySelector("polygon, path, ellipse") : null;
    if (shape) shape.classList.add("outline");
  });
  function setText(id, text) { byId(id).textContent = text; }
  function show(f) {
    frame = Math.max(0, Math.min(total, f));
    var marked = document.querySelectorAll(".hl-node, .hl-parent, .hl-op, .hl-edge");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("hl-node", "hl-parent", "hl-op", "hl-edge");
    }
    var grads = {}, complete = {};
    if (frame > 0) { grads[D.root] = D.rootGrad; complete[D.root] = true; }
    for (var k = 0; k < frame; k++) {
      grads[steps[k].parent] = steps[k].grad;
      if (steps[k].final) complete[steps[k].parent] = true;
    }
    for (var n = 0; n < D.nodes.length; n++) {
      var id = D.nodes[n], t = gradText(id);
      if (!t) continue;
      t.textContent = "grad " + (id in grads ? grads[id] : "\u2013");
      t.classList.remove("changed");
      t.classList.toggle("complete", !!complete[id]);
    }
    var s = frame > 0 ? steps[frame - 1] : null;
    byId("forward").classList.toggle("hidden", frame > 0);
    if (s) {
      [[s.node, "hl-node"], [s.parent, "hl-parent"], [s.op, "hl-op"], [s.edge, "hl-edge"], [s.out, "hl-edge"]]
        .forEach(function (p) { var el = byId(p[0]); if (el) el.classList.add(p[1]); });
      var changed = gradText(s.parent);
      if (changed) changed.classList.add("changed");
      setText("head", s.head);
      setText("symbolic", s.symbolic);
      setText("rule", s.rule);
      setText("equation", s.equation);
      setText("result", s.result);
      var el = byId(s.parent);
      if (el && el.scrollIntoView) el.scrollIntoView({block: "nearest", inline: "nearest"});
    } else {
      setText("head", forwardHead);
      ["symbolic", "rule", "equation", "result"].forEach(function (id) { setText(id, ""); });
    }
    setText("counter", frame === 0 ? "frame 0 of " + total + " (forward)" : "step " + frame + " of " + total);
    byId("prev").disabled = byId("first").disabled = frame === 0;
    byId("next").disabled = byId("last").disabled = frame === total;
    var items = byId("steplist").children;
    for (var j = 0; j < items.length; j++) items[j].classList.toggle("current", j === frame - 1);
    document.body.setAttribute("data-frame", String(frame));
  }
  byId("next").addEventListener("click", function () { show(frame + 1); });
  byId("prev").addEventListener("click", function () { show(frame - 1); });
  byId("first").addEventListener("click", function () { show(0); });
  byId("last").addEventListener("click", function () { show(total); });
  byId("steplist").addEventListener("click", function (e) {
    var li = e.target.closest ? e.target.closest("li") : null;
    if (li) show(parseInt(li.getAttribute("data-frame"), 10));
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowRight") { show(frame + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { show(frame - 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(total); e.preventDefault(); }
  });
  show(0);
})();
"""
