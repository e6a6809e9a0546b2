"""Hostile input to the command and the pictures: clear errors, valid files, never a traceback."""

import json
import os
import stat
import xml.dom.minidom

import pytest

from autograd import AnomalyError, Value, detect_anomaly, no_grad
from viz import GraphvizError, draw_graph
from viz.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the command ------------------------------------------------------------------------------


def test_a_huge_leaky_relu_slope_is_an_error_not_a_traceback(capsys):
    code, out, err = run(capsys, "graph", "leaky_relu(x, 1" + "0" * 400 + ")", "--at", "x=2")
    assert code == 2 and out == ""
    assert err.startswith("chainrule graph: error: the slope of leaky_relu() 1000") and "too large for a float" in err
    assert "Traceback" not in err


@pytest.fixture
def crashing_dot(tmp_path, monkeypatch):
    """A ``dot`` that dies of a segmentation fault, as Graphviz does on graphs it cannot lay out."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    dot = bindir / "dot"
    dot.write_text("#!/bin/sh\ncat > /dev/null\necho 'Error: trouble in init_rank' >&2\nkill -SEGV $$\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return dot


@pytest.mark.skipif(os.name != "posix", reason="a shell-script dot")
def test_dot_crashing_is_a_clear_error(capsys, tmp_path, crashing_dot):
    terms = " + ".join(f"x*{i}" for i in range(1, 60))
    code, out, err = run(capsys, "graph", terms, "--at", "x=2", "-o", str(tmp_path / "g.svg"))
    assert code == 1
    assert "chainrule graph: error: Graphviz's dot could not draw this graph (" in err
    assert "killed by signal 11" in err and "trouble in init_rank" in err and "Traceback" not in err
    code, out, err = run(capsys, "steps", "x*y", "--at", "x=2", "y=3", "-o", str(tmp_path / "s.html"))
    assert code == 1 and "Graphviz's dot could not draw" in err
    with pytest.raises(GraphvizError, match="killed by signal 11"):
        draw_graph(Value(1.0) * 2).pipe(format="svg")
    crashing_dot.write_text("#!/bin/sh\nkill -SEGV $$\n")  # dies before reading: a broken pipe
    big = sum((Value(float(i)) for i in range(400)), Value(0.0))
    with pytest.raises(GraphvizError, match=r"\(\d+ nodes\): it stopped before reading the whole graph"):
        draw_graph(big, max_nodes=None).pipe(format="svg")


def test_json_output_is_strict_json(capsys):
    code, out, err = run(capsys, "graph", "sqrt(x) * y + abs(z)", "--at", "x=0", "y=3", "z=1", "--json")
    assert code == 0
    data = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert data["gradients"] == {"x": "inf", "y": 0.0, "z": 1.0}  # torch: d sqrt(x)/dx at 0 is inf
    assert float(data["gradients"]["x"]) == float("inf")


def test_repeated_at_options_add_up(capsys):
    code, out, _ = run(capsys, "graph", "x*y", "--at", "x=2", "--at", "y=3")
    assert code == 0 and out.splitlines() == ["L = x*y = 6   at x = 2, y = 3", "dL/dx = 3", "dL/dy = 2"]
    code, _, err = run(capsys, "graph", "x*y", "--at", "x=2", "--at", "x=3", "y=1")
    assert code == 2 and "x is given twice" in err


# --- pictures ---------------------------------------------------------------------------------


def test_a_20000_character_label_is_cut_and_drawn():
    x = Value(2.0, label="x" * 20_000)
    svg = draw_graph(x * 3).pipe(format="svg", encoding="utf-8")
    assert "x" * 499 + "…" in svg and "x" * 501 not in svg


def test_a_lone_surrogate_label_is_drawn_escaped():
    x = Value(2.0, label="bad\ud800label")
    svg = draw_graph(x * 3).pipe(format="svg", encoding="utf-8")
    assert "bad\\ud800label" in svg
    xml.dom.minidom.parseString(svg.encode("utf-8"))


def test_a_plot_title_with_control_characters_writes_valid_xml(tmp_path):
    pytest.importorskip("matplotlib")
    from viz import plot_loss

    path = plot_loss([1.0, 0.5], tmp_path / "loss.svg", title="loss\x00\x07 \x1b[31mred")
    text = path.read_text(encoding="utf-8")
    xml.dom.minidom.parseString(text.encode("utf-8"))
    assert "loss\\x00\\x07 \\x1b[31mred" in text
    with pytest.raises(TypeError, match=r"plot_loss\(\) title must be a str, got int: 5"):
        plot_loss([1.0], tmp_path / "l.svg", title=5)


def test_an_anomaly_under_no_grad_names_its_inputs():
    a = Value(1e200, label="a")
    with no_grad(), detect_anomaly(), pytest.raises(AnomalyError) as info:
        a * a
    assert str(info.value) == "mul produced inf from inputs a=1e+200, a=1e+200"
    with no_grad(), detect_anomaly(), pytest.raises(AnomalyError) as info:
        a * 1e200
    assert str(info.value) == "mul produced inf from inputs a=1e+200, 1e+200"
