"""plot_step_size_errors draws the measured errors of finite differences, V and all."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("matplotlib")

from autograd import step_size_errors  # noqa: E402
from viz import plot_step_size_errors  # noqa: E402


def f(x):
    return x.sin() * x.exp()


def test_the_lines_are_the_measured_errors():
    fig = plot_step_size_errors(f, 0.7, schemes=("forward", "backward", "central"))
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if "difference" in line.get_label()]
    assert len(lines) == 3
    for line, scheme in zip(lines, ("forward", "backward", "central")):
        rows = step_size_errors(f, 0.7, scheme=scheme)
        assert list(line.get_xdata()) == [r.h for r in rows]
        ys = list(line.get_ydata())
        assert all(y == r.error or (math.isnan(y) and r.error == 0) for y, r in zip(ys, rows))
        best = min((r for r in rows if r.error > 0), key=lambda r: r.error)
        assert f"best h ≈ {best.h:.0e}, error {best.error:.0e}" in line.get_label()
    assert ax.xaxis_inverted() and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    # the styles differ by more than colour
    assert len({(line.get_linestyle(), line.get_marker()) for line in lines}) == 3


def test_writes_an_svg_and_draws_into_an_axes(tmp_path):
    path = plot_step_size_errors(f, 0.7, tmp_path / "v.svg", schemes=["central"])
    assert path.exists() and "step size h" in path.read_text(encoding="utf-8")
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    assert plot_step_size_errors(f, 0.7, ax=ax) is ax


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"plot_step_size_errors\(\) schemes must be a non-empty list"):
        plot_step_size_errors(f, 0.7, schemes="central")
    with pytest.raises(ValueError, match=r"step_size_errors\(\) scheme must be"):
        plot_step_size_errors(f, 0.7, schemes=["left"])
    with pytest.raises(TypeError, match=r"plot_step_size_errors\(\) title must be a str"):
        plot_step_size_errors(f, 0.7, title=3)
