r"""How chainrule writes the chain rule: the one module every view renders through.

Conventions (the same in ``explain``, ``backprop_steps``, the step page, the
CLI and the docs):

- a **total** derivative, what ``backward()`` leaves in ``.grad``, is written
  ``dL/dx``; a **local** derivative, one op's own slope, is ``∂h/∂x``
  (``\partial`` in LaTeX);
- a step is written formula first, then numbers, then the result::

      dL/dw += dL/dh · ∂h/∂w = 4.0 · x = 4.0 · 1.0 = 4.0

  A step out of the root drops the factor ``dL/dL = 1``; a local derivative
  that is a plain number (``∂(a + b)/∂a = 1``) is not written twice;
- every node has one name (see :func:`node_names`); a number inside an
  expression is a constant, is never differentiated and never gets a step.

Four formats: ``"text"`` (Unicode), ``"markdown"`` (a code span, ``|``
escaped for tables), ``"html"`` (escaped text) and ``"latex"`` (math mode,
without the ``$``).
"""

from __future__ import annotations

import html as _html
import math
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from .engine import topological_order
from .ops import SUM, VARIADIC
from .value import Value

if TYPE_CHECKING:  # pragma: no cover
    from .steps import Step

__all__ = [
    "FORMATS", "MAX_EXPRESSION", "GraphNames", "number", "total", "local", "node_names", "definition",
    "definitions",
    "formula", "edge", "step", "symbolic", "result", "path", "render",
]

FORMATS = ("text", "markdown", "html", "latex")

#: An unlabelled node is named by its expression when that is at most this many characters; else ``v<i>``.
MAX_EXPRESSION = 24

MINUS = "\u2212"  # the minus sign of a subtraction (a negative number keeps its ASCII hyphen)
DOT = "\u00b7"
PARTIAL = "\u2202"

# precedence of an expression's top operation: a sum binds loosest, a name or a call tightest
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


def _check_format(format: Any, who: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"{who}() format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}")
    return str(format)


def number(x: Any, digits: int = 4, format: str = "text") -> str:
    r"""``x`` to ``digits`` significant digits, written as a Python float.

    >>> number(4), number(0.70710678), number(-1.4999999999999993), number(-0.0), number(1e-20)
    ('4.0', '0.7071', '-1.5', '0.0', '1e-20')
    >>> number(2.5e-7, format="latex")
    '2.5 \\times 10^{-7}'
    """
    x = float(getattr(x, "data", x))
    if not math.isfinite(x):
        text = repr(x)
        return {"inf": r"\infty", "-inf": r"-\infty"}.get(text, r"\mathrm{nan}") if format == "latex" else text
    text = repr(float(format_g(x, digits)) + 0.0)
    if format == "latex" and "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def format_g(x: float, digits: int) -> str:
    return format(x, f".{digits}g")


def _constant_text(x: float) -> str:
    r"""A number written inside an expression: ``2``, ``0.5``, ``-3``, ``6.88``."""
    text = format(float(x) + 0.0, ".6g")
    return text


# --- names --------------------------------------------------------------------------------------

def _plain(name: str) -> bool:
    r"""True for a name that can follow ``d`` or ``∂`` without brackets."""
    return name.replace("_", "").replace(".", "").replace("#", "").isalnum()


def _bracket(name: str) -> str:
    return name if _plain(name) else f"({name})"


def node_names(root: Value) -> Dict[Value, str]:
    r"""The one name of every node of ``root``'s graph, in topological order.

    - a labelled node is called by its label (a model labels its parameters
      and each neuron's output after its unit, as its network picture does);
    - a number inside an expression is called by its value (``2``);
    - an unlabelled root is ``L``;
    - another unlabelled node is called by its expression (``x·w + b``) when
      that is at most :data:`MAX_EXPRESSION` characters, otherwise ``v<i>``,
      ``i`` being its place in :func:`autograd.topological_order`;
    - a name used by several nodes gets ``#2``, ``#3``... on its later uses.

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w"); b = Value(6.88, label="b")
    >>> list(node_names((x * w + b).tanh()).values())
    ['x', 'w', 'x·w', 'b', 'x·w + b', 'L']
    >>> list(node_names((x * 2 - 1) ** 2 * w).values())
    ['x', '2', 'x·2', '1', 'x·2 − 1', '(x·2 − 1)²', 'w', 'L']
    """
    names, _, _ = _names_and_forms(root)
    return names


