"""``explain()``: the backward pass in words.

Built on :func:`autograd.steps.backprop_steps`, which replays the engine's
chain rule one edge at a time, and written by :mod:`autograd.notation`, the
one module that renders the chain rule for every view. Two views:

- ``explain(root)``: each computed node with its definition, then one line per
  edge into its inputs, in the order ``backward()`` applies them;
- ``explain(root, wrt=x)``: ``dL/dx`` as the sum, over every path from ``root``
  down to ``x``, of the product of the local derivatives along the path, checked
  against the gradient the backward pass gives ``x``.

``mode`` picks the order of the chain rule; the explainers live in
:data:`EXPLAINERS` (``"reverse"`` here; ``"forward"`` registers its own).
"""

from __future__ import annotations

import html as _html
import math
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import notation
from .engine import backprop, topological_order
from .notation import number as _num
from .ops import STOP
from .steps import Step, backprop_steps
from .value import Value

__all__ = ["explain", "EXPLAINERS", "FORMATS"]

FORMATS = notation.FORMATS
#: How far the sum over paths may stray from the backward pass (relative to the largest term).
TOLERANCE = 1e-9

#: ``mode -> explainer(root, wrt, format, digits, max_paths) -> str``; ``explain`` dispatches on it.
EXPLAINERS: Dict[str, Callable[[Value, Optional[Value], str, int, int], str]] = {}


