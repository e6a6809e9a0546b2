"""autograd.notation: one way of writing the chain rule, in text, Markdown, HTML and LaTeX.

Expected strings are derived by hand: for the neuron tanh(x*w + b) at x = 2, w = -3, b = 6.88,
n = x*w + b = 0.88, tanh(0.88) = 0.7064, 1 - tanh(0.88)^2 = 0.501, so dL/dw = 0.501 * x = 1.002
and dL/dx = 0.501 * w = -1.503.
"""

from __future__ import annotations

import pytest

from autograd import Value, backprop_steps, notation


def neuron(label_n: bool = False):
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    n = x * w + b
    if label_n:
        n.label = "n"
    y = n.tanh()
    return y, x, w, b, n


def test_the_neuron_step_by_step_unlabelled():
    y, *_ = neuron()
    assert [notation.step(s) for s in backprop_steps(y)] == [
        "dL/d(x·w + b) += ∂L/∂(x·w + b) = 1 − tanh(x·w + b)² = 0.501",
        "dL/d(x·w) += dL/d(x·w + b) · ∂(x·w + b)/∂(x·w) = 0.501 · 1.0 = 0.501",
        "dL/db += dL/d(x·w + b) · ∂(x·w + b)/∂b = 0.501 · 1.0 = 0.501",
        "dL/dx += dL/d(x·w) · ∂(x·w)/∂x = 0.501 · w = 0.501 · (-3.0) = -1.503",
        "dL/dw += dL/d(x·w) · ∂(x·w)/∂w = 0.501 · x = 0.501 · 2.0 = 1.002",
    ]


def test_the_neuron_with_labels_and_a_root_name():
    y, *_ = neuron(label_n=True)
    y.label = "y"
    steps = backprop_steps(y)
    assert notation.step(steps[0]) == "dy/dn += ∂y/∂n = 1 − tanh(n)² = 0.501"
    assert notation.symbolic(steps[-1]) == "dy/dw += dy/d(x·w) · ∂(x·w)/∂w"
    assert notation.result(steps[-1]) == "dy/dw = 1.002 (complete)"
    assert notation.step(steps[0], root_name="o") == "do/dn += ∂o/∂n = 1 − tanh(n)² = 0.501"


def test_definitions_say_what_a_node_is():
    y, x, w, b, n = neuron(label_n=True)
    assert notation.definition(n) == "n = x·w + b = 0.88"
    assert notation.definition(y, root=y) == "L = tanh(n) = 0.7064"
    assert notation.definition(x) == "x = 2.0"
    assert notation.definition(n, format="latex") == r"n = x \cdot w + b = 0.88"


def test_results_never_add_a_negative_number():
    x = Value(3.0, label="x")
    y = x * x - x
    y.label = "y"
    results = [notation.result(s) for s in backprop_steps(y)]
    assert "dy/dx = -1.0" in results          # the first contribution: just the new value
    assert "dy/dx = -1.0 + 3.0 = 2.0" in results
    z = x * x - 5 * x
    steps = [s for s in backprop_steps(z) if s.parent is x]
    text = [notation.result(s) for s in steps]
    assert not any("+ -" in t for t in text)
    assert text[-1] == "dL/dx = 6.0 − 5.0 = 1.0 (complete)"   # d(x² − 5x)/dx = 2·3 − 5


def test_no_root_factor_and_no_number_written_twice():
    y, *_ = neuron()
    for s in backprop_steps(y):
        text = notation.step(s)
        assert "dL/dL" not in text
        assert "= 1 = 1" not in text and "1.0 = 1.0 =" not in text


def test_total_and_local_symbols():
    assert notation.total("L", "x") == "dL/dx"
    assert notation.local("h", "x") == "∂h/∂x"
    assert notation.total("L", "x", "latex") == r"\frac{dL}{dx}"
    assert notation.local("h", "x", "latex") == r"\frac{\partial h}{\partial x}"
    assert notation.local("h", "x", "html") == "∂h/∂x"
    assert notation.total("a<b", "x", "html") == "da&lt;b/dx"
    assert notation.total("L", "x", "markdown") == "`dL/dx`"