Forms = Dict[Value, Tuple[str, int]]


def _names_and_forms(root: Value) -> Tuple[Dict[Value, str], Forms, set]:
    r"""Names; each node's form inside a larger expression (text, precedence); the nodes named
    by their expression."""
    order = topological_order(root)
    labels = {v.label for v in order if v.label}
    names: Dict[Value, str] = {}
    forms: Forms = {}
    by_expression: set = set()
    used: Dict[str, int] = {}
    for i, v in enumerate(order):
        if v.is_constant:
            text = _constant_text(v.data)
            names[v] = text
            forms[v] = (text, _UNARY if text.startswith("-") else _ATOM)
            continue
        if v.label:
            base, form = v.label, None
        elif v is root and "L" not in labels:
            base, form = "L", None
        elif v.is_leaf or v._fn is None:
            base, form = f"v{i}", None
        else:
            text, prec = _render(v, [forms[p] for p in v.parents], "text")
            base, form = (text, (text, prec)) if len(text) <= MAX_EXPRESSION else (f"v{i}", None)
        count = used.get(base, 0) + 1
        used[base] = count
        name = base if count == 1 else f"{base}#{count}"
        names[v] = name
        if form is not None and count == 1:
            forms[v] = form
            by_expression.add(v)
        else:
            forms[v] = (name, _ATOM)
    return names, forms, by_expression


# --- expressions ---------------------------------------------------------------------------------

_SUPERSCRIPT = {"2": "\u00b2", "3": "\u00b3"}


def _wrap(form: Tuple[str, int], needed: int, format: str) -> str:
    text, prec = form
    if prec >= needed:
        return text
    return f"\\left({text}\\right)" if format == "latex" else f"({text})"


def _render(node: Value, forms: Sequence[Tuple[str, int]], format: str) -> Tuple[str, int]:
    r"""``node``'s op applied to its inputs' forms: (text, precedence)."""
    fn = node._fn
    assert fn is not None
    name = fn.name
    times = r" \cdot " if format == "latex" else DOT
    minus = "-" if format == "latex" else MINUS
    if fn is SUM and len(forms) > 1:  # a + b + c: how a neuron's weighted sum reads
        return " + ".join([_wrap(forms[0], _SUM, format)] + [_wrap(f, _PRODUCT, format) for f in forms[1:]]), _SUM
    if fn.arity == VARIADIC:  # sum(a), softmax(a, b, c)[1]
        index = "" if fn.param is None else f"[{_constant_text(fn.param)}]"
        return f"{_function(name, format)}({', '.join(f[0] for f in forms)}){index}", _ATOM
    if len(forms) == 2:
        a, b = forms
        if name == "add":
            return f"{_wrap(a, _SUM, format)} + {_wrap(b, _PRODUCT, format)}", _SUM
        if name == "sub":
            return f"{_wrap(a, _SUM, format)} {minus} {_wrap(b, _PRODUCT, format)}", _SUM
        if name == "mul":
            return f"{_wrap(a, _PRODUCT, format)}{times}{_wrap(b, _UNARY + 1, format)}", _PRODUCT
        if name == "div":
            if format == "latex":
                return f"\\frac{{{a[0]}}}{{{b[0]}}}", _ATOM
            return f"{_wrap(a, _PRODUCT, format)}/{_wrap(b, _UNARY + 1, format)}", _PRODUCT
        if name == "pow":
            if format == "latex":
                return f"{_wrap(a, _ATOM, format)}^{{{b[0]}}}", _POWER
            return f"{_wrap(a, _ATOM, format)}^{_wrap(b, _ATOM, format)}", _POWER
        return f"{name}({a[0]}, {b[0]})", _ATOM
    (a,) = forms
    if name == "neg":
        return f"{minus}{_wrap(a, _POWER, format)}", _UNARY
    if name == "pow":
        n = _constant_text(fn.param if fn.param is not None else float("nan"))
        if format == "latex":
            return f"{_wrap(a, _ATOM, format)}^{{{n}}}", _POWER
        exponent = _SUPERSCRIPT.get(n, "^" + (f"({n})" if n.startswith("-") else n))
        return f"{_wrap(a, _ATOM, format)}{exponent}", _POWER
    call = _function(name, format)
    if fn.param is not None:
        return f"{call}({a[0]}, {_constant_text(fn.param)})", _ATOM
    if format == "latex":
        return f"{call}\\left({a[0]}\\right)", _ATOM
    return f"{call}({a[0]})", _ATOM