def _check(root: Any, wrt: Any, format: str, digits: Any, max_paths: Any, mode: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"explain() root must be a Value, got {type(root).__name__}: {root!r}")
    if not isinstance(format, str) or format not in FORMATS:
        raise ValueError(f"explain() format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}")
    if wrt is not None and not isinstance(wrt, Value):
        raise TypeError(f"explain() wrt must be a Value in the graph, got {type(wrt).__name__}: {wrt!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"explain() digits must be an int from 1 to 17, got {digits!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain() max_paths must be a positive int, got {max_paths!r}")
    if not isinstance(mode, str) or mode not in EXPLAINERS:
        raise ValueError(f"explain() mode must be one of {', '.join(map(repr, EXPLAINERS))}, got {mode!r}")


def explain(root: Value, wrt: Optional[Value] = None, format: str = "text", digits: int = 4,
            max_paths: int = 1000, mode: str = "reverse") -> str:
    """The backward pass from ``root`` in words (returned, not printed).

    Without ``wrt``: every computed node, from the root back, with its
    definition and value, then one line per edge into its inputs, in the order
    ``root.backward()`` applies the chain rule (see :mod:`autograd.notation`)::

        dL/dw += dL/dh · ∂h/∂w = upstream · formula = upstream · local = contribution

    ``dL/d…`` is a total derivative (what ``.grad`` holds), ``∂h/∂…`` a local
    one (one op's slope). A number inside the expression is not differentiated
    and gets no line. The last line lists the gradient of every leaf. Nodes are
    called by their one name (:func:`autograd.notation.node_names`): labels,
    else their expression, else ``v<i>``; numbers are rounded to ``digits``
    significant digits.

    With ``wrt=x``: ``dL/dx`` as the chain rule's sum over every path from
    ``root`` down to ``x`` of the product of the local derivatives along the
    path, one line per path, then their total. The total is checked against
    the gradient the backward pass gives ``x`` (what ``root.backward()`` puts
    in a fresh ``x.grad``); a disagreement beyond ``1e-9`` relative raises
    ``ArithmeticError``. The last line says whether ``x.grad`` holds that value.
    Paths multiply quickly (a chain of diamonds doubles them at every step), so
    more than ``max_paths`` paths is a ``ValueError`` saying how many there are.

    ``format``: ``"text"``, ``"markdown"`` (a table), ``"html"`` (a definition
    list) or ``"latex"`` (an ``align*`` environment, for slides). ``mode``:
    ``"reverse"`` (backpropagation) or ``"forward"`` (forward mode from ``wrt``:
    the tangent ``dn/dx`` of every node, inputs first); see :data:`EXPLAINERS`.

    >>> from autograd import Value, explain
    >>> x = Value(2.0, label="x"); w = Value(3.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> L = h + x; L.label = "L"
    >>> print(explain(L))
    L = h + x = 8.0
      dL/dh += ∂L/∂h = 1.0
      dL/dx += ∂L/∂x = 1.0
    h = x·w = 6.0
      dL/dx += dL/dh · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0
      dL/dw += dL/dh · ∂h/∂w = 1.0 · x = 1.0 · 2.0 = 2.0
    so dL/dx = 4.0, dL/dw = 2.0

    ``x`` reaches ``L`` along two paths, directly and through ``h``:

    >>> L.backward()
    >>> print(explain(L, wrt=x))
    dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:
      L ← h ← x: ∂L/∂h · ∂h/∂x = 1.0 · w = 1.0 · 3.0 = 3.0
      L ← x: ∂L/∂x = 1.0
    dL/dx = 3.0 + 1.0 = 4.0, which is x.grad

    Unlabelled nodes are named by their expressions, and numbers get no line:

    >>> print(explain((x * w + 1).tanh()))
    L = tanh(x·w + 1) = 1.0
      dL/d(x·w + 1) += ∂L/∂(x·w + 1) = 1 − tanh(x·w + 1)² = 3.326e-06
    x·w + 1 = 7.0
      dL/d(x·w) += dL/d(x·w + 1) · ∂(x·w + 1)/∂(x·w) = 3.326e-06 · 1.0 = 3.326e-06
    x·w = 6.0
      dL/dx += dL/d(x·w) · ∂(x·w)/∂x = 3.326e-06 · w = 3.326e-06 · 3.0 = 9.978e-06
      dL/dw += dL/d(x·w) · ∂(x·w)/∂w = 3.326e-06 · x = 3.326e-06 · 2.0 = 6.652e-06
    so dL/dx = 9.978e-06, dL/dw = 6.652e-06
    """
    _check(root, wrt, format, digits, max_paths, mode)
    return EXPLAINERS[mode](root, wrt, format, digits, max_paths)


def _reverse(root: Value, wrt: Optional[Value], format: str, digits: int, max_paths: int) -> str:
    if wrt is None:
        return _backward_pass(root, backprop_steps(root, level="edge"), format, digits)
    # One gradient needs the names and the backward pass's numbers, not every step's text.
    graph = notation.GraphNames(root)
    table = graph.table("text")
    if wrt not in table.names:
        shown = f"{wrt.label!r}" if wrt.label else repr(wrt)
        raise ValueError(f"explain(): wrt={shown} is not in the graph of {table.root_name}; "
                         f"{table.root_name} does not depend on it")
    if wrt.is_constant:
        raise ValueError(f"explain(): wrt={wrt.data!r} is a number inside the expression; numbers are not "
                         f"differentiated (make it a Value to get its gradient)")
    return _paths(root, wrt, graph, format, digits, max_paths)


EXPLAINERS["reverse"] = _reverse


# --- the backward pass, node by node ---------------------------------------------------------------

def _backward_pass(root: Value, steps: List[Step], format: str, digits: int) -> str:
    graph = steps[0].graph if steps else notation.GraphNames(root)
    base = "latex" if format == "latex" else "text"
    table = graph.table(base)
    groups: List[Tuple[Value, List[str]]] = []
    for s in steps:
        if not groups or groups[-1][0] is not s.node:
            groups.append((s.node, [notation._definition(s.node, table, digits)]))
        groups[-1][1].append(s.equation(digits=digits, format=base))
    leaves = [v for v in topological_order(root) if v.is_leaf and not v.is_constant and v is not root]
    final = {s.parent: s.parent_grad_after for s in steps}
    summary = ", ".join(
        f"{notation.total(table.root_name if base == 'latex' else _arg(table.root_name), table.arg(v), base)}"
        f" = {_num(final.get(v, 0.0), digits, base)}" for v in leaves)
    blocks = [lines for _, lines in groups]
    if format == "text":
        if not steps:
            return f"{table.root_name} depends on nothing: there is no edge to pass a gradient along"
        out = []
        for lines in blocks:
            out.append(lines[0])
            out += [f"  {line}" for line in lines[1:]]
        return "\n".join(out + [f"so {summary}"])
    if format == "markdown":
        out = ["| step | chain rule |", "|---:|---|"]
        k = 0
        for lines in blocks:
            out.append(f"| | **{notation.render(lines[0], 'markdown')}** |")
            for line in lines[1:]:
                k += 1
                out.append(f"| {k} | {notation.render(line, 'markdown')} |")
        return "\n".join(out + ["", f"so {notation.render(summary, 'markdown')}" if steps else ""]).rstrip()
    if format == "html":
        out = ['<dl class="chainrule-explain">']
        for lines in blocks:
            out.append(f"<dt>{_html.escape(lines[0])}</dt>")
            out += [f"<dd>{_html.escape(line)}</dd>" for line in lines[1:]]
        out.append("</dl>")
        if steps:
            out.append(f"<p>so {_html.escape(summary)}</p>")
        return "\n".join(out)
    rows = []
    for lines in blocks:
        rows.append(lines[0].replace(" = ", " &= ", 1))
        rows += [line.replace(r" \mathrel{+}= ", r" &\mathrel{+}= ", 1) for line in lines[1:]]
    if steps:
        rows.append(r"&\text{so } " + summary)
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def _arg(name: str) -> str:
    return name if notation._plain(name) else f"({name})"


# --- one gradient, path by path ----------------------------------------------------------------------

def _count_paths(order: List[Value], wrt: Value) -> Dict[Value, int]:
    """For every node of ``order`` (inputs first), how many paths lead from it down to ``wrt``
    (0 when none)."""
    counts: Dict[Value, int] = {}
    for v in order:
        counts[v] = 1 if v is wrt else sum(counts[p] for p in v.parents)
    return counts


def _paths(root: Value, wrt: Value, graph: notation.GraphNames, format: str, digits: int, max_paths: int) -> str:
    text = graph.table("text")
    order = list(text.names)  # every node, inputs first: the names table is made in that order
    counts = _count_paths(order, wrt)
    total_paths = counts[root]
    base = "latex" if format == "latex" else "text"
    table = graph.table(base)
    root_name, wrt_name = text.root_name, text.names[wrt]
    if total_paths > max_paths:
        raise ValueError(
            f"explain(): there are {total_paths} paths from {root_name} to {wrt_name}, more than "
            f"max_paths={max_paths}. Pass max_paths={total_paths} to list them all, or call explain(root) "
            f"without wrt for the backward pass, which takes one line per edge instead of one per path."
        )
    expected = 1.0 if wrt is root else backprop(root)[wrt]  # what backward() gives wrt, .grad untouched

    # Depth-first over edges, from the root down to wrt, first inputs first; no recursion. Each
    # stack entry links to the one it came from, so a long path is never copied edge by edge.
    paths: List[List[Tuple[Value, int]]] = []
    stack: List[Tuple[Value, Any]] = [(root, None)]
    while stack:
        node, link = stack.pop()
        if node is wrt:
            path: List[Tuple[Value, int]] = []
            while link is not None:
                path.append(link[0])
                link = link[1]
            path.reverse()
            paths.append(path)
            continue
        branches = [(p, i) for i, p in enumerate(node.parents) if counts[p]]
        for parent, position in reversed(branches):
            stack.append((parent, ((node, position), link)))

    R = table.root_name if base == "latex" else _arg(table.root_name)
    X = table.arg(wrt)
    arrow = r" \leftarrow " if base == "latex" else " ← "
    rows = []
    products = []
    for path in paths:
        chain = arrow.join([table.root_name] + [table.name(node.parents[i]) for node, i in path])
        factors_ = [node.local_derivatives()[position] for node, position in path]
        product = 0.0 if any(f is STOP for f in factors_) else math.prod(factors_)  # a mask stops the path
        products.append(product)
        rows.append((chain, notation._path(path, table, digits) if path else f"{R} = 1.0"))

    total = _sum_over_paths(order, root, wrt, counts)
    _agree(total, expected, products, root_name, wrt_name)
    note = _grad_note(wrt, expected, root_name, wrt_name)
    terms = " + ".join(_num(p, digits, base) for p in products).replace("+ -", "- " if base == "latex" else "− ")
    head_total = notation.total(R, X, base)
    result = f"{head_total} = " + (f"{terms} = " if len(products) > 1 else "") + _num(total, digits, base)
    plain_total = notation.total(_arg(root_name), _arg(wrt_name))
    if wrt is root:
        head = f"{root_name} is the root itself: its gradient is 1.0"
    elif total_paths == 1:
        head = (f"{plain_total} is the product of the local derivatives along the one path "
                f"from {root_name} to {wrt_name}:")
    else:
        head = (f"{plain_total} is the sum over the {total_paths} paths from {root_name} to {wrt_name} "
                f"of the product of the local derivatives along each:")
    if format == "text":
        lines = [head] + [f"  {chain}: {factors}" for chain, factors in rows if chain != root_name or factors]
        if wrt is root:
            return f"{head}, {note}"
        lines.append(f"{result}, {note}")
        return "\n".join(lines)
    if format == "markdown":  # one line per row: a label with a newline must not end a table row
        lines = [_flat(head), "", "| path | product of the local derivatives |", "|---|---|"]
        lines += [f"| {_flat(notation.render(chain, 'markdown'))} | {_flat(notation.render(factors, 'markdown'))} |"
                  for chain, factors in rows]
        lines += ["", _flat(f"{notation.render(result, 'markdown')}, {note}")]
        return "\n".join(lines)
    if format == "html":
        lines = [f"<p>{_html.escape(head)}</p>", '<dl class="chainrule-explain">']
        for chain, factors in rows:
            lines += [f"<dt>{_html.escape(chain)}</dt>", f"<dd>{_html.escape(factors)}</dd>"]
        lines += ["</dl>", f"<p>{_html.escape(result)}, {_html.escape(note)}</p>"]
        return "\n".join(lines)
    body = [f"&{chain}\\colon & {factors}" for chain, factors in rows]
    body.append(f"&& {result}")
    return "\\begin{alignat*}{2}\n" + " \\\\\n".join(body) + "\n\\end{alignat*}"


def _sum_over_paths(order: List[Value], root: Value, wrt: Value, counts: Dict[Value, int]) -> float:
    """The sum over all paths of the products of local derivatives, by dynamic programming in
    topological order (each node's sum from its inputs' sums): linear time, never enumerating,
    and no ``fsum`` (which refuses inf + -inf)."""
    through: Dict[Value, Any] = {}
    for v in order:  # inputs first
        if v is wrt:
            through[v] = 1.0
            continue
        if not counts.get(v):
            continue
        locals_ = v.local_derivatives()
        parts = [locals_[i] * through[p] for i, p in enumerate(v.parents)
                 if counts.get(p)]  # only inputs that lead to wrt: no inf * 0 from elsewhere
        # a product through a mask (relu at x <= 0) is STOP, which stops what comes after it too
        if parts and all(part is STOP for part in parts):
            through[v] = STOP
        else:
            through[v] = sum((part for part in parts if part is not STOP), 0.0)
    return float(through.get(root, 0.0))


def _flat(text: str) -> str:
    """``text`` on one line (newlines in labels become spaces)."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _which(node: Value, position: int) -> str:
    """``[1]``/``[2]`` after a factor when ``node`` uses the same input twice (``x * x``)."""
    parents = node.parents
    return f"[{position + 1}]" if len(parents) == 2 and parents[0] is parents[1] else ""


def _agree(total: float, expected: float, products: List[float], root_name: str, wrt_name: str) -> None:
    """Raise ArithmeticError unless the sum over paths is the backward pass's gradient."""
    if not (math.isfinite(total) and math.isfinite(expected)):
        # inf and nan: inf - inf has no value, so the order in which the two passes add up the
        # same products decides between inf and nan. Not a disagreement of rules.
        return
    else:
        scale = max([abs(expected)] + [abs(p) for p in products if math.isfinite(p)] + [1e-300])
        if abs(total - expected) <= TOLERANCE * scale:
            return
    raise ArithmeticError(
        f"explain(): the {len(products)} path products for d{root_name}/d{wrt_name} add up to {total!r}, "
        f"but the backward pass gives {expected!r}; the chain rule says they must agree, so this is a bug "
        f"in the op table or the engine"
    )


def _grad_note(wrt: Value, expected: float, root_name: str, wrt_name: str) -> str:
    """Whether ``wrt.grad`` holds the gradient, in words."""
    grad = wrt.grad
    grad = float(grad.data if isinstance(grad, Value) else grad)
    both_nan = math.isnan(grad) and math.isnan(expected)
    close = grad == expected or both_nan or (math.isfinite(grad) and math.isfinite(expected)
                                 and abs(grad - expected) <= TOLERANCE * max(abs(expected), 1e-300))
    if close:
        return f"which is {wrt_name}.grad"
    if grad == 0.0:
        return f"which {wrt_name}.grad will hold after {root_name}.backward() (it is 0.0 now)"
    return (f"the gradient backward() gives; {wrt_name}.grad holds {grad!r} because gradients accumulate "
            f"(zero them before each backward())")


# Forward mode registers its own explainer (autograd/forward_explain.py).
from .forward_explain import explain_mode as _forward  # noqa: E402

EXPLAINERS["forward"] = _forward
