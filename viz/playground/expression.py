"""The Expression tab: one expression, its graph, its steps in either order (backprop or forward mode) and its
paths."""

from __future__ import annotations

import ast
import math
from typing import Any, Dict, List, Mapping, Optional, Union

from autograd import Value, explain, topological_order
from autograd.expr import ExpressionError, check_expression, evaluate
from autograd.forward_steps import forward_steps_data

from .._render import fmt
from ..expr import parse_pairs
from ..graph import _build, draw_graph
from ..steps import backprop_steps, node_names

__all__ = ["expression_view", "variables", "parse_values", "DEFAULT_VALUE", "ORDERS"]

#: The orders of the chain rule the tab can step through.
ORDERS = ("reverse", "forward")

#: The value a variable gets until the user gives it one.
DEFAULT_VALUE = 1.0


def variables(text: str) -> List[str]:
    """The variable names of an expression, in order of first appearance (functions excluded).

    >>> variables("tanh(x*w + b) + x")
    ['x', 'w', 'b']
    """
    tree = check_expression(text)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = [(n.col_offset, n.id) for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called]
    seen: List[str] = []
    for _, name in sorted(names):
        if name not in seen:
            seen.append(name)
    return seen


def parse_values(text: str) -> Dict[str, float]:
    """``"x=2 w=-3, b=6.88"`` as ``{"x": 2.0, "w": -3.0, "b": 6.88}`` (what the Values field holds).

    >>> parse_values("x=2 w=-3, b=6.88")
    {'x': 2.0, 'w': -3.0, 'b': 6.88}
    >>> parse_values("x=two")
    Traceback (most recent call last):
    ...
    ValueError: values: x must be a number, got 'two'
    """
    messages = {
        "pair": "values: write name=value pairs such as x=2, got {raw!r}",
        "function": "values: {name!r} is a function name; choose another variable name",
        "number": "values: {name} must be a number, got {raw!r}",
        "finite": "values: {name} must be finite, got {raw!r}",
    }
    messages["name"] = messages["pair"]
    return parse_pairs(text, lambda problem, name, raw: ValueError(messages[problem].format(name=name, raw=raw)))


def _values(text: str, given: Union[str, Mapping[str, Any]]) -> Dict[str, float]:
    if isinstance(given, str):
        values = parse_values(given)
    elif isinstance(given, Mapping):
        values = parse_values(" ".join(f"{k}={v}" for k, v in given.items()))
    else:
        raise TypeError(f"expression_view() values must be a str or a dict, got {type(given).__name__}")
    return {name: values.get(name, DEFAULT_VALUE) for name in variables(text)}


def _path_edges(root: Value, leaf: Value, index: Dict[Value, int]) -> Dict[str, List[str]]:
    """The SVG ids (from :func:`draw_graph`) of every node and edge on a path from ``leaf`` up to ``root``."""
    reaches: Dict[Value, bool] = {}
    for v in topological_order(root):  # inputs first
        reaches[v] = v is leaf or any(reaches[p] for p in v.parents)
    nodes, edges = [], []
    for v in topological_order(root):
        if not reaches[v]:
            continue
        nodes.append(f"v{index[v]}")
        used = [k for k, p in enumerate(v.parents) if reaches[p]]
        if used and v is not leaf:
            i = index[v]
            nodes.append(f"op{i}")
            edges += [f"e{i}_{k}" for k in used] + [f"e{i}"]
    return {"nodes": nodes, "edges": edges}


