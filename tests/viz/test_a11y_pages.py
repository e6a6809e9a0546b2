"""Every page chainrule writes passes axe-core (WCAG 2.2 A/AA, 0 serious or critical) in Chromium."""

import pytest
from a11y import assert_accessible

from autograd import Value
from autograd.demo import neuron
from viz import save_backprop_html
from viz._render import fmt


def test_the_checker_finds_real_violations(tmp_path, open_page):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>t</title></head><body>'
                   '<p style="color:#aaa">faint</p><img src="x.png"><button></button></body></html>',
                   encoding="utf-8")
    page = open_page(bad)
    with pytest.raises(AssertionError) as e:
        assert_accessible(page)
    report = str(e.value)
    for rule in ("color-contrast", "image-alt", "button-name", "html-has-lang"):
        assert rule in report


def test_step_page_has_no_serious_violations(tmp_path, open_page):
    page = open_page(save_backprop_html(neuron(), tmp_path / "steps.html"))
    assert_accessible(page)
    for _ in range(3):
        page.click("#next")
    assert_accessible(page)
    page.click("details summary")
    assert_accessible(page)


def _first_children(svg_text):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg_text[svg_text.index("<svg"):])
    ns = "{http://www.w3.org/2000/svg}"
    kids = list(root)
    return root, kids[0].tag.replace(ns, ""), kids[0].text, kids[1].tag.replace(ns, ""), kids[1].text


def test_graph_svg_says_what_it_shows(tmp_path):
    from viz import draw_graph

    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w + 1).tanh()
    y.label = "y"
    y.backward()
    g = draw_graph(y, params=[w])
    root, t, title, d, desc = _first_children(g.pipe(format="svg", encoding="utf-8"))
    assert root.get("role") == "img" and (t, d) == ("title", "desc")
    assert title == "Computation graph of y"
    assert desc.startswith("y = -0.9999 is computed from 2 leaves (x = 2, an input; w = -3, a parameter; and 1 "
                           "constant) by 3 operations (1 mul, 1 add, 1 tanh).")
    assert f"dy/dx = {fmt(x.grad)}, dy/dw = {fmt(w.grad)}." in desc
    # bytes, and files written by render(), say the same
    assert b"<desc>y = -0.9999" in g.pipe(format="svg")
    path = g.render(tmp_path / "y", format="svg")
    with open(path, encoding="utf-8") as f:
        assert "<title>Computation graph of y</title>" in f.read()


def test_network_svg_says_what_it_shows():
    from nn import MLP, constant
    from viz import draw_network

    model = MLP(2, [3, 1], activation="linear", init=constant(1.0))
    _, _, title, _, desc = _first_children(draw_network(model, x=[1.0, 1.0]).pipe(format="svg", encoding="utf-8"))
    assert title == "Network 2 → 3 → 1"
    # every weight is 1, so each hidden unit is 1 + 1 + 1 = 3 and the output 3 + 3 + 3 + 1 = 10
    assert desc == ("A network with 2 inputs, hidden layer of 3 units and 1 output (linear activation). Each of its 13 "
                    "weights and biases is an edge, blue and solid where the weight is positive, red and dashed where "
                    "negative, thicker for larger; 13 are positive and 0 negative; the largest in size is W11 = 1. "
                    "For the input (1, 1) the output is 10.")
