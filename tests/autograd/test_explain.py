"""explain(): the backward pass in words, and one gradient as a sum over paths."""

from __future__ import annotations

import importlib
import math

import pytest

from autograd import Value, backprop, backprop_steps, explain

explain_module = importlib.import_module("autograd.explain")


def small_graph():
    """L = x*w + x at x = 2, w = 3: dL/dx = w + 1 = 4, dL/dw = x = 2 (checked by hand)."""
    x = Value(2.0, label="x")
    w = Value(3.0, label="w")
    h = x * w
    h.label = "h"
    L = h + x
    L.label = "L"
    return L, x, w, h


def diamonds(k):
    """k diamonds in a row: each node feeds a sin and a cos that are multiplied, so 2**k paths."""
    x = Value(0.3, label="x")
    v = x
    for i in range(k):
        v = v.sin() * v.cos()
        v.label = f"d{i}"
    return v, x


# --- the backward pass, node by node -----------------------------------------------------------

def test_the_issue_example_line():
    x1, w1 = Value(1.0, label="x1"), Value(2.0, label="w1")
    h = x1 * w1
    h.label = "h"
    L = h ** 2
    L.label = "L"
    # dL/dh = 2h = 4, dL/dw1 = dL/dh * dh/dw1 = 4 * x1 = 4 (by hand)
    assert "  dL/dw1 += dL/dh · ∂h/∂w1 = 4.0 · x1 = 4.0 · 1.0 = 4.0" in explain(L).splitlines()


def test_small_graph_exactly():
    L, *_ = small_graph()
    assert explain(L) == (
        "L = h + x = 8.0\n"
        "  dL/dh += ∂L/∂h = 1.0\n"
        "  dL/dx += ∂L/∂x = 1.0\n"
        "h = x·w = 6.0\n"
        "  dL/dx += dL/dh · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0\n"
        "  dL/dw += dL/dh · ∂h/∂w = 1.0 · x = 1.0 · 2.0 = 2.0\n"
        "so dL/dx = 4.0, dL/dw = 2.0"
    )


def test_the_neuron_by_hand():
    """tanh(x*w + b) at x = 2, w = -3, b = 6.88: n = 0.88, 1 - tanh(0.88)^2 = 0.501."""
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    n = x * w + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    assert explain(y) == (
        "y = tanh(n) = 0.7064\n"
        "  dy/dn += ∂y/∂n = 1 − tanh(n)² = 0.501\n"
        "n = x·w + b = 0.88\n"
        "  dy/d(x·w) += dy/dn · ∂n/∂(x·w) = 0.501 · 1.0 = 0.501\n"
        "  dy/db += dy/dn · ∂n/∂b = 0.501 · 1.0 = 0.501\n"
        "x·w = -6.0\n"
        "  dy/dx += dy/d(x·w) · ∂(x·w)/∂x = 0.501 · w = 0.501 · (-3.0) = -1.503\n"
        "  dy/dw += dy/d(x·w) · ∂(x·w)/∂w = 0.501 · x = 0.501 · 2.0 = 1.002\n"
        "so dy/dx = -1.503, dy/dw = 1.002, dy/db = 0.501"
    )


def test_no_circular_or_redundant_lines():
    L, *_ = small_graph()
    for text in (explain(L), explain((L * 2 + 1).tanh())):
        assert "dL/dL" not in text and "= 1 = 1" not in text and "+ -" not in text


def test_returns_and_does_not_print_or_touch_grads(capsys):
    L, x, w, h = small_graph()
    text = explain(L)
    assert isinstance(text, str)
    assert capsys.readouterr().out == ""
    assert (L.grad, h.grad, x.grad, w.grad) == (0.0, 0.0, 0.0, 0.0)
    L.backward()
    explain(L)
    explain(L, wrt=x)
    assert (x.grad, w.grad) == (4.0, 2.0)


def test_one_line_per_edge_in_backward_order():
    root, _ = diamonds(3)
    steps = backprop_steps(root, level="edge")
    lines = [line.strip() for line in explain(root).splitlines() if " += " in line]
    assert len(lines) == len(steps) == 3 * 4   # each diamond: the product's two inputs, the sin's, the cos's
    for line, step in zip(lines, steps):
        assert line == step.equation()


def test_numbers_come_from_the_steps():
    L, *_ = small_graph()
    lines = [line for line in explain(L, digits=17).splitlines() if " += " in line]
    for line, step in zip(lines, backprop_steps(L)):
        assert line.endswith(f" = {step.contribution!r}")


