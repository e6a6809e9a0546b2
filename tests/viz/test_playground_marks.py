"""The playground's marks on its pictures, read from the shapes Chromium draws.

Graphviz wraps each node's shape in an ``<a>`` (its tooltip): ``<g class="node"><g><a><ellipse/>...``, so a
rule like ``g.unit:focus > ellipse`` never reaches the shape. These tests read the computed style of the
shapes themselves: the keyboard focus, a selected unit, a warned unit, a path and a step really change
what is drawn, and not by colour alone.
"""

import re

import pytest

pytestmark = pytest.mark.timeout(600)

# the style of the first shape (the outline) of the node or edge with id ``id``, as Chromium computes it
SHAPE = """id => { const g = document.querySelector(`.graph [id="${id}"]`);
  const e = g.querySelector('ellipse, polygon, path'), s = getComputedStyle(e);
  return {tag: e.tagName, stroke: s.stroke, width: parseFloat(s.strokeWidth), dash: s.strokeDasharray,
          card: getComputedStyle(g.closest('.graph')).backgroundColor}; }"""


def shape(page, id_):
    return page.evaluate(SHAPE, id_)


def numbers(css_colour):
    """``'rgb(179, 71, 0)'`` as (179, 71, 0)."""
    return tuple(int(v) for v in re.findall(r"\d+", css_colour)[:3])


def tab_to(page, start, test):
    """Press Tab from ``start`` (a selector) until ``test`` (JS, on document.activeElement) holds."""
    page.focus(start)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {test})(document.activeElement)"):
            return page.evaluate("document.activeElement.id")
    raise AssertionError(f"Tab from {start} never reached an element where {test}")


def show_network(page):
    page.click("[data-testid=tab-network]")
    page.wait_for_selector("[data-testid=loss]:not(:empty)")
    page.wait_for_selector("[data-testid=network] g.unit")


def test_a_unit_focused_from_the_keyboard_shows_a_thick_ring(visit):
    from a11y import contrast_ratio

    page = visit.page
    show_network(page)
    first = page.evaluate("document.querySelector('[data-testid=network] g.unit').id")
    plain = shape(page, first)
    assert (plain["tag"], plain["width"], plain["dash"]) == ("ellipse", 1.0, "none")  # Graphviz's own outline
    focused = tab_to(page, "[data-testid=time]", "e.classList.contains('unit')")
    assert focused == first  # the keyboard reaches the units in reading order
    ring = shape(page, first)
    assert ring["width"] == 6.0 and ring["dash"] == "none"  # six times as thick: seen without colour
    others = page.evaluate("[...document.querySelectorAll('[data-testid=network] g.unit:not(:focus)')].map(g => g.id)")
    widths = {u: shape(page, u)["width"] for u in others}
    assert len(others) == 8 + 8 + 1 - 1 and widths.pop("n2_0") == 2.0  # the output unit is drawn bold
    assert set(widths.values()) == {1.0}
    for scheme in ("light", "dark"):  # the picture keeps its white card, so the ring keeps its contrast
        page.emulate_media(color_scheme=scheme)
        ring = shape(page, first)
        assert numbers(ring["card"]) == (255, 255, 255), scheme
        assert contrast_ratio(numbers(ring["stroke"]), numbers(ring["card"])) >= 3, scheme  # WCAG 1.4.11
    page.emulate_media(color_scheme="light")
    # Enter shows its step; the unit stays marked (4 units, solid) when the focus moves on to the next one
    page.keyboard.press("Enter")
    assert page.text_content("[data-testid=unit-step]").startswith(page.evaluate(
        f"document.querySelector('[id=\"{first}\"] text').textContent"))
    page.keyboard.press("Tab")
    following = page.evaluate("document.activeElement.id")
    assert following != first and shape(page, following)["width"] == 6.0
    selected = shape(page, first)
    assert (selected["width"], selected["dash"], numbers(selected["stroke"])) == (4.0, "none", (179, 71, 0))
    assert visit.errors == [] and visit.blocked == []


