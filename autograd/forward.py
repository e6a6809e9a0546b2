"""Forward mode: the chain rule from the inputs outwards, through the same op table.

Reverse mode (``backward()``) starts at the output and hands every node
``dL/dnode``. Forward mode starts at an input ``x`` with a *tangent* (how fast
it moves, usually 1) and hands every node ``dnode/dx``, in the order the
values themselves were computed::

    dn/dx = ∂n/∂a · da/dx + ∂n/∂b · db/dx

The local derivatives ``∂n/∂a`` come from the very same rows of
:mod:`autograd.ops` that ``backward()`` reads (``op.local``), so there is no
second set of derivative rules: a new op works here the day it is added.

- :func:`tangents`: the sweep itself, on a graph you already have;
- :func:`jvp`: ``(f(x), J·v)`` like ``torch.func.jvp``, composable with
  :func:`~autograd.grad` (and itself) to any order;
- :func:`jacobian` (forward mode, one pass per input) and :func:`hessian`
  (forward mode over reverse mode) as nested lists.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .engine import MANY, graph_order, topological_order
from .functional import grad
from .mode import enable_grad
from .value import Value, _is_real, _type_error

__all__ = ["tangents", "jvp", "jacobian", "hessian"]

ArgNums = Union[int, Sequence[int]]


def tangents(root: Value, seeds: Mapping[Value, Any], counter: Optional[List[int]] = None) -> Dict[Value, Any]:
    """``dnode/dx`` (times the seed) for every node ``root`` depends on: one forward-mode pass.

    ``seeds`` maps the nodes you differentiate with respect to to their
    tangents (``{x: 1.0}`` for ``d/dx``; ``{x: 1.0, y: 2.0}`` for the
    directional derivative along ``(1, 2)``). Every other leaf has tangent 0.
    Nodes are visited inputs first and each applies
    ``tangent[n] = Σ ∂n/∂p · tangent[p]`` over its inputs ``p``, with ``∂n/∂p``
    from the op table. The result holds every node's tangent (constants left out).

    With float tangents every local derivative is evaluated on floats, one per
    edge from a non-constant input, as dual numbers would, and ``counter[0]``
    (if given) grows by their number. With a ``Value`` among the tangents, or
    ``Value`` seeds traced by an outer :func:`~autograd.grad`, the tangents are
    Values with graphs of their own (differentiable again); edges whose input
    has a plain ``0.0`` tangent are then skipped, so the graph stays small.

    >>> from autograd import Value
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = (x * w).tanh() + x
    >>> t = tangents(y, {x: 1.0})
    >>> round(t[y], 6), t[w]  # dy/dx = w·(1 - tanh(x·w)²) + 1, and w does not move
    (0.999926, 0.0)
    >>> y.backward(); t[y] == x.grad
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"tangents() needs a Value, got {type(root).__name__}: {root!r}")
    if not isinstance(seeds, Mapping):
        raise TypeError(f"tangents() seeds must be a dict {{Value: tangent}}, got {type(seeds).__name__}")
    for node, t in seeds.items():
        if not isinstance(node, Value):
            raise TypeError(f"tangents() seeds keys must be Values, got {type(node).__name__}: {node!r}")
        if not isinstance(t, Value) and not _is_real(t):
            raise _type_error("tangents() seed tangent", t)
    if any(isinstance(t, Value) for t in seeds.values()) or _traced(seeds):
        with enable_grad():  # the tangents' own graphs are what an outer grad() differentiates
            return _value_sweep(root, seeds)
    return _float_sweep(root, {k: float(t) for k, t in seeds.items()}, counter)


def _traced(seeds: Mapping[Value, Any]) -> bool:
    # Seeds that are not leaves were made by an outer transform's trace: keep the graph.
    return any(not node.is_leaf for node in seeds)


def _float_sweep(root: Value, seeds: Dict[Value, float], counter: Optional[List[int]]) -> Dict[Value, Any]:
    tangent: Dict[Value, Any] = dict(seeds)
    evaluations = 0
    for node in graph_order(root):  # inputs first; a number in an expression stays a float
        a = node._a
        if a is None or node in seeds:
            tangent.setdefault(node, 0.0)
            continue
        b = node._b
        local = node._fn.local
        if b is None:
            (da,) = local(node.data, a.data)
            tangent[node] = da * tangent[a]
            evaluations += _moves(a)
        elif type(b) is float:  # x * 2: the number's tangent is 0
            da, _ = local(node.data, a.data, b)
            tangent[node] = da * tangent[a]
            evaluations += _moves(a)
        elif type(a) is float:
            _, db = local(node.data, a, b.data)
            tangent[node] = db * tangent[b]
            evaluations += _moves(b)
        elif b is MANY:  # an n-ary op (autograd.sum, softmax, ...): a is the tuple of its inputs
            locals_ = local(node.data, *[p.data for p in a])
            tangent[node] = sum([d * tangent[p] for d, p in zip(locals_, a)], -0.0)  # left to right
            evaluations += sum(_moves(p) for p in a)
        else:
            da, db = local(node.data, a.data, b.data)
            tangent[node] = da * tangent[a] + db * tangent[b]
            evaluations += _moves(a) + _moves(b)
    if counter is not None:
        counter[0] += evaluations
    return tangent


