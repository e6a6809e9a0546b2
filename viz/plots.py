"""Loss curves and decision boundaries, saved as SVG with matplotlib.

matplotlib is optional (``pip install 'chainrule[plot]'``) and imported only
inside these functions; without it they raise an ``ImportError`` that says
what to install. Figures are drawn without pyplot (no global state, no GUI),
with text kept as text in the SVG.
"""

from __future__ import annotations

import math
import os
import pathlib
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from autograd import as_float, no_grad
from nn.io import PathLike

from ._render import plain_text

__all__ = ["plot_loss", "plot_decision_boundary", "SVGPath"]


# Each class gets its own marker shape as well as its own colour, so the classes
# stay apart for readers who can't tell the colours apart (and in grey print).
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

# Text stays text in the SVG (searchable, readable by screen readers), and the
# ids are salted the same way every time, so the same plot gives the same file.
_SVG_STYLE: Any = {"svg.fonttype": "none", "svg.hashsalt": "chainrule"}


def _matplotlib(who: str) -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"{who}() needs matplotlib: pip install 'chainrule[plot]' (or pip install matplotlib)") \
            from None
    return matplotlib, Figure


def _series(history: Any) -> Dict[str, List[float]]:
    """The per-epoch series in ``history``: a History, a dict, or a list of losses."""
    if isinstance(history, dict):
        source: Dict[str, Any] = history
    elif hasattr(history, "loss") and not isinstance(history, (list, tuple)):
        source = {k: getattr(history, k, None) for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    elif isinstance(history, (list, tuple)) or hasattr(history, "__iter__"):
        source = {"loss": list(history)}
    else:
        raise TypeError(
            f"plot_loss() history must be a History, a dict of lists or a list of losses, got "
            f"{type(history).__name__}: {history!r}"
        )
    out: Dict[str, List[float]] = {}
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        values = source.get(key)
        if values is None:
            continue
        try:
            out[key] = as_float(list(values))
        except (TypeError, ValueError):
            raise TypeError(f"plot_loss() history: {key} must be a list of numbers, got {values!r}"[:300]) from None
    if not out.get("loss"):
        raise ValueError("plot_loss() history: there is no loss to plot (an empty history)")
    return out


def plot_loss(
    history: Any,
    path: Optional[PathLike] = None,
    title: str = "Training loss",
    logy: Optional[bool] = None,
    *,
    ax: Any = None,
) -> Any:
    """Draw the loss per epoch (and accuracy, on a second axis, when present).

    ``history`` is what :func:`nn.fit` returns, a dict with a ``"loss"`` list
    (``"val_loss"``, ``"accuracy"``, ``"val_accuracy"`` are drawn too), or a
    plain list of losses. ``logy`` puts the loss on a log scale; by default
    when every loss is positive and they span more than two decades.

    What comes back depends on where it draws:

    - ``path`` given: an SVG file there, and its path (an :class:`SVGPath`,
      which Jupyter shows as the picture);
    - ``ax`` given (a matplotlib Axes of your own figure): it draws into it and
      returns the Axes;
    - neither: a new matplotlib ``Figure``, which Jupyter shows inline.

    >>> import os, tempfile
    >>> path = plot_loss([1.0, 0.5, 0.3, 0.2], os.path.join(tempfile.mkdtemp(), "loss.svg"))
    >>> path.read_text().count("<svg") == 1 and "epoch" in path.read_text()
    True
    >>> fig = plot_loss([1.0, 0.5, 0.3])
    >>> type(fig).__mro__[1].__name__, fig.axes[0].get_xlabel()
    ('Figure', 'epoch')
    """
    _check_title("plot_loss", title)
    _check_path("plot_loss", path)
    if logy is not None and not isinstance(logy, bool):
        raise TypeError(f"plot_loss() logy must be True, False or None, got {type(logy).__name__}: {logy!r}")
    series = _series(history)
    matplotlib, Figure = _matplotlib("plot_loss")
    loss = series["loss"]
    finite = [v for v in loss + series.get("val_loss", []) if math.isfinite(v)]
    if logy is None:
        logy = bool(finite) and min(finite) > 0 and max(finite) / min(finite) > 100
    with matplotlib.rc_context(_SVG_STYLE):
        fig, ax, own = _canvas(Figure, ax, (6.4, 4.0), "plot_loss")
        epochs = list(range(1, len(loss) + 1))
        ax.plot(epochs, loss, color="#2166ac", label="loss", linewidth=1.8)
        if series.get("val_loss"):
            ax.plot(list(range(1, len(series["val_loss"]) + 1)), series["val_loss"], color="#2166ac",
                    linestyle="--", label="validation loss")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (log scale)" if logy else "loss")
        ax.set_title(f"{plain_text(title)} (final {loss[-1]:.4g})")
        ax.grid(True, alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        if series.get("accuracy"):
            ax2 = ax.twinx()
            ax2.plot(list(range(1, len(series["accuracy"]) + 1)), series["accuracy"], color="#b35c00",
                     label="accuracy", linewidth=1.4)
            if series.get("val_accuracy"):
                ax2.plot(list(range(1, len(series["val_accuracy"]) + 1)), series["val_accuracy"], color="#b35c00",
                         linestyle="--", label="validation accuracy")
            ax2.set_ylabel("accuracy")
            ax2.set_ylim(-0.02, 1.02)
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        ax.legend(handles, labels, loc="center right")
        return _finish(fig, ax, own, path)


def _check_path(who: str, path: Any) -> None:
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}() path must be a str, an os.PathLike or None, got {type(path).__name__}: {path!r}")


def _rows(X: Any) -> List[List[float]]:
    if isinstance(X, (str, bytes)) or not hasattr(X, "__iter__"):
        raise TypeError(f"plot_decision_boundary() X must be rows of two numbers, got {type(X).__name__}: {X!r}")
    rows = []
    for r, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
            raise TypeError(f"plot_decision_boundary() X[{r}] must be a row of numbers, got {row!r}")
        for j, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise (ValueError if isinstance(v, float) else TypeError)(
                    f"plot_decision_boundary() X[{r}][{j}] must be a finite number, got {v!r}")
        rows.append([float(v) for v in row])
    return rows


def _check_title(who: str, title: Any) -> None:
    if not isinstance(title, str):
        raise TypeError(f"{who}() title must be a str, got {type(title).__name__}: {title!r}")


class SVGPath(type(pathlib.Path())):  # type: ignore[misc]
    """The path of the SVG file a plot wrote; Jupyter shows it inline as the picture.

    >>> import os, tempfile
    >>> path = plot_loss([3.0, 1.0], os.path.join(tempfile.mkdtemp(), "loss.svg"))
    >>> isinstance(path, pathlib.Path), path.name, "<svg" in path._repr_svg_()
    (True, 'loss.svg', True)
    """

    def _repr_svg_(self) -> str:
        return self.read_text(encoding="utf-8")


def _save(fig: Any, path: PathLike) -> SVGPath:
    out = SVGPath(path)
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out


def _figure_class(Figure: Any) -> Any:
    """matplotlib's ``Figure`` with an SVG repr, so Jupyter shows it inline
    without pyplot (and without any backend being set up)."""

    class InlineFigure(Figure):
        def _repr_svg_(self) -> str:
            import io

            import matplotlib

            buffer = io.StringIO()
            with matplotlib.rc_context(_SVG_STYLE):
                self.savefig(buffer, format="svg", metadata={"Date": None})
            return buffer.getvalue()

    InlineFigure.__qualname__ = InlineFigure.__name__ = "Figure"
    return InlineFigure


def _canvas(Figure: Any, ax: Any, size: Any, who: str) -> Tuple[Any, Any, bool]:
    """The figure and Axes to draw on, and whether the figure is ours: the
    caller's ``ax`` (its figure is theirs to lay out), or a new figure."""
    if ax is None:
        fig = _figure_class(Figure)(figsize=size)
        return fig, fig.add_subplot(), True
    if not hasattr(ax, "get_figure") or not hasattr(ax, "plot"):
        raise TypeError(f"{who}() ax must be a matplotlib Axes, got {type(ax).__name__}: {ax!r}")
    return ax.get_figure(), ax, False


def _finish(fig: Any, ax: Any, own: bool, path: Optional[PathLike]) -> Any:
    """Save to ``path`` if given (returning the path); else the Axes drawn into
    (when the caller gave one) or the new Figure."""
    if own:
        fig.tight_layout()
    if path is not None:
        return _save(fig, path)
    return fig if own else ax


def _scores(model: Callable[[Any], Any], points: Sequence[Sequence[float]]) -> List[Any]:
    with no_grad():
        outs: List[Any] = []
        for p in points:
            y = model(list(p))
            if isinstance(y, (list, tuple)):
                outs.append(as_float(list(y)))
            else:
                outs.append(as_float(y))
    return outs


def plot_decision_boundary(
    model: Callable[[Any], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    path: Optional[PathLike] = None,
    resolution: int = 80,
    threshold: Optional[float] = None,
    title: str = "Decision boundary",
    *,
    ax: Any = None,
) -> Any:
    """Draw what ``model`` predicts over the plane of its two inputs, with the
    data on top. Like :func:`plot_loss`, it writes an SVG file and returns its
    path when ``path`` is given, draws into ``ax`` (and returns it) when an
    Axes is given, and otherwise returns a new matplotlib ``Figure``.

    A model with one output is a binary classifier: the background shows its
    score, and the boundary is where the score crosses ``threshold`` (by
    default 0.5 for a sigmoid output, else 0: a logit, or a tanh score with
    labels -1/1). A model with several outputs predicts the class with the
    largest score, and each class gets a colour. ``resolution`` points per
    side are evaluated, without recording graphs.

    >>> import os, tempfile
    >>> from autograd import Value
    >>> model = lambda p: Value(p[0] + p[1] - 1.0)            # the line x1 + x2 = 1
    >>> X, y = [[0, 0], [1, 1], [0, 2], [2, 0]], [0, 1, 1, 1]
    >>> path = plot_decision_boundary(model, X, y, os.path.join(tempfile.mkdtemp(), "b.svg"), resolution=20)
    >>> "Decision boundary" in path.read_text()
    True
    """
    _check_title("plot_decision_boundary", title)
    _check_path("plot_decision_boundary", path)
    if not callable(model):
        raise TypeError(f"plot_decision_boundary() model must be a model or a function of one input row, "
                        f"got {type(model).__name__}: {model!r}")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not math.isfinite(threshold)):
        raise (ValueError if isinstance(threshold, float) else TypeError)(
            f"plot_decision_boundary() threshold must be a finite number or None, got {threshold!r}")
    rows = _rows(X)
    if not rows or len(rows) != len(y):
        raise ValueError(f"plot_decision_boundary() needs rows of X with one label each, got {len(rows)} and {len(y)}")
    if any(len(r) != 2 for r in rows):
        raise ValueError("plot_decision_boundary() needs two input features per row (it draws a plane)")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 1000:
        raise ValueError(f"plot_decision_boundary() resolution must be an int from 2 to 1000, got {resolution!r}")
    matplotlib, Figure = _matplotlib("plot_decision_boundary")
    import numpy as np  # matplotlib depends on numpy

    xs, ys = [r[0] for r in rows], [r[1] for r in rows]
    pad_x, pad_y = 0.15 * (max(xs) - min(xs) or 1.0), 0.15 * (max(ys) - min(ys) or 1.0)
    gx = np.linspace(min(xs) - pad_x, max(xs) + pad_x, resolution)
    gy = np.linspace(min(ys) - pad_y, max(ys) + pad_y, resolution)
    grid = [(a, b) for b in gy for a in gx]
    scores = _scores(model, grid)
    labels = [int(v) if float(v) == int(v) else v for v in y]
    classes = sorted(set(labels))
    multi = isinstance(scores[0], list)
    with matplotlib.rc_context({**_SVG_STYLE, "image.composite_image": True}):
        fig, ax, own = _canvas(Figure, ax, (5.6, 4.8), "plot_decision_boundary")
        if multi:
            cls = np.array([max(range(len(s)), key=s.__getitem__) for s in scores]).reshape(resolution, resolution)
            k = max(len(scores[0]), len(classes))
            ax.contourf(gx, gy, cls, levels=np.arange(-0.5, k, 1.0), cmap="tab10", vmin=0, vmax=9, alpha=0.35)
            ax.contour(gx, gy, cls, levels=np.arange(0.5, k - 1, 1.0), colors="k", linewidths=1.0)
        else:
            if threshold is None:
                threshold = 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0
            z = np.array(scores, dtype=float).reshape(resolution, resolution)
            spread = float(np.nanmax(np.abs(z - threshold))) or 1.0
            ax.contourf(gx, gy, z, levels=21, cmap="RdBu", vmin=threshold - spread, vmax=threshold + spread, alpha=0.6)
            if np.nanmin(z) < threshold < np.nanmax(z):
                ax.contour(gx, gy, z, levels=[threshold], colors="k", linewidths=1.5)
        colours = ["#b2182b", "#2166ac"] if len(classes) == 2 and not multi else None
        for i, c in enumerate(classes):
            pts = [r for r, lab in zip(rows, labels) if lab == c]
            colour = colours[i] if colours else matplotlib.colormaps["tab10"](int(c) % 10 if isinstance(c, int) else i)
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=26, color=colour, edgecolors="white",
                       marker=_MARKERS[i % len(_MARKERS)], linewidths=0.6, label=f"class {c}", zorder=3)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title(plain_text(title))
        ax.legend(loc="best", fontsize=8)
        return _finish(fig, ax, own, path)
