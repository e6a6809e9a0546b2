"""Jupyter-native views: a Value's inline graph, the inline step-through, plots as
figures, History.plot(), and the entry points that lend viz's pictures to lower floors."""

from __future__ import annotations

import configparser
import importlib
import pathlib
import re
import xml.etree.ElementTree as ET

import pytest

import autograd.views as views
from autograd import Value, backprop
from nn import MLP, History, data, fit
from viz import StepThrough, backprop_html, dot_available, show_steps
from viz.inline import INLINE_MAX_NODES, value_svg

ROOT = pathlib.Path(__file__).resolve().parents[2]


def neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    y.backward()
    return y, (x, w, b)


@pytest.mark.skipif(not dot_available(), reason="needs Graphviz's dot")
def test_a_value_displays_as_its_graph_with_data_and_grad():
    y, (x, w, b) = neuron()
    bundle = y._repr_mimebundle_()
    assert bundle["text/plain"] == repr(y)
    root = ET.fromstring(re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>)?", "", bundle["image/svg+xml"]))
    text = " ".join(t.strip() for t in root.itertext() if t.strip())
    for name in ("x", "w", "b", "y"):
        assert name in text.split()
    assert f"grad {w.grad:.4g}" in text or f"grad {round(w.grad, 4):g}" in text


def test_a_big_graph_displays_as_text_only():
    x = Value(1.0, label="x")
    y = x
    for _ in range(INLINE_MAX_NODES):
        y = y + x
    assert value_svg(y) is None
    assert set(y._repr_mimebundle_()) == {"text/plain"}


def test_without_a_view_a_value_is_text(monkeypatch):
    monkeypatch.setattr(views, "_views", {})
    monkeypatch.setattr(views, "_loaded", True)  # and nothing installed to load
    assert Value(3.0)._repr_mimebundle_() == {"text/plain": "Value(data=3.0, grad=0.0)"}


def test_views_come_from_the_installed_entry_points(monkeypatch):
    """The names setup.cfg declares point at real callables, and find_view loads them."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    declared = dict(line.split("=", 1) for line in cfg["options.entry_points"]["chainrule.views"].split("\n") if line)
    declared = {k.strip(): v.strip() for k, v in declared.items()}
    assert set(declared) == {"value_svg", "plot_history"}

    class Point:
        def __init__(self, name, target):
            self.name, self.target = name, target

        def load(self):
            module, attr = self.target.split(":")
            return getattr(importlib.import_module(module), attr)

    class Found(list):
        def select(self, group):
            assert group == "chainrule.views"
            return self

    monkeypatch.setattr(views, "_views", {})
    monkeypatch.setattr(views, "_loaded", False)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda: Found(Point(k, v) for k, v in declared.items()))
    from viz.inline import value_svg as expected_svg
    from viz.plots import plot_loss

    assert views.find_view("value_svg") is expected_svg and views.find_view("plot_history") is plot_loss


def test_register_view_checks_its_arguments():
    with pytest.raises(TypeError, match="register_view\\(\\) name"):
        views.register_view("", print)
    with pytest.raises(TypeError, match="register_view\\(\\) func must be callable, got int: 3"):
        views.register_view("x", 3)


def test_the_step_through_is_the_step_page_in_its_own_frame():
    y, _ = neuron()
    widget = show_steps(y)
    assert isinstance(widget, StepThrough) and widget.html() == backprop_html(y)
    frame = widget._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in frame
    assert "<script" not in frame.split('srcdoc="', 1)[1].split('"', 1)[0]  # the page is escaped inside the attribute
    # two on one page are two frames: each one's keys stay inside it
    assert show_steps(y)._repr_html_() == frame
    with pytest.raises(TypeError, match="StepThrough\\(\\) root must be a Value, got float: 1.0"):
        StepThrough(1.0)
    with pytest.raises(ValueError, match="height must be an int from 100 to 5000 pixels, got 20"):
        StepThrough(y, height=20)


def test_the_step_through_shows_the_same_numbers_as_backward():
    y, (x, w, b) = neuron()
    grads = backprop(y)
    page = show_steps(y).html()
    for leaf in (x, w, b):
        assert leaf.grad == grads[leaf]
        assert f"{leaf.grad:.4g}".rstrip("0").rstrip(".") in page


def test_history_plot_is_a_figure_or_a_file(tmp_path):
    X, y = data.xor()
    history = fit(MLP(2, [3, 1], seed=0), X, y, loss="mse", epochs=4, progress=False)
    fig = history.plot(title="xor")
    assert fig.axes[0].get_title().startswith("xor (final ")
    assert [round(v, 12) for v in fig.axes[0].lines[0].get_ydata()] == [round(v, 12) for v in history.loss]
    path = history.plot(tmp_path / "loss.svg")
    assert path.exists() and "<svg" in path.read_text()
    assert History.plot.__doc__ and "Figure" in History.plot.__doc__
