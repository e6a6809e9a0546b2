"""The step page in forward order (and with a switch between orders): its data, its errors, the CLI.

The numbers are checked against backward()'s .grad and against PyTorch (torch.func.jvp and
torch.autograd.grad, float64); the browser tests are in test_forward_page_browser.py.
"""

import json
import math
import re

import pytest

from autograd import Value, notation, topological_order
from autograd.demo import neuron
from autograd.forward_steps import forward_steps
from viz import save_backprop_html, show_steps
from viz._render import fmt
from viz.cli import main
from viz.walks import MAX_FORWARD_STEPS

NEURON = ["tanh(x*w + b)", "--at", "x=2", "w=-3", "b=6.88"]


def page_data(path):
    page = path.read_text(encoding="utf-8")
    return page, json.loads(re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>',
                                      page, re.S)[1])


def leaves_of(root):
    return {v.label: v for v in topological_order(root) if v.is_leaf and not v.is_constant}


def shared_graph():
    """x is used twice, and a constant sits in the middle: tangents add up, constants get no step."""
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    h = x * y
    h.label = "h"
    out = (h.sin() + x.exp() / (y * y + 1.0)) * 2.0
    out.label = "f"
    return out, (x, y)


def test_the_forward_page_walks_forward_steps_and_ends_on_the_gradient(tmp_path):
    o = neuron()  # backward() has run: every leaf's .grad is set
    order = topological_order(o)
    leaves = leaves_of(o)
    w1 = leaves["w1"]
    page, data = page_data(save_backprop_html(o, tmp_path / "f.html", mode="forward", wrt=w1))
    assert data["mode"] == "forward" and [w["order"] for w in data["walks"]] == ["forward"]
    walk = data["walks"][0]
    steps = forward_steps(o, w1)
    assert walk["wrt"] == "w1" and walk["cell"] == "tangent" and len(walk["steps"]) == len(steps) == 9
    for record, s in zip(walk["steps"], steps):
        assert record["equation"] == s.equation() and record["result"].splitlines()[0] == s.result()
        node, parent = f"v{order.index(s.node)}", f"v{order.index(s.parent)}"
        # the node's tangent is what the step updates; the input it comes from is drawn solid
        assert record["updates"] == [[node, fmt(s.tangent_after), s.final, repr(s.tangent_after)]]
        assert record["highlight"] == {"node": [parent], "parent": [node], "op": [f"op{order.index(s.node)}"],
                                       "edge": [f"e{order.index(s.node)}_{s.position}", f"e{order.index(s.node)}"]}
    # the inputs' tangents: 1 for w1, 0 for the others, shown from frame 0
    assert {seed[0]: seed[1] for seed in walk["seeds"]} == {
        f"v{order.index(v)}": "1" if v is w1 else "0" for v in leaves.values()}
    assert walk["seedFrame"] == 0
    last = walk["steps"][-1]
    assert last["updates"][0][0] == f"v{order.index(o)}" and last["final"]
    assert float(last["updates"][0][3]) == w1.grad == pytest.approx(2.0 * (1 - o.data ** 2))  # do/dw1 = x1 (1 - o²)
    assert last["updates"][0][1] == fmt(w1.grad) == "1"  # the cell, as every picture writes numbers
    assert last["result"].splitlines()[-1] == f"do/dw1 = {notation.number(w1.grad)}, the gradient backward() gives w1"
    # the page says which order it shows, in the title, the line under it and the colour key
    assert "<h1>Forward mode through o: do/dw1, one edge at a time</h1>" in page
    assert "Order: forward mode, from w1 on to o" in page
    assert "the tangent flows forward through" in page and "whose tangent is being updated" in page
    assert 'aria-label="Step through forward mode from w1"' in page
    assert 'name="order"' not in page  # one walk: nothing to switch


def test_wrt_by_name_is_wrt_by_value(tmp_path):
    o = neuron()
    by_value = save_backprop_html(o, tmp_path / "a.html", mode="forward", wrt=leaves_of(o)["x2"])
    by_name = save_backprop_html(o, tmp_path / "b.html", mode="forward", wrt="x2")
    assert by_value.read_text(encoding="utf-8") == by_name.read_text(encoding="utf-8")


