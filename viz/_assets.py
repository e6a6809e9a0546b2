"""The styles and script of chainrule's HTML pages (step page, demo index, picture viewer, handout).

One base style sheet serves every page: a light and a dark theme (``prefers-color-scheme``), a
visible focus ring, no motion under ``prefers-reduced-motion``, text that reflows at 200% zoom,
and print rules. Pictures sit on a light "card" in both themes, so their colours (the palette in
:mod:`viz._render`, checked for colour-blind readers) mean the same everywhere.
"""

from __future__ import annotations

import html
from string import Template

from ._render import PALETTE


def _fill(text: str) -> str:
    """``text`` with ``${active}`` and the like replaced by the palette's colours."""
    return Template(text).substitute({k.replace("-", "_"): v for k, v in PALETTE.items()})


BASE_CSS = _fill("""
:root { color-scheme: light dark;
  --bg: #ffffff; --fg: #1f1f1f; --muted: #595959; --panel: #f5f5f5; --border: #767676; --focus: #1a5fb4;
  --link: #1a5fb4; --active: ${active}; --updated: ${updated}; --complete: ${complete}; --current: #efe3f5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #ececec; --muted: #c2c2c2; --panel: #1f1f1f; --border: #9a9a9a; --focus: #8ab4f8;
    --link: #9cc2ff; --active: #d7aefb; --updated: #f6ad6b; --complete: #6fd8c5; --current: #3b2a48; }
}
html { background: var(--bg); color: var(--fg); }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.45;
  margin: 1em 1.5em; }
h1 { font-size: 1.35em; margin: 0 0 .5em; line-height: 1.25; }
h2 { font-size: 1.15em; margin: 1.4em 0 .4em; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--border);
  border-radius: 4px; padding: .35em .9em; cursor: pointer; }
button:hover { border-color: var(--fg); }
button[aria-disabled="true"] { color: var(--muted); border-style: dashed; cursor: default; }
.muted, .hint { color: var(--muted); }
.mono { font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.card { background: #ffffff; color: #1f1f1f; color-scheme: light; border: 1px solid var(--border);
  border-radius: 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
svg { max-width: none; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important;
    scroll-behavior: auto !important; }
}
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #333333; --panel: #ffffff; }
  body { margin: 0; }
  button, .no-print { display: none !important; }
  a { color: #000000; text-decoration: none; }
}
""")

STEP_CSS = _fill("""
#order-line { margin: 0 0 .5em; font-weight: 600; }
.orders { display: flex; flex-wrap: wrap; gap: .4em 1.4em; align-items: center; margin: 0 0 .6em;
  border: 1px solid var(--border); border-radius: 6px; padding: .3em .9em .5em; }
.orders legend { padding: 0 .3em; font-weight: bold; }
.orders label { display: inline-flex; align-items: center; gap: .35em; cursor: pointer; }
.orders input[type=radio] { width: 1.1em; height: 1.1em; margin: 0; accent-color: var(--focus); }
.orders select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border);
  border-radius: 4px; padding: .15em .4em; }
#controls { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; margin-bottom: .6em; }
#controls button { min-width: 6.5em; }
#counter { display: inline-block; width: 11em; text-align: center; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
#panel { border: 1px solid var(--border); border-radius: 6px; padding: .6em 1em; margin-bottom: .8em;
  background: var(--panel); min-height: 8.5em; }
#panel p { margin: .15em 0; overflow-wrap: anywhere; }
#head { font-weight: bold; }
#symbolic, #rule { color: var(--muted); }
#equation { font-size: 1.3em; }
#equation, #result { white-space: pre-line; }
#result { color: var(--complete); }
#forward { columns: 18em; margin: .3em 0; }
#figure { margin: 0 0 .8em; }
#graph { overflow: auto; max-height: 72vh; padding: .3em; }
#graph svg text.complete { fill: ${complete}; font-weight: bold; }
#graph svg text.changed { fill: ${updated}; font-weight: bold; }
#graph svg .hl-node .outline { stroke: ${active}; stroke-width: 4px; }
#graph svg .hl-parent .outline { stroke: ${updated}; stroke-width: 4px; stroke-dasharray: 7 3; }
#graph svg .hl-op ellipse { fill: #e9d5f2; stroke: ${active}; stroke-width: 3px; }
#graph svg .hl-edge path { stroke: ${active}; stroke-width: 3.5px; }
#graph svg .hl-edge polygon { stroke: ${active}; fill: ${active}; }
#graph svg .outline, #graph svg path { transition: stroke-width .2s ease-out; }
#key { display: flex; flex-wrap: wrap; gap: .3em 1.4em; margin: .5em 0 0; padding: 0; list-style: none;
  font-size: .95em; }
#key li { display: flex; align-items: center; gap: .45em; }
#key svg { flex: none; }
#steplist button { font: inherit; text-align: left; border: 0; background: none; padding: .1em .3em;
  width: 100%; overflow-wrap: anywhere; }
#steplist li.current button { background: var(--current); outline: 2px solid var(--active); }
details summary { cursor: pointer; padding: .2em 0; }
@media print { #graph { max-height: none; overflow: visible; } #key { display: none; } }
""")

