"""plot_loss and plot_decision_boundary: SVG files from matplotlib, imported only there."""

import subprocess
import sys

import pytest
from viz_svg import parse

from autograd import Value
from nn import MLP, data, fit
from viz import plot_decision_boundary, plot_loss

pytest.importorskip("matplotlib")


def svg_text(path):
    text = path.read_text(encoding="utf-8")
    parse(text)
    return text


def test_plot_loss_from_a_list(tmp_path):
    path = plot_loss([2.0, 1.0, 0.5, 0.25], tmp_path / "loss.svg")
    text = svg_text(path)
    assert path == tmp_path / "loss.svg"
    for label in ("epoch", "loss", "final 0.25"):
        assert label in text
    assert "accuracy" not in text


def test_plot_loss_from_a_history_with_accuracy(tmp_path):
    X, y = data.xor()
    history = fit(MLP(2, [4, 1], activation="tanh", seed=3), X, y, loss="bce_logits", lr=0.5, epochs=20,
                  progress=False)
    text = svg_text(plot_loss(history, tmp_path / "h.svg", title="xor"))
    assert "accuracy" in text and "xor" in text and f"{history.loss[-1]:.4g}" in text
    text = svg_text(plot_loss({"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}, tmp_path / "d.svg"))
    assert "validation loss" in text


def test_plot_loss_log_scale_when_the_loss_spans_decades(tmp_path):
    text = svg_text(plot_loss([10.0 ** -k for k in range(6)], tmp_path / "log.svg"))
    assert "loss (log scale)" in text
    assert "log scale" not in svg_text(plot_loss([3.0, 2.0], tmp_path / "lin.svg"))
    assert "log scale" not in svg_text(plot_loss([10.0 ** -k for k in range(6)], tmp_path / "l2.svg", logy=False))


def test_plot_loss_errors(tmp_path):
    with pytest.raises(ValueError, match="no loss"):
        plot_loss([], tmp_path / "x.svg")
    with pytest.raises(TypeError):
        plot_loss(3.0, tmp_path / "x.svg")


def test_decision_boundary_binary_and_multiclass(tmp_path):
    X, y = data.xor()
    model = MLP(2, [4, 1], activation="tanh", seed=3)
    fit(model, X, y, loss="bce_logits", lr=0.5, epochs=100, progress=False)
    text = svg_text(plot_decision_boundary(model, X, y, tmp_path / "b.svg", resolution=25))
    assert "class 0" in text and "class 1" in text and "Decision boundary" in text
    Xs, ys = data.spiral(n=30, classes=3)
    text = svg_text(plot_decision_boundary(MLP(2, [3], seed=0), Xs, ys, tmp_path / "m.svg", resolution=15))
    assert "class 2" in text


def test_decision_boundary_errors(tmp_path):
    with pytest.raises(ValueError, match="two input features"):
        plot_decision_boundary(lambda p: Value(0.0), [[1.0, 2.0, 3.0]], [1], tmp_path / "x.svg")
    with pytest.raises(ValueError, match="one label each"):
        plot_decision_boundary(lambda p: Value(0.0), [[1.0, 2.0]], [], tmp_path / "x.svg")


def test_missing_matplotlib_says_what_to_install(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(ImportError, match=r"plot_loss\(\) needs matplotlib: pip install 'chainrule\[plot\]'"):
        plot_loss([1.0], tmp_path / "x.svg")
    with pytest.raises(ImportError, match=r"plot_decision_boundary\(\) needs matplotlib"):
        plot_decision_boundary(lambda p: Value(0.0), [[1.0, 2.0]], [1], tmp_path / "x.svg")


def test_matplotlib_is_imported_only_by_the_plot_functions():
    code = "import sys, viz, viz.cli, viz.demo; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- in Jupyter: a Figure when no path is given, or draw into an Axes -----------------------

def test_plots_return_a_figure_without_a_path():
    from matplotlib.figure import Figure

    from autograd import Value

    fig = plot_loss([1.0, 0.5, 0.25], title="three")
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "three (final 0.25)"
    assert list(fig.axes[0].lines[0].get_ydata()) == [1.0, 0.5, 0.25]
    svg = fig._repr_svg_()  # what Jupyter shows, with no pyplot and no backend
    assert svg.count("<svg") == 1 and "three (final 0.25)" in svg and svg == fig._repr_svg_()
    boundary = plot_decision_boundary(lambda p: Value(p[0] - p[1]), [[0, 1], [1, 0]], [0, 1], resolution=8)
    assert isinstance(boundary, Figure) and boundary.axes[0].get_title() == "Decision boundary"


def test_plots_draw_into_your_axes():
    from matplotlib.figure import Figure

    from autograd import Value

    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plot_loss([3.0, 2.0], ax=left) is left
    assert plot_decision_boundary(lambda p: Value(p[0] - p[1]), [[0, 1], [1, 0]], [0, 1], resolution=8,
                                  ax=right, title="mine") is right
    assert left.get_xlabel() == "epoch" and right.get_title() == "mine"
    with pytest.raises(TypeError, match=r"plot_loss\(\) ax must be a matplotlib Axes, got str: 'ax'"):
        plot_loss([1.0], ax="ax")


def test_classes_differ_by_marker_shape_as_well_as_colour():
    from autograd import Value

    fig = plot_decision_boundary(lambda p: Value(p[0] - p[1]), [[0, 1], [1, 0], [2, 0]], [0, 1, 1], resolution=8)
    markers = [c.get_paths()[0].vertices.tolist() for c in fig.axes[0].collections if c.get_label().startswith("class")]
    assert len(markers) == 2 and markers[0] != markers[1]
