"""explain(): the backward pass in words, and one gradient as a sum over paths."""

from __future__ import annotations

import dataclasses
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


# --- the backward pass, edge by edge -----------------------------------------------------------

def test_the_issue_example_line():
    x1, w1 = Value(1.0, label="x1"), Value(2.0, label="w1")
    h = x1 * w1
    h.label = "h"
    L = h ** 2
    L.label = "L"
    assert "dL/dw1 += dL/dh * dh/dw1 = 4.0 * 1.0 = 4.0" in explain(L).splitlines()


def test_small_graph_exactly():
    L, *_ = small_graph()
    assert explain(L) == (
        "dL/dh += dL/dL * dL/dh = 1.0 * 1.0 = 1.0\n"
        "dL/dx += dL/dL * dL/dx = 1.0 * 1.0 = 1.0\n"
        "dL/dx += dL/dh * dh/dx = 1.0 * 3.0 = 3.0\n"
        "dL/dw += dL/dh * dh/dw = 1.0 * 2.0 = 2.0"
    )


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
    steps = backprop_steps(root)
    lines = [line for line in explain(root).splitlines() if " += " in line]   # after the names of sin, cos
    assert len(lines) == len(steps) == 3 * 4   # each diamond: the product's two inputs, the sin's, the cos's
    for line, step in zip(lines, steps):
        assert line.startswith(f"dd2/d{step.parent_name} += dd2/d{step.node_name} * ")


def test_numbers_come_from_the_steps():
    L, *_ = small_graph()
    for line, step in zip(explain(L, digits=17).splitlines(), backprop_steps(L)):
        assert line.endswith(f"= {step.upstream!r} * {step.local!r} = {step.contribution!r}")


def test_a_node_used_twice_gets_two_lines_that_accumulate():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    assert explain(y) == (
        "dy/dx += dy/dy * dy/dx = 1.0 * 3.0 = 3.0\n"
        "dy/dx += dy/dy * dy/dx = 1.0 * 3.0 = 3.0"
    )
    y.backward()
    assert x.grad == 6.0


def test_unlabelled_nodes_get_stable_names_with_their_op():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    root = (x * w + 1).tanh()
    text = explain(root)
    lines = text.splitlines()
    assert len(lines) == 5  # one line per edge: tanh, add (2), mul (2)
    # each unlabelled node is introduced, with its op, on the first line that names it
    assert lines[0] == ("dL/dv4 += dL/dL * dL/dv4 = 1.0 * 3.326e-06 = 3.326e-06"   # 1 - tanh(7)**2
                        "    where L = tanh(v4) (tanh), v4 = v2 + 1 (add)")
    assert lines[1] == "dL/dv2 += dL/dv4 * dv4/dv2 = 3.326e-06 * 1.0 = 3.326e-06    where v2 = x * w (mul)"
    assert "where" not in "".join(lines[2:]) and "dv2/dx" in text
    assert explain(root) == text                     # the same names every time


def test_constants_are_named_by_their_value():
    x = Value(2.0, label="x")
    y = x * 0.5
    y.label = "y"
    assert explain(y).splitlines() == [
        "dy/dx += dy/dy * dy/dx = 1.0 * 0.5 = 0.5",
        "dy/d0.5 += dy/dy * dy/d0.5 = 1.0 * 2.0 = 2.0",
    ]


def test_expressions_in_the_legend():
    x = Value(2.0, label="x")
    for made, expected in [
        (x ** 2, "where L = x ** 2 (pow)"),
        (-x, "where L = -x (neg)"),
        (x.leaky_relu(0.1), "where L = leaky_relu(x, 0.1) (leaky_relu)"),
        (x / 4, "where L = x / 4 (div)"),
        (x.exp(), "where L = exp(x) (exp)"),
    ]:
        assert explain(made).splitlines()[0].endswith("    " + expected)


def test_labels_that_are_expressions_are_bracketed():
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    p = x1 * w1
    p.label = "x1*w1"
    o = p.tanh()
    o.label = "o"
    assert explain(o).splitlines()[1] == (
        "do/dx1 += do/d(x1*w1) * d(x1*w1)/dx1 = 2.458e-05 * -3.0 = -7.373e-05")   # 1 - tanh(-6)**2


def test_a_leaf_root_has_nothing_to_pass_on():
    x = Value(2.0, label="x")
    assert "depends on nothing" in explain(x)


