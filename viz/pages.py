"""The demo index and its full-size picture viewers: plain, accessible HTML pages.

``chainrule demo`` writes ``index.html`` with a thumbnail of every picture; each thumbnail
opens ``NAME.html`` beside the picture, a page with the picture full size and zoom controls
(buttons and the ``+``, ``-``, ``0`` and ``f`` keys). Every picture carries its title and a
sentence saying what it shows (the ``<title>`` and ``<desc>`` of its SVG), which the index uses
as the thumbnail's alt text and the viewer shows under the picture.
"""

from __future__ import annotations

import html
import pathlib
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ._assets import BASE_CSS
from ._render import PAGE_HEAD, accessible_svg

__all__ = ["Figure", "Section", "describe_svg_file", "svg_words", "write_index", "write_viewer"]


@dataclass
class Figure:
    """One picture of a demo: its SVG file, a caption, and the viewer page written for it."""

    path: pathlib.Path
    caption: str
    viewer: Optional[pathlib.Path] = None


@dataclass
class Section:
    """One demo on the index page."""

    name: str
    about: str
    notes: List[str] = field(default_factory=list)
    figures: List[Figure] = field(default_factory=list)
    steps: Optional[pathlib.Path] = None
    steps_caption: str = ""


def svg_words(text: str) -> Tuple[str, str]:
    """The ``<title>`` and ``<desc>`` an SVG document gives itself (``""`` where missing).

    >>> svg_words('<svg role="img"><title>A &amp; B</title><desc>Two.</desc></svg>')
    ('A & B', 'Two.')
    """
    head = text[text.find("<svg"):][:20000]
    title = re.search(r"<title>(.*?)</title>", head, re.S)
    desc = re.search(r"<desc>(.*?)</desc>", head, re.S)
    return (html.unescape(title[1]) if title else "", html.unescape(desc[1]) if desc else "")


def describe_svg_file(path: pathlib.Path, title: str, description: str) -> pathlib.Path:
    """Give the SVG file at ``path`` a ``<title>``, a ``<desc>`` and ``role="img"`` (for pictures
    drawn by matplotlib, which writes neither); returns ``path``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(accessible_svg(text, title, description), encoding="utf-8")
    return path


def _inline(text: str) -> str:
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return text.strip()


def write_viewer(svg_path: pathlib.Path, back: str = "../index.html") -> pathlib.Path:
    """Write ``svg_path`` with ``.html``: the picture full size, zoomable, with its description."""
    text = svg_path.read_text(encoding="utf-8")
    title, desc = svg_words(text)
    title = title or svg_path.stem
    page = _VIEWER.format(
        title=html.escape(title), css=BASE_CSS + _VIEWER_CSS, back=html.escape(back), desc=html.escape(desc),
        svg=_inline(text), file=html.escape(svg_path.name), script=_VIEWER_SCRIPT,
    )
    out = svg_path.with_suffix(".html")
    out.write_text(page, encoding="utf-8")
    return out


def write_index(out: pathlib.Path, sections: List[Section], title: str = "chainrule demos") -> pathlib.Path:
    """Write ``out/index.html``: each demo's notes, thumbnails that open full-size viewers, and a
    link to its step-through page."""
    parts = []
    toc = "".join(f'<li><a href="#{_anchor(s.name)}">{html.escape(s.name)}</a></li>' for s in sections)
    for s in sections:
        parts.append(f'<section aria-labelledby="{_anchor(s.name)}"><h2 id="{_anchor(s.name)}">'
                     f"{html.escape(s.name)}</h2><p>{html.escape(s.about)}</p>")
        parts.extend(f"<p>{html.escape(note)}</p>" for note in s.notes)
        if s.steps is not None:
            rel = html.escape(s.steps.relative_to(out).as_posix())
            parts.append(f'<p class="steps"><a href="{rel}">Step through backprop</a>: '
                         f"{html.escape(s.steps_caption)}.</p>")
        parts.append('<ul class="figures">')
        for f in s.figures:
            rel = html.escape(f.path.relative_to(out).as_posix())
            viewer = html.escape((f.viewer or f.path).relative_to(out).as_posix())
            pic_title, desc = svg_words(f.path.read_text(encoding="utf-8"))
            alt = f"{f.caption}: {desc}" if desc else f.caption
            parts.append(f'<li><figure><a href="{viewer}" class="thumb card"><img src="{rel}" alt="{html.escape(alt)}">'
                         f'</a><figcaption>{html.escape(f.caption[0].upper() + f.caption[1:])}. '
                         f'<a href="{viewer}">Open full size<span class="visually-hidden">: '
                         f"{html.escape(pic_title or f.caption)}</span></a></figcaption></figure></li>")
        parts.append("</ul></section>")
    page = _INDEX.format(title=html.escape(title), css=BASE_CSS + _INDEX_CSS, toc=toc, body="\n".join(parts))
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _anchor(name: str) -> str:
    return "demo-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


_INDEX_CSS = """
nav ul { display: flex; flex-wrap: wrap; gap: .4em 1.2em; padding: 0; list-style: none; }
ul.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22em), 1fr)); gap: 1em;
  padding: 0; list-style: none; }
