"""Computation graphs: one box per Value (label, data, grad), one small node per op."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Set

from autograd import Value, as_float, topological_order
from autograd.ops import VARIADIC

from ._render import PALETTE, Graph, check_bool, check_digits, clip, fmt, html_text, largest, shade, tooltip_text
from .steps import node_names

__all__ = ["draw_graph", "node_kind", "KINDS"]

#: How each kind of node looks: (description, fill, border colour, style). Colour is never the only
#: difference: parameters have a bold double outline with square corners, inputs and leaves rounded
#: corners, constants a dashed outline and the word "const" (see :data:`viz._render.PALETTE`).
KINDS: Dict[str, tuple] = {
    "parameter": ("parameter (a leaf the optimizer updates)", PALETTE["parameter"], PALETTE["parameter-border"],
                  "filled,bold"),
    "input": ("input (a leaf that is not a parameter)", PALETTE["input"], PALETTE["input-border"], "rounded,filled"),
    "leaf": ("leaf (a Value you made)", PALETTE["leaf"], PALETTE["leaf-border"], "rounded,filled"),
    "constant": ("constant (a plain number in an expression)", PALETTE["constant"], PALETTE["constant-border"],
                 "dashed,filled"),
    "computed": ("computed by an op", PALETTE["computed"], PALETTE["computed-border"], "filled"),
}

_FONT = "Helvetica,Arial,sans-serif"

# How nn labels parameters (see nn.naming): a layer letter, the receiving and the sending unit (W12, V03,
# W12,3, W20_1,2); also a dotted named_parameters() path such as layers.0.neurons.2.w.1.
_PARAMETER_NAME = re.compile(r"[A-Za-z_]\w*(\.\w+)+|[E-W]\d+(,\d+)?|W\d+_\d+(,\d+)?")


def _param_set(params: Any, who: str = "draw_graph") -> Optional[Set[Value]]:
    if params is None:
        return None
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    try:
        values = list(params)
    except TypeError:
        raise TypeError(
            f"{who}() params must be Values or a model with .parameters(), got {type(params).__name__}: {params!r}"
        ) from None
    for p in values:
        if not isinstance(p, Value):
            raise TypeError(f"{who}() params must hold Values, got {type(p).__name__}: {p!r}")
    return set(values)


def node_kind(v: Value, params: Optional[Set[Value]] = None) -> str:
    """``'parameter'``, ``'input'``, ``'leaf'``, ``'constant'`` or ``'computed'``.

    A leaf is a parameter if it is in ``params``, an input if ``params`` was
    given and it is not in it. Without ``params``, a leaf labelled as
    :mod:`nn` labels its weights (``W12``, ``V03``; see :mod:`nn.naming`) or
    with a dotted parameter path (``layers.0.neurons.1.w.0``) is a parameter
    and any other is a ``'leaf'``.
    A number written inside an expression (the 2 in ``x * 2``) is a constant.

    >>> x, w = Value(1.0), Value(2.0)
    >>> y = x * w * 2
    >>> [node_kind(v, {w}) for v in (x, w, y.parents[1], y)]
    ['input', 'parameter', 'constant', 'computed']
    >>> node_kind(x), node_kind(Value(0.5, label="W12")), node_kind(Value(0.5, label="X1"))
    ('leaf', 'parameter', 'leaf')
    """
    if not isinstance(v, Value):
        raise TypeError(f"node_kind() v must be a Value, got {type(v).__name__}: {v!r}"[:200])
    if params is not None and not isinstance(params, (set, frozenset)):
        params = _param_set(params, "node_kind")
    if v.is_constant:
        return "constant"
    if not v.is_leaf:
        return "computed"
    if params is None:
        return "parameter" if _PARAMETER_NAME.fullmatch(v.label) else "leaf"
    return "parameter" if v in params else "input"


def _value(x: Any) -> float:
    return as_float(x)


def _check(root: Any, rankdir: str, max_nodes: Optional[int], color_by: Optional[str],
           who: str = "draw_graph") -> List[Value]:
    if not isinstance(root, Value):
        raise TypeError(f"{who}() root must be a Value, got {type(root).__name__}: {root!r}"[:200])
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"{who}() rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if color_by not in (None, "grad", "data"):
        raise ValueError(f"{who}() color_by must be None, 'grad' or 'data', got {color_by!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)):
        raise TypeError(f"{who}() max_nodes must be a positive int or None, got {type(max_nodes).__name__}: "
                        f"{max_nodes!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"{who}() max_nodes must be a positive int or None, got {max_nodes!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"{who}(): this graph has {len(order)} Values, more than max_nodes={max_nodes}, and a picture "
            f"that big is hard to read. Draw a smaller piece (say, the loss of one sample), or raise the limit "
            f"with {who}(root, ..., max_nodes={len(order)}) (max_nodes=None for no limit)."
        )
    return order


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    max_nodes: Optional[int] = 500,
    color_by: Optional[str] = None,
    params: Any = None,
    legend: bool = True,
    digits: int = 4,
) -> Graph:
    """The computation graph of ``root`` as a ``graphviz.Digraph``.

    Each Value is a box with its one name (its label, else its expression or ``v<i>``;
    see :func:`autograd.notation.node_names`), ``data`` and
    ``grad`` to ``digits`` significant digits; each op is a small circle
    between its inputs and its output. Parameters, inputs and constants look
    different (see :func:`node_kind`): pass ``params`` (a list of Values, or a
    model with ``.parameters()``) to tell parameters from inputs. With
    ``color_by="grad"`` (or ``"data"``) the boxes are shaded blue for positive,
    red for negative, deeper for larger magnitude.

    ``.grad`` is shown as it is: call ``root.backward()`` first to see
    gradients. A constant (a number in the expression) shows ``grad –``:
    ``backward()`` gives numbers no gradient, as PyTorch gives Python scalars
    none. More than ``max_nodes`` Values is a ``ValueError`` (pass a larger
    ``max_nodes``, or ``None``). Render with ``.render("name",
    format="svg")`` or ``.pipe(format="svg")``; in Jupyter the graph shows
    inline. Node ids in the SVG are ``v<i>`` for Values, ``op<i>`` for the op
    that made ``v<i>``, ``e<i>_<k>`` for the edge from its k-th input.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> y.backward()
    >>> g = draw_graph(y, params=[w])
    >>> g.source.count("->")  # x and w into *, * into its Value, that into tanh, tanh into y
    5
    >>> "grad 4.915e-05" in g.source  # dy/dw = x (1 - y²)
    True
    >>> svg = g.pipe(format="svg", encoding="utf-8")
    >>> svg.count('class="node"')  # 4 Values and 2 ops
    6
    """
    order = _check(root, rankdir, max_nodes, color_by)
    check_digits("draw_graph", digits)
    check_bool("draw_graph", "legend", legend)
    return _build(root, order, rankdir, color_by, _param_set(params), legend, digits)


def _build(
    root: Value,
    order: List[Value],
    rankdir: str,
    color_by: Optional[str],
    params: Optional[Set[Value]],
    legend: bool,
    digits: int,
    grad_text: Optional[Callable[[Value], str]] = None,
    title: str = "",
) -> Graph:
    """The drawing behind :func:`draw_graph`; ``grad_text`` overrides the grad cell."""
    names = node_names(root)
    index = {v: i for i, v in enumerate(order)}
    g = Graph(name="computation_graph")
    g.attr(rankdir=rankdir, fontname=_FONT, nodesep="0.25", ranksep="0.35")
    g.attr("node", fontname=_FONT, fontsize="11")
    g.attr("edge", fontname=_FONT, fontsize="9", color="#555555", arrowsize="0.6")
    scale = 0.0
    if color_by is not None:
        scale = largest(_value(v.grad if color_by == "grad" else v.data) for v in order)
    kinds_seen: List[str] = []
    shared_ops: Dict[int, str] = {}  # id of a softmax's inputs -> the op node drawn for it
    for i, v in enumerate(order):
        kind = node_kind(v, params)
        if kind not in kinds_seen:
            kinds_seen.append(kind)
        _, fill, border, style = KINDS[kind]
        if color_by is not None:
            fill = shade(_value(v.grad if color_by == "grad" else v.data), scale)
        if kind == "constant":
            name_cell = f'<font color="{PALETTE["muted"]}">const</font>'
        elif v.label:
            name_cell = f"<b>{html_text(names[v])}</b>"
        else:
            name_cell = f'<font color="{PALETTE["muted"]}"><i>{html_text(names[v])}</i></font>'
        if grad_text is not None:
            grad = grad_text(v)
        elif kind == "constant":
            grad = "–"  # a number in the expression: nothing to learn, so backward() gives it no gradient
        else:
            grad = fmt(_value(v.grad), digits)
        label = (
            '<<table border="0" cellborder="0" cellspacing="0" cellpadding="3"><tr>'
            f"<td>{name_cell}</td><vr/><td>data {fmt(v.data, digits)}</td><vr/><td>grad {html_text(grad)}</td>"
            "</tr></table>>"
        )
        attrs = {
            "shape": "box", "style": style, "fillcolor": fill, "color": border, "margin": "0.05,0.02",
            "tooltip": tooltip_text(f"{names[v]} ({kind}) = {v.data!r}"),
        }
        if kind == "parameter":
            attrs["peripheries"] = "2"
        if v is root:
            attrs["penwidth"] = "2.5"
        g.node(f"v{i}", label=label, id=f"v{i}", **attrs)
        if v.is_leaf or v._fn is None:
            continue
        fn = v._fn
        if fn.arity == VARIADIC and fn.param is not None:
            # softmax: its outputs share one tuple of inputs and are drawn from one op node
            drawn = shared_ops.get(id(v._a))
            if drawn is not None:
                g.edge(drawn, f"v{i}", id=f"e{i}", label=str(fn.param), fontcolor=PALETTE["muted"])
                continue
            shared_ops[id(v._a)] = f"op{i}"
        # The op row says what to write; inputs that cannot be swapped get their edges labelled a, b, ...
        symbol = fn.label
        ordered = len(v.parents) > 1 and not fn.commutative
        g.node(
            f"op{i}", label=html_text(symbol), id=f"op{i}", shape="ellipse" if len(symbol) > 2 else "circle",
            style="filled", fillcolor=PALETTE["op"], color=PALETTE["op-border"], fontsize="10", width="0.3",
            height="0.3", margin="0.02", tooltip=tooltip_text(f"{fn.name} made {names[v]}"),
        )
        for k, parent in enumerate(v.parents):
            extra = {"label": chr(ord("a") + k), "fontcolor": PALETTE["muted"]} if ordered else {}
            g.edge(f"v{index[parent]}", f"op{i}", id=f"e{i}_{k}", **extra)
        nth = fn.arity == VARIADIC and fn.param is not None  # output [param] of a softmax
        out_label = {"label": str(fn.param), "fontcolor": PALETTE["muted"]} if nth else {}
        g.edge(f"op{i}", f"v{i}", id=f"e{i}", **out_label)
    if legend:
        g.attr(label=_legend(kinds_seen, color_by, title), labelloc="b", labeljust="l", fontsize="10")
    elif title:
        g.attr(label=html_text(title), labelloc="t", fontsize="12")
    return g.describe(*describe_graph(root, order, names, params, color_by))


def describe_graph(root: Value, order: List[Value], names: Dict[Value, str], params: Optional[Set[Value]],
                   color_by: Optional[str] = None) -> tuple:
    """A title and a sentence or two saying what a computation graph shows (for screen readers).

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> y = (x * w).tanh(); y.label = "y"; y.backward()
    >>> title, desc = describe_graph(y, topological_order(y), node_names(y), {w})
    >>> title
    'Computation graph of y'
    >>> desc.split(". ")[0]
    'y = -1 is computed from 2 leaves (x = 2, an input; w = -3, a parameter) by 2 operations (1 mul, 1 tanh)'
    >>> desc.split(". ")[-1]
    'Gradients: dy/dx = -7.373e-05, dy/dw = 4.915e-05.'
    """
    names = {v: clip(n, 60) for v, n in names.items()}
    root_name = names[root]
    leaves = [v for v in order if v.is_leaf and not v.is_constant]
    constants = sum(1 for v in order if v.is_constant)
    ops: Dict[str, int] = {}
    for v in order:
        if not v.is_leaf and v._fn is not None:
            ops[v._fn.name] = ops.get(v._fn.name, 0) + 1
    n_ops = sum(ops.values())
    if len(leaves) <= 6:
        what = "; ".join(f"{names[v]} = {fmt(v.data)}, {_article(node_kind(v, params))}" for v in leaves)
    else:
        kinds: Dict[str, int] = {}
        for v in leaves:
            kinds[node_kind(v, params)] = kinds.get(node_kind(v, params), 0) + 1
        what = ", ".join(f"{n} {k}s" if n > 1 else f"1 {k}" for k, n in kinds.items())
    if constants:
        what += f"; and {constants} constant{'s' if constants > 1 else ''}"
    top = sorted(ops.items(), key=lambda kv: -kv[1])[:6]
    op_text = ", ".join(f"{n} {name}" for name, n in top) + (", ..." if len(ops) > 6 else "")
    desc = (f"{root_name} = {fmt(root.data)} is computed from {len(leaves)} lea{'ves' if len(leaves) != 1 else 'f'}"
            f" ({what}) by {n_ops} operation{'s' if n_ops != 1 else ''}" + (f" ({op_text})" if op_text else "") +
            ". Each box shows a value's name, data and grad; arrows run from each value to the operation that uses it.")
    if color_by is not None:
        desc += f" Boxes are shaded by {color_by}: blue for positive, red for negative, deeper for larger."
    if len(leaves) <= 6 and any(_value(v.grad) for v in leaves):
        desc += " Gradients: " + ", ".join(f"d{root_name}/d{names[v]} = {fmt(_value(v.grad))}" for v in leaves) + "."
    return f"Computation graph of {root_name}", desc


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _legend(kinds: Iterable[str], color_by: Optional[str], title: str = "") -> str:
    cells = []
    for kind in ("parameter", "input", "leaf", "constant", "computed"):
        if kind in kinds:
            _, fill, border, _ = KINDS[kind]
            cells.append(f'<td bgcolor="{fill}" border="1" color="{border}">{html_text(kind)}</td>')
    if color_by is not None:
        cells.append(f'<td bgcolor="{shade(1, 1)}">{color_by} &gt; 0</td>')
        cells.append(f'<td bgcolor="{shade(-1, 1)}">{color_by} &lt; 0</td>')
    head = f"<tr><td colspan=\"{len(cells)}\" align=\"left\">{html_text(title)}</td></tr>" if title else ""
    return f'<<table border="0" cellspacing="4" cellpadding="2">{head}<tr>{"".join(cells)}</tr></table>>'