def test_a_node_used_twice_gets_two_lines_that_accumulate():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    assert explain(y) == (
        "y = x·x = 9.0\n"
        "  dy/dx += ∂y/∂x = x = 3.0\n"
        "  dy/dx += ∂y/∂x = x = 3.0\n"
        "so dy/dx = 6.0"
    )
    y.backward()
    assert x.grad == 6.0


def test_unlabelled_nodes_are_named_by_their_expression():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    root = (x * w + 1).tanh()
    text = explain(root)
    lines = text.splitlines()
    assert lines[0] == "L = tanh(x·w + 1) = 1.0"
    assert lines[1] == "  dL/d(x·w + 1) += ∂L/∂(x·w + 1) = 1 − tanh(x·w + 1)² = 3.326e-06"   # 1 - tanh(7)**2
    assert lines[2] == "x·w + 1 = 7.0"
    assert len([line for line in lines if " += " in line]) == 4   # tanh, add (its x·w only), mul (2)
    assert explain(root) == text                     # the same names every time


def test_long_expressions_fall_back_to_v_names():
    x = Value(0.5, label="x")
    v = x
    for _ in range(4):
        v = (v * x + x).sin()
    text = explain(v)
    assert "v7 = sin(" in text and "L = sin(sin(v7 + x)·x + x)" in text   # v<i>: i is the place in topological order
    names = [line.split(" = ")[0] for line in text.splitlines() if not line.startswith(("  ", "so "))]
    assert all(len(n) <= 24 for n in names)


def test_constants_get_no_line_and_no_gradient():
    x = Value(2.0, label="x")
    y = x * 0.5
    y.label = "y"
    assert explain(y) == "y = x·0.5 = 1.0\n  dy/dx += ∂y/∂x = 0.5\nso dy/dx = 0.5"
    y.backward()
    assert y.parents[1].is_constant and y.parents[1].grad == 0.0


def test_definitions_of_ops():
    x = Value(2.0, label="x")
    for made, expected in [
        (x ** 2, "L = x² = 4.0"),
        (x ** 0.5, "L = x^0.5 = 1.414"),
        (-x, "L = −x = -2.0"),
        (x.leaky_relu(0.1), "L = leaky_relu(x, 0.1) = 2.0"),
        (x / 4, "L = x/4 = 0.5"),
        (x.exp(), "L = exp(x) = 7.389"),
        (3 - x, "L = 3 − x = 1.0"),
    ]:
        assert explain(made).splitlines()[0] == expected


def test_labels_that_are_expressions_are_bracketed():
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    p = x1 * w1
    p.label = "x1*w1"
    o = p.tanh()
    o.label = "o"
    assert explain(o).splitlines()[3] == (
        "  do/dx1 += do/d(x1*w1) · ∂(x1*w1)/∂x1 = 2.458e-05 · w1 = 2.458e-05 · (-3.0) = -7.373e-05")


def test_a_leaf_root_has_nothing_to_pass_on():
    x = Value(2.0, label="x")
    assert "depends on nothing" in explain(x)


def test_markdown():
    L, *_ = small_graph()
    assert explain(L, format="markdown") == (
        "| step | chain rule |\n"
        "|---:|---|\n"
        "| | **`L = h + x = 8.0`** |\n"
        "| 1 | `dL/dh += ∂L/∂h = 1.0` |\n"
        "| 2 | `dL/dx += ∂L/∂x = 1.0` |\n"
        "| | **`h = x·w = 6.0`** |\n"
        "| 3 | `dL/dx += dL/dh · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0` |\n"
        "| 4 | `dL/dw += dL/dh · ∂h/∂w = 1.0 · x = 1.0 · 2.0 = 2.0` |\n"
        "\n"
        "so `dL/dx = 4.0, dL/dw = 2.0`"
    )


def test_markdown_escapes_pipes():
    x = Value(2.0, label="a|b")
    text = explain((x * x).tanh(), format="markdown")
    assert "| | **`L = tanh(a\\|b·a\\|b) = 0.9993`** |" in text


def test_html_is_a_definition_list():
    L, *_ = small_graph()
    text = explain(L, format="html")
    assert text.startswith('<dl class="chainrule-explain">\n<dt>L = h + x = 8.0</dt>\n<dd>dL/dh += ∂L/∂h = 1.0</dd>')
    x = Value(1.0, label="<x>")
    assert "&lt;x&gt;" in explain(x * 3, format="html") and "<x>" not in explain(x * 3, format="html")