figure { margin: 0; }
a.thumb { display: flex; align-items: center; justify-content: center; height: 15em; padding: .4em; }
a.thumb img { max-width: 100%; max-height: 100%; object-fit: contain; }
figcaption { margin-top: .35em; }
"""

_INDEX = PAGE_HEAD + """<header><h1>{title}</h1>
<p>Each picture opens full size, with zoom. Every demo also has a page that steps through backprop.</p>
<nav aria-label="Demos"><ul>{toc}</ul></nav></header>
<main>
{body}
</main>
</body>
</html>
"""

_VIEWER_CSS = """
#tools { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; margin: .4em 0 .6em; }
#zoom-level { display: inline-block; width: 4.5em; text-align: center; font-variant-numeric: tabular-nums; }
#picture { overflow: auto; max-height: 80vh; padding: .4em; }
#picture svg { display: block; }
"""

_VIEWER = PAGE_HEAD + """<main>
<p><a href="{back}">&#x2190; All demos</a></p>
<h1>{title}</h1>
<p id="about">{desc}</p>
<div id="tools" role="group" aria-label="Zoom">
<button id="zoom-out" type="button" title="zoom out (-)">&#x2212; Zoom out</button>
<span id="zoom-level" role="status">100%</span>
<button id="zoom-in" type="button" title="zoom in (+)">+ Zoom in</button>
<button id="zoom-reset" type="button" title="actual size (0)">Actual size</button>
<button id="zoom-fit" type="button" title="fit the width (f)">Fit width</button>
<span class="hint">Keys: + and &#x2212; zoom, 0 actual size, f fit. <a href="{file}">The SVG file</a>.</span>
</div>
<div id="picture" class="card" tabindex="0" role="region" aria-label="{title} (scrolls)">{svg}</div>
</main>
<script>{script}</script>
</body>
</html>
"""

_VIEWER_SCRIPT = r"""
(function () {
  "use strict";
  var box = document.getElementById("picture"), svg = box.querySelector("svg");
  var level = document.getElementById("zoom-level");
  function px(v) { var n = parseFloat(v); return /pt$/.test(v) ? n * 4 / 3 : n; }
  var w = px(svg.getAttribute("width")), h = px(svg.getAttribute("height"));
  if (!(w > 0 && h > 0) && svg.viewBox && svg.viewBox.baseVal) {
    w = svg.viewBox.baseVal.width; h = svg.viewBox.baseVal.height;
  }
  var zoom = 1;
  function set(z) {
    zoom = Math.max(0.05, Math.min(8, z));
    svg.setAttribute("width", String(Math.round(w * zoom)));
    svg.setAttribute("height", String(Math.round(h * zoom)));
    level.textContent = Math.round(zoom * 100) + "%";
    document.body.setAttribute("data-zoom", String(zoom));
  }
  function fit() { set(Math.min(1, (box.clientWidth - 16) / w)); }
  function on(id, f) { document.getElementById(id).addEventListener("click", f); }
  on("zoom-in", function () { set(zoom * 1.25); });
  on("zoom-out", function () { set(zoom / 1.25); });
  on("zoom-reset", function () { set(1); });
  on("zoom-fit", fit);
  document.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (e.altKey || e.ctrlKey || e.metaKey || tag === "input" || tag === "textarea" || tag === "select") return;
    var act = {"+": function () { set(zoom * 1.25); }, "=": function () { set(zoom * 1.25); },
               "-": function () { set(zoom / 1.25); }, "0": function () { set(1); }, "f": fit}[e.key];
    if (act) { act(); e.preventDefault(); }
  });
  set(1);  // full size: the text is as large as Graphviz drew it
})();
"""