_LATEX_FUNCTIONS = {"tanh": r"\tanh", "exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos",
                    "sigmoid": r"\sigma", "sqrt": r"\sqrt", "abs": r"\operatorname{abs}"}


def _function(name: str, format: str) -> str:
    if format != "latex":
        return name
    return _LATEX_FUNCTIONS.get(name, r"\operatorname{" + name.replace("_", r"\_") + "}")


def _latex_name(name: str) -> str:
    r"""A node's name in LaTeX: ``W11`` -> ``W_{11}``, ``net_Z1`` -> ``\mathrm{net\_Z1}``."""
    m = re.fullmatch(r"([A-Za-z])(\d+)", name)
    if m:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    if re.fullmatch(r"[A-Za-z]", name) or re.fullmatch(r"-?[\d.]+(e[-+]?\d+)?", name):
        return name
    escaped = name.replace("\\", r"\backslash ").replace("_", r"\_").replace("#", r"\#").replace("{", r"\{") \
        .replace("}", r"\}").replace("%", r"\%").replace("&", r"\&").replace("$", r"\$").replace("^", r"\^{}")
    return r"\mathrm{" + escaped + "}"


def _latex_forms(root: Value) -> Tuple[Dict[Value, str], Dict[Value, Tuple[str, int]]]:
    r"""Names and inline forms in LaTeX: the same names, typeset."""
    names, forms, by_expression = _names_and_forms(root)
    out_names: Dict[Value, str] = {}
    out_forms: Forms = {}
    for v in topological_order(root):
        prec = forms[v][1]
        if v not in by_expression:
            latex = _latex_name(names[v]) if not v.is_constant else names[v]
            out_forms[v] = (latex, prec if v.is_constant else _ATOM)
            out_names[v] = latex
        else:  # named by its expression: typeset the expression
            latex, prec = _render(v, [out_forms[p] for p in v.parents], "latex")
            out_forms[v] = (latex, prec)
            out_names[v] = latex
    return out_names, out_forms


class GraphNames:
    r"""The names of one graph, typeset once per format and shared by all its steps."""

    def __init__(self, root: Value) -> None:
        self.root = root
        self._tables: Dict[str, _Names] = {}

    def table(self, format: str) -> _Names:
        base = "latex" if format == "latex" else "text"
        if base not in self._tables:
            self._tables[base] = _Names(self.root, base)
        return self._tables[base]


class _Names:
    r"""The names and inline forms of one graph in ``"text"`` or ``"latex"``."""

    def __init__(self, root: Value, format: str) -> None:
        self.format = format
        if format == "latex":
            self.names, self.forms = _latex_forms(root)
            self.by_expression = _names_and_forms(root)[2]
        else:
            self.names, self.forms, self.by_expression = _names_and_forms(root)
        self.root_name = self.names[root]

    def name(self, v: Value) -> str:
        return self.names[v]

    def arg(self, v: Value) -> str:
        r"""The name after ``d``/``∂``: bracketed unless a plain word."""
        name = self.names[v]
        if self.format == "latex":
            return name if self.forms[v][1] == _ATOM else f"\\left({name}\\right)"
        return _bracket(name)

    def operand(self, v: Value) -> str:
        """The name inside a formula: bracketed unless a plain word, a number or an atomic
        expression such as a call (``tanh(x·w)``, ``softmax(a, b)[1]``)."""
        name = self.names[v]
        if v in self.by_expression or v.is_constant:
            return _wrap(self.forms[v], _ATOM, self.format)
        if self.format == "latex":
            return name if self.forms[v][1] == _ATOM else f"\\left({name}\\right)"
        return _bracket(name)


