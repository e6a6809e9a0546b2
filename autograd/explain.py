"""``explain()``: the backward pass in words.

Built on :func:`autograd.steps.backprop_steps`, which replays the engine's
chain rule one edge at a time; this module only puts those steps into
sentences. Two views:

- ``explain(root)``: one line per edge, in the order ``backward()`` applies
  them, each ``dL/dparent += dL/dnode * dnode/dparent = upstream * local = contribution``;
- ``explain(root, wrt=x)``: ``dL/dx`` as the sum, over every path from ``root``
  down to ``x``, of the product of the local derivatives along the path, checked
  against the gradient the backward pass gives ``x``.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from .engine import topological_order
from .ops import VARIADIC
from .steps import Step, _d, backprop_steps, node_names
from .value import Value

__all__ = ["explain"]

FORMATS = ("text", "markdown")
#: How far the sum over paths may stray from the backward pass (relative to the largest term).
TOLERANCE = 1e-9


def _num(x: Any, digits: int) -> str:
    """``x`` rounded to ``digits`` significant digits, written as a Python float.

    >>> _num(4, 4), _num(0.70710678, 4), _num(-1.4999999999999993, 4), _num(-0.0, 4), _num(1e-20, 4)
    ('4.0', '0.7071', '-1.5', '0.0', '1e-20')
    """
    x = float(getattr(x, "data", x))
    if not math.isfinite(x):
        return repr(x)
    return repr(float(format(x, f".{digits}g")) + 0.0)


def _expression(node: Value, names: Dict[Value, str], digits: int) -> str:
    """How ``node`` was made, in its inputs' names: ``x * w``, ``tanh(n)``, ``h ** 2``."""
    fn = node._fn
    args = [names[p] for p in node.parents]
    if fn is None or not args:
        return ""
    if fn.arity == VARIADIC:  # sum(a, b, c), softmax(a, b, c)[1]
        index = "" if fn.param is None else f"[{fn.param}]"
        return f"{fn.name}({', '.join(args)}){index}"
    if len(args) == 2:
        return f"{args[0]} {fn.symbol} {args[1]}"
    if fn.name == "pow":
        return f"{args[0]} ** {_num(fn.param, digits).removesuffix('.0')}"
    if fn.name == "neg":
        return f"-{args[0]}"
    if fn.param is not None:
        return f"{fn.name}({args[0]}, {_num(fn.param, digits).removesuffix('.0')})"
    return f"{fn.name}({args[0]})"


def _legend(root: Value, names: Dict[Value, str], digits: int) -> List[Tuple[str, str, str]]:
    """(name, expression, op) for every computed node that has no label of its own."""
    return [
        (names[v], _expression(v, names, digits), v.op)
        for v in topological_order(root)
        if not v.is_leaf and not v.label
    ]


