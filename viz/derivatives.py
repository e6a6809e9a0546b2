"""Pictures of numeric differentiation: the V-shaped error of finite differences.

Needs matplotlib (``pip install 'chainrule[plot]'``), imported only when called.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence

from autograd.numeric import step_size_errors

from ._render import PALETTE
from .plots import _SVG_STYLE, PathLike, _canvas, _check_title, _finish, _matplotlib

__all__ = ["plot_step_size_errors"]

#: The machine epsilon of a float: the spacing of floats near 1.
EPS = 2.0 ** -52

#: Each scheme's colour, line style and marker: colour is never the only difference.
_STYLE = {
    "forward": dict(color=PALETTE["positive"], linestyle="-", marker="o"),
    "backward": dict(color=PALETTE["active"], linestyle=":", marker="^"),
    "central": dict(color=PALETTE["updated"], linestyle="--", marker="s"),
}


def plot_step_size_errors(
    f: Callable[[Any], Any],
    x: float,
    path: Optional[PathLike] = None,
    schemes: Sequence[str] = ("forward", "central"),
    steps: Optional[Sequence[float]] = None,
    title: str = "Finite differences: error against step size",
    *,
    ax: Any = None,
) -> Any:
    """Draw the error of finite differences of ``f`` at ``x`` against the step size ``h``,
    on log-log axes, one line per scheme (see :func:`autograd.numeric.step_size_errors`).

    The exact derivative comes from reverse mode. Each curve is a V: to the
    right the truncation error falls as ``h`` (forward) or ``h²`` (central) shrinks;
    to the left the rounding error ``≈ ε·|f|/h`` rises (a dotted guide line).
    The bottom of each V is ringed, and the legend gives its step and error.

    Returns as :func:`viz.plot_loss`: the SVG path when ``path`` is given, the
    Axes when ``ax`` is, else a new matplotlib Figure.

    >>> fig = plot_step_size_errors(lambda x: x.exp(), 1.0)
    >>> ax = fig.axes[0]
    >>> ax.get_xscale(), ax.get_yscale(), ax.get_xlabel()
    ('log', 'log', 'step size h')
    >>> for text in ax.get_legend().get_texts()[:2]:
    ...     print(text.get_text())
    forward difference (f(x+h) − f(x))/h: best h ≈ 1e-08, error 7e-09
    central difference (f(x+h) − f(x−h))/2h: best h ≈ 3e-06, error 3e-11
    """
    _check_title("plot_step_size_errors", title)
    if isinstance(schemes, str) or not schemes:
        raise TypeError(f"plot_step_size_errors() schemes must be a non-empty list of names, got {schemes!r}")
    rows = {scheme: step_size_errors(f, x, steps=steps, scheme=scheme) for scheme in schemes}
    matplotlib, Figure = _matplotlib("plot_step_size_errors")
    names = {
        "forward": "forward difference (f(x+h) − f(x))/h",
        "backward": "backward difference (f(x) − f(x−h))/h",
        "central": "central difference (f(x+h) − f(x−h))/2h",
    }
    with matplotlib.rc_context(_SVG_STYLE):
        fig, ax, own = _canvas(Figure, ax, (7.0, 5.4), "plot_step_size_errors")
        floor = math.inf
        for scheme, data in rows.items():
            # an error of exactly 0 (a lucky rounding) has no place on a log axis: it is left out
            hs = [r.h for r in data]
            errors = [r.error for r in data]
            floor = min([floor] + [e for e in errors if e > 0])
            best = min((r for r in data if r.error > 0), key=lambda r: r.error, default=None)
            label = names[scheme] + (f": best h ≈ {best.h:.0e}, error {best.error:.0e}" if best else "")
            style = _STYLE[scheme]
            ax.plot(hs, [e if e > 0 else math.nan for e in errors], label=label, linewidth=1.6,
                    markersize=3.5, **style)
            if best is not None:  # the bottom of the V, ringed
                ax.plot([best.h], [best.error], linestyle="none", marker="o", markersize=11,
                        markerfacecolor="none", markeredgecolor=style["color"], markeredgewidth=1.6)
        every = sorted({r.h for data in rows.values() for r in data})
        value = abs(_value(f, x))
        scale = max(value, 1e-300)
        # guide lines: rounding error ε|f|/h (left arm), truncation ∝ h (right arm of the forward V)
        left = [h for h in every if h <= 1e-6]
        if left:
            ax.plot(left, [EPS * scale / h for h in left], color=PALETTE["muted"], linestyle=(0, (1, 3)),
                    linewidth=1.0, label="rounding error ≈ ε·|f(x)|/h")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(bottom=max(floor / 10, 1e-17))
        ax.invert_xaxis()  # from large steps to small ones, as one tries them
        ax.set_xlabel("step size h")
        ax.set_ylabel("|finite difference − exact derivative|")
        ax.set_title(title, fontsize=11)
        ax.text(0.02, 0.03, "truncation error:\nsmaller as h shrinks →", transform=ax.transAxes, ha="left",
                va="bottom", fontsize=8.5, color=PALETTE["text"])
        ax.text(0.98, 0.03, "rounding error:\n← larger as h shrinks", transform=ax.transAxes, ha="right",
                va="bottom", fontsize=8.5, color=PALETTE["text"])
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8.5, frameon=False)
        return _finish(fig, ax, own, path)


def _value(f: Callable[[Any], Any], x: float) -> float:
    from autograd import Value

    out = f(Value(float(x)))
    return float(getattr(out, "data", out))