def _balanced(text):
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, text
    return depth == 0


def test_latex_for_slides():
    L, x, *_ = small_graph()
    text = explain(L, format="latex")
    assert text.splitlines() == [
        r"\begin{align*}",
        r"L &= h + x = 8.0 \\",
        r"\frac{dL}{dh} &\mathrel{+}= \frac{\partial L}{\partial h} = 1.0 \\",
        r"\frac{dL}{dx} &\mathrel{+}= \frac{\partial L}{\partial x} = 1.0 \\",
        r"h &= x \cdot w = 6.0 \\",
        r"\frac{dL}{dx} &\mathrel{+}= \frac{dL}{dh} \cdot \frac{\partial h}{\partial x} = 1.0 \cdot w = "
        r"1.0 \cdot 3.0 = 3.0 \\",
        r"\frac{dL}{dw} &\mathrel{+}= \frac{dL}{dh} \cdot \frac{\partial h}{\partial w} = 1.0 \cdot x = "
        r"1.0 \cdot 2.0 = 2.0 \\",
        r"&\text{so } \frac{dL}{dx} = 4.0, \frac{dL}{dw} = 2.0",
        r"\end{align*}",
    ]
    y = ((x * 2 - 1) ** 2 / (x + 1)).sigmoid().log()
    for t in (explain(y, format="latex"), explain(y, wrt=x, format="latex")):
        assert _balanced(t) and r"\partial" in t and "∂" not in t and "·" not in t


# --- one gradient, path by path ------------------------------------------------------------------

def test_wrt_lists_every_path_and_their_sum_is_the_gradient():
    L, x, w, _ = small_graph()
    L.backward()
    assert explain(L, wrt=x) == (
        "dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:\n"
        "  L ← h ← x: ∂L/∂h · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0\n"
        "  L ← x: ∂L/∂x = 1.0\n"
        "dL/dx = 3.0 + 1.0 = 4.0, which is x.grad"
    )
    assert explain(L, wrt=w) == (
        "dL/dw is the product of the local derivatives along the one path from L to w:\n"
        "  L ← h ← w: ∂L/∂h · ∂h/∂w = 1.0 · x = 1.0 · 2.0 = 2.0\n"
        "dL/dw = 2.0, which is w.grad"
    )


def test_wrt_markdown():
    L, x, _, _ = small_graph()
    L.backward()
    assert explain(L, wrt=x, format="markdown") == (
        "dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:\n"
        "\n"
        "| path | product of the local derivatives |\n"
        "|---|---|\n"
        "| `L ← h ← x` | `∂L/∂h · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0` |\n"
        "| `L ← x` | `∂L/∂x = 1.0` |\n"
        "\n"
        "`dL/dx = 3.0 + 1.0 = 4.0`, which is x.grad"
    )


def test_wrt_a_node_used_twice_has_a_path_per_use():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    assert explain(y, wrt=x).splitlines()[1:] == [
        "  y ← x: ∂y/∂x[1] = x = 3.0",
        "  y ← x: ∂y/∂x[2] = x = 3.0",
        "dy/dx = 3.0 + 3.0 = 6.0, which is x.grad",
    ]


def test_wrt_says_when_grad_is_not_filled_or_accumulated():
    L, x, _, _ = small_graph()
    assert explain(L, wrt=x).endswith("which x.grad will hold after L.backward() (it is 0.0 now)")
    L.backward()
    L.backward()
    assert "x.grad holds 8.0 because gradients accumulate" in explain(L, wrt=x)


def test_wrt_the_root_itself():
    L, *_ = small_graph()
    assert explain(L, wrt=L) == ("L is the root itself: its gradient is 1.0, which L.grad will hold after "
                                 "L.backward() (it is 0.0 now)")


def test_wrt_a_constant_is_refused():
    x = Value(2.0, label="x")
    y = x * 3
    with pytest.raises(ValueError, match="is a number inside the expression; numbers are not differentiated"):
        explain(y, wrt=y.parents[1])


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_diamonds_have_two_to_the_k_paths_summing_to_the_gradient(k):
    root, x = diamonds(k)
    text = explain(root, wrt=x, digits=17)
    path_lines = [line for line in text.splitlines() if line.startswith("  ")]
    assert len(path_lines) == 2 ** k
    assert f"the {2 ** k} paths from d{k - 1} to x" in text
    products = [float(line.rsplit("= ", 1)[1]) for line in path_lines]
    assert math.isclose(math.fsum(products), backprop(root)[x], rel_tol=1e-12)