def _table(root: Value, format: str) -> _Names:
    return _Names(root, "latex" if format == "latex" else "text")


# --- derivatives ---------------------------------------------------------------------------------

def _fraction(d: str, of: str, wrt: str, format: str) -> str:
    if format == "latex":
        return f"\\frac{{{d} {of}}}{{{d} {wrt}}}" if d == r"\partial" else f"\\frac{{d{of}}}{{d{wrt}}}"
    return f"{d}{of}/{d}{wrt}"


def total(of: str, wrt: str, format: str = "text") -> str:
    r"""The total derivative of ``of`` with respect to ``wrt`` (names, as they are to be shown).

    >>> total("L", "w"), total("L", "(x·w)"), total("L", "w", "latex")
    ('dL/dw', 'dL/d(x·w)', '\\frac{dL}{dw}')
    """
    _check_format(format, "total")
    return _finish(_fraction("d", of, wrt, format), format)


def local(of: str, wrt: str, format: str = "text") -> str:
    r"""The local derivative of one op's output ``of`` with respect to its input ``wrt``.

    >>> local("h", "w"), local("h", "w", "latex")
    ('∂h/∂w', '\\frac{\\partial h}{\\partial w}')
    """
    _check_format(format, "local")
    return _finish(_fraction(r"\partial" if format == "latex" else PARTIAL, of, wrt, format), format)


def _finish(text: str, format: str) -> str:
    if format == "html":
        return _html.escape(text)
    if format == "markdown":
        return "`" + text.replace("|", "\\|") + "`"
    return text


# --- formulas of local derivatives ----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([aAboxj])\}")


def _latex_formula(template: str) -> str:
    r"""An op row's formula text as LaTeX (placeholders kept)."""
    t = template
    t = re.sub(r"sqrt\(([^()]*)\)", r"\\sqrt{\1}", t)
    t = re.sub(r"\^\(([^()]*)\)", r"^{\1}", t)
    t = re.sub(r"\^1(?![\d.])", "", t)
    t = re.sub(r"\^(-?[\d.]+)", r"^{\1}", t)
    t = t.replace("²", "^{2}").replace("³", "^{3}").replace("·", r" \cdot ")
    t = t.replace(" if ", r" \text{ if } ").replace(" else ", r" \text{ else } ")
    for name, latex in _LATEX_FUNCTIONS.items():
        if name != "sqrt":
            t = re.sub(rf"(?<![\\A-Za-z]){name}\(", (latex + "(").replace("\\", "\\\\"), t)
    t = re.sub(r"(?<![\\A-Za-z])sign\(", r"\\operatorname{sign}(", t)
    return t


def _text_formula(template: str) -> str:
    t = re.sub(r"\^1(?![\d.])", "", template)
    t = re.sub(r"\^([23])(?![\d.])", lambda m: _SUPERSCRIPT[m.group(1)], t)
    t = re.sub(r"(?<=\S) - (?=\S)", f" {MINUS} ", t)
    return MINUS + t[1:] if t.startswith("-") else t


def _formula(node: Value, position: int, table: _Names) -> str:
    r"""The formula text (in ``table``'s format) of ``∂node/∂input``, '' when the op row has none."""
    fn = node._fn
    parents = node.parents
    rows = getattr(fn, "formula", ()) if fn is not None else ()
    if fn is None or not parents or not rows:
        return ""
    if fn.arity == VARIADIC:  # one rule for every input; softmax's own input (position = param) has its own
        template = rows[0] if len(rows) == 1 or position == fn.param else rows[1]
    elif position < len(rows):
        template = rows[position]
    else:
        return ""
    if not template:
        return ""

    def fill(m: re.Match[str]) -> str:
        key = m.group(1)
        if key == "o":
            return table.operand(node)
        if key == "j":
            return str(position)
        v = parents[position] if key == "x" else parents[0] if key in "aA" else parents[1]
        return table.name(v) if key == "A" else table.operand(v)

    template = _latex_formula(template) if table.format == "latex" else _text_formula(template)
    return _PLACEHOLDER.sub(fill, template)


