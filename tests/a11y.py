"""Accessibility checks shared by every browser test: axe-core in Chromium, keyboard focus,
and colour-vision simulation.

The rules are axe-core's (the ``axe-playwright-python`` package ships axe-core and injects it into the
page; nothing is downloaded). Colour-vision deficiencies are simulated with ``colorspacious`` (Machado,
Oliveira and Fernandes 2009) and colours compared in CAM02-UCS, where a distance of about 1 is just
noticeable. See docs/accessibility.md.

Typical use in a test (the ``open_page`` fixture lives in tests/conftest.py)::

    from tests.a11y import assert_accessible
    def test_my_page_is_accessible(tmp_path, open_page):
        page = open_page(write_my_page(tmp_path / "page.html"))
        assert_accessible(page)          # light and dark colour schemes, 0 serious/critical violations
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
#: axe-core's tags for the WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Violations of these impacts fail :func:`assert_accessible`.
BLOCKING = ("serious", "critical")
#: The deficiencies :func:`simulate` knows (dichromacy: the cone type is missing altogether).
DEFICIENCIES = ("deuteranopia", "protanopia", "tritanopia")
_CVD_TYPE = {"deuteranopia": "deuteranomaly", "protanopia": "protanomaly", "tritanopia": "tritanomaly"}

Colour = Union[str, Sequence[float]]


def chromium_available() -> bool:
    """Whether Debian's Chromium is installed where the tests look for it."""
    return os.path.exists(CHROMIUM)


# --- axe-core ---------------------------------------------------------------------------------

def axe_violations(page: Any, context: Any = None, impacts: Iterable[str] = BLOCKING,
                   tags: Sequence[str] = tuple(WCAG_AA_TAGS)) -> List[Dict[str, Any]]:
    """axe-core's violations of the WCAG A/AA rules on ``page`` (a Playwright sync Page) whose impact
    is in ``impacts``. ``context`` is axe's context (a CSS selector, or ``{"exclude": [...]}``)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    wanted = set(impacts)
    return [v for v in results.response["violations"] if v.get("impact") in wanted]


def format_violations(violations: List[Dict[str, Any]]) -> str:
    """A readable report: rule, impact, help, and each offending element with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{', '.join(t for t in v['tags'] if 'wcag' in t)}]")
        for node in v["nodes"][:8]:
            lines.append(f"    {', '.join(str(t) for t in node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"        {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Any, context: Any = None, schemes: Sequence[str] = ("light", "dark"),
                      impacts: Iterable[str] = BLOCKING) -> None:
    """Fail unless axe-core finds 0 serious or critical WCAG 2.2 A/AA violations on ``page``, in each
    colour scheme of ``schemes`` (``prefers-color-scheme`` is emulated; the page is left in light).

    Run it on each state worth checking (after clicking to a step, opening a tab, ...): axe sees the
    page as it is at the moment of the call.
    """
    impacts = tuple(impacts)
    report = []
    try:
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            found = axe_violations(page, context=context, impacts=impacts)
            if found:
                report.append(f"--- prefers-color-scheme: {scheme}\n{format_violations(found)}")
    finally:
        page.emulate_media(color_scheme="light")
    if report:
        raise AssertionError(f"axe-core found {'/'.join(impacts)} violations on {page.url}:\n" + "\n".join(report))


# --- keyboard ------------------------------------------------------------------------------------

_DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const text = (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 60);
  return {tag: e.tagName.toLowerCase(), id: e.id, testid: e.getAttribute('data-testid'), text: text,
          outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
          boxShadow: s.boxShadow};
}"""


def focused(page: Any) -> Optional[Dict[str, Any]]:
    """What has the keyboard focus: tag, id, data-testid, text and its focus-ring styles (None: the body)."""
    result: Optional[Dict[str, Any]] = page.evaluate(_DESCRIBE_FOCUS)
    return result


def tab_walk(page: Any, presses: int) -> List[Optional[Dict[str, Any]]]:
    """Press Tab ``presses`` times from where the focus is; what had the focus after each press."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(focused(page))
    return seen


def assert_focus_visible(page: Any) -> None:
    """Fail unless the focused element draws a focus ring (an outline at least 2px wide, or a box-shadow)."""
    f = focused(page)
    assert f is not None, "nothing has the keyboard focus"
    ring = (f["outlineStyle"] != "none" and f["outlineWidth"] >= 2) or f["boxShadow"] not in ("", "none")
    assert ring, f"the focused {f['tag']}#{f['id']} ({f['text']!r}) shows no focus ring: {f}"


# --- colour ---------------------------------------------------------------------------------------

def rgb(colour: Colour) -> Tuple[float, float, float]:
    """``'#rrggbb'`` (or three 0-255 numbers) as sRGB in 0..1."""
    if isinstance(colour, str):
        h = colour.lstrip("#")
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        if len(h) != 6:
            raise ValueError(f"rgb(): expected a colour like '#1a2b3c', got {colour!r}")
        return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    r, g, b = colour
    return (r / 255, g / 255, b / 255)


def simulate(colour: Colour, deficiency: str) -> Tuple[float, float, float]:
    """``colour`` as seen with ``deficiency`` (one of :data:`DEFICIENCIES`), sRGB in 0..1."""
    import numpy as np
    from colorspacious import cspace_convert

    if deficiency not in _CVD_TYPE:
        raise ValueError(f"simulate(): deficiency must be one of {DEFICIENCIES}, got {deficiency!r}")
    space = {"name": "sRGB1+CVD", "cvd_type": _CVD_TYPE[deficiency], "severity": 100}
    out = np.clip(cspace_convert(rgb(colour), space, "sRGB1"), 0, 1)
    return (float(out[0]), float(out[1]), float(out[2]))


def delta_e(a: Colour, b: Colour, deficiency: Optional[str] = None) -> float:
    """The perceptual distance between two colours (CAM02-UCS), as seen with ``deficiency`` if given."""
    from colorspacious import deltaE

    ca, cb = (rgb(a), rgb(b)) if deficiency is None else (simulate(a, deficiency), simulate(b, deficiency))
    return float(deltaE(ca, cb, input_space="sRGB1"))


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG's contrast ratio of two colours (1 to 21; text needs at least 4.5)."""
    def luminance(c: Colour) -> float:
        lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def simulate_png(src: Any, dst: Any, deficiency: str) -> None:
    """Write ``dst``: the PNG screenshot ``src`` as seen with ``deficiency`` (for looking at by eye)."""
    import numpy as np
    from colorspacious import cspace_convert
    from PIL import Image

    if deficiency not in _CVD_TYPE:
        raise ValueError(f"simulate_png(): deficiency must be one of {DEFICIENCIES}, got {deficiency!r}")
    image = np.asarray(Image.open(src).convert("RGB"), dtype=float) / 255
    space = {"name": "sRGB1+CVD", "cvd_type": _CVD_TYPE[deficiency], "severity": 100}
    seen = np.clip(cspace_convert(image, space, "sRGB1"), 0, 1)
    Image.fromarray((seen * 255).round().astype("uint8")).save(dst)