def test_markdown():
    L, *_ = small_graph()
    assert explain(L, format="markdown") == (
        "| step | chain rule | numbers | where |\n"
        "|---:|---|---|---|\n"
        "| 1 | `dL/dh += dL/dL * dL/dh` | `1.0 * 1.0 = 1.0` |  |\n"
        "| 2 | `dL/dx += dL/dL * dL/dx` | `1.0 * 1.0 = 1.0` |  |\n"
        "| 3 | `dL/dx += dL/dh * dh/dx` | `1.0 * 3.0 = 3.0` |  |\n"
        "| 4 | `dL/dw += dL/dh * dh/dw` | `1.0 * 2.0 = 2.0` |  |"
    )


def test_markdown_legend_and_escaped_pipes():
    x = Value(2.0, label="a|b")
    text = explain((x * x).tanh(), format="markdown")
    assert text.splitlines()[2].endswith("| `L = tanh(v1) (tanh), v1 = a\\|b * a\\|b (mul)` |")
    assert "| 1 |" in text and len(text.splitlines()) == 2 + 3


# --- one gradient, path by path ------------------------------------------------------------------

def test_wrt_lists_every_path_and_their_sum_is_the_gradient():
    L, x, w, _ = small_graph()
    L.backward()
    assert explain(L, wrt=x) == (
        "dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:\n"
        "  L <- h <- x: dL/dh * dh/dx = 1.0 * 3.0 = 3.0\n"
        "  L <- x: dL/dx = 1.0\n"
        "dL/dx = 3.0 + 1.0 = 4.0, which is x.grad"
    )
    assert explain(L, wrt=w) == (
        "dL/dw is the product of the local derivatives along the one path from L to w:\n"
        "  L <- h <- w: dL/dh * dh/dw = 1.0 * 2.0 = 2.0\n"
        "dL/dw = 2.0, which is w.grad"
    )


def test_wrt_markdown():
    L, x, _, _ = small_graph()
    L.backward()
    assert explain(L, wrt=x, format="markdown") == (
        "dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:\n"
        "\n"
        "| path | local derivatives | product |\n"
        "|---|---|---|\n"
        "| `L <- h <- x` | `dL/dh * dh/dx` | `1.0 * 3.0 = 3.0` |\n"
        "| `L <- x` | `dL/dx` | `1.0` |\n"
        "\n"
        "`dL/dx = 3.0 + 1.0 = 4.0`, which is x.grad"
    )


def test_wrt_a_node_used_twice_has_a_path_per_use():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    assert explain(y, wrt=x).splitlines()[1:] == [
        "  y <- x: dy/dx[1] = 3.0",
        "  y <- x: dy/dx[2] = 3.0",
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
    assert explain(L, wrt=L).splitlines()[1:] == ["  L: dL/dL = 1.0",
                                                  "dL/dL = 1.0, which L.grad will hold after L.backward() "
                                                  "(it is 0.0 now)"]


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
        "  o <- n <- v6 <- v2 <- w1: do/dn * dn/dv6 * dv6/dv2 * dv2/dw1 = 0.5 * 1.0 * 1.0 * 2.0 = 1.0",
        "do/dw1 = 1.0, which is w1.grad",
    ]


def test_too_many_paths_is_a_clear_error():
    root, x = diamonds(11)
    with pytest.raises(ValueError, match=r"there are 2048 paths from d10 to x, more than max_paths=1000\. "
                                         r"Pass max_paths=2048"):
        explain(root, wrt=x)
    text = explain(root, wrt=x, max_paths=2048)
    assert text.count("\n  d10 <- ") == 2048


def test_the_check_fails_loudly_when_the_paths_disagree(monkeypatch):
    L, x, _, _ = small_graph()
    real = explain_module.backprop_steps

    def tampered(root):
        return [dataclasses.replace(s, parent_grad_after=s.parent_grad_after + 1e-6) if s.parent is x else s
                for s in real(root)]

    monkeypatch.setattr(explain_module, "backprop_steps", tampered)
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
    with pytest.raises(ValueError, match="format must be 'text' or 'markdown', got 'html'"):
        explain(L, format="html")
    with pytest.raises(TypeError, match="explain\\(\\) root must be a Value, got float"):
        explain(2.0)
    with pytest.raises(TypeError, match="wrt must be a Value"):
        explain(L, wrt="x")
    with pytest.raises(ValueError, match="digits"):
        explain(L, digits=0)
    with pytest.raises(ValueError, match="max_paths"):
        explain(L, wrt=x, max_paths=0)