def formula(node: Value, position: int, format: str = "text", root: Optional[Value] = None) -> str:
    r"""The local derivative ``∂node/∂input`` as a formula in the nodes' names, from the
    ``formula`` of ``node``'s op row in :mod:`autograd.ops` (``''`` when the row has none).
    Names are those of ``root``'s graph (default: ``node``'s own).

    >>> x = Value(1.0, label="x"); w = Value(4.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> formula(h, 1), formula(h.tanh(), 0), formula(h - x, 1), formula(h ** 3, 0, format="latex")
    ('x', '1 − tanh(h)²', '−1', '3 \\cdot h^{2}')
    """
    fmt = _check_format(format, "formula")
    return _finish_plain(_formula(node, position, _table(root if root is not None else node, fmt)), fmt)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(MINUS, "-"))
    except ValueError:
        return False
    return True


def _finish_plain(text: str, format: str) -> str:
    return _finish(text, format) if format in ("html", "markdown") else text


# --- edges, steps, results -------------------------------------------------------------------------

def _factor(text: str, format: str) -> str:
    r"""A formula or number as a factor of a product: bracketed when it is a sum or negative."""
    if text.startswith(("-", MINUS)) or re.search(rf"\s[+{MINUS}-]\s| if |text", text):
        return f"\\left({text}\\right)" if format == "latex" else f"({text})"
    return text


def _times(format: str) -> str:
    return r" \cdot " if format == "latex" else f" {DOT} "


def _rule(node: Value, position: int, table: _Names) -> str:
    r"""The formula when it says more than the number (not for ``∂(a + b)/∂a = 1``)."""
    text = _formula(node, position, table)
    return "" if not text or _is_number(text) else text


def edge(node: Value, position: int, digits: int = 4, format: str = "text", root: Optional[Value] = None) -> str:
    r"""The local derivative along one edge: its symbol, formula and value.

    >>> x = Value(1.0, label="x"); w = Value(4.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> edge(h, 1), edge(h + x, 0)
    ('∂h/∂w = x = 1.0', '∂L/∂h = 1.0')
    """
    fmt = _check_format(format, "edge")
    table = _table(root if root is not None else node, fmt)
    return _finish_plain(_edge(node, position, node.local_derivatives()[position], table, digits), fmt)


def _edge(node: Value, position: int, value: float, table: _Names, digits: int) -> str:
    parts = [local(table.arg(node), table.arg(node.parents[position]), table.format)]
    rule = _rule(node, position, table)
    if rule:
        parts.append(rule)
    parts.append(number(value, digits, table.format))
    return " = ".join(parts)


def _root(table: _Names, root_name: Optional[str]) -> str:
    name = table.root_name if root_name is None else (
        _latex_name(root_name) if table.format == "latex" else root_name)
    return name if table.format == "latex" or _plain(name) else f"({name})"


def step(s: Step, digits: int = 4, format: str = "text", root_name: Optional[str] = None) -> str:
    r"""One step of the backward pass: formula first, then numbers, then the contribution.

    >>> from autograd import backprop_steps
    >>> x = Value(1.0, label="x"); w = Value(2.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> L = h ** 2; L.label = "L"
    >>> for s in backprop_steps(L):
    ...     print(step(s))
    dL/dh += ∂L/∂h = 2·h = 4.0
    dL/dx += dL/dh · ∂h/∂x = 4.0 · w = 4.0 · 2.0 = 8.0
    dL/dw += dL/dh · ∂h/∂w = 4.0 · x = 4.0 · 1.0 = 4.0
    >>> print(step(backprop_steps(L)[2], format="latex"))
    \frac{dL}{dw} \mathrel{+}= \frac{dL}{dh} \cdot \frac{\partial h}{\partial w} = 4.0 \cdot x = 4.0 \cdot 1.0 = 4.0
    """
    fmt = _check_format(format, "step")
    table = s.graph.table(fmt)
    base = table.format
    R, P = _root(table, root_name), table.arg(s.parent)
    N = R if s.node is s.graph.root else table.arg(s.node)
    rule = _rule(s.node, s.position, table)
    times = _times(base)
    loc = local(N, P, base)
    lhs = total(R, P, base) + (r" \mathrel{+}= " if base == "latex" else " += ")
    if s.node is s.graph.root and s.upstream == 1.0:  # dL/dL = 1: no factor to write
        parts = [loc] + ([rule] if rule else []) + [number(s.contribution, digits, base)]
        return _finish_plain(lhs + " = ".join(parts), fmt)
    up = number(s.upstream, digits, base)
    parts = [f"{total(R, N, base)}{times}{loc}"]
    if rule:
        parts.append(f"{up}{times}{_factor(rule, base)}")
    parts.append(f"{up}{times}{_factor(number(s.local, digits, base), base)}")
    parts.append(number(s.contribution, digits, base))
    return _finish_plain(lhs + " = ".join(parts), fmt)


