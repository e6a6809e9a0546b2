"""The playground in Chromium: the built site, served on localhost, every other request blocked."""

import math

import pytest

from autograd import Value, explain
from viz.expr import evaluate
from viz.playground import expression_view

from playground_browser import chromium, playground_url, visit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)


def shown_grad(page, name):
    return float(page.get_attribute(f"[data-testid='grad-{name}']", "data-value"))


def test_expression_tab_shows_the_python_gradients(visit):
    page = visit.page
    page.fill("[data-testid=expression]", "tanh(x*w + b)")
    page.fill("[data-testid=values]", "x=2 w=-3 b=6.88")
    page.press("[data-testid=values]", "Enter")
    page.wait_for_function("document.querySelector(\"[data-testid='grad-b']\")?.dataset.value")
    x, w, b = Value(2.0), Value(-3.0), Value(6.88)
    y = (x * w + b).tanh()
    y.backward()
    for name, leaf in (("x", x), ("w", w), ("b", b)):
        # the same code ran; only the C library's tanh may differ in the last bit (Emscripten's musl vs glibc)
        assert math.isclose(shown_grad(page, name), leaf.grad, rel_tol=4e-16, abs_tol=0), name
    assert math.isclose(x.grad, -3.0 * (1 - math.tanh(0.88) ** 2), rel_tol=1e-12)  # and it is the right one
    # the graph was drawn by Graphviz in the page, with data and grad in every box
    assert page.locator("[data-testid=graph] svg g.node").count() == 9  # 6 values, 3 ops
    assert "grad 0.501" in page.text_content("[data-testid=graph]")
    # stepping through shows the shared notation, the same text Python gives
    steps = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88")["steps"]
    for k, step in enumerate(steps, 1):
        page.click("[data-testid=step-next]")
        assert page.text_content("[data-testid=step-text]") == step["equation"]
        assert page.locator("[data-testid=graph] .step-edge").count() == 2
    assert page.is_disabled("[data-testid=step-next]")
    assert visit.errors == [] and visit.blocked == []


def test_a_focused_leaf_shows_its_paths_as_explain_says(visit):
    page = visit.page
    page.fill("[data-testid=expression]", "x*y + x")
    page.fill("[data-testid=values]", "x=2 y=3")
    page.press("[data-testid=values]", "Enter")
    page.wait_for_function("document.querySelector(\"[data-testid='grad-y']\")?.dataset.value === '2'")
    assert shown_grad(page, "x") == 4.0
    root, leaves = evaluate("x*y + x", {"x": 2.0, "y": 3.0})  # the graph the CLI (and the page) builds
    root.backward()
    # keyboard only: Tab from the values field reaches the sliders, the step buttons, then the graph's leaves
    page.focus("[data-testid=step-next]")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('leaf')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("x = 2")
    assert page.text_content("[data-testid=paths]") == explain(root, wrt=leaves["x"])
    assert "2 paths" in page.text_content("[data-testid=paths]")
    assert page.locator("[data-testid=graph] g.edge.on-path").count() == 5  # x->+ direct, x->*->(x*y)->+ , +->L
    assert visit.errors == [] and visit.blocked == []
