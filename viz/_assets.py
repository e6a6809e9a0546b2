"""The styles and script of chainrule's HTML pages (step page, demo index, picture viewer, handout).

One base style sheet serves every page: a light and a dark theme (``prefers-color-scheme``), a
visible focus ring, no motion under ``prefers-reduced-motion``, text that reflows at 200% zoom,
and print rules. Pictures sit on a light "card" in both themes, so their colours (the palette in
:mod:`viz._render`, checked for colour-blind readers) mean the same everywhere.
"""

from __future__ import annotations

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

#: The colour key of the step page: each state has a colour and a line style or a mark.
STEP_KEY = _fill("""<ul id="key" aria-label="Colour key">
<li><svg width="36" height="14" aria-hidden="true"><rect width="36" height="14" fill="#ffffff"/>
<line x1="2" y1="7" x2="34" y2="7" stroke="${active}" stroke-width="4"/></svg>
thick solid purple: the value, op and edge the gradient flows back through</li>
<li><svg width="36" height="14" aria-hidden="true"><rect width="36" height="14" fill="#ffffff"/>
<rect x="2" y="2" width="32" height="10" fill="none" stroke="${updated}" stroke-width="3" stroke-dasharray="6 3"/>
</svg>thick dashed orange, &#x25C0;: the value whose grad is being updated</li>
<li><span class="mono" style="color: var(--complete); font-weight: bold">grad 1.5 &#x2713;</span>: that grad is
 complete</li>
</ul>""")

STEP_SCRIPT = r"""
(function () {
  "use strict";
  var root = document.getElementById("stepper");
  var D = JSON.parse(document.getElementById("chainrule-data").textContent);
  var steps = D.steps, total = steps.length, frame = 0;
  var byId = function (id) { return document.getElementById(id); };
  var forwardHead = byId("head").textContent;
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function gradText(nodeId) {
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
    if (el.textContent !== text) el.textContent = text;
    if (title) el.setAttribute("title", title); else el.removeAttribute("title");
  }
  function setDisabled(id, off) { byId(id).setAttribute("aria-disabled", off ? "true" : "false"); }
  function show(f, fromHash) {
    frame = Math.max(0, Math.min(total, isNaN(f) ? 0 : f));
    var marked = root.querySelectorAll(".hl-node, .hl-parent, .hl-op, .hl-edge");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("hl-node", "hl-parent", "hl-op", "hl-edge");
    }
    var grads = {}, full = {}, complete = {};
    if (frame > 0) { grads[D.root] = D.rootGrad; full[D.root] = D.rootGradFull; complete[D.root] = true; }
    for (var k = 0; k < frame; k++) {  // a step updates one box (edge level) or several (neuron level)
      steps[k].updates.forEach(function (u) {
        grads[u[0]] = u[1]; full[u[0]] = u[3];
        if (u[2]) complete[u[0]] = true;
      });
    }
    var s = frame > 0 ? steps[frame - 1] : null, updated = {};
    if (s) s.updates.forEach(function (u) { updated[u[0]] = true; });
    for (var n = 0; n < D.nodes.length; n++) {
      var node = D.nodes[n], id = node.id, t = gradText(id);
      if (!t) continue;
      var changed = !!updated[id];
      t.textContent = "grad " + (id in grads ? grads[id] : "\u2013") + (complete[id] ? " \u2713" : "") +
        (changed ? " \u25C0" : "");
      t.classList.toggle("changed", changed);
      t.classList.toggle("complete", !!complete[id]);
      tooltip(id, node.name + " (" + node.kind + "): data = " + node.data + ", grad = " +
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
      var el = byId(s.parent);
      if (el && el.scrollIntoView) {
        el.scrollIntoView({block: "nearest", inline: "nearest", behavior: reduced ? "auto" : "smooth"});
      }
    } else {
      setText("head", forwardHead);
      ["symbolic", "rule", "equation", "result"].forEach(function (id) { setText(id, ""); });
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
    if (!fromHash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "#step=" + frame); } catch (e) { /* a sandboxed frame */ }
    }
  }
  function frameFromHash() {
    var m = /(?:^#|&)step=(\d+)/.exec(window.location.hash || "");
    return m ? parseInt(m[1], 10) : 0;
  }
  function go(f) { return function () { show(f()); }; }
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
  window.addEventListener("hashchange", function () { show(frameFromHash(), true); });
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
  go(function () { return frameFromHash(); })();
})();
"""
