"""Symbolic differentiation: a graph of Values as a SymPy expression.

Automatic differentiation (``backward()``, forward mode) works with *numbers*:
every local derivative is evaluated at the point, and the expression for the
derivative is never written down. A computer algebra system such as SymPy
works with *formulas*: :func:`to_sympy` turns a graph into one, whose leaves
are symbols named as every other view names them (their labels), so
``sympy.diff`` gives the derivative as a formula. Evaluated at the leaves'
data, it is the same number as ``.grad``.

Written out as a formula, a value used twice appears twice: the formula of a
network grows much faster than its graph, and its derivative faster still.
:func:`expression_size` measures that "expression swell".

Needs SymPy: ``pip install chainrule[symbolic]``. (Imported only when called,
so ``autograd`` itself keeps to the standard library.)
"""

from __future__ import annotations

from typing import Any, Callable, Dict

from . import ops
from .engine import topological_order
from .steps import node_names
from .value import Value

__all__ = ["to_sympy", "symbols_of", "expression_size", "SYMPY_RULES"]


def _sympy() -> Any:
    try:
        import sympy
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("to_sympy() needs SymPy: pip install chainrule[symbolic]  (or: pip install sympy)") from None
    return sympy


def _number(sp: Any, x: float) -> Any:
    """A float as SymPy sees it: an Integer when it is one, else the exact binary Float."""
    return sp.Integer(int(x)) if float(x).is_integer() and abs(x) < 2 ** 53 else sp.Float(x, 17)


def _param(sp: Any, p: Any) -> Any:
    return _number(sp, float(p))


def _from_row(sp: Any, op: Any, *args: Any) -> Any:
    return op.sympy(sp, lambda x: _param(sp, x), *args)


#: The ops that have a SymPy formula (the row's ``sympy`` in :mod:`autograd.ops`), by op name:
#: ``rule(sympy, op, *args)``. (The derivatives are SymPy's own; the conventions at kinks are
#: PyTorch's, as ``backward()``: relu'(0) = 0, leaky_relu'(0) = slope, |x|'(0) = sign(0) = 0.)
SYMPY_RULES: Dict[str, Callable[..., Any]] = {
    row.name: _from_row
    for row in (*ops.OPS.values(), *(family.make(family.example) for family in ops.FAMILIES.values()),
                ops.softmax_op(0))
    if row.sympy is not None
}


def to_sympy(value: Value) -> Any:
    """The SymPy expression that computes ``value`` from the leaves of its graph.

    Each leaf becomes a real ``sympy.Symbol`` named as every other view names
    it (its label; ``v<i>`` for an unlabelled one, as in :func:`autograd.explain`);
    a number inside an expression stays a number. :func:`symbols_of` gives the
    symbol of each leaf, to differentiate with ``sympy.diff`` and evaluate at
    the leaves' data with ``.subs``.

    >>> import sympy
    >>> from autograd import Value
    >>> x, w = Value(0.5, label="x"), Value(-2.0, label="w")
    >>> y = (x * w + 1).tanh()
    >>> expr = to_sympy(y); expr
    tanh(w*x + 1)
    >>> X, W = sympy.symbols("x w", real=True)
    >>> sympy.diff(expr, W)
    x*(1 - tanh(w*x + 1)**2)
    >>> y.backward()
    >>> float(sympy.diff(expr, W).subs({X: x.data, W: w.data})) == w.grad
    True
    """
    if not isinstance(value, Value):
        raise TypeError(f"to_sympy() needs a Value, got {type(value).__name__}: {value!r}")
    sp = _sympy()
    names = node_names(value)
    expr: Dict[Value, Any] = {}
    for node in topological_order(value):  # inputs first: every input is ready when needed
        if node.is_constant:
            expr[node] = _number(sp, node.data)
        elif node.is_leaf:
            expr[node] = sp.Symbol(names[node], real=True)
        else:
            op = node._fn
            if op.sympy is None:
                raise NotImplementedError(
                    f"to_sympy(): the op {op.name!r} has no SymPy formula; add one to its row (sympy=) in "
                    f"autograd/ops.py")
            expr[node] = _from_row(sp, op, *[expr[p] for p in node.parents])
    return expr[value]


def symbols_of(value: Value) -> Dict[Value, Any]:
    """The SymPy symbol :func:`to_sympy` gives each leaf of ``value``'s graph, by leaf.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> symbols_of(x * x + 1)
    {Value(data=3.0, grad=0.0, label='x'): x}
    """
    if not isinstance(value, Value):
        raise TypeError(f"symbols_of() needs a Value, got {type(value).__name__}: {value!r}")
    sp = _sympy()
    names = node_names(value)
    return {v: sp.Symbol(names[v], real=True) for v in topological_order(value) if v.is_leaf and not v.is_constant}


def expression_size(expr: Any) -> int:
    """How many operations and atoms the expression has when written out as a tree
    (a sub-expression used twice is counted twice, as on paper).

    Counted without walking the tree, so an exponentially large written-out
    formula is measured in time proportional to its distinct parts.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> expression_size(x), expression_size(sympy.sin(x) + x)
    (1, 4)
    >>> expression_size(sympy.sin(x) * sympy.cos(sympy.sin(x)))  # sin(x) twice: 1 + 2 + (1 + 2)
    6
    """
    sizes: Dict[Any, int] = {}
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in sizes:
            stack.pop()
            continue
        pending = [a for a in e.args if a not in sizes]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        sizes[e] = 1 + sum(sizes[a] for a in e.args)
    return sizes[expr]