def symbolic(s: Step, format: str = "text", root_name: Optional[str] = None) -> str:
    r"""The rule a step applies, in symbols only: ``dL/dw += dL/dh · ∂h/∂w``.

    >>> from autograd import backprop_steps
    >>> x = Value(1.0, label="x"); h = x * 3; h.label = "h"
    >>> symbolic(backprop_steps(h)[0]), symbolic(backprop_steps(h.exp())[1])
    ('dh/dx += ∂h/∂x', 'dL/dx += dL/dh · ∂h/∂x')
    """
    fmt = _check_format(format, "symbolic")
    table = s.graph.table(fmt)
    R, P = _root(table, root_name), table.arg(s.parent)
    N = R if s.node is s.graph.root else table.arg(s.node)
    lhs = total(R, P, table.format) + (r" \mathrel{+}= " if table.format == "latex" else " += ")
    loc = local(N, P, table.format)
    if s.node is s.graph.root and s.upstream == 1.0:
        return _finish_plain(lhs + loc, fmt)
    return _finish_plain(lhs + total(R, N, table.format) + _times(table.format) + loc, fmt)


def result(s: Step, digits: int = 4, format: str = "text", root_name: Optional[str] = None) -> str:
    r"""The input's gradient after the step: the new value, or the old plus the contribution.

    >>> from autograd import backprop_steps
    >>> x = Value(3.0, label="x"); y = x * x - x; y.label = "y"
    >>> [result(s) for s in backprop_steps(y)]
    ['dy/d(x·x) = 1.0 (complete)', 'dy/dx = -1.0', 'dy/dx = -1.0 + 3.0 = 2.0', 'dy/dx = 2.0 + 3.0 = 5.0 (complete)']
    """
    fmt = _check_format(format, "result")
    table = s.graph.table(fmt)
    base = table.format
    lhs = total(_root(table, root_name), table.arg(s.parent), base)
    after = number(s.parent_grad_after, digits, base)
    if s.parent_grad_before == 0.0:
        text = f"{lhs} = {after}"
    else:
        negative = s.contribution < 0
        sign = ("-" if base == "latex" else MINUS) if negative else "+"
        c = number(abs(s.contribution), digits, base)
        text = f"{lhs} = {number(s.parent_grad_before, digits, base)} {sign} {c} = {after}"
    if s.final:
        text += r" \quad \text{(complete)}" if base == "latex" else " (complete)"
    return _finish_plain(text, fmt)


def definition(node: Value, root: Optional[Value] = None, digits: int = 4, format: str = "text") -> str:
    r"""What a node is: ``name = expression = value`` (the name once when it is the expression).
    Names are those of ``root``'s graph (default: ``node``'s own).

    >>> x = Value(1.0, label="x"); w = Value(-3.0, label="w"); b = Value(6.88, label="b")
    >>> n = x * w + b; n.label = "n"
    >>> definition(n), definition(n.parents[0], root=n), definition(x), definition(n, format="latex")
    ('n = x·w + b = 3.88', 'x·w = -3.0', 'x = 1.0', 'n = x \\cdot w + b = 3.88')
    """
    fmt = _check_format(format, "definition")
    table = _table(root if root is not None else node, fmt)
    return _finish_plain(_definition(node, table, digits), fmt)