def test_formulas_come_from_the_op_rows():
    x, w = Value(1.5, label="x"), Value(2.0, label="w")
    assert notation.formula(x * w, 0) == "w"
    assert notation.formula(x / w, 1) == "−x/w²"
    assert notation.formula(x.sigmoid(), 0) == "sigmoid(x)·(1 − sigmoid(x))"
    assert notation.formula(x ** 3, 0) == "3·x²"
    assert notation.formula(x ** 2, 0) == "2·x"
    assert notation.formula(x ** 0.5, 0, format="latex") == r"0.5 \cdot x^{-0.5}"
    assert notation.formula(x.tanh(), 0, format="latex") == r"1 - \tanh(x)^{2}"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_latex_is_balanced_and_uses_partial():
    y, *_ = neuron()
    x2 = Value(0.3, label="x_2")
    z = ((x2 * 2 - 1) ** 2 / (x2 + 1)).sigmoid().log()
    for root in (y, z):
        for s in backprop_steps(root):
            for text in (notation.step(s, format="latex"), notation.result(s, format="latex"),
                         notation.symbolic(s, format="latex")):
                assert _balanced(text), text
                assert "∂" not in text and "·" not in text and "−" not in text
            assert r"\partial" in notation.step(s, format="latex")
    assert r"x\_2" in notation.step(backprop_steps(z)[-1], format="latex")


def test_html_and_markdown_escape():
    a = Value(1.0, label="a<b")
    y = a * a
    y.label = "y|z"
    s = backprop_steps(y)[0]
    assert "&lt;" in notation.step(s, format="html") and "<b" not in notation.step(s, format="html")
    assert notation.step(s, format="markdown").startswith("`d(y\\|z)/d(a<b)")


def test_names_expressions_and_their_limit():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    names = notation.node_names((x * w + 1).tanh())
    assert list(names.values()) == ["x", "w", "x·w", "1", "x·w + 1", "L"]
    long = x
    for _ in range(6):
        long = long * w + x
    names = notation.node_names(long * 2)
    assert all(len(n) <= notation.MAX_EXPRESSION or n.startswith("v") for n in names.values())
    assert any(n.startswith("v") for n in names.values())


def test_a_sum_of_many_reads_as_the_sum_it_is():
    """A neuron's weighted sum is one n-ary node; every view writes it as ``b + w1·x1 + ...``."""
    import autograd

    b, w, x = Value(1.0, label="b"), Value(3.0, label="w"), Value(2.0, label="x")
    s = autograd.sum([b, w * x, 2 * (x + w)])
    names = notation.node_names(s * w)
    assert names[s] == "b + w·x + 2·(x + w)"
    assert notation.definition(s, root=s * w) == "b + w·x + 2·(x + w) = 17.0"
    assert notation.definition(s, format="latex") == r"L = b + w \cdot x + 2 \cdot \left(x + w\right) = 17.0"
    one = autograd.sum([x])
    assert notation.node_names(one * w)[one] == "sum(x)"   # a sum of one input keeps its function form


def test_bad_format_is_a_clear_error():
    with pytest.raises(ValueError, match=r"step\(\) format must be one of"):
        notation.step(backprop_steps(neuron()[0])[0], format="rtf")
    with pytest.raises(ValueError, match=r"total\(\) format"):
        notation.total("L", "x", "pdf")


# --- every view agrees with .grad, and numbers inside expressions are never differentiated -----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from random_graphs import grow  # noqa: E402

from autograd import explain, topological_order  # noqa: E402


@st.composite
def graphs_with_numbers(draw):
    def extend(a, pool):
        kind = draw(st.sampled_from(["tanh", "sin", "mul", "add", "sub", "const_mul", "const_add", "square"]))
        if kind in ("tanh", "sin"):
            return getattr(a, kind)()
        if kind == "square":
            return a ** 2
        if kind == "const_mul":
            return draw(st.sampled_from([0.5, 2.0, -3.0])) * a
        if kind == "const_add":
            return a - draw(st.sampled_from([1.0, 0.25]))
        b = draw(st.sampled_from(pool))
        return {"mul": a * b, "add": a + b, "sub": a - b}[kind]

    pool, leaves = grow(draw, 3, 12, extend)
    return pool[-1], leaves


@settings(max_examples=40, deadline=None)
@given(graphs_with_numbers())
def test_every_view_agrees_with_grad_and_numbers_get_none(case):
    root, leaves = case
    if root.is_leaf:
        return
    steps = backprop_steps(root)
    text = explain(root, digits=17)
    root.backward()
    constants = [v for v in topological_order(root) if v.is_constant]
    assert all(c.grad == 0.0 for c in constants)                       # the engine: no gradient
    assert not any(s.parent.is_constant for s in steps)                 # the steps: no step
    final = {s.parent: s.parent_grad_after for s in steps if s.final}
    summary = text.splitlines()[-1]
    for leaf in leaves:
        if leaf in final:
            assert final[leaf] == leaf.grad                             # the steps: .grad exactly
            assert f"dL/d{leaf.label} = {notation.number(leaf.grad, 17)}" in summary   # explain: .grad
            assert explain(root, wrt=leaf, max_paths=10**6).endswith(f"which is {leaf.label}.grad")
    for line in text.splitlines():
        for c in constants:   # no line adds to a number's gradient
            assert not line.lstrip().startswith(f"dL/d{notation.node_names(root)[c]} +=")