def test_path_products_match_the_neuron_by_hand():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    assert explain(o, wrt=w1).splitlines() == [
        "do/dw1 is the product of the local derivatives along the one path from o to w1:",
        "  o ← n ← x1·w1 + x2·w2 ← x1·w1 ← w1: ∂o/∂n · ∂n/∂(x1·w1 + x2·w2) · ∂(x1·w1 + x2·w2)/∂(x1·w1) · "
        "∂(x1·w1)/∂w1 = (1 − tanh(n)²) · 1.0 · 1.0 · x1 = 0.5 · 1.0 · 1.0 · 2.0 = 1.0",
        "do/dw1 = 1.0, which is w1.grad",
    ]


def test_too_many_paths_is_a_clear_error():
    root, x = diamonds(11)
    with pytest.raises(ValueError, match=r"there are 2048 paths from d10 to x, more than max_paths=1000\. "
                                         r"Pass max_paths=2048"):
        explain(root, wrt=x)
    text = explain(root, wrt=x, max_paths=2048)
    assert text.count("\n  d10 ← ") == 2048


def test_the_check_fails_loudly_when_the_paths_disagree(monkeypatch):
    L, x, _, _ = small_graph()
    real = explain_module.backprop

    def tampered(root):
        return {node: grad + 1e-6 if node is x else grad for node, grad in real(root).items()}

    monkeypatch.setattr(explain_module, "backprop", tampered)
    with pytest.raises(ArithmeticError, match=r"path products for dL/dx add up to 4\.0, but the backward pass gives"):
        explain(L, wrt=x)


def test_the_check_allows_rounding():
    # Sums of many paths differ from backward()'s accumulation order only in the last bits.
    root, x = diamonds(8)
    explain(root, wrt=x, max_paths=256)


# --- bad arguments --------------------------------------------------------------------------------

def test_wrt_not_in_the_graph_names_it():
    L, *_ = small_graph()
    with pytest.raises(ValueError, match=r"wrt='z' is not in the graph of L"):
        explain(L, wrt=Value(1.0, label="z"))
    with pytest.raises(ValueError, match=r"wrt=Value\(data=5\.0, grad=0\.0\) is not in the graph"):
        explain(L, wrt=Value(5.0))


def test_bad_arguments():
    L, x, _, _ = small_graph()
    with pytest.raises(ValueError, match="format must be one of 'text', 'markdown', 'html', 'latex', got 'rtf'"):
        explain(L, format="rtf")
    with pytest.raises(ValueError, match="mode must be one of 'reverse'"):
        explain(L, mode="sideways")
    with pytest.raises(TypeError, match="explain\\(\\) root must be a Value, got float"):
        explain(2.0)
    with pytest.raises(TypeError, match="wrt must be a Value"):
        explain(L, wrt="x")
    with pytest.raises(ValueError, match="digits"):
        explain(L, digits=0)
    with pytest.raises(ValueError, match="max_paths"):
        explain(L, wrt=x, max_paths=0)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_explaining_one_gradient_names_the_graph_once_and_orders_it_a_fixed_number_of_times(monkeypatch, mode):
    # Per-node work only: a names table or a topological order per node made explain(wrt=x)
    # quadratic (minutes at a few thousand nodes). Counted, not timed.
    from autograd import engine, notation

    calls = {"names": 0, "orders": 0}
    names, order = notation._names_and_forms, engine._depth_first

    def counting_names(*args, **kwargs):
        calls["names"] += 1
        return names(*args, **kwargs)

    def counting_order(*args, **kwargs):
        calls["orders"] += 1
        return order(*args, **kwargs)

    monkeypatch.setattr(notation, "_names_and_forms", counting_names)
    monkeypatch.setattr(engine, "_depth_first", counting_order)
    x = Value(0.5, label="x")
    y = x
    for i in range(300):
        y = y * 1.5 if i % 2 else y + 0.25
    text = explain(y, mode=mode, wrt=x)
    assert text.count("\n") >= 300 if mode == "forward" else "dL/dx" in text
    assert calls["names"] == 1 and calls["orders"] <= 3, calls