def _check(root: Any, wrt: Any, format: str, digits: Any, max_paths: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"explain() root must be a Value, got {type(root).__name__}: {root!r}")
    if not isinstance(format, str) or format not in FORMATS:
        raise ValueError(f"explain() format must be 'text' or 'markdown', got {format!r}")
    if wrt is not None and not isinstance(wrt, Value):
        raise TypeError(f"explain() wrt must be a Value in the graph, got {type(wrt).__name__}: {wrt!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"explain() digits must be an int from 1 to 17, got {digits!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain() max_paths must be a positive int, got {max_paths!r}")


def explain(root: Value, wrt: Optional[Value] = None, format: str = "text", digits: int = 4,
            max_paths: int = 1000) -> str:
    """The backward pass from ``root`` in words (returned, not printed).

    Without ``wrt``: one line per edge of the graph, in the order
    ``root.backward()`` applies the chain rule, each saying what is added to
    which gradient and why::

        dL/dparent += dL/dnode * dnode/dparent = upstream * local = contribution

    Nodes are called by their labels; a computed node without one gets a
    stable name ``v<i>`` (its place in :func:`~autograd.topological_order`),
    introduced with its op at the end of the first line that names it
    (``where v2 = x * w (mul)``), so there is still exactly one line per edge.
    An unlabelled root is ``L``; a plain number in an expression is called by
    its value. Numbers are rounded to ``digits`` significant digits.

    With ``wrt=x``: ``dL/dx`` as the chain rule's sum over every path from
    ``root`` down to ``x`` of the product of the local derivatives along the
    path, one line per path, then their total. The total is checked against
    the gradient the backward pass gives ``x`` (what ``root.backward()`` puts
    in a fresh ``x.grad``); a disagreement beyond ``1e-9`` relative raises
    ``ArithmeticError``. The last line says whether ``x.grad`` holds that value.
    Paths multiply quickly (a chain of diamonds doubles them at every step), so
    more than ``max_paths`` paths is a ``ValueError`` saying how many there are.

    ``format="markdown"`` gives the same as a table, one row per edge.

    >>> from autograd import Value, explain
    >>> x = Value(2.0, label="x"); w = Value(3.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> L = h + x; L.label = "L"
    >>> print(explain(L))
    dL/dh += dL/dL * dL/dh = 1.0 * 1.0 = 1.0
    dL/dx += dL/dL * dL/dx = 1.0 * 1.0 = 1.0
    dL/dx += dL/dh * dh/dx = 1.0 * 3.0 = 3.0
    dL/dw += dL/dh * dh/dw = 1.0 * 2.0 = 2.0

    ``x`` reaches ``L`` along two paths, directly and through ``h``:

    >>> L.backward()
    >>> print(explain(L, wrt=x))
    dL/dx is the sum over the 2 paths from L to x of the product of the local derivatives along each:
      L <- h <- x: dL/dh * dh/dx = 1.0 * 3.0 = 3.0
      L <- x: dL/dx = 1.0
    dL/dx = 3.0 + 1.0 = 4.0, which is x.grad

    Unlabelled nodes get names:

    >>> print(explain((x * w).tanh()))
    dL/dv2 += dL/dL * dL/dv2 = 1.0 * 2.458e-05 = 2.458e-05    where L = tanh(v2) (tanh), v2 = x * w (mul)
    dL/dx += dL/dv2 * dv2/dx = 2.458e-05 * 3.0 = 7.373e-05
    dL/dw += dL/dv2 * dv2/dw = 2.458e-05 * 2.0 = 4.915e-05
    """
    _check(root, wrt, format, digits, max_paths)
    steps = backprop_steps(root)
    names = node_names(root)
    if wrt is None:
        return _backward_pass(root, steps, names, format, digits)
    if wrt not in names:
        shown = f"{wrt.label!r}" if wrt.label else repr(wrt)
        raise ValueError(f"explain(): wrt={shown} is not in the graph of {names[root]}; "
                         f"{names[root]} does not depend on it")
    return _paths(root, wrt, steps, names, format, digits, max_paths)


# --- the backward pass, edge by edge ---------------------------------------------------------------

def _backward_pass(root: Value, steps: List[Step], names: Dict[Value, str], format: str, digits: int) -> str:
    R = _d(names[root])
    legend = {name: (expr, op) for name, expr, op in _legend(root, names, digits)}
    introduced: set = set()
    rows = []
    for s in steps:
        P, N = _d(s.parent_name), _d(s.node_name)
        rule = f"d{R}/d{P} += d{R}/d{N} * d{N}/d{P}"
        numbers = f"{_num(s.upstream, digits)} * {_num(s.local, digits)} = {_num(s.contribution, digits)}"
        # an unlabelled node is introduced, with its op, on the first line that names it
        new = [n for n in (s.node_name, s.parent_name) if n in legend and n not in introduced]
        introduced.update(new)
        where = ", ".join(f"{n} = {legend[n][0]} ({legend[n][1]})" for n in new)
        rows.append((rule, numbers, where))
    if format == "text":
        lines = [f"{rule} = {numbers}" + (f"    where {where}" if where else "") for rule, numbers, where in rows]
        if not rows:
            lines.append(f"{names[root]} depends on nothing: d{R}/d{R} = 1.0 and there is no edge to pass it along")
        return "\n".join(lines)
    lines = ["| step | chain rule | numbers | where |", "|---:|---|---|---|"]
    lines += [f"| {i} | `{_cell(rule)}` | `{_cell(numbers)}` | {'`' + _cell(where) + '`' if where else ''} |"
              for i, (rule, numbers, where) in enumerate(rows, 1)]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# --- one gradient, path by path ----------------------------------------------------------------------

def _count_paths(root: Value, wrt: Value) -> Dict[Value, int]:
    """For every node, how many paths lead from it down to ``wrt`` (0 when none)."""
    counts: Dict[Value, int] = {}
    for v in topological_order(root):  # inputs first
        counts[v] = 1 if v is wrt else sum(counts[p] for p in v.parents)
    return counts


def _paths(root: Value, wrt: Value, steps: List[Step], names: Dict[Value, str], format: str, digits: int,
           max_paths: int) -> str:
    counts = _count_paths(root, wrt)
    total_paths = counts[root]
    R, X = _d(names[root]), _d(names[wrt])
    if total_paths > max_paths:
        raise ValueError(
            f"explain(): there are {total_paths} paths from {names[root]} to {names[wrt]}, more than "
            f"max_paths={max_paths}. Pass max_paths={total_paths} to list them all, or call explain(root) "
            f"without wrt for the backward pass, which takes one line per edge instead of one per path."
        )
    local = {(s.node, s.position): s.local for s in steps}
    final = {s.parent: s.parent_grad_after for s in steps if s.final}
    expected = 1.0 if wrt is root else final[wrt]

    # Depth-first over edges, from the root down to wrt, first inputs first; no recursion.
    paths: List[List[Tuple[Value, int, Value]]] = []
    stack: List[Tuple[Value, List[Tuple[Value, int, Value]]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is wrt:
            paths.append(path)
            continue
        branches = [(p, i) for i, p in enumerate(node.parents) if counts[p]]
        for parent, position in reversed(branches):
            stack.append((parent, path + [(node, position, parent)]))

    rows = []
    products = []
    for path in paths:
        chain = " <- ".join([names[root]] + [names[parent] for _, _, parent in path])
        if not path:
            rows.append((chain, f"d{R}/d{R}", _num(1.0, digits)))
            products.append(1.0)
            continue
        product = 1.0
        for node, position, _ in path:
            product *= local[(node, position)]
        products.append(product)
        factors = " * ".join(f"d{_d(names[n])}/d{_d(names[p])}" + _which(n, i) for n, i, p in path)
        if len(path) == 1:
            numbers = _num(product, digits)
        else:
            numbers = " * ".join(_num(local[(n, i)], digits) for n, i, _ in path) + f" = {_num(product, digits)}"
        rows.append((chain, factors, numbers))

    total = math.fsum(products)
    _agree(total, expected, products, names[root], names[wrt])
    note = _grad_note(wrt, expected, names[root], names[wrt])
    terms = " + ".join(_num(p, digits) for p in products) if len(products) > 1 else ""
    result = f"d{R}/d{X} = " + (f"{terms} = " if terms else "") + _num(total, digits)
    plural = "path" if total_paths == 1 else f"{total_paths} paths"
    head = (f"d{R}/d{X} is the sum over the {plural} from {names[root]} to {names[wrt]} "
            f"of the product of the local derivatives along each:")
    if total_paths == 1:
        head = (f"d{R}/d{X} is the product of the local derivatives along the one path "
                f"from {names[root]} to {names[wrt]}:")
    if format == "text":
        lines = [head]
        lines += [f"  {chain}: {factors} = {numbers}" for chain, factors, numbers in rows]
        lines.append(f"{result}, {note}")
        return "\n".join(lines)
    lines = [head, "", "| path | local derivatives | product |", "|---|---|---|"]
    lines += [f"| `{_cell(chain)}` | `{_cell(factors)}` | `{_cell(numbers)}` |" for chain, factors, numbers in rows]
    lines += ["", f"`{_cell(result)}`, {note}"]
    return "\n".join(lines)


def _which(node: Value, position: int) -> str:
    """``[1]``/``[2]`` after a factor when ``node`` uses the same input twice (``x * x``)."""
    parents = node.parents
    return f"[{position + 1}]" if len(parents) == 2 and parents[0] is parents[1] else ""


def _agree(total: float, expected: float, products: List[float], root_name: str, wrt_name: str) -> None:
    """Raise ArithmeticError unless the sum over paths is the backward pass's gradient."""
    if math.isnan(total) and math.isnan(expected):
        return
    if not (math.isfinite(total) and math.isfinite(expected)):
        if total == expected:
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
    close = grad == expected or (math.isfinite(grad) and math.isfinite(expected)
                                 and abs(grad - expected) <= TOLERANCE * max(abs(expected), 1e-300))
    if close:
        return f"which is {wrt_name}.grad"
    if grad == 0.0:
        return f"which {wrt_name}.grad will hold after {root_name}.backward() (it is 0.0 now)"
    return (f"the gradient backward() gives; {wrt_name}.grad holds {grad!r} because gradients accumulate "
            f"(zero them before each backward())")