def definitions(root: Value, digits: int = 4, format: str = "text") -> List[str]:
    r"""The forward pass: :func:`definition` of every node but the numbers, inputs first.

    >>> x = Value(2.0, label="x"); w = Value(-3.0, label="w")
    >>> n = x * w + 1; n.label = "n"
    >>> definitions(n.tanh())
    ['x = 2.0', 'w = -3.0', 'x·w = -6.0', 'n = x·w + 1 = -5.0', 'L = tanh(n) = -0.9999']
    """
    fmt = _check_format(format, "definitions")
    table = _table(root, fmt)
    return [_finish_plain(_definition(v, table, digits), fmt)
            for v in topological_order(root) if not v.is_constant]


def _definition(node: Value, table: _Names, digits: int) -> str:
    name = table.name(node)
    value = number(node.data, digits, table.format)
    if node.is_leaf or node._fn is None:
        return f"{name} = {value}"
    expr, _ = _render(node, [table.forms[p] for p in node.parents], table.format)
    return " = ".join([name] + ([expr] if expr != name else []) + [value])


def path(root: Value, edges: Sequence[Tuple[Value, int]], digits: int = 4, format: str = "text") -> str:
    r"""The product of the local derivatives along one path down from ``root`` (``edges``:
    ``(node, input position)`` from the root down): symbols, formulas, numbers, product.

    >>> x = Value(1.0, label="x"); w = Value(2.0, label="w")
    >>> h = x * w; h.label = "h"
    >>> L = h ** 2; L.label = "L"
    >>> path(L, [(L, 0), (h, 0)])
    '∂L/∂h · ∂h/∂x = 2·h · w = 4.0 · 2.0 = 8.0'
    """
    fmt = _check_format(format, "path")
    return _finish_plain(_path(edges, _table(root, fmt), digits), fmt)


def _path(edges: Sequence[Tuple[Value, int]], table: _Names, digits: int) -> str:
    base = table.format
    times = _times(base)
    symbols, rules, values = [], [], []
    product = 1.0
    for node, position in edges:
        parent = node.parents[position]
        which = f"[{position + 1}]" if len(node.parents) == 2 and node.parents[0] is node.parents[1] else ""
        symbols.append(local(table.arg(node), table.arg(parent), base) + which)
        value = node.local_derivatives()[position]
        product *= value
        values.append(number(value, digits, base))
        rules.append(_rule(node, position, table) or values[-1])
    many = len(edges) > 1
    parts = [times.join(symbols)]
    if rules != values:
        parts.append(times.join(_factor(r, base) if many else r for r in rules))
    if many:
        parts.append(times.join(_factor(v, base) if i else v for i, v in enumerate(values)))
    if many or parts[-1] != values[0]:
        parts.append(number(product, digits, base))
    return " = ".join(parts)


def render(text: str, format: str = "text") -> str:
    r"""Plain notation text made ready for ``format`` (escaped for HTML, a code span for Markdown).

    >>> render("dL/dx = 1 < 2", "html"), render("a | b", "markdown")
    ('dL/dx = 1 &lt; 2', '`a \\| b`')
    """
    fmt = _check_format(format, "render")
    if fmt == "latex":
        raise ValueError("render() cannot turn text into LaTeX; render the parts with format='latex'")
    return _finish(text, fmt)


def _accumulated(lhs: str, first: bool, before: float, contribution: float, after: float, final: bool,
                 digits: int, base: str) -> str:
    r"""``lhs = after`` on the first contribution, else ``lhs = before ± |contribution| = after``;
    `` (complete)`` after the last (``final``). Shared by forward steps and neuron steps.

    >>> _accumulated("dy/dx", False, 2.0, -0.5, 1.5, True, 4, "text")
    'dy/dx = 2.0 − 0.5 = 1.5 (complete)'
    """
    if first:
        text = f"{lhs} = {number(after, digits, base)}"
    else:
        sign = ("-" if base == "latex" else MINUS) if contribution < 0 else "+"
        text = (f"{lhs} = {number(before, digits, base)} {sign} "
                f"{number(abs(contribution), digits, base)} = {number(after, digits, base)}")
    if final:
        text += r" \quad \text{(complete)}" if base == "latex" else " (complete)"
    return text
