"""The chainrule command: graph, steps and demo end to end; hostile expressions refused."""

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest
from viz_svg import all_text, groups, parse

from viz.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[2]
NEURON = ["tanh(x*w + b)", "--at", "x=2", "w=-3", "b=6.88"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def neuron_numbers():
    t = math.tanh(2 * -3 + 6.88)
    d = 1 - t * t
    return t, {"x": -3 * d, "w": 2 * d, "b": d}


def test_graph_prints_value_and_every_gradient_and_writes_svg(tmp_path, capsys):
    target = tmp_path / "neuron.svg"
    code, out, err = run(capsys, "graph", *NEURON, "-o", str(target))
    assert code == 0 and err == ""
    value, grads = neuron_numbers()
    lines = out.splitlines()
    assert lines[0] == f"L = tanh(x*w + b) = {value:.6g}   at x = 2, w = -3, b = 6.88"
    assert lines[1:4] == [f"dL/d{n} = {grads[n]:.6g}" for n in ("x", "w", "b")]
    assert lines[4] == f"wrote {target}"
    svg = parse(target.read_bytes())
    assert len(groups(svg, "node")) == 9  # x w b, x*w, x*w + b, L and three ops
    assert len(groups(svg, "edge")) == 8
    text = all_text(svg)
    for expected in ("x", "w", "b", "x·w", "x·w + b", "data 0.7064", "grad -1.503", "tanh"):
        assert expected in text


def test_graph_json_and_other_formats(tmp_path, capsys):
    code, out, _ = run(capsys, "graph", *NEURON, "--json")
    assert code == 0
    result = json.loads(out)
    value, grads = neuron_numbers()
    assert result["value"] == pytest.approx(value, abs=1e-15)
    assert result["gradients"] == pytest.approx(grads, abs=1e-12)
    code, out, _ = run(capsys, "graph", "x*x", "--at", "x=3", "-o", str(tmp_path / "g.dot"))
    assert code == 0 and (tmp_path / "g.dot").read_text().startswith("digraph")
    assert "dL/dx = 6" in out
    code, _, _ = run(capsys, "graph", "x*x", "--at", "x=3", "-o", str(tmp_path / "g.png"))
    assert code == 0 and (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_params_and_color_by(tmp_path, capsys):
    target = tmp_path / "p.svg"
    code, _, _ = run(capsys, "graph", *NEURON, "--params", "w", "b", "--color-by", "grad", "-o", str(target))
    assert code == 0
    text = all_text(parse(target.read_bytes()))
    assert "parameter" in text and "input" in text and "grad &gt; 0" not in text and "grad > 0" in text
    code, _, err = run(capsys, "graph", *NEURON, "--params", "z")
    assert code == 2 and "--params: z is not a variable" in err


def test_steps_writes_the_page_and_prints_the_equations(tmp_path, capsys):
    target = tmp_path / "steps.html"
    code, out, err = run(capsys, "steps", *NEURON, "-o", str(target))
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert "<svg" in page and "http" not in page
    value, grads = neuron_numbers()
    d = grads["b"]
    assert f"   1. dL/d(x·w + b) += ∂L/∂(x·w + b) = 1 − tanh(x·w + b)² = {d:.6g}" in out   # the same names as Python
    assert f"   5. dL/dw += dL/d(x·w) · ∂(x·w)/∂w = {d:.6g} · x = {d:.6g} · 2.0 = {2 * d:.6g}" in out
    assert f"dL/dw += dL/d(x·w) · ∂(x·w)/∂w = {d:.4g} · x = {d:.4g} · 2.0 = {2 * d:.4g}" in page
    code, out, err = run(capsys, "steps", *NEURON, "-o", str(target), "--level", "neuron")
    assert code == 0, err
    assert "backprop, one neuron at a time (1 step):" in out    # no labelled unit inside: one step for all
    assert f"        dL/dw += ∂L/∂w = (1 − tanh(x·w + b)²)·x = {2 * d:.6g}" in out
    assert f"wrote {target}" in out


HOSTILE = [
    ("__import__('os').system('id')", "attribute access"),
    ("__import__('os')", "__import__() is not an allowed function"),
    ("x.__class__", "attribute access"),
    ("(lambda: 1)()", "calling the result of an expression"),
    ("lambda: 1", "lambda"),
    ("[i for i in range(9)]", "a comprehension"),
    ("{i: i for i in range(9)}", "a comprehension"),
    ("sum(i for i in range(9))", "a generator expression"),  # sum is allowed; a generator is not
    ("9**9**9", "too large for a float"),
    ("x**9**9", "too large for a float"),
    ("exp(1e6)", "too large for a float"),
    ("x*1e308*10", "overflows"),
    ("10**400", "too large for a float"),
    ("1" + "0" * 400, "too large for a float"),
    ("'a' * 3", "a string"),
    ("x[0]", "indexing"),
    ("x if x else 1", "a conditional expression"),
    ("x % 2", "the % operator"),
    ("x == 1", "a comparison"),
    ("tanh(x=1)", "keyword"),
    ("tanh(x, x)", "takes 1 argument"),
    ("open('/etc/passwd')", "open() is not an allowed function"),
    ("y + 1", "unknown name 'y'"),
    ("log(-x)", "log() needs a positive input"),
    ("x / 0", "division by zero"),
    ("x +", "cannot parse"),
    ("(" * 500 + "x" + ")" * 500, "cannot parse"),
    ("", "empty"),
]


@pytest.mark.timeout(30)  # a refusal must never hang (a 10**10**10 computed would): the run fails if it does
@pytest.mark.parametrize("expression,message", HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_hostile_and_broken_expressions_are_refused_with_exit_code_2(expression, message, capsys, tmp_path):
    code, out, err = run(capsys, "graph", expression, "--at", "x=2", "-o", str(tmp_path / "g.svg"))
    assert code == 2
    assert message in err and err.startswith("chainrule graph: error: ")
    assert out == "" and not (tmp_path / "g.svg").exists()


def test_refused_expressions_are_never_evaluated(tmp_path, capsys):
    marker = tmp_path / "pwned"
    for expression in (f"__import__('os').system('touch {marker}')",
                       f"exec(\"open('{marker}', 'w')\")",
                       f"[open('{marker}', 'w') for _ in [1]]"):
        assert run(capsys, "steps", expression, "-o", str(tmp_path / "s.html"))[0] == 2
    assert not marker.exists() and not (tmp_path / "s.html").exists()


@pytest.mark.parametrize("argv,message", [
    (["graph", "x", "--at", "x"], "name=value"),
    (["graph", "x", "--at", "x=abc"], "must be a number"),
    (["graph", "x", "--at", "x=nan"], "must be finite"),
    (["graph", "x", "--at", "x=1", "x=2"], "given twice"),
    (["graph", "x", "--at", "tanh=1"], "function name"),
    (["graph", "x", "--at", "1x=1"], "not a valid variable name"),
    (["graph", "x", "--at", "x=1", "--max-nodes", "0"], "--max-nodes"),
    (["graph", "x*x*x + 1", "--at", "x=1", "--max-nodes", "3"], "5 Values, more than max_nodes=3"),
    (["demo", "nope"], "invalid choice"),
    (["graph"], "the following arguments are required"),
    (["frobnicate"], "invalid choice"),
    ([], "usage: chainrule"),
])
def test_bad_command_lines_exit_2(argv, message, capsys):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "graph", "--help")
    assert code == 0 and "--at NAME=VALUE" in out


def test_missing_dot_exits_1_with_install_hint(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = run(capsys, "graph", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.svg"))
    assert code == 1 and "dL/dx = 2" in out
    assert "sudo apt-get install graphviz" in err and "brew install graphviz" in err and "-o graph.dot" in err
    code, _, _ = run(capsys, "graph", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.dot"))
    assert code == 0 and (tmp_path / "g.dot").exists()


def test_unwritable_output_exits_1(tmp_path, capsys):
    code, _, err = run(capsys, "steps", "x*2", "--at", "x=1", "-o", str(tmp_path / "missing" / "s.html"))
    assert code == 1 and "cannot write" in err


def python(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_as_a_subprocess(tmp_path):
    done = python("-m", "viz.cli", "graph", *NEURON, "-o", "neuron.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("L = tanh(x*w + b) = 0.706419") and (tmp_path / "neuron.svg").exists()
    assert done.stderr == ""
    done = python("-m", "viz", "steps", *NEURON, "-o", "steps.html", "--quiet", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "steps.html").exists()
    done = python("-m", "viz.cli", "graph", "__import__('os').system('id')", cwd=tmp_path)
    assert done.returncode == 2 and "attribute access" in done.stderr and "uid=" not in done.stdout


def test_demo_xor_tutorial_end_to_end(tmp_path, capsys):
    code, out, err = run(capsys, "demo", "xor-by-hand", "--out", str(tmp_path), "--epochs", "3", "--no-progress")
    assert code == 0, err
    folder = tmp_path / "xor-by-hand"
    for name in ("graph.svg", "network.svg", "network_start.svg", "loss.svg", "boundary.svg"):
        parse((folder / name).read_bytes())
    network = all_text(parse((folder / "network_start.svg").read_bytes()))
    # the pictures use sample (1, 1), where no input is 0: Z1 = Z2 = Z3 = 3, D0 = 10, dL/dD0 = 10 - 0 = 10
    assert "grad W10 = 10" in network and "grad V03 = 30" in network  # dL/dV03 = dL/dD0 · Z3 = 10 · 3
    graph = all_text(parse((folder / "graph.svg").read_bytes()))
    assert "W10" in graph and "V00" in graph and "data 50" in graph  # L = ½ (10 - 0)²
    page = (folder / "steps.html").read_text(encoding="utf-8")
    assert "dL/dW10 += dL/dZ1 · ∂Z1/∂W10 = 10.0 · 1.0 = 10.0" in page and "http" not in page  # Z1: one sum
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'src="xor-by-hand/network.svg"' in index and 'href="xor-by-hand/steps.html"' in index
    assert "trained 3 epochs" in out and str(tmp_path.resolve()) in out


def test_demo_all_with_a_progress_bar(tmp_path):
    done = python("-m", "viz.cli", "demo", "all", "--out", "out", "--epochs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "epoch" in done.stderr  # tqdm's bar
    for name in ("xor", "moons", "xor-by-hand", "house-prices"):
        folder = tmp_path / "out" / name
        assert (folder / "steps.html").exists() and (folder / "network.svg").exists()
        assert (folder / "loss.svg").exists() and (folder / "graph.svg").exists()
        assert (folder / "boundary.svg").exists() == (name != "house-prices")


def test_every_function_matches_pytorch(capsys):
    torch = pytest.importorskip("torch")
    expression = ("leaky_relu(-x, 0.1) + relu(x*y) - abs(x)**2 / sqrt(y) + softplus(x)*sigmoid(y)"
                  " + sin(x)*cos(y) + log(y) - exp(-x) + tanh(x/y) + y**x")
    code, out, _ = run(capsys, "graph", expression, "--at", "x=2", "y=0.7", "--json")
    assert code == 0
    result = json.loads(out)
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    F = torch.nn.functional
    t = (F.leaky_relu(-x, 0.1) + torch.relu(x * y) - torch.abs(x) ** 2 / torch.sqrt(y)
         + F.softplus(x) * torch.sigmoid(y) + torch.sin(x) * torch.cos(y)
         + torch.log(y) - torch.exp(-x) + torch.tanh(x / y) + y ** x)
    t.backward()
    assert result["value"] == pytest.approx(t.item(), rel=1e-12)
    assert result["gradients"]["x"] == pytest.approx(x.grad.item(), rel=1e-12)
    assert result["gradients"]["y"] == pytest.approx(y.grad.item(), rel=1e-12)


def test_steps_digits_sets_the_page_too_when_given(tmp_path, capsys):
    # tanh(0.88) = 0.70641932...: the page shows 4 significant digits unless --digits says otherwise
    default, three = tmp_path / "default.html", tmp_path / "three.html"
    assert run(capsys, "steps", *NEURON, "-o", str(default))[0] == 0
    code, out, _ = run(capsys, "steps", *NEURON, "-o", str(three), "--digits", "3")
    assert code == 0 and out.splitlines()[0].startswith("L = tanh(x*w + b) = 0.706 ")
    assert "data 0.7064" in default.read_text(encoding="utf-8")
    page = three.read_text(encoding="utf-8")
    assert "data 0.706" in page and "data 0.7064" not in page