def expression_view(text: str, values: Union[str, Mapping[str, Any]] = "", digits: int = 4,
                    mode: str = "reverse", wrt: Optional[str] = None) -> Dict[str, Any]:
    """Everything the Expression tab shows for ``text`` at ``values``, as JSON-ready data.

    ``values`` is the CLI's ``--at`` text (``"x=2 w=-3"``) or a dict. A variable
    of the expression that is not given is :data:`DEFAULT_VALUE`; a given name
    the expression does not use is ignored. A bad expression or value gives
    ``{"ok": False, "error": message}``, never an exception.

    The result holds the value, each leaf's data and gradient (from
    ``backward()``), the graph as DOT (:func:`~viz.draw_graph`, whose SVG ids
    are ``v<i>``/``op<i>``/``e<i>_<k>``), every step of the backward pass in the
    shared notation (:func:`~viz.backprop_steps`), and for each leaf the ids of
    the nodes and edges on its paths to the root with what
    ``explain(root, wrt=leaf)`` says about them.

    ``mode`` is the order the steps walk: ``"reverse"`` (backprop, the default) or
    ``"forward"``: forward mode from the variable ``wrt`` (its name; None means the
    first variable, and so does a name the expression no longer has, since the page
    may ask with a choice made before the expression was edited: ``wrt_note`` then
    says so). Forward steps come from :func:`autograd.forward_steps_data`, with the
    same keys as the reverse ones; ``end`` is the closing line (``dL/dx = ..., the
    gradient backward() gives x``) and ``tangent`` the root's tangent, ``.grad`` of ``wrt``.

    >>> view = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    >>> [(leaf["name"], round(leaf["grad"], 6)) for leaf in view["leaves"]]
    [('x', -1.502915), ('w', 1.001943), ('b', 0.500972)]
    >>> len(view["steps"]), view["steps"][0]["edge"]
    (5, 'e5_0')
    >>> view["paths"]["x"]["edges"]          # x -> * -> (x*w) -> + -> (x*w + b) -> tanh -> L
    ['e2_0', 'e2', 'e4_0', 'e4', 'e5_0', 'e5']
    >>> expression_view("x +* 2", "x=1")["error"]
    'cannot parse the expression at column 4: invalid syntax'
    >>> fwd = expression_view("tanh(x*w + b)", "x=2 w=-3 b=6.88", mode="forward", wrt="w")
    >>> fwd["wrt"], fwd["steps"][0]["equation"], fwd["tangent"] == view["leaves"][1]["grad"]
    ('w', 'd(x·w)/dw += ∂(x·w)/∂x · dx/dw = w · 0.0 = -3.0 · 0.0 = 0.0', True)
    """
    if mode not in ORDERS:
        return {"ok": False, "error": f"expression_view() mode must be 'reverse' or 'forward', got {mode!r}"}
    if wrt is not None and not isinstance(wrt, str):
        return {"ok": False, "error": f"expression_view() wrt must be a variable's name or None, "
                                      f"got {type(wrt).__name__}: {wrt!r}"}
    try:
        given = _values(text, values)
        # Inner nodes stay unlabelled, so every view names them by their expression
        # (x·w + b), as explain(), the CLI and the step page do.
        out, leaves = evaluate(text, given, label_width=0)
        out.backward()
        order = topological_order(out)
        index = {v: i for i, v in enumerate(order)}
        names = node_names(out)
        root_name = names[out]
        steps = backprop_steps(out, level="edge")
        walk = _walk(out, leaves, index, root_name, steps, digits, mode, wrt)
        graph = draw_graph(out, digits=digits) if mode == "reverse" else _tangent_graph(out, order, walk, digits)
        paths = {}
        for name, leaf in leaves.items():
            ids = _path_edges(out, leaf, index) if leaf in index else {"nodes": [], "edges": []}
            try:
                said = explain(out, wrt=leaf, digits=digits) if leaf in index else f"{root_name} does not use {name}"
            except ValueError as e:  # too many paths to list: say so, and still show the rest
                said = str(e)
            paths[name] = {**ids, "explain": said}
    except (ExpressionError, ValueError, ArithmeticError) as e:
        return {"ok": False, "error": str(e)}
    return {
        "ok": True,
        "expression": text.strip(),
        "root": root_name,
        "root_id": f"v{index[out]}",
        "value": out.data,
        "value_text": f"{root_name} = {_num(out.data)}",
        "leaves": [
            {"name": name, "data": leaf.data, "grad": leaf.grad, "id": f"v{index[leaf]}" if leaf in index else None,
             "grad_text": f"d{root_name}/d{name} = {_num(leaf.grad)}"}
            for name, leaf in leaves.items()
        ],
        "dot": graph.source,
        "description": _describe(out, leaves, root_name, len(order)) + (
            f" Forward mode from {walk['wrt']}: each box's last cell is its tangent d(value)/d{walk['wrt']}, "
            "filled in step by step." if mode == "forward" else ""),
        **walk,
        "paths": paths,
    }


