"""Views that upper floors lend to lower ones, so ``autograd`` never imports ``viz``.

A ``Value`` in Jupyter shows its graph, and an ``nn`` History plots itself, but
the pictures live in ``viz``, a floor above. Instead of importing upward, a
lower floor asks for a view by name; ``viz`` provides them through the
``chainrule.views`` entry-point group of the installed package (and registers
them again when it is imported, which covers running from a source checkout).
A missing view is ``None``: the caller falls back to text.

>>> register_view("shout", str.upper)
>>> find_view("shout")("backprop"), find_view("no such view")
('BACKPROP', None)
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

__all__ = ["register_view", "find_view"]

GROUP = "chainrule.views"

_views: Dict[str, Callable[..., Any]] = {}
_loaded = False


def register_view(name: str, func: Callable[..., Any]) -> None:
    """Make ``func`` the view called ``name`` (a later registration wins)."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"register_view() name must be a non-empty str, got {name!r}")
    if not callable(func):
        raise TypeError(f"register_view() func must be callable, got {type(func).__name__}: {func!r}")
    _views[name] = func


def find_view(name: str) -> Optional[Callable[..., Any]]:
    """The view called ``name``, loading the installed package's entry points
    the first time; ``None`` if nothing provides it."""
    global _loaded
    if name not in _views and not _loaded:
        _loaded = True
        _load_entry_points()
    return _views.get(name)


def _load_entry_points() -> None:
    try:
        from importlib.metadata import entry_points
    except ImportError:  # pragma: no cover - Python < 3.8
        return
    try:
        found: Any = entry_points()
        group = found.select(group=GROUP) if hasattr(found, "select") else found.get(GROUP, [])
    except Exception:  # pragma: no cover - broken metadata must not break a repr
        return
    for point in group:
        if point.name in _views:
            continue
        try:
            _views[point.name] = point.load()
        except ImportError:  # the providing package is absent or lacks an optional dependency
            continue