def test_a_warned_unit_shows_a_dotted_ring_and_a_word(visit):
    from a11y import assert_accessible

    from viz.playground import Trainer

    page = visit.page
    show_network(page)
    page.select_option("[data-testid=net-activation]", "relu")
    page.wait_for_selector("[data-testid=network] g.warned")
    # the warning is Python's: this network's ReLU unit with output 0 on every point
    expected = {w["unit"]: w for w in Trainer(activation="relu").view()["warnings"] if w.get("unit")}
    assert [w["kind"] for w in expected.values()] == ["dead"]
    warned = page.evaluate("[...document.querySelectorAll('[data-testid=network] g.warned')].map(g => g.id)")
    assert set(warned) == set(expected)
    unit = warned[0]
    ring = shape(page, unit)
    assert (ring["width"], ring["dash"], numbers(ring["stroke"])) == (3.0, "2px, 2px", (179, 71, 0))  # dotted
    assert page.text_content(f"[id='{unit}'] text.warn-mark") == "\u26a0 dead"  # and a word, not colour alone
    healthy = page.evaluate("[...document.querySelectorAll('[data-testid=network] g.unit:not(.warned)')]"
                            ".map(g => g.id)")
    drawn = {u: (shape(page, u)["width"], shape(page, u)["dash"]) for u in healthy}
    assert drawn.pop("n2_0") == (2.0, "none") and set(drawn.values()) == {(1.0, "none")}  # the output: bold
    # from the keyboard: the focus ring thickens the dotted ring, which stays dotted
    assert tab_to(page, "[data-testid=time]", "e.classList.contains('warned')") == unit
    focused = shape(page, unit)
    assert (focused["width"], focused["dash"]) == (6.0, "2px, 2px")
    assert_accessible(page)  # light and dark, a warned unit focused
    page.select_option("[data-testid=net-activation]", "tanh")
    page.wait_for_function("!document.querySelector('[data-testid=network] g.warned')")
    assert visit.errors == [] and visit.blocked == []


def test_a_focused_leaf_is_drawn_thicker_than_its_paths_and_the_step_stays_solid(visit):
    page = visit.page
    page.click("[data-testid=tab-expression]")
    page.fill("[data-testid=expression]", "x*y + x")
    page.fill("[data-testid=values]", "x=2 y=3")
    page.press("[data-testid=values]", "Enter")
    page.wait_for_function("document.querySelector(\"[data-testid='grad-y']\")?.dataset.value === '2'")
    leaf = tab_to(page, "[data-testid=step-next]", "e.classList.contains('leaf')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("x = 2")
    on_path = page.evaluate("[...document.querySelectorAll('[data-testid=graph] g.node.on-path:not(:focus)')]"
                            ".map(g => g.id)")
    assert len(on_path) == 4  # x*y, its op, the sum's op and L: every node from x to the output
    path_width = {shape(page, n)["width"] for n in on_path}
    assert path_width == {3.0}
    focused = shape(page, leaf)
    assert focused["width"] == 6.0 and focused["width"] >= 2 * max(path_width)  # focus: twice the path
    assert numbers(focused["stroke"]) == numbers(shape(page, on_path[0])["stroke"])  # and still on the path
    off = page.evaluate("[...document.querySelectorAll('[data-testid=graph] g.node:not(.on-path)')].map(g => g.id)")
    assert off and all(shape(page, n)["width"] == 1.0 for n in off)  # y is on no path of x
    # a step along x's paths: its edges thick and solid, the rest of the path still dashed
    page.click("[data-testid=step-next]")
    step_edges = page.evaluate("[...document.querySelectorAll('[data-testid=graph] g.edge.step-edge')]"
                               ".map(g => g.id)")
    assert len(step_edges) == 2 and all(page.evaluate(
        f"document.querySelector('[id=\"{e}\"]').classList.contains('on-path')") for e in step_edges)
    for e in step_edges:
        drawn = shape(page, e)
        assert (drawn["tag"], drawn["width"], drawn["dash"]) == ("path", 4.0, "none"), e
    rest = page.evaluate("[...document.querySelectorAll('[data-testid=graph] g.edge.on-path:not(.step-edge)')]"
                         ".map(g => g.id)")
    assert rest and all(shape(page, e)["dash"] == "7px, 3px" for e in rest)
    assert visit.errors == [] and visit.blocked == []
