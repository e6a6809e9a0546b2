"""Forward mode as data (forward_steps) and in words (explain_forward): the same numbers as the
forward sweep and as backward(), one step per edge, names as every other view writes them."""

from __future__ import annotations

import math

import pytest

from autograd import Value, backprop_steps, notation, tangents, topological_order
from autograd.forward_explain import explain_forward, explain_mode
from autograd.forward_steps import forward_steps, forward_steps_data


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    s = x1 * w1 + x2 * w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, (x1, x2, w1, w2, b)


def test_steps_replay_the_forward_sweep_bit_for_bit():
    o, leaves = neuron()
    o.backward()
    for x in leaves:
        steps = forward_steps(o, x)
        sweep = tangents(o, {x: 1.0})
        finals = {s.node: s.tangent_after for s in steps if s.final}
        assert all(finals[v] == sweep[v] for v in finals)
        assert steps[-1].node is o and steps[-1].tangent_after == x.grad
        # one step per edge, like the backward pass's steps
        assert len(steps) == len(backprop_steps(o)) == 9
        assert [s.index for s in steps] == list(range(9))


def test_a_step_in_words():
    o, (x1, x2, w1, w2, b) = neuron()
    steps = forward_steps(o, w1)
    last = steps[-1]
    assert (last.node_name, last.parent_name, last.wrt) == ("o", "n", w1)
    assert last.local == pytest.approx(0.5, rel=1e-15) and last.parent_tangent == 2.0
    assert last.symbolic() == "do/dw1 += ∂o/∂n · dn/dw1"
    assert last.equation() == "do/dw1 += ∂o/∂n · dn/dw1 = (1 − tanh(n)²) · 2.0 = 0.5 · 2.0 = 1.0"
    assert last.result() == "do/dw1 = 1.0 (complete)"
    into_s = [s for s in steps if s.node_name == "s"]
    assert [s.result() for s in into_s] == ["ds/dw1 = 2.0", "ds/dw1 = 2.0 + 0.0 = 2.0 (complete)"]
    assert last.equation(format="latex").startswith(r"\frac{do}{dw_{1}} \mathrel{+}= \frac{\partial o}{\partial n}")
    assert last.symbolic(format="html") == "do/dw1 += ∂o/∂n · dn/dw1"
    assert last.result(format="markdown") == "`do/dw1 = 1.0 (complete)`"


def test_explain_forward_on_the_neuron_of_the_chain_rule_tutorial():
    o, (x1, x2, w1, w2, b) = neuron()
    text = explain_forward(o, w1)
    lines = text.splitlines()
    assert lines[0] == ("forward mode from w1: dw1/dw1 = 1, every other input 0; then, inputs first, "
                        "dn/dw1 = Σ ∂n/∂s · ds/dw1")
    assert lines[1:3] == ["dx1/dw1 = 0.0", "dw1/dw1 = 1.0"]
    assert lines[3] == ("d(x1·w1)/dw1 = ∂(x1·w1)/∂x1 · dx1/dw1 + ∂(x1·w1)/∂w1 · dw1/dw1 = w1 · 0.0 + x1 · 1.0 "
                        "= -3.0 · 0.0 + 2.0 · 1.0 = 2.0")
    assert lines[-2] == "do/dw1 = ∂o/∂n · dn/dw1 = (1 − tanh(n)²) · 2.0 = 0.5 · 2.0 = 1.0"
    assert lines[-1] == "do/dw1 = 1.0, the gradient backward() gives w1"
    # every node but the constants has a line, in topological order
    names = notation.node_names(o)
    assert [line.split(" = ")[0] for line in lines[1:-1]] == [
        notation.total(notation._bracket(names[v]), "w1") for v in topological_order(o)]


def test_constants_get_no_term_and_formulas_are_bracketed_once():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * 2 - 1) ** 2 * w
    lines = explain_forward(y, x).splitlines()
    assert "d(x·2)/dx = ∂(x·2)/∂x · dx/dx = 2.0 · 1.0 = 2.0" in lines
    assert lines[-2] == ("dL/dx = ∂L/∂((x·2 − 1)²) · d((x·2 − 1)²)/dx + ∂L/∂w · dw/dx = w · 12.0 + "
                         "((x·2 − 1)²) · 0.0 = -3.0 · 12.0 + 9.0 · 0.0 = -36.0")


