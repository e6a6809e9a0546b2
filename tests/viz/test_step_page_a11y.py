"""The step page in Chromium: deep links, keyboard only, screen-reader text, themes, zoom, layout."""

import pytest
from a11y import assert_accessible, assert_focus_visible, contrast_ratio, tab_walk

from autograd import Value, topological_order
from autograd.demo import neuron
from viz import backprop_steps, save_backprop_html
from viz._render import fmt


@pytest.fixture
def page_file(tmp_path):
    return save_backprop_html(neuron(), tmp_path / "steps.html")


def state(page):
    return page.text_content("#counter"), page.text_content("#equation")


def test_deep_link_opens_that_step_and_the_address_follows(page_file, open_page):
    steps = backprop_steps(neuron())
    page = open_page(page_file.resolve().as_uri() + "#step=5")
    assert state(page) == ("step 5 of 9", steps[4].equation("o"))
    page.click("#next")
    assert page.evaluate("location.hash") == "#step=6"
    page.evaluate("location.hash = '#step=2'")
    page.wait_for_function("document.body.getAttribute('data-frame') === '2'")
    assert state(page) == ("step 2 of 9", steps[1].equation("o"))
    page.evaluate("location.hash = '#step=99'")  # past the end: the last step
    page.wait_for_function("document.body.getAttribute('data-frame') === '9'")
    assert page.text_content("#counter") == "step 9 of 9"


