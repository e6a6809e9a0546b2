"""The forward-order step page in headless Chromium: keyboard only, the tangents it shows, the switch
between orders, deep links, and axe-core in light and dark."""

import pytest
from a11y import assert_accessible, assert_focus_visible

from autograd import Value, notation, topological_order
from autograd.forward_steps import forward_steps
from viz import backprop_steps, save_backprop_html
from viz._render import fmt


def graph():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh() * x  # x is used twice: its tangent arrives along two paths
    y.label = "y"
    y.backward()
    return y, (x, w, b)


def cell(page, node_id):
    """The text of a Value's last cell (grad or tangent)."""
    return page.evaluate(
        "id => { const t = document.getElementById(id).getElementsByTagName('text');"
        " return t[t.length - 1].textContent; }", node_id)


def classes(page, element_id):
    return page.evaluate("id => (document.getElementById(id).getAttribute('class') || '').split(' ')", element_id)


def test_keyboard_steps_through_the_tangents_to_dy_dx(tmp_path, open_page):
    y, (x, w, b) = graph()
    order = topological_order(y)
    ids = {v: f"v{i}" for i, v in enumerate(order)}
    steps = forward_steps(y, x)
    page = open_page(save_backprop_html(y, tmp_path / "f.html", mode="forward", wrt="x"))
    assert page.text_content("h1") == "Forward mode through y: dy/dx, one edge at a time"
    assert page.text_content("#order-line").startswith("Order: forward mode, from x on to y")
    # frame 0: the values, and the inputs' given tangents (dx/dx = 1, the others 0)
    assert page.text_content("#counter") == f"frame 0 of {len(steps)}"
    assert [cell(page, ids[v]) for v in (x, w, b)] == ["tangent 1 \u2713", "tangent 0 \u2713", "tangent 0 \u2713"]
    assert cell(page, ids[y]) == "tangent \u2013"
    page.focus("#next")
    assert_focus_visible(page)
    for k, s in enumerate(steps, start=1):
        page.keyboard.press("ArrowRight")
        assert page.text_content("#counter") == f"step {k} of {len(steps)}"
        assert page.text_content("#equation") == s.equation()
        assert page.get_attribute("#equation", "title") == "full precision: " + s.equation(17)
        mark = " \u2713 \u25C0" if s.final else " \u25C0"
        assert cell(page, ids[s.node]) == f"tangent {fmt(s.tangent_after)}{mark}"
        # the input the tangent comes from is solid, the node it goes into dashed
        assert "hl-node" in classes(page, ids[s.parent]) and "hl-parent" in classes(page, ids[s.node])
        assert "hl-edge" in classes(page, f"e{order.index(s.node)}_{s.position}")
    # the end: dy/dx, the very number backward() put in x.grad, in the cell and in words
    assert steps[-1].tangent_after == x.grad
    assert cell(page, ids[y]) == f"tangent {fmt(x.grad)} \u2713 \u25C0"
    assert page.text_content("#result").splitlines()[-1] == \
        f"dy/dx = {notation.number(x.grad)}, the gradient backward() gives x"
    assert page.get_attribute("#next", "aria-disabled") == "true"
    assert page.evaluate("location.hash") == f"#step={len(steps)}"
    page.keyboard.press("Home")
    assert page.text_content("#counter") == f"frame 0 of {len(steps)}"
    assert page.errors == []


def test_switching_orders_on_one_page(tmp_path, open_page):
    y, (x, w, b) = graph()
    back, fwd_w = backprop_steps(y), forward_steps(y, w)
    page = open_page(save_backprop_html(y, tmp_path / "both.html", mode="both"))
    assert page.text_content("#order-line").startswith("Order: reverse (backprop)")
    assert page.text_content("#key-updated") == "the value whose grad is being updated"
    page.keyboard.press("End")
    assert page.text_content("#counter") == f"step {len(back)} of {len(back)}"
    ids = {v: f"v{i}" for i, v in enumerate(topological_order(y))}
    assert cell(page, ids[w]).startswith(f"grad {fmt(w.grad)} \u2713")
    # keyboard only: Tab to the menu of inputs and choose w: the page switches to forward mode from w,
    # at the end of that walk too (the end of one order is compared with the end of the other)
    page.focus("#wrt")
    page.keyboard.press("ArrowDown")  # x -> w
    page.wait_for_function("document.body.getAttribute('data-order') === 'forward'")
    assert page.is_checked("input[value=forward]") and page.input_value("#wrt") == "w"
    assert page.text_content("#counter") == f"step {len(fwd_w)} of {len(fwd_w)}"
    assert cell(page, ids[y]).startswith(f"tangent {fmt(w.grad)} \u2713")  # dy/dw = w.grad
    assert page.text_content("#order-line").startswith("Order: forward mode, from w on to y")
    assert page.text_content("#key-updated") == "the value whose tangent is being updated"
    assert page.text_content("#total") == str(len(fwd_w)) and page.locator("#steplist li").count() == len(fwd_w)
    assert page.evaluate("location.hash") == f"#wrt=w&step={len(fwd_w)}"
    # the radio buttons go back with the arrow keys, as radio buttons do
    page.focus("input[value=forward]")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.body.getAttribute('data-order') === 'reverse'")
    assert page.text_content("#counter") == f"step {len(back)} of {len(back)}"
    assert page.evaluate("location.hash") == f"#step={len(back)}"
    assert page.errors == []


def test_a_deep_link_opens_that_walk_and_step(tmp_path, open_page):
    y, (x, w, b) = graph()
    fwd_b = forward_steps(y, b)
    path = save_backprop_html(y, tmp_path / "both.html", mode="both")
    page = open_page(path.resolve().as_uri() + "#wrt=b&step=3")
    assert page.is_checked("input[value=forward]") and page.input_value("#wrt") == "b"
    assert page.text_content("#equation") == fwd_b[2].equation()
    page.evaluate("location.hash = '#wrt=nobody&step=2'")  # an unknown input: the page's first walk
    page.wait_for_function("document.body.getAttribute('data-order') === 'reverse'")
    assert page.text_content("#equation") == backprop_steps(y)[1].equation()


@pytest.mark.parametrize("mode, frame", [("forward", 4), ("both", 0)])
def test_axe_finds_nothing_serious_in_forward_order(tmp_path, open_page, mode, frame):
    y, _ = graph()
    page = open_page(save_backprop_html(y, tmp_path / "p.html", mode=mode, wrt="x" if mode == "forward" else None)
                     .resolve().as_uri() + f"#step={frame}")
    if mode == "both":
        page.check("input[value=forward]")
        page.select_option("#wrt", "w")
        page.click("#last")
    page.click("details summary")
    assert_accessible(page)  # light and dark
