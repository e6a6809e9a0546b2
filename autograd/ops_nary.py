"""The n-ary rows of the op table: ``sum``, ``logsumexp`` and softmax's outputs.

Their ``arity`` is :data:`VARIADIC`: a node keeps its inputs as one tuple
(see ``Value``) and ``local`` returns one derivative per input. Their formulas
use ``{x}``, the input the derivative is taken with respect to, and ``{j}``,
its position. :mod:`autograd.ops` lists ``sum`` and ``logsumexp`` in ``OPS``
with every other row; softmax makes one row per output (:func:`softmax_op`).
"""

from __future__ import annotations

import math
from functools import lru_cache, reduce
from operator import add
from typing import Any, Dict, List, Optional, Tuple

from .oprow import VARIADIC, Op

__all__ = ["SUM", "LOGSUMEXP", "softmax_op", "softmax_ops", "softmax_floats", "softmax_outputs", "SoftmaxInputs"]


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


def _sum_fwd(*xs: float) -> float:
    # Left to right, exactly ``x0 + x1 + ...`` (-0.0 is the identity of +). Not the builtin
    # sum(): from Python 3.12 it compensates float sums, which ``a + b + c`` does not.
    return reduce(add, xs, -0.0)


def _logsumexp_fwd(*xs: float) -> float:
    # log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the largest: no exp
    # overflows. As torch: nan anywhere gives nan, +inf gives inf, all -inf gives -inf.
    if any(x != x for x in xs):
        return math.nan
    m = max(xs)
    if math.isinf(m):
        return m
    return m + math.log(sum([math.exp(x - m) for x in xs], -0.0))


def _np_logsumexp(np: Any, *xs: Any) -> Any:
    stacked = np.stack(np.broadcast_arrays(*xs))
    m = stacked.max(axis=0)
    shift = np.where(np.isfinite(m), m, 0.0)
    out = shift + np.log(np.sum(np.exp(stacked - shift), axis=0))
    out = np.where(np.isinf(m), m, out)
    return np.where(np.isnan(stacked).any(axis=0), np.nan, out)


def _np_softmax(np: Any, out: Any, *xs: Any) -> Tuple[Any, ...]:
    stacked = np.stack(np.broadcast_arrays(*xs))
    m = stacked.max(axis=0)
    exps = np.exp(stacked - m)
    return tuple(np.where(np.isinf(m), exps, exps / exps.sum(axis=0)))


def softmax_floats(xs: Tuple[float, ...]) -> List[float]:
    """softmax of numbers: ``exp(x_i - m) / sum(exp(x_j - m))`` with ``m`` the largest.

    >>> [round(s, 6) for s in softmax_floats((1.0, 2.0, 3.0))]
    [0.090031, 0.244728, 0.665241]
    >>> softmax_floats((0.0, math.nan, math.inf))
    [nan, nan, nan]
    """
    if any(x != x for x in xs):  # as torch: a nan anywhere makes every output nan
        return [math.nan] * len(xs)
    m = max(xs)
    if math.isinf(m):  # as torch: exp(x - m), 0 for a finite x and nan for an infinite one
        return [math.exp(x - m) if x - m == x - m else math.nan for x in xs]
    exps = [math.exp(x - m) for x in xs]
    total = reduce(add, exps, -0.0)  # left to right, as the compiled tape adds them
    return [e / total for e in exps]


def softmax_outputs(xs: Tuple[float, ...], probabilities: Optional[List[float]] = None) -> List[float]:
    """softmax's outputs for numbers: :func:`softmax_floats` (or ``probabilities``, when
    they have already been computed from ``xs``), except that, as in torch, every output
    is nan when the largest input is +inf (``inf / inf``). (logsumexp's derivative keeps
    :func:`softmax_floats`: there torch gives ``exp(x_j - inf)``, 0 for a finite input.)

    >>> softmax_outputs((0.0, 0.0, math.inf))
    [nan, nan, nan]
    """
    if max(xs) == math.inf:
        return [math.nan] * len(xs)
    return softmax_floats(xs) if probabilities is None else probabilities