def _moves(parent: Value) -> int:
    # One local derivative to evaluate for an input that is not a constant (a number in the
    # expression someone has already turned into a constant Value counts as the number it is).
    return 0 if parent.is_constant else 1


def _value_sweep(root: Value, seeds: Mapping[Value, Any]) -> Dict[Value, Any]:
    tangent: Dict[Value, Any] = dict(seeds)
    for node in topological_order(root):
        if node in seeds:
            continue
        parents = node.parents
        moving = [(i, p) for i, p in enumerate(parents) if not _is_zero(tangent.get(p, 0.0))]
        if not moving:
            if not node.is_constant:
                tangent[node] = 0.0
            continue
        locals_ = node._fn.local(node, *parents)  # on Values: the derivative has a graph too
        total: Any = 0.0
        for i, p in moving:
            term = locals_[i] * tangent[p]
            total = term if _is_zero(total) else total + term
        tangent[node] = total
    return tangent


def _is_zero(t: Any) -> bool:
    return type(t) is float and t == 0.0


# --- jvp -------------------------------------------------------------------------------------------

def _as_tuple(what: str, xs: Any) -> Tuple[Any, ...]:
    if not isinstance(xs, (tuple, list)):
        raise TypeError(f"jvp() {what} must be a tuple (one entry per argument of f), got "
                        f"{type(xs).__name__}: {xs!r}")
    for i, x in enumerate(xs):
        if not isinstance(x, Value) and not _is_real(x):
            raise _type_error(f"jvp() {what}[{i}]", x)
    return tuple(xs)


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> Tuple[Any, Any]:
    """``(f(*primals), J·tangents)``: the value and the directional derivative, by forward mode.

    As ``torch.func.jvp``: ``primals`` and ``tangents`` are tuples with one
    number per argument of ``f``; the second result is
    ``Σ_i ∂f/∂x_i · tangents[i]`` (with one argument and tangent ``1.0``,
    simply ``f'(x)``). ``f`` returns a Value or a number, or a tuple/list of
    them (then both results are tuples). Floats in give floats out. Values in
    (as when an outer :func:`~autograd.grad` or ``jvp`` traces ``f``) give
    Values out, differentiable again, so ``jvp`` composes with ``grad`` and
    with itself to any order.

    >>> from autograd import grad
    >>> f = lambda x, y: x * y + x.sin()
    >>> jvp(f, (0.0, 3.0), (1.0, 0.0))  # value, and df/dx = y + cos(x)
    (0.0, 4.0)
    >>> jvp(f, (0.0, 3.0), (1.0, 2.0))  # along (1, 2): df/dx + 2 df/dy
    (0.0, 4.0)
    >>> g = lambda x: x ** 3
    >>> jvp(grad(g), (2.0,), (1.0,))  # forward over reverse: g'(2), g''(2)
    (12.0, 12.0)
    >>> grad(lambda x: jvp(g, (x,), (1.0,))[1])(2.0)  # reverse over forward: g''(2)
    12.0
    """
    if not callable(f):
        raise TypeError(f"jvp() needs a function, got {type(f).__name__}: {f!r}")
    xs = _as_tuple("primals", primals)
    ts = _as_tuple("tangents", tangents)
    if len(xs) != len(ts):
        raise ValueError(f"jvp() needs one tangent per primal, got {len(xs)} primals and {len(ts)} tangents")
    as_values = any(isinstance(v, Value) for v in xs + ts)
    with enable_grad():  # forward mode reads the graph, even inside no_grad()
        # Each argument is a node of its own, as torch.func.jvp's dual tensors: a Value passed
        # in (or passed twice, or also captured by f) enters through ``x + 0.0``, which has x's
        # value and moves with this argument's tangent only; the outer graph sees d/dx = 1.
        inputs = [x + 0.0 if isinstance(x, Value) else Value(x) for x in xs]
        out = f(*inputs)
        outputs = list(out) if isinstance(out, (tuple, list)) else [out]
        for i, o in enumerate(outputs):
            if not isinstance(o, Value) and not _is_real(o):
                where = f" output {i}" if isinstance(out, (tuple, list)) else ""
                raise TypeError(f"jvp() needs f to return Values or numbers, got{where} {type(o).__name__}: {o!r}")
        seeds: Dict[Value, Any] = dict(zip(inputs, ts))
        if as_values:
            seeds = {x: t if isinstance(t, Value) else Value(t) for x, t in seeds.items()}
        results = [_jvp_one(o, seeds, as_values) for o in outputs]
    values = tuple(v for v, _ in results)
    derivatives = tuple(d for _, d in results)
    if isinstance(out, (tuple, list)):
        return values, derivatives
    return values[0], derivatives[0]