@pytest.mark.parametrize("build", ["neuron", "shared"])
def test_every_walk_ends_on_grad_and_on_torch(tmp_path, build):
    torch = pytest.importorskip("torch")
    if build == "neuron":
        root = neuron()
        names = ["x1", "w1", "x2", "w2", "b"]

        def f(x1, w1, x2, w2, b):
            return torch.tanh(x1 * w1 + x2 * w2 + b)
    else:
        root, _ = shared_graph()
        root.backward()
        names = ["x", "y"]

        def f(x, y):
            return (torch.sin(x * y) + torch.exp(x) / (y * y + 1.0)) * 2.0
    leaves = leaves_of(root)
    _, data = page_data(save_backprop_html(root, tmp_path / "both.html", mode="both"))
    walks = data["walks"]
    assert walks[0]["order"] == "reverse" and [w["wrt"] for w in walks[1:]] == names
    primals = tuple(torch.tensor(leaves[n].data, dtype=torch.float64, requires_grad=True) for n in names)
    grads = torch.autograd.grad(f(*primals), primals)
    for k, (walk, name) in enumerate(zip(walks[1:], names)):
        end = float(walk["steps"][-1]["updates"][0][3])
        assert walk["steps"][-1]["updates"][0][0] == data["root"]
        assert end == pytest.approx(leaves[name].grad, rel=1e-12, abs=1e-15)
        tangents = tuple(torch.tensor(1.0 if j == k else 0.0, dtype=torch.float64) for j in range(len(names)))
        _, jvp = torch.func.jvp(f, tuple(p.detach() for p in primals), tangents)
        assert end == pytest.approx(float(jvp), rel=1e-12, abs=1e-15)
        assert end == pytest.approx(float(grads[k]), rel=1e-12, abs=1e-15)


def test_both_orders_on_one_page(tmp_path):
    root, (x, y) = shared_graph()
    page, data = page_data(save_backprop_html(root, tmp_path / "both.html", mode="both", wrt=["y"]))
    assert [(w["order"], w["wrt"]) for w in data["walks"]] == [("reverse", None), ("forward", "y")]
    assert data["walks"][0]["seedFrame"] == 1 and data["walks"][0]["cell"] == "grad"
    assert '<input type="radio" name="order" value="reverse" checked>' in page
    assert '<select id="wrt" aria-describedby="order-line"><option value="y">y</option></select>' in page
    assert "<h1>The chain rule through f in both orders: backprop and forward mode</h1>" in page
    # a constant is never differentiated, in either order
    assert all("2.0" not in r["parent"] for w in data["walks"] for r in w["steps"])
    assert x.grad == 0.0 and y.grad == 0.0  # the page touches no .grad


def test_forward_mode_from_several_inputs_offers_a_menu(tmp_path):
    o = neuron()
    page, data = page_data(save_backprop_html(o, tmp_path / "f.html", mode="forward", wrt=["x1", "b"]))
    assert [w["wrt"] for w in data["walks"]] == ["x1", "b"]
    assert 'name="order"' not in page and '<option value="b">b</option>' in page