def _walk(out: Value, leaves: Mapping[str, Value], index: Dict[Value, int], root_name: str, steps: List[Any],
          digits: int, mode: str, wrt: Optional[str]) -> Dict[str, Any]:
    """The steps the tab walks through, in the order asked for, and what to say about them."""
    if mode == "reverse":
        return {
            "mode": "reverse", "wrt": None, "end": "",
            "heading": "Backward pass, one edge at a time",
            "steps": [
                {
                    "equation": s.equation(root_name, digits),
                    "result": s.result(root_name, digits),
                    "node": f"v{index[s.node]}",
                    "parent": f"v{index[s.parent]}",
                    "op": f"op{index[s.node]}",
                    "edge": f"e{index[s.node]}_{s.position}",
                    "out": f"e{index[s.node]}",
                }
                for s in steps
            ],
        }
    names = [name for name, leaf in leaves.items() if leaf in index]
    if not names:
        raise ValueError("forward mode needs a variable: this expression has none")
    note = ""
    if wrt is None or wrt not in names:
        if wrt is not None:
            note = f"{wrt} is not in the expression; forward mode from {names[0]} instead"
        wrt = names[0]
    data = forward_steps_data(out, leaves[wrt], digits)
    keys = ("equation", "result", "node", "parent", "op", "edge", "out")
    return {
        "mode": "forward", "wrt": wrt, "wrt_note": note, "end": data["end"],
        "heading": f"Forward mode from {wrt}, one edge at a time",
        "tangent": float(data["rootTangentFull"]),
        # the boxes' tangent cells, written as every picture writes numbers: the inputs' given ones,
        # then [box, tangent, complete] after each step
        "node_ids": [f"v{i}" for i in range(len(index))],
        "seeds": [[id_, fmt(float(t), digits)] for id_, t in data["tangents"].items()],
        "steps": [{**{k: r[k] for k in keys}, "cell": [r["node"], fmt(float(r["tangentFull"]), digits), r["final"]]}
                  for r in data["steps"]],
    }


def _tangent_graph(out: Value, order: List[Value], walk: Dict[str, Any], digits: int) -> Any:
    """The graph with each box's last cell wide enough for every tangent the walk writes in it
    (the page writes ``tangent 1.0 ✓ ◀`` there; "tan" stands for the width "tangent" has over "grad")."""
    texts: Dict[str, List[str]] = {f"v{i}": ["\u2013"] for i in range(len(order))}
    for id_, text in walk["seeds"]:
        texts[id_].append("tan" + text + " \u2713 \u25c0")
    for step in walk["steps"]:
        texts[step["cell"][0]].append("tan" + step["cell"][1] + " \u2713 \u25c0")
    widest = {v: max(texts[f"v{i}"], key=len) for i, v in enumerate(order)}
    return _build(out, order, "LR", None, None, True, digits, grad_text=lambda v: widest[v])


def _num(x: float) -> str:
    """Six significant digits, the precision the page shows beside the graph."""
    return format(x, ".6g") if math.isfinite(x) else repr(x)


def _describe(out: Value, leaves: Mapping[str, Value], root_name: str, size: int) -> str:
    """One sentence for screen readers: what the graph shows."""
    inputs = ", ".join(f"{name} = {_num(v.data)} with gradient {_num(v.grad)}" for name, v in leaves.items())
    return (f"Computation graph of {root_name} = {_num(out.data)}, {size} values in all. "
            f"Inputs: {inputs or 'none'}.")