def _jvp_one(out: Any, seeds: Dict[Value, Any], as_values: bool) -> Tuple[Any, Any]:
    if not isinstance(out, Value):  # f returned a number: it does not move
        return (Value(out) if as_values else float(out)), (Value(0.0) if as_values else 0.0)
    if as_values:
        d = tangents(out, seeds).get(out, 0.0)
        return out, d if isinstance(d, Value) else Value(d)
    d = tangents(out, seeds).get(out, 0.0)
    return out.data, float(d.data if isinstance(d, Value) else d)


# --- jacobian and hessian --------------------------------------------------------------------------

def _check_argnums(name: str, f: Any, argnums: Optional[ArgNums]) -> None:
    if not callable(f):
        raise TypeError(f"{name}() needs a function, got {type(f).__name__}: {f!r}")
    if argnums is None or (isinstance(argnums, int) and not isinstance(argnums, bool)):
        return
    if not (isinstance(argnums, (tuple, list)) and argnums
            and all(isinstance(i, int) and not isinstance(i, bool) for i in argnums)):
        raise TypeError(f"{name}() argnums must be an int or a non-empty tuple of ints, got {argnums!r}")


def _positions(name: str, argnums: Optional[ArgNums], n: int) -> Tuple[Tuple[int, ...], bool]:
    if argnums is None:
        return tuple(range(n)), True
    if isinstance(argnums, int):
        positions: Tuple[int, ...] = (argnums,)
        many = False
    else:
        positions, many = tuple(argnums), True
    for i in positions:
        if not -n <= i < n:
            raise ValueError(f"{name}() argnums {i} is out of range for {n} argument(s)")
    return tuple(i % n for i in positions), many


def _check_args(name: str, args: Tuple[Any, ...], argnums: Optional[ArgNums]) -> Tuple[Tuple[int, ...], bool]:
    if not args:
        raise ValueError(f"{name}() needs at least one argument to differentiate with respect to")
    for i, a in enumerate(args):
        if not isinstance(a, Value) and not _is_real(a):
            raise _type_error(f"{name}() argument {i}", a)
    return _positions(name, argnums, len(args))


def jacobian(f: Callable[..., Any], argnums: Optional[ArgNums] = None) -> Callable[..., Any]:
    """The function computing ``f``'s Jacobian by forward mode: one :func:`jvp` pass per input.

    ``argnums`` picks the arguments (default: all of them). For ``f`` returning
    one Value the result is the list of partials ``[∂f/∂x_1, ..., ∂f/∂x_n]``;
    for ``f`` returning m Values it is m rows of n, ``J[i][j] = ∂f_i/∂x_j``
    (the shapes of ``torch.autograd.functional.jacobian`` on scalars). An int
    ``argnums`` drops the inner list. Floats in, floats out; Values in, Values out.

    >>> f = lambda x, y: (x * y, x + y.exp())
    >>> jacobian(f)(2.0, 0.0)
    [[0.0, 2.0], [1.0, 1.0]]
    >>> jacobian(lambda x, y: x * y)(2.0, 5.0), jacobian(lambda x, y: x * y, argnums=1)(2.0, 5.0)
    ([5.0, 2.0], 2.0)
    """
    _check_argnums("jacobian", f, argnums)

    def jacobian_of_f(*args: Any) -> Any:
        positions, many = _check_args("jacobian", args, argnums)
        columns = []
        for j in positions:  # one forward pass per input: the column dF/dx_j
            direction = tuple(1.0 if i == j else 0.0 for i in range(len(args)))
            _, column = jvp(f, args, direction)
            columns.append(column)
        if isinstance(columns[0], tuple):  # m outputs: rows of the transposed columns
            rows = [[column[i] for column in columns] for i in range(len(columns[0]))]
            return rows if many else [row[0] for row in rows]
        return list(columns) if many else columns[0]

    jacobian_of_f.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
    return jacobian_of_f


def hessian(f: Callable[..., Any], argnums: Optional[ArgNums] = None) -> Callable[..., Any]:
    """The function computing ``f``'s matrix of second derivatives, forward mode over reverse mode.

    Reverse mode gives the gradient in one pass (:func:`~autograd.grad`);
    forward mode differentiates that gradient along each input, one pass per
    column: ``H[i][j] = ∂²f/∂x_i∂x_j``, as ``torch.autograd.functional.hessian``
    (``argnums`` picks the arguments; default all, an int gives one number).

    >>> f = lambda x, y: x ** 2 * y + y.sin()
    >>> hessian(f)(1.0, 0.0)  # [[2y, 2x], [2x, -sin y]]
    [[0.0, 2.0], [2.0, 0.0]]
    >>> hessian(lambda x: x ** 4, argnums=0)(2.0)
    48.0
    """
    _check_argnums("hessian", f, argnums)

    def hessian_of_f(*args: Any) -> Any:
        positions, many = _check_args("hessian", args, argnums)
        gradient = grad(f, argnums=positions)  # reverse mode: every first partial at once
        columns = jacobian(gradient, argnums=positions)(*args)  # forward mode over it, a column a pass
        # the rows of that Jacobian: H[i][j] = d(df/dx_i)/dx_j
        return columns if many else columns[0][0]

    hessian_of_f.__name__ = f"hessian_{getattr(f, '__name__', 'f')}"
    return hessian_of_f