_KEY = _fill("""<ul id="key" aria-label="Colour key">
<li><svg width="36" height="14" aria-hidden="true"><rect width="36" height="14" fill="#ffffff"/>
<line x1="2" y1="7" x2="34" y2="7" stroke="${active}" stroke-width="4"/></svg>
<span>thick solid purple: <span id="key-flow">{flow}</span></span></li>
<li><svg width="36" height="14" aria-hidden="true"><rect width="36" height="14" fill="#ffffff"/>
<rect x="2" y="2" width="32" height="10" fill="none" stroke="${updated}" stroke-width="3" stroke-dasharray="6 3"/>
</svg><span>thick dashed orange, &#x25C0;: <span id="key-updated">{updated}</span></span></li>
<li><span class="mono" style="color: var(--complete); font-weight: bold"><span id="key-cell">{cell}</span> 1.5
 &#x2713;</span><span>: that <span id="key-cell-2">{cell}</span> is complete</span></li>
</ul>""")


def step_key(flow: str, updated: str, cell: str) -> str:
    """The colour key of the step page: each state has a colour and a line style or a mark; the
    words say which order is shown (the page's script rewrites them when the order changes).

    >>> "the value whose tangent is being updated" in step_key("...", "the value whose tangent is being updated",
    ...                                                       "tangent")
    True
    """
    return _KEY.format(flow=html.escape(flow), updated=html.escape(updated), cell=html.escape(cell))


#: The colour key of a backprop page.
STEP_KEY = step_key("the value, op and edge the gradient flows back through",
                    "the value whose grad is being updated", "grad")