def test_bad_modes_and_inputs_are_clear_errors(tmp_path):
    root, (x, y) = shared_graph()
    path = tmp_path / "p.html"
    cases = [
        (dict(mode="sideways"), ValueError,
         r"save_backprop_html\(\) mode must be 'reverse', 'forward' or 'both', got 'sideways'"),
        (dict(mode=None), TypeError, r"save_backprop_html\(\) mode must be a str .*got NoneType: None"),
        (dict(mode="forward"), ValueError, r"save_backprop_html\(mode='forward'\) needs wrt=.*\(one of x, y\)"),
        (dict(wrt=x), ValueError, r"save_backprop_html\(\) wrt is for mode='forward' or mode='both'.*"
                                  r"got wrt='x' with mode='reverse'"),
        (dict(mode="forward", wrt="z"), ValueError,
         r"save_backprop_html\(\) wrt='z' is not an input of f; its inputs are x, y"),
        (dict(mode="forward", wrt=Value(1.0, label="z")), ValueError,
         r"save_backprop_html\(\) wrt='z' is not in the graph of f"),
        (dict(mode="forward", wrt=root.parents[0]), ValueError,
         r"wrt='.*' is computed from other values, not an input; forward mode starts from an input: x, y"),
        (dict(mode="forward", wrt=root.parents[1]), ValueError, r"wrt='2' is a constant, not an input"),
        (dict(mode="forward", wrt=3.0), TypeError,
         r"save_backprop_html\(\) wrt must be a Value, a leaf's name \(str\) or a list of them, got float: 3.0"),
        (dict(mode="both", wrt=[]), ValueError, r"wrt must name at least one input, got \[\]"),
        (dict(mode="forward", wrt="x", level="neuron"), ValueError,
         r"level='neuron' groups backprop's steps by unit; forward mode goes one edge at a time"),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            save_backprop_html(root, path, **kwargs)
    assert not path.exists()


def test_a_page_never_embeds_megabytes_of_walks(tmp_path):
    # MAX_FORWARD_STEPS: every input's walk of a wide sum would be len(leaves) * edges steps
    xs = [Value(float(i), label=f"x{i}") for i in range(150)]
    total = xs[0]
    for v in xs[1:]:
        total = total + v
    assert len(xs) * (2 * len(xs) - 2) > MAX_FORWARD_STEPS
    with pytest.raises(ValueError, match=r"would embed 150 forward walks of 298 steps each .*pass wrt="):
        save_backprop_html(total, tmp_path / "big.html", mode="both")
    _, data = page_data(save_backprop_html(total, tmp_path / "one.html", mode="both", wrt="x7"))
    assert float(data["walks"][1]["steps"][-1]["updates"][0][3]) == 1.0  # d(sum)/dx7


def test_show_steps_takes_the_same_options():
    root, _ = shared_graph()
    widget = show_steps(root, mode="forward", wrt="y")
    assert "Forward mode step by step: f" in widget._repr_html_()
    assert "Order: forward mode, from y on to f" in widget.html()


# --- the command line ---------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_steps_in_forward_order(tmp_path, capsys):
    target = tmp_path / "fwd.html"
    code, out, err = run(capsys, "steps", *NEURON, "--mode", "forward", "--wrt", "x", "-o", str(target))
    assert code == 0 and err == ""
    d = 1 - math.tanh(0.88) ** 2
    lines = out.splitlines()
    start = lines.index("forward mode from x, one edge at a time (5 steps; inputs' tangents: x 1, every other 0):")
    assert lines[start + 1] == "   1. d(x·w)/dx += ∂(x·w)/∂x · dx/dx = w · 1.0 = -3.0 · 1.0 = -3.0"
    assert lines[start + 5].startswith("   5. dL/dx += ∂L/∂(x·w + b) · d(x·w + b)/dx = (1 − tanh(x·w + b)²) · (-3.0)")
    assert lines[start + 5].endswith(f"= {fmt(-3 * d, 6)}")
    assert lines[start + 6] == f"      dL/dx = {fmt(-3 * d, 6)}, the gradient backward() gives x"
    assert "backprop, one edge" not in out  # forward order only
    page, data = page_data(target)
    assert [w["wrt"] for w in data["walks"]] == ["x"] and "Order: forward mode, from x on to L" in page


def test_cli_both_orders(tmp_path, capsys):
    target = tmp_path / "both.html"
    code, out, err = run(capsys, "steps", *NEURON, "--mode", "both", "-o", str(target))
    assert code == 0 and err == ""
    assert "backprop, one edge at a time (5 steps):" in out
    for name in ("x", "w", "b"):
        assert f"forward mode from {name}, one edge at a time" in out
    _, data = page_data(target)
    assert [w["wrt"] for w in data["walks"]] == [None, "x", "w", "b"]


@pytest.mark.parametrize("argv, message", [
    (["--mode", "forward"], "--mode forward needs --wrt NAME"),
    (["--mode", "forward", "--wrt", "z"], "--wrt: z is not a variable given with --at (given: x, w, b)"),
    (["--wrt", "x"], "--wrt is for --mode forward or both"),
    (["--mode", "forward", "--wrt", "x", "--slides", "s"], "--slides draws backprop's steps only"),
    (["--mode", "forward", "--wrt", "x", "--level", "neuron"], "--level neuron groups backprop's steps"),
    (["--mode", "up"], "argument --mode: invalid choice: 'up'"),
])
def test_cli_refuses_what_it_cannot_do(argv, message, capsys, tmp_path):
    code, out, err = run(capsys, "steps", *NEURON, "-o", str(tmp_path / "p.html"), *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "p.html").exists() and not (tmp_path / "s").exists()


def test_hostile_labels_cannot_escape_the_switch(tmp_path):
    x = Value(2.0, label='</script><b onclick="x">&')
    y = x * Value(3.0, label="w")
    page, data = page_data(save_backprop_html(y, tmp_path / "h.html", mode="both"))
    assert page.count("</script>") == 2 and "<b onclick" not in page
    assert '<option value="&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt;&amp;">' in page
    assert data["walks"][1]["wrt"] == '</script><b onclick="x">&'  # the data keeps the name as it is
