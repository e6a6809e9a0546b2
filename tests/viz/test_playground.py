"""The playground in Chromium: the built site, served on localhost, every other request blocked."""

import math

import pytest

from autograd import Value, explain
from autograd.expr import evaluate
from viz._render import fmt
from viz.playground import expression_view

pytestmark = pytest.mark.timeout(600)


def shown_grad(page, name):
    return float(page.get_attribute(f"[data-testid='grad-{name}']", "data-value"))


def enter(visit, expression, values, ready):
    """Type ``expression`` and ``values`` into the Expression tab, press Enter, wait until ``ready`` (JS) holds."""
    page = visit.page
    page.fill("[data-testid=expression]", expression)
    page.fill("[data-testid=values]", values)
    page.press("[data-testid=values]", "Enter")
    page.wait_for_function(ready)
    return page


def test_expression_tab_shows_the_python_gradients(visit):
    page = enter(visit, "tanh(x*w + b)", "x=2 w=-3 b=6.88",
                 "document.querySelector(\"[data-testid='grad-b']\")?.dataset.value")
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
    # described for screen readers: a title and a sentence from Python, the same as Python's
    described = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88")["description"]
    assert page.text_content("[data-testid=graph] svg > desc") == described
    assert page.locator("[data-testid=graph] svg > title").count() == 1
    # stepping through shows the shared notation, the same text Python gives
    steps = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88")["steps"]
    for step in steps:
        page.click("[data-testid=step-next]")
        assert page.text_content("[data-testid=step-text]") == step["equation"]
        assert page.locator("[data-testid=graph] .step-edge").count() == 2
    assert page.is_disabled("[data-testid=step-next]")
    assert visit.errors == [] and visit.blocked == []


def test_a_focused_leaf_shows_its_paths_as_explain_says(visit):
    page = enter(visit, "x*y + x", "x=2 y=3",
                 "document.querySelector(\"[data-testid='grad-y']\")?.dataset.value === '2'")
    assert shown_grad(page, "x") == 4.0
    root, leaves = evaluate("x*y + x", {"x": 2.0, "y": 3.0}, label_width=0)  # the graph the CLI and page build
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


def test_expression_tab_is_accessible(visit):
    from a11y import assert_accessible, assert_focus_visible

    page = visit.page
    page.click("[data-testid=step-next]")
    assert_accessible(page)
    page.focus("[data-testid=graph] g.leaf")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    page.focus("[data-testid=expression]")
    assert_focus_visible(page)
    # sliders move with the arrow keys, and the page follows
    page.focus("[data-testid=slider-x]")
    before = page.get_attribute("[data-testid=grad-y]", "data-value")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector(\"[data-testid='grad-y']\").dataset.value !== '{before}'")
    assert page.input_value("[data-testid=values]").startswith("x=2.01")
    assert visit.errors == [] and visit.blocked == []