class SoftmaxInputs(tuple):
    """The inputs the outputs of one softmax share (their ``_a``), with the
    ``probabilities`` the forward pass computed from them (:func:`softmax_floats`):
    the float backward pass reads them, as PyTorch's softmax backward reads its
    saved output, instead of computing the softmax again for every output.

    >>> group = SoftmaxInputs((1.0, 2.0)); group.probabilities = softmax_floats(group)
    >>> len(group), [round(p, 6) for p in group.probabilities]
    (2, [0.268941, 0.731059])
    """

    probabilities: List[float]


#: The last softmax a derivative needed, as (inputs, probabilities): the
#: backward pass asks for the same one once per output, one after another.
_last_softmax: List[Any] = [((), [])]


def _softmax_again(xs: Tuple[float, ...]) -> List[float]:
    last = _last_softmax[0]
    if last[0] == xs:
        return last[1]
    s = softmax_floats(xs)
    _last_softmax[0] = (xs, s)
    return s


def _logsumexp_locals(out: Any, *xs: Any) -> Tuple[Any, ...]:
    # d logsumexp / d x_j = exp(x_j - out) = softmax_j, computed as softmax (never above 1).
    if _is_number(out):
        return tuple(softmax_floats(xs))
    # the same derivative as Values, for derivatives of any order (Value.softmax: autograd.nary)
    return tuple(xs[0].softmax(*xs[1:]))


#: ``code`` of an n-ary row is its one expression for every input.
SUM = Op("sum", "sum", VARIADIC, _sum_fwd, lambda out, *xs: (1.0,) * len(xs), ("1",),
         label="Σ", commutative=True, code=("1.0",), sympy=lambda sp, num, *xs: sp.Add(*xs))
LOGSUMEXP = Op("logsumexp", "logsumexp", VARIADIC, _logsumexp_fwd, _logsumexp_locals, ("softmax_{j}",),
               commutative=True, np_forward=_np_logsumexp, np_local=_np_softmax,
               sympy=lambda sp, num, *xs: sp.log(sp.Add(*[sp.exp(x) for x in xs])))


@lru_cache(maxsize=4096)
def softmax_op(i: int) -> Op:
    """Output ``i`` of ``softmax(x_0, ..., x_n)``: ``exp(x_i) / sum_j exp(x_j)``,
    with d s_i / d x_j = s_i (1 - s_i) for j = i and -s_i s_j otherwise.

    >>> s1 = softmax_op(1)
    >>> round(s1.forward(0.0, 0.0), 6), [round(d, 6) for d in s1.local(0.5, 0.0, 0.0)]
    (0.5, [-0.25, 0.25])
    """
    def forward(*xs: float) -> float:
        m = max(xs)
        exps = [math.exp(x - m) for x in xs]
        return exps[i] / sum(exps, -0.0)

    def local(out: Any, *xs: Any) -> Tuple[Any, ...]:
        s: List[Any]
        if _is_number(out):
            s = _softmax_again(xs)
        else:
            s = xs[0].softmax(*xs[1:])  # the same op on Values, for derivatives of any order
        return tuple([out * (1.0 - out) if j == i else -out * s[j] for j in range(len(xs))])

    def np_forward(np: Any, *xs: Any) -> Any:
        stacked = np.stack(np.broadcast_arrays(*xs))
        return np.where(stacked.max(axis=0) == np.inf, np.nan, _np_softmax(np, None, *xs)[i])

    def np_local(np: Any, out: Any, *xs: Any) -> Tuple[Any, ...]:
        s = _np_softmax(np, None, *xs)
        return tuple([out * (1.0 - out) if j == i else -out * s[j] for j in range(len(xs))])

    return Op("softmax", "softmax", VARIADIC, forward, local, ("{o}·(1 - {o})", "-{o}·softmax_{j}"), i,
              label="softmax", np_forward=np_forward, np_local=np_local,
              sympy=lambda sp, num, *xs: sp.exp(xs[i]) / sp.Add(*[sp.exp(x) for x in xs]))



#: ``(softmax_op(0), ..., softmax_op(n - 1))`` by ``n``, for each ``n`` asked for so far.
_softmax_ops: Dict[int, Tuple[Op, ...]] = {}


def softmax_ops(n: int) -> Tuple[Op, ...]:
    """The ops of the ``n`` outputs of a softmax of ``n`` inputs.

    >>> [op.param for op in softmax_ops(3)]
    [0, 1, 2]
    """
    found = _softmax_ops.get(n)
    if found is None:
        found = _softmax_ops[n] = tuple([softmax_op(i) for i in range(n)])
    return found