STEP_SCRIPT = r"""
(function () {
  "use strict";
  var root = document.getElementById("stepper");
  var D = JSON.parse(document.getElementById("chainrule-data").textContent);
  var walks = D.walks, walk = walks[0], steps = walk.steps, total = steps.length, frame = 0;
  var byId = function (id) { return document.getElementById(id); };
  var forwardHead = byId("head").textContent;
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function cellText(nodeId) {  // the last text of a box: its grad (or tangent) cell
    var g = byId(nodeId);
    if (!g) return null;
    var t = g.getElementsByTagName("text");
    return t.length ? t[t.length - 1] : null;
  }
  function tooltip(nodeId, text) {
    var g = byId(nodeId), a = g ? g.getElementsByTagName("a")[0] : null;
    var attr = a ? a.getAttributeNode("xlink:title") : null;  // Graphviz's tooltip
    if (attr) attr.value = text;
  }
  D.nodes.forEach(function (n) {
    var g = byId(n.id), shape = g ? g.querySelector("polygon, path, ellipse") : null;
    if (shape) shape.classList.add("outline");
  });
  function setText(id, text, title) {
    var el = byId(id);
    if (!el) return;
    if (el.textContent !== text) el.textContent = text;
    if (title) el.setAttribute("title", title); else el.removeAttribute("title");
  }
  function setDisabled(id, off) { byId(id).setAttribute("aria-disabled", off ? "true" : "false"); }
  function hashFor(f) { return "#" + (walk.order === "forward" && walks.length > 1 ?
    "wrt=" + encodeURIComponent(walk.wrt) + "&" : "") + "step=" + f; }
  function show(f, fromHash) {
    frame = Math.max(0, Math.min(total, isNaN(f) ? 0 : f));
    var marked = root.querySelectorAll(".hl-node, .hl-parent, .hl-op, .hl-edge");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("hl-node", "hl-parent", "hl-op", "hl-edge");
    }
    var cells = {}, full = {}, complete = {};
    if (frame >= walk.seedFrame) {  // backprop's dL/dL = 1 from step 1; forward mode's inputs from frame 0
      walk.seeds.forEach(function (u) { cells[u[0]] = u[1]; full[u[0]] = u[3]; if (u[2]) complete[u[0]] = true; });
    }
    for (var k = 0; k < frame; k++) {  // a step updates one box (edge level) or several (neuron level)
      steps[k].updates.forEach(function (u) {
        cells[u[0]] = u[1]; full[u[0]] = u[3];
        if (u[2]) complete[u[0]] = true;
      });
    }
    var s = frame > 0 ? steps[frame - 1] : null, updated = {};
    if (s) s.updates.forEach(function (u) { updated[u[0]] = true; });
    for (var n = 0; n < D.nodes.length; n++) {
      var node = D.nodes[n], id = node.id, t = cellText(id);
      if (!t) continue;
      var changed = !!updated[id];
      t.textContent = walk.cell + " " + (id in cells ? cells[id] : "\u2013") + (complete[id] ? " \u2713" : "") +
        (changed ? " \u25C0" : "");
      t.classList.toggle("changed", changed);
      t.classList.toggle("complete", !!complete[id]);
      tooltip(id, node.name + " (" + node.kind + "): data = " + node.data + ", " + walk.cell +
        (walk.order === "forward" ? " d" + node.name + "/d" + walk.wrt : "") + " = " +
        (id in full ? full[id] : "\u2013") + (complete[id] ? " (complete)" : ""));
    }
    byId("forward").hidden = frame > 0;
    if (s) {
      ["node", "parent", "op", "edge"].forEach(function (kind) {
        s.highlight[kind].forEach(function (id) { var el = byId(id); if (el) el.classList.add("hl-" + kind); });
      });
      setText("head", s.head);
      setText("symbolic", s.symbolic);
      setText("rule", s.rule);
      setText("equation", s.equation, "full precision: " + s.equationFull);
      setText("result", s.result);
      var el = byId(s.updates[0][0]);
      if (el && el.scrollIntoView) {
        el.scrollIntoView({block: "nearest", inline: "nearest", behavior: reduced ? "auto" : "smooth"});
      }
    } else {
      setText("head", forwardHead);
      setText("symbolic", walk.intro);
      ["rule", "equation", "result"].forEach(function (id) { setText(id, ""); });
    }
    setText("counter", frame === 0 ? "frame 0 of " + total : "step " + frame + " of " + total);
    setDisabled("prev", frame === 0); setDisabled("first", frame === 0);
    setDisabled("next", frame === total); setDisabled("last", frame === total);
    var items = byId("steplist").children;
    for (var j = 0; j < items.length; j++) {
      var on = j === frame - 1;
      items[j].classList.toggle("current", on);
      var b = items[j].firstElementChild;
      if (b) { if (on) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current"); }
    }
    document.body.setAttribute("data-frame", String(frame));
    document.body.setAttribute("data-order", walk.order);
    if (!fromHash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hashFor(frame)); } catch (e) { /* a sandboxed frame */ }
    }
  }
  // --- the order (and input) shown: pages with several walks switch between them ----------------
  var radios = root.querySelectorAll("input[name=order]"), menu = byId("wrt");
  function walkFor(order, wrt) {
    for (var i = 0; i < walks.length; i++) {
      if (walks[i].order === order && (order === "reverse" || walks[i].wrt === wrt)) return walks[i];
    }
    return null;
  }
  function useWalk(w) {
    if (!w || w === walk) return false;
    walk = w; steps = w.steps; total = steps.length;
    setText("order-line", w.orderLine);
    setText("key-flow", w.flow); setText("key-updated", w.updated);
    setText("key-cell", w.cell); setText("key-cell-2", w.cell);
    setText("total", String(total));
    byId("controls").setAttribute("aria-label", w.controls);
    var list = byId("steplist");
    while (list.firstChild) list.removeChild(list.firstChild);
    w.items.forEach(function (item, k) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button"; b.setAttribute("data-frame", String(k + 1)); b.textContent = (k + 1) + ". " + item;
      li.appendChild(b); list.appendChild(li);
    });
    for (var r = 0; r < radios.length; r++) radios[r].checked = radios[r].value === w.order;
    if (menu) { if (w.order === "forward") menu.value = w.wrt; }
    return true;
  }
  function chosen() {
    var order = walks[0].order;
    for (var r = 0; r < radios.length; r++) if (radios[r].checked) order = radios[r].value;
    return walkFor(order, menu ? menu.value : null);
  }
  function switched() {  // at the end of one walk: the end of the other; anywhere else: its start
    var atEnd = frame === total && frame > 0;
    if (useWalk(chosen())) show(atEnd ? total : 0);
  }
  for (var r = 0; r < radios.length; r++) radios[r].addEventListener("change", switched);
  if (menu) {
    menu.addEventListener("change", function () {
      for (var r = 0; r < radios.length; r++) radios[r].checked = radios[r].value === "forward";
      switched();
    });
  }
  function fromHash() {
    var h = window.location.hash || "";
    var m = /(?:^#|&)step=(\d+)/.exec(h), w = /(?:^#|&)wrt=([^&]*)/.exec(h);
    var target = walks[0];
    if (w) { try { target = walkFor("forward", decodeURIComponent(w[1])) || walks[0]; } catch (e) { /* bad % */ } }
    useWalk(target);
    return m ? parseInt(m[1], 10) : 0;
  }
  // --- stepping ------------------------------------------------------------------------------------
  function button(id, f) {
    byId(id).addEventListener("click", function () {
      if (byId(id).getAttribute("aria-disabled") !== "true") show(f());
    });
  }
  button("next", function () { return frame + 1; });
  button("prev", function () { return frame - 1; });
  button("first", function () { return 0; });
  button("last", function () { return total; });
  byId("steplist").addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button[data-frame]") : null;
    if (b) show(parseInt(b.getAttribute("data-frame"), 10));
  });
  window.addEventListener("hashchange", function () { show(fromHash(), true); });
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented || typing(e.target)) return;
    var t = e.target;
    if (t !== document.body && t !== document.documentElement && !root.contains(t)) return;
    var to = {ArrowRight: frame + 1, ArrowLeft: frame - 1, Home: 0, End: total}[e.key];
    if (to === undefined) return;
    if (t && t.id === "graph") return;  // the picture has the focus: the keys scroll it
    show(to);
    e.preventDefault();
  });
  show(fromHash());
})();
"""
