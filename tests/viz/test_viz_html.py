"""save_backprop_html: one self-contained page; stepped through in headless Chromium."""

import json
import re
from html.parser import HTMLParser

import pytest

from autograd import Value, topological_order
from autograd.demo import neuron
from viz import backprop_steps, node_names, save_backprop_html
from viz._render import fmt


class Tags(HTMLParser):
    """Every start tag with its attributes (fails on nothing: we look at what it found)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page):
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_page_is_self_contained(tmp_path):
    path = save_backprop_html(neuron(), tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http" not in page and "//" not in re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    found = tags(page)
    for tag, attrs in found:
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
    names = [t for t, _ in found]
    # the graph, and two swatches of the colour key (drawn inline, hidden from screen readers)
    svgs = [attrs for t, attrs in found if t == "svg"]
    assert len(svgs) == 3 and [a.get("aria-hidden") for a in svgs[1:]] == ["true", "true"]
    assert svgs[0]["role"] == "img"
    assert names.count("script") == 2 and names.count("style") == 1
    assert "Prev" in page and "Next" in page


def test_page_data_lists_every_step(tmp_path):
    o = neuron()
    page = save_backprop_html(o, tmp_path / "s.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>', page, re.S)[1])
    steps = backprop_steps(o)
    assert [w["order"] for w in data["walks"]] == ["reverse"]  # a backprop page holds one walk
    records = data["walks"][0]["steps"]
    assert len(records) == len(steps) == 9
    order = topological_order(o)
    for record, s in zip(records, steps):
        assert record["equation"] == s.equation()
        assert record["updates"] == [[record["parent"], record["grad"], s.final, repr(s.parent_grad_after)]]
        assert record["node"] == f"v{order.index(s.node)}" and record["parent"] == f"v{order.index(s.parent)}"
        assert record["edge"] == f"e{order.index(s.node)}_{s.position}"
    for line in ("o = tanh(n) = 0.7071", "x1*w1 = x1·w1 = -6.0", "b = 6.881"):  # the forward pass, frame 0
        assert line in page


def test_hostile_labels_cannot_escape(tmp_path):
    x = Value(2.0, label="</script><script>window.pwned=1</script><!--")
    y = x * x
    y.label = "a & b <c>"
    page = save_backprop_html(y, tmp_path / "h.html", title="<b>title</b>").read_text(encoding="utf-8")
    assert page.count("</script>") == 2
    assert "<b>title</b>" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    assert [t for t, _ in tags(page)].count("script") == 2


def test_grads_are_not_touched_and_limits_apply(tmp_path):
    x = Value(2.0)
    y = (x * 3).exp()
    save_backprop_html(y, tmp_path / "a.html")
    assert x.grad == 0.0 and y.grad == 0.0
    with pytest.raises(ValueError, match="max_nodes"):
        save_backprop_html(y, tmp_path / "b.html", max_nodes=2)


# --- in the browser -------------------------------------------------------------------------

def classes(page, element_id):
    return page.evaluate("id => (document.getElementById(id).getAttribute('class') || '').split(' ')", element_id)


def grad_text(page, node_id):
    """The text of a Value's grad cell (the last text of its box)."""
    return page.evaluate(
        "id => { const t = document.getElementById(id).getElementsByTagName('text');"
        " return t[t.length - 1].textContent; }",
        node_id,
    )


def test_next_k_times_shows_the_kth_equation_and_highlights_its_node(tmp_path, open_page):
    o = neuron()
    steps = backprop_steps(o)
    order = topological_order(o)
    page = open_page(save_backprop_html(o, tmp_path / "steps.html"))
    # frame 0: the forward values, no equation yet, no gradients
    assert "frame 0 of 9" in page.text_content("#counter")
    assert page.is_visible("#forward") and "o = tanh(n) = 0.7071" in page.text_content("#forward")
    assert page.text_content("#equation") == ""
    assert grad_text(page, f"v{order.index(o)}") == "grad \u2013"
    assert page.is_disabled("#prev") and not page.is_disabled("#next")
    for k in range(1, len(steps) + 1):
        page.click("#next")
        s = steps[k - 1]
        assert page.text_content("#counter") == f"step {k} of 9"
        assert page.text_content("#equation") == s.equation("o")
        assert page.text_content("#result") == s.result("o")
        node, parent = f"v{order.index(s.node)}", f"v{order.index(s.parent)}"
        assert "hl-node" in classes(page, node) and "hl-parent" in classes(page, parent)
        assert "hl-edge" in classes(page, f"e{order.index(s.node)}_{s.position}")
        assert "hl-op" in classes(page, f"op{order.index(s.node)}")
        assert page.evaluate("document.querySelectorAll('.hl-node').length") == 1
        # the grad being updated carries ◀, and ✓ once it is complete
        mark = (" \u2713" if s.final else "") + " \u25c0"
        assert grad_text(page, parent) == f"grad {fmt(s.parent_grad_after)}{mark}"
        assert not page.is_visible("#forward")
    assert page.is_disabled("#next")
    # the last frame shows exactly the gradients backward() gives
    for i, v in enumerate(order):
        mark = " \u2713 \u25c0" if v is steps[-1].parent else " \u2713"
        assert grad_text(page, f"v{i}") == f"grad {fmt(v.grad)}{mark}"
    assert page.requests == [(tmp_path / "steps.html").resolve().as_uri()]
    assert page.errors == []


def test_arrow_keys_and_home_end(tmp_path, open_page):
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    y = (x * w + x).tanh()
    y.label = "y"
    steps = backprop_steps(y)
    names = node_names(y)
    page = open_page(save_backprop_html(y, tmp_path / "keys.html"))
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.text_content("#equation") == steps[2].equation(names[y])
    page.keyboard.press("ArrowLeft")
    assert page.text_content("#equation") == steps[1].equation(names[y])
    assert page.text_content("#counter") == f"step 2 of {len(steps)}"
    page.keyboard.press("End")
    assert page.text_content("#equation") == steps[-1].equation(names[y])
    page.keyboard.press("ArrowRight")  # stays on the last frame
    assert page.text_content("#counter") == f"step {len(steps)} of {len(steps)}"
    page.keyboard.press("Home")
    assert page.text_content("#counter").startswith("frame 0") and page.text_content("#equation") == ""
    page.click("details summary")  # open the list of steps; a step in it jumps there
    page.click("#steplist button[data-frame='4']")
    assert page.text_content("#equation") == steps[3].equation(names[y])
    assert page.errors == []


def test_too_many_nodes_names_save_backprop_html(tmp_path):
    x = Value(1.0)
    y = x
    for _ in range(300):
        y = y + 1.0
    with pytest.raises(ValueError, match=r"save_backprop_html\(\): this graph has 601 Values.*max_nodes=601"):
        save_backprop_html(y, tmp_path / "steps.html")
    assert not (tmp_path / "steps.html").exists()