def test_keyboard_only(page_file, open_page):
    steps = backprop_steps(neuron())
    page = open_page(page_file)
    walk = tab_walk(page, 6)
    assert [f["id"] or f["tag"] for f in walk] == ["first", "prev", "next", "last", "graph", "summary"]
    page.focus("#next")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert state(page) == ("step 2 of 9", steps[1].equation("o"))
    page.keyboard.press("ArrowRight")  # the step widget has the focus: arrows step
    assert page.text_content("#counter") == "step 3 of 9"
    page.keyboard.press("End")
    assert page.text_content("#counter") == "step 9 of 9"
    # "Next" is now unavailable but keeps the focus, so the keyboard user is not thrown to the top
    page.focus("#next")
    page.keyboard.press("Enter")
    assert page.text_content("#counter") == "step 9 of 9"
    assert page.get_attribute("#next", "aria-disabled") == "true"
    assert page.evaluate("document.activeElement.id") == "next"
    # the list of every step: open it and pick one, keyboard only
    page.focus("summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert state(page) == ("step 2 of 9", steps[1].equation("o"))
    assert page.errors == []


def test_arrow_keys_never_steal_from_a_text_field(page_file, open_page):
    page = open_page(page_file)
    # a page that embeds the step-through may have a text field: typing in it must not step
    page.evaluate("""() => { const i = document.createElement('input'); i.id = 'note';
        i.setAttribute('aria-label', 'note'); document.getElementById('stepper').prepend(i); }""")
    page.keyboard.press("ArrowRight")
    assert page.text_content("#counter") == "step 1 of 9"   # the page itself had the focus
    page.click("#note")
    page.keyboard.type("ab")
    for key in ("ArrowLeft", "ArrowRight", "Home", "End"):
        page.keyboard.press(key)
    assert page.text_content("#counter") == "step 1 of 9"
    assert page.input_value("#note") == "ab"


def test_each_step_is_announced_with_its_equation(page_file, open_page):
    steps = backprop_steps(neuron())
    page = open_page(page_file)
    live = page.locator("[aria-live]")
    assert live.count() == 1 and live.get_attribute("aria-live") == "polite"
    assert live.get_attribute("id") == "equation"
    for s in steps:
        page.click("#next")
        assert live.text_content() == s.equation("o")
        # rounded for people, full precision on hover
        assert page.get_attribute("#equation", "title") == "full precision: " + s.equation("o", 17)


def test_the_graph_is_described_and_shows_full_precision_on_hover(page_file, open_page):
    o = neuron()
    page = open_page(page_file.resolve().as_uri() + "#step=9")
    svg = page.locator("#graph svg")
    assert svg.get_attribute("role") == "img"
    assert page.evaluate("document.querySelector('#graph svg').firstElementChild.tagName") == "title"
    desc = page.text_content("#graph svg > desc")
    assert desc.startswith("o = 0.7071 is computed from 5 leaves") and "5 operations" in desc
    tips = page.evaluate("[...document.querySelectorAll('#graph g.node a')].map(a => a.getAttribute('xlink:title'))")
    assert o.grad == 1.0  # neuron() has run backward() already
    assert f"o (computed): data = {o.data!r}, grad = 1.0 (complete)" in tips
    for v in topological_order(o):
        if v.label:
            kind = "leaf" if v.is_leaf else "computed"
            assert f"{v.label} ({kind}): data = {v.data!r}, grad = {v.grad!r} (complete)" in tips


@pytest.mark.parametrize("frame", [0, 4, 9])
def test_axe_finds_nothing_serious(page_file, open_page, frame):
    page = open_page(page_file.resolve().as_uri() + f"#step={frame}")
    page.click("details summary")
    assert_accessible(page)


def test_dark_theme_is_readable(page_file, open_page):
    page = open_page(page_file.resolve().as_uri() + "#step=3", color_scheme="dark")
    colours = page.evaluate("""() => {
        const rgb = s => s.match(/\\d+/g).slice(0, 3).map(Number);
        const st = e => getComputedStyle(document.querySelector(e));
        return {bg: rgb(getComputedStyle(document.documentElement).backgroundColor), fg: rgb(st('h1').color),
                panel: rgb(st('#panel').backgroundColor), eq: rgb(st('#equation').color),
                result: rgb(st('#result').color), muted: rgb(st('.hint').color),
                card: rgb(st('#graph').backgroundColor)};
    }""")
    assert sum(colours["bg"]) < 100 and sum(colours["fg"]) > 600  # dark page, light text
    for text, back in (("fg", "bg"), ("eq", "panel"), ("result", "panel"), ("muted", "bg")):
        assert contrast_ratio(colours[text], colours[back]) >= 4.5, (text, back, colours)
    assert colours["card"] == [255, 255, 255]  # the picture keeps its light card, so its colours mean the same


def test_reduced_motion_turns_animation_off(page_file, open_page):
    duration = "getComputedStyle(document.querySelector('#graph svg path')).transitionDuration"
    assert open_page(page_file).evaluate(duration) == "0.2s"
    assert open_page(page_file, reduced_motion="reduce").evaluate(duration) == "0s"


def test_200_percent_zoom_loses_nothing(page_file, open_page):
    # 200% zoom of a 1280 x 800 window is a 640 x 400 CSS-pixel viewport
    page = open_page(page_file.resolve().as_uri() + "#step=4", viewport={"width": 640, "height": 400})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    for sel in ("#first", "#prev", "#counter", "#next", "#last", "#equation", "#graph"):
        box = page.locator(sel).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 640, (sel, box)
    assert page.evaluate("getComputedStyle(document.querySelector('#equation')).overflowWrap") == "anywhere"
    # the picture scrolls inside its own (keyboard-focusable) region
    assert page.evaluate("document.querySelector('#graph').scrollWidth > document.querySelector('#graph').clientWidth")


def test_buttons_do_not_move(page_file, open_page):
    page = open_page(page_file)
    boxes = []
    for _ in range(9):
        boxes.append([page.locator(b).bounding_box() for b in ("#first", "#prev", "#next", "#last")])
        page.click("#next")
    boxes.append([page.locator(b).bounding_box() for b in ("#first", "#prev", "#next", "#last")])
    assert all(b == boxes[0] for b in boxes)


def test_no_text_overlaps_in_the_graph(tmp_path, open_page):
    x, w, b = Value(-1.234567, label="x"), Value(0.000123456, label="weight"), Value(98765.4321, label="b")
    y = ((x * w + b) ** 2 / 3.0).tanh() - x.exp()
    y.label = "y"
    page = open_page(save_backprop_html(y, tmp_path / "wide.html").resolve().as_uri() + "#step=100")
    found = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('#graph svg g.node')].map(g => ({
            id: g.id, outline: g.querySelector('polygon, path, ellipse').getBoundingClientRect(),
            texts: [...g.querySelectorAll('text')].map(t => t.getBoundingClientRect())}));
        const overlaps = [], outside = [];
        const all = boxes.flatMap(b => b.texts.map(r => [b.id, r]));
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
            const [a, r] = all[i], [c, s] = all[j];
            if (r.left < s.right - 1 && s.left < r.right - 1 && r.top < s.bottom - 1 && s.top < r.bottom - 1)
                overlaps.push([a, c]);
        }
        for (const b of boxes) for (const r of b.texts)
            if (r.left < b.outline.left - 1 || r.right > b.outline.right + 1) outside.push(b.id);
        return {overlaps, outside, n: all.length};
    }""")
    assert found["n"] > 30 and found["overlaps"] == [] and found["outside"] == []
    assert page.text_content("#counter") == f"step {len(backprop_steps(y))} of {len(backprop_steps(y))}"
    assert fmt(x.data) == "-1.235"


def test_the_announced_text_is_what_explain_says(page_file, open_page):
    from autograd import explain

    o = neuron()
    said = [line.strip() for line in explain(o).splitlines() if line.startswith("  ")]  # one line per edge
    assert len(said) == len(backprop_steps(o)) == 9
    page = open_page(page_file)
    for line in said:
        page.click("#next")
        assert page.text_content("[aria-live=polite]") == line


_MARKS = """() => {
  const style = e => { const s = getComputedStyle(e);
    return {stroke: s.stroke, fill: s.fill, width: parseFloat(s.strokeWidth), dash: s.strokeDasharray}; };
  const found = {};
  for (const kind of ['node', 'parent', 'op', 'edge', 'none']) {
    const groups = kind === 'none'
      ? [...document.querySelectorAll('#graph svg g.node:not([class*=hl-])')]
      : [...document.querySelectorAll(`#graph svg .hl-${kind}`)];
    const shape = {node: '.outline', parent: '.outline', op: 'ellipse', edge: 'path', none: '.outline'}[kind];
    found[kind] = groups.map(g => [g.id, style(g.querySelector(shape) || g.querySelector('polygon, ellipse, path'))]);
  }
  return found;
}"""


def test_the_marks_of_each_step_reach_the_shapes(page_file, open_page):
    """Graphviz wraps each node's shape in an <a> (its tooltip): the step's marks are matched as descendants,
    and Chromium really draws them (thick purple for the flow, thick dashed orange for the value updated)."""
    from viz._render import PALETTE

    def css(colour):
        return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))

    active, updated = css(PALETTE["active"]), css(PALETTE["updated"])
    page = open_page(page_file, reduced_motion="reduce")  # no transition: the widths are final at once
    total = len(backprop_steps(neuron()))
    seen = set()
    for frame in range(1, total + 1):
        page.evaluate(f"location.hash = '#step={frame}'")
        page.wait_for_function(f"document.body.getAttribute('data-frame') === '{frame}'")
        marks = page.evaluate(_MARKS)
        for kind, drawn in marks.items():
            if kind != "none" and drawn:
                seen.add(kind)
            for id_, s in drawn:
                where = f"step {frame}, {kind} {id_}"
                if kind == "node":
                    assert (s["stroke"], s["width"], s["dash"]) == (active, 4.0, "none"), where
                elif kind == "parent":
                    assert (s["stroke"], s["width"], s["dash"]) == (updated, 4.0, "7px, 3px"), where
                elif kind == "op":
                    assert (s["stroke"], s["width"]) == (active, 3.0), where
                elif kind == "edge":
                    assert (s["stroke"], s["width"], s["dash"]) == (active, 3.5, "none"), where
                else:  # unmarked: Graphviz's own outline (the output 2.5), thinner than any mark
                    assert s["width"] < 3.0 and s["stroke"] not in (active, updated), where
    assert seen == {"node", "parent", "op", "edge"}