def test_formats():
    o, (x1, x2, w1, w2, b) = neuron()
    latex = explain_forward(o, w1, format="latex")
    assert latex.startswith("\\begin{align*}\n") and latex.endswith("\n\\end{align*}")
    assert latex.count(" \\\\\n") == 9 and "&= " in latex
    md = explain_forward(o, w1, format="markdown")
    assert "| node | tangent |" in md and "| `do/dw1` | `∂o/∂n · dn/dw1 = (1 − tanh(n)²) · 2.0" in md
    x = Value(1.0, label="a<b")
    assert "&lt;" in explain_forward(x * 2, x, format="html")


def test_the_tangent_of_a_node_that_does_not_depend_on_x_is_zero_and_the_check_holds():
    x, y = Value(0.3, label="x"), Value(0.7, label="y")
    out = y.sin() * y + x.exp()
    out.backward()
    lines = explain_forward(out, x).splitlines()
    assert "d(sin(y))/dx = ∂(sin(y))/∂y · dy/dx = cos(y) · 0.0 = 0.7648 · 0.0 = 0.0" in lines
    assert lines[-1] == f"dL/dx = {notation.number(math.exp(0.3))}, the gradient backward() gives x"


def test_bad_arguments():
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match=r"forward_steps\(\) needs a Value, got float"):
        forward_steps(1.0, x)
    with pytest.raises(TypeError, match=r"forward_steps\(\) wrt must be a Value in the graph"):
        forward_steps(x * 2, None)
    with pytest.raises(ValueError, match=r"wrt='z' is not in the graph of L"):
        explain_forward(x * 2, Value(3.0, label="z"))
    with pytest.raises(ValueError, match=r"format must be one of 'text', 'markdown', 'html', 'latex', got 'rtf'"):
        explain_forward(x * 2, x, format="rtf")
    with pytest.raises(ValueError, match=r"digits must be an int from 1 to 17, got 0"):
        explain_forward(x * 2, x, digits=0)


def test_page_data_uses_the_ids_of_the_pictures_and_is_json():
    import json

    o, (x1, x2, w1, w2, b) = neuron()
    data = forward_steps_data(o, w1)
    order = topological_order(o)
    assert data["wrtId"] == f"v{order.index(w1)}" and data["root"] == f"v{order.index(o)}"
    assert data["tangents"] == {f"v{order.index(v)}": ("1.0" if v is w1 else "0.0") for v in (x1, w1, x2, w2, b)}
    steps = forward_steps(o, w1)
    assert [r["equation"] for r in data["steps"]] == [s.equation() for s in steps]
    assert [float(r["tangentFull"]) for r in data["steps"]] == [s.tangent_after for s in steps]
    assert data["steps"][-1]["head"] == "Step 9: from n forward through the tanh that makes o"
    assert json.loads(json.dumps(data)) == data


def test_explain_has_a_forward_mode():
    from autograd import explain

    o, (x1, x2, w1, w2, b) = neuron()
    for fmt in ("text", "markdown", "html", "latex"):
        assert explain(o, mode="forward", wrt=w1, format=fmt, digits=6) == explain_forward(o, w1, fmt, 6)
    with pytest.raises(ValueError, match=r"explain\(mode='forward'\) needs wrt="):
        explain(o, mode="forward")


def test_explain_mode_needs_wrt():
    o, (x1, *_) = neuron()
    with pytest.raises(ValueError, match=r"explain\(mode='forward'\) needs wrt="):
        explain_mode(o, None, "text", 4, 1000)
    assert explain_mode(o, x1, "text", 4, 1000) == explain_forward(o, x1)


def test_forward_mode_and_its_steps_need_only_the_standard_library():
    # the playground imports these under Pyodide, where only the standard library is there
    import subprocess
    import sys

    code = ("import sys, autograd; from autograd import Value; "
            "from autograd.forward_steps import forward_steps_data; "
            "from autograd.forward_explain import explain_forward; "
            "x = Value(1.0, label='x'); y = (x * x).tanh(); "
            "autograd.jvp(lambda a: a.sin(), (1.0,), (1.0,)); autograd.hessian(lambda a, b: a * b)(1.0, 2.0); "
            "autograd.count_evaluations(y); forward_steps_data(y, x); explain_forward(y, x, format='latex'); "
            "autograd.step_size_errors(lambda a: a.exp(), 1.0); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('viz', 'nn', 'graphviz', 'numpy', 'torch', 'sympy', 'matplotlib')); print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