def test_forward_order_in_the_expression_tab(visit):
    """Choose Forward, keyboard only: the steps are forward mode's, from Python, and the last tangent is the
    gradient the table shows for that input."""
    from a11y import assert_accessible, assert_focus_visible

    page = enter(visit, "tanh(x*w + b)", "x=2 w=-3 b=6.88",
                 "document.querySelector(\"[data-testid='grad-b']\")?.dataset.value")
    assert page.is_disabled("[data-testid=wrt]")  # reverse: one walk gives every gradient
    page.focus("[data-testid=order-reverse]")
    assert_focus_visible(page)
    page.keyboard.press("ArrowRight")  # a radio group: the arrow keys choose
    page.wait_for_function("document.querySelector('[data-testid=steps-heading]').textContent"
                           " === 'Forward mode from x, one edge at a time'")
    assert page.is_checked("[data-testid=order-forward]") and not page.is_disabled("[data-testid=wrt]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "wrt"
    page.select_option("[data-testid=wrt]", "w")
    page.wait_for_function("document.querySelector('[data-testid=steps-heading]').textContent.includes('from w')")
    expected = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88", mode="forward", wrt="w")
    assert page.text_content("[data-testid=step-text]").startswith("Press Next step to start forward mode from w")
    cell = ("id => { const t = document.querySelector(`[data-testid=graph] [id=\"${id}\"]`)"
            ".querySelectorAll('text'); return t[t.length - 1].textContent; }")
    assert page.evaluate(cell, expected["seeds"][1][0]) == "tangent 1 \u2713"  # w: dw/dw = 1, given
    for step in expected["steps"]:
        page.click("[data-testid=step-next]")
        assert page.text_content("[data-testid=step-text]") == step["equation"]
        assert page.locator("[data-testid=graph] .step-edge").count() == 2
        node, text, final = step["cell"]  # the box the step updates shows its tangent so far
        assert page.evaluate(cell, node) == f"tangent {text}" + (" \u2713" if final else "") + " \u25C0"
    assert page.evaluate(cell, expected["root_id"]) == f"tangent {fmt(shown_grad(page, 'w'))} \u2713 \u25C0"
    # the last step ends on dL/dw, and it is the gradient in the table (the same Python ran in the page)
    assert page.text_content("#step-result").splitlines() == [expected["steps"][-1]["result"], expected["end"]]
    assert expected["end"].startswith("dL/dw = 1.002") and expected["end"].endswith("gives w")
    assert math.isclose(expected["tangent"], shown_grad(page, "w"), rel_tol=4e-16, abs_tol=0)
    # w's paths are the ones shown: the edges its tangent flows along
    assert page.text_content("[data-testid=paths]").startswith("dL/dw")
    page.click("[data-testid=step-prev]")
    assert_accessible(page)  # light and dark, forward selected
    # edit w out of the expression: forward mode follows the first input instead, and says so
    page.fill("[data-testid=expression]", "x*v")
    page.wait_for_function("document.querySelector('[data-testid=steps-heading]').textContent.includes('from x')")
    assert page.input_value("[data-testid=wrt]") == "x"
    assert page.text_content("[data-testid=step-text]").startswith(
        "w is not in the expression; forward mode from x instead. Press Next step")
    page.check("[data-testid=order-reverse]")
    page.wait_for_function("document.querySelector('[data-testid=steps-heading]').textContent.startsWith('Backward')")
    assert page.is_disabled("[data-testid=wrt]") and "tangent" not in page.text_content("[data-testid=graph]")
    assert visit.errors == [] and visit.blocked == []


def test_ten_training_steps_lower_the_loss_shown(visit):
    page = visit.page
    page.click("[data-testid=tab-network]")
    page.wait_for_selector("[data-testid=loss]:not(:empty)")
    first = float(page.get_attribute("[data-testid=loss]", "data-value"))
    assert page.text_content("[data-testid=step-number]") == "0"
    for k in range(1, 11):
        page.click("[data-testid=train-step]")
        page.wait_for_function(f"document.querySelector('[data-testid=step-number]').textContent === '{k}'")
    after = float(page.get_attribute("[data-testid=loss]", "data-value"))
    assert after < first
    # the same run in Python: the same losses (the page ran this very code)
    from viz.playground import Trainer

    trainer = Trainer()
    expected = trainer.train(10)["losses"]
    assert math.isclose(after, expected[-1], rel_tol=1e-9)
    assert math.isclose(first, trainer.history[0]["loss"], rel_tol=1e-9)
    # the picture: a heat map, a loss curve with 11 points, the network drawn by Graphviz
    assert page.locator("[data-testid=network] svg g.unit").count() == 8 + 8 + 1
    # replay: the time slider goes back to step 0 and shows its loss again
    page.focus("[data-testid=time]")
    page.keyboard.press("Home")
    page.wait_for_function("document.querySelector('#net-time-out').textContent === '0'")
    assert float(page.get_attribute("[data-testid=loss]", "data-value")) == first
    assert page.text_content("[data-testid=step-number]") == "10"
    # a unit, by keyboard: its backward step
    page.focus("[data-testid=network] g.unit")
    page.keyboard.press("Enter")
    assert page.text_content("[data-testid=unit-step]") == "\n".join(
        [(reply := trainer.unit_step(0, 0, 0))["head"], *reply["lines"]])  # step 0's, as the slider shows
    assert visit.errors == [] and visit.blocked == []


def test_play_runs_until_paused(visit):
    page = visit.page
    page.click("[data-testid=tab-network]")
    page.wait_for_selector("[data-testid=loss]:not(:empty)")
    start = int(page.text_content("[data-testid=step-number]"))
    page.click("[data-testid=play]")
    assert page.get_attribute("[data-testid=play]", "aria-pressed") == "true"
    page.wait_for_function(f"+document.querySelector('[data-testid=step-number]').textContent >= {start + 3}")
    page.click("[data-testid=play]")  # pause
    assert page.get_attribute("[data-testid=play]", "aria-pressed") == "false"
    stopped = page.text_content("[data-testid=step-number]")
    page.wait_for_timeout(500)
    assert page.text_content("[data-testid=step-number]") == stopped
    assert visit.errors == [] and visit.blocked == []


def test_network_tab_is_accessible(visit):
    from a11y import assert_accessible

    page = visit.page
    page.click("[data-testid=tab-network]")
    page.wait_for_selector("[data-testid=loss]:not(:empty)")
    assert_accessible(page)


def test_an_exercise_answered_right_is_marked_right(visit):
    from autograd.exercises import make_exercise

    page = visit.page
    page.click("[data-testid=tab-exercises]")
    page.wait_for_selector("[data-testid=exercise-task]:not(:empty)")
    seed = int(page.get_attribute("body", "data-exercise-seed"))
    exercise = make_exercise(seed, level=1)
    assert page.text_content("[data-testid=exercise-task]") == exercise.task()
    names = list(exercise.answers())
    wrong_name = names[0]
    for name, grad in exercise.answers().items():  # rounded as a student would
        value = -grad if name == wrong_name and grad else grad
        page.fill(f"[data-testid=exercise-answer-{name}]", f"{value:.4g}")
    page.click("[data-testid=exercise-check]")
    page.wait_for_selector("[data-testid=exercise-feedback][data-correct]")
    text = page.text_content("[data-testid=exercise-feedback]")
    if exercise.answers()[wrong_name]:
        assert page.get_attribute("[data-testid=exercise-feedback]", "data-correct") == "false"
        assert "sign" in text  # diagnosed, not just marked wrong
    for name, grad in exercise.answers().items():
        page.fill(f"[data-testid=exercise-answer-{name}]", f"{grad:.4g}")
    page.click("[data-testid=exercise-check]")
    page.wait_for_selector("[data-testid=exercise-feedback][data-correct=true]")
    assert page.text_content("[data-testid=exercise-feedback]").startswith(f"All {len(names)} right.")
    from a11y import assert_accessible

    assert_accessible(page)
    assert visit.errors == [] and visit.blocked == []


def test_every_tab_reflows_at_200_percent_zoom(visit):
    """At 200% zoom a 1280 px window is 640 CSS px wide: nothing may need sideways scrolling."""
    page = visit.page
    page.set_viewport_size({"width": 640, "height": 900})
    try:
        for tab in ("expression", "network", "exercises"):
            page.click(f"[data-testid=tab-{tab}]")
            page.wait_for_timeout(200)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), tab
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert visit.errors == [] and visit.blocked == []


def test_chainrule_serve_serves_the_site_on_localhost(playground_url, tmp_path):
    import subprocess
    import sys
    import urllib.request

    from viz.serve import site_dir

    proc = subprocess.Popen([sys.executable, "-m", "viz", "serve", "--port", "0", "--no-browser",
                             "--dir", str(site_dir())], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("chainrule playground at http://127.0.0.1:"), line
        url = line.split()[3]
        with urllib.request.urlopen(url, timeout=10) as r:
            assert b'data-testid="expression"' in r.read()
        with urllib.request.urlopen(url + "vendor/pyodide/pyodide.asm.wasm", timeout=10) as r:
            assert r.headers["Content-Type"] == "application/wasm"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    empty = subprocess.run([sys.executable, "-m", "viz", "serve", "--no-browser", "--dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=30)
    assert empty.returncode == 1 and "make playground" in empty.stderr
